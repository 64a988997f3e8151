package template

import "carnet/sync/replica"

// Board is a paper board of the seed as named zones on a grid of Columns x
// Rows cells. A note's zone field holds a zone id of the board of its
// session. Zones never overlap and never leave the grid; cells may stay
// empty.
type Board struct {
	ID      string // stable, lowercase-dashed: "usecase"
	Title   string
	Legend  string // how to fill the board: colour code, questions
	Columns int
	Rows    int
	// ColumnTitles and RowTitles, when set, head the grid's columns and
	// rows of a matrix (one entry per column or row); zones carry their
	// full title anyway.
	ColumnTitles []string
	RowTitles    []string
	Zones        []Zone
}

// Zone is a named area of a board, covering ColSpan x RowSpan cells from
// column Col and row Row, counted from 0 at the top left.
type Zone struct {
	ID      string // stable within its board, lowercase-dashed
	Title   string
	Hint    string // what goes there
	Col     int
	Row     int
	ColSpan int
	RowSpan int
	Color   string // default colour of a new note there (replica.Colors), or ""
}

// Zone returns the zone of b with that id.
func (b Board) Zone(id string) (Zone, bool) {
	for _, z := range b.Zones {
		if z.ID == id {
			return z, true
		}
	}
	return Zone{}, false
}

// Boards returns every built-in board, in a fixed order. Each call returns
// fresh values that the caller may change.
func Boards() []Board {
	return []Board{
		useCaseBoard(), threadsWallBoard(), timelineBoard(), costBenefitBoard(),
		economicModelBoard(), actionSheetBoard(), valueBoard(), checklistBoard(),
		stepByStepBoard(), businessModelBoard(), responsibleDigitalBoard(), callForProjectsBoard(),
	}
}

// GetBoard returns the built-in board with that id.
func GetBoard(id string) (Board, bool) {
	for _, b := range Boards() {
		if b.ID == id {
			return b, true
		}
	}
	return Board{}, false
}

// Board ids.
const (
	BoardUseCase            = "usecase"
	BoardThreadsWall        = "threads-wall"
	BoardTimeline           = "timeline"
	BoardCostBenefit        = "cost-benefit"
	BoardEconomicModel      = "economic-model"
	BoardActionSheet        = "action-sheet"
	BoardValue              = "value"
	BoardChecklist          = "checklist"
	BoardStepByStep         = "step-by-step"
	BoardBusinessModel      = "business-model"
	BoardResponsibleDigital = "responsible-digital"
	BoardCallForProjects    = "call-for-projects"
)

// cell is a zone of one cell.
func cell(id, title, hint string, col, row int) Zone {
	return Zone{ID: id, Title: title, Hint: hint, Col: col, Row: row, ColSpan: 1, RowSpan: 1}
}

// span is a zone of cols x rows cells.
func span(id, title, hint string, col, row, cols, rows int) Zone {
	return Zone{ID: id, Title: title, Hint: hint, Col: col, Row: row, ColSpan: cols, RowSpan: rows}
}

func colored(z Zone, color string) Zone { z.Color = color; return z }

// useCaseBoard is Toulon's drawing of a use case, in the colour code.
func useCaseBoard() Board {
	return Board{
		ID:    BoardUseCase,
		Title: "Dessine-moi ton cas d'usage",
		Legend: "Code couleur : le cas d'usage tel qu'il est aujourd'hui (bases de données en silos, applications en carrés) ; " +
			"la donnée qui circule, en petits points, dans une couleur au choix sauf rouge et vert (bleu, violet, noir) ; " +
			"les problèmes, irritants, en rouge avec des triangles ; ce qu'on aimerait dans le futur, les souhaits, en vert.",
		Columns: 4, Rows: 3,
		Zones: []Zone{
			colored(span("current", "État actuel", "Le cas d'usage tel qu'il est aujourd'hui : acteurs, bases de données (en silos), applications (en carrés), services rendus aux usagers.", 0, 0, 2, 2), replica.ColorCurrent),
			colored(span("data", "Donnée qui circule", "Les données collectées et leur cheminement : collectées, partagées, avec contrat, avec partenariats, envoyées vers une autre application, utilisées pour des statistiques...", 2, 0, 2, 1), replica.ColorData),
			colored(span("problems", "Problèmes / irritants", "En rouge, avec des triangles : les étapes où les données posent problème (difficultés à les trouver, statistiques d'usage impossibles, ressaisies, délais...).", 2, 1, 2, 1), replica.ColorProblem),
			colored(span("wishes", "Souhaits", "En vert : ce qui semblerait idéal à l'avenir.", 0, 2, 4, 1), replica.ColorWish),
		},
	}
}

// threadsWallBoard is Toulon's synthesis wall, where the threads are drawn.
func threadsWallBoard() Board {
	return Board{
		ID:      BoardThreadsWall,
		Title:   "Synthèse : les fils communs",
		Legend:  "Au fil des restitutions, rassembler les irritants (en rouge) et les souhaits d'évolution (en vert), puis les fils qu'ils tirent, en phrases courtes pour le vote. Penser au cycle de vie de la donnée pour bien tirer tous les fils.",
		Columns: 2, Rows: 2,
		Zones: []Zone{
			colored(cell("irritants", "Irritants", "Les problèmes rencontrés avec les données, restitués par chaque groupe.", 0, 0), replica.ColorProblem),
			colored(cell("wishes", "Souhaits d'évolution", "L'idéal de chaque groupe.", 1, 0), replica.ColorWish),
			colored(span("threads", "Fils communs", "Les fils que tirent irritants et souhaits (collecte, contrats, exploitation...), en phrases courtes.", 0, 1, 2, 1), replica.ColorIdea),
		},
	}
}

// timelineBoard is Lisieux's projection to 2027 and its backward planning.
func timelineBoard() Board {
	b := Board{
		ID:      BoardTimeline,
		Title:   "Rétroplanning vers 2027",
		Legend:  "Nous sommes en 2027 et, comme par magie, nous avons réussi : décrire la réussite, puis remonter le temps pour placer, année par année, les actions qui nous y ont amenés (une idée par post-it).",
		Columns: 7, Rows: 2,
	}
	for i, year := range []string{"2022", "2023", "2024", "2025", "2026", "2027"} {
		b.Zones = append(b.Zones, span("year-"+year, year, "Les actions et étapes franchies en "+year+".", i, 0, 1, 2))
	}
	b.Zones = append(b.Zones,
		colored(cell("success", "Réussite en 2027", "Qu'avons-nous réussi ? Le succès raconté en dessin ou en texte.", 6, 0), replica.ColorWish),
		cell("keys-to-success", "Enjeux pour réussir", "Les enjeux humains, stratégiques ou opérationnels à anticiper pour réussir.", 6, 1),
	)
	return b
}

// costBenefitBoard is the annex's cost-benefit matrix (Chamonix and Caux),
// with Chamonix's indicators below it.
func costBenefitBoard() Board {
	const (
		benefits     = "Bénéfices potentiels économiques, environnementaux, sociaux, humains (temps passé)"
		costs        = "Coûts (en euros), impacts négatifs sur l'environnement, coûts sociaux, humains (temps passé) potentiels"
		community    = "pour la collectivité et les usagers"
		stakeholders = "pour chaque partie prenante identifiée (entreprises, autres collectivités, associations...)"
	)
	return Board{
		ID:    BoardCostBenefit,
		Title: "Analyse coûts-bénéfices",
		Legend: "Le pourquoi du pourquoi, trois fois ; puis les bénéfices à gauche et les coûts à droite, pour la collectivité et les usagers, " +
			"puis pour chaque partie prenante, en investissement et en fonctionnement (sans oublier les coûts cachés : temps passé, acceptabilité, stress, risques). " +
			"Pour chaque bénéfice et chaque coût, proposer un indicateur.",
		Columns: 2, Rows: 9,
		Zones: []Zone{
			span("why-1", "Pourquoi voulez-vous mettre en œuvre votre cas d'usage ?", "En quoi et dans quelles conditions il répond au projet politique : environnemental, social, de développement économique. Pondérer les réponses avec des gommettes.", 0, 0, 2, 1),
			span("why-2", "Et pourquoi cet objectif ?", "", 0, 1, 2, 1),
			span("why-3", "Et pourquoi ?", "", 0, 2, 2, 1),
			cell("community-benefits-investment", "Bénéfices pour la collectivité et les usagers : investissement", benefits+", "+community+".", 0, 3),
			cell("community-costs-investment", "Coûts pour la collectivité et les usagers : investissement", costs+", "+community+".", 1, 3),
			cell("community-benefits-operation", "Bénéfices pour la collectivité et les usagers : fonctionnement", benefits+", "+community+".", 0, 4),
			cell("community-costs-operation", "Coûts pour la collectivité et les usagers : fonctionnement", costs+" (maintenance...), "+community+".", 1, 4),
			cell("stakeholders-benefits-investment", "Bénéfices pour chaque partie prenante : investissement", benefits+", "+stakeholders+".", 0, 5),
			cell("stakeholders-costs-investment", "Coûts pour chaque partie prenante : investissement", costs+", "+stakeholders+".", 1, 5),
			cell("stakeholders-benefits-operation", "Bénéfices pour chaque partie prenante : fonctionnement", benefits+", "+stakeholders+".", 0, 6),
			cell("stakeholders-costs-operation", "Coûts pour chaque partie prenante : fonctionnement", costs+" (maintenance...), "+stakeholders+".", 1, 6),
			cell("interest", "Intérêt du bilan", "Intérêt à réaliser un bilan des bénéfices et des coûts par rapport à l'objectif stratégique / politique.", 0, 7),
			cell("other-actions", "Autres actions", "Autres actions à prendre en compte pour concourir à l'objectif politique et stratégique et pour compléter l'intérêt du cas d'usage.", 1, 7),
			span("indicators", "Indicateurs", "Pour chaque bénéfice et chaque coût, un indicateur : €, jour/homme, impact carbone, tournées, utilisation de matière, impacts environnementaux, sociaux.", 0, 8, 2, 1),
		},
	}
}

// economicModelBoard is Chamonix's economic model workshop.
func economicModelBoard() Board {
	return Board{
		ID:      BoardEconomicModel,
		Title:   "Modèle économique",
		Legend:  "À partir des bénéfices pour les parties prenantes : ressources clés, partenaires clés, sources de financement et mécanismes vertueux ; puis les conditions de réussite de trois modèles.",
		Columns: 3, Rows: 4,
		Zones: []Zone{
			cell("stakeholder-benefits", "Bénéfices pour les parties prenantes", "Le point de départ : ce que le projet apporte à chacun.", 0, 0),
			cell("key-resources", "Ressources clés", "", 1, 0),
			cell("key-partners", "Partenaires clés", "", 2, 0),
			cell("funding", "Sources de financement possibles", "Chacun présente les fonds et financements qu'il connaît (syndicats, imposition directe...).", 0, 1),
			span("virtuous-mechanisms", "Mécanismes vertueux", "Pour partager les bénéfices des croisements de données, et pour partager les risques.", 1, 1, 2, 1),
			cell("savings-model", "Économies qui soutiennent l'investissement", "Conditions de réussite de ce modèle (exemples : Dijon, Angers).", 0, 2),
			cell("subsidy-model", "Subvention", "Conditions de réussite de ce modèle : de la dette.", 1, 2),
			cell("services-model", "Commercialisation d'une offre de services", "Conditions de réussite d'une offre de services aux acteurs du territoire.", 2, 2),
			span("deliverable", "Livrable", "Que peut-on en retirer comme livrable ?", 0, 3, 3, 1),
		},
	}
}

// actionSheetBoard is Chamonix's 4-box action sheet (fiche-action).
func actionSheetBoard() Board {
	return Board{
		ID:      BoardActionSheet,
		Title:   "Fiche-action",
		Legend:  "Une fiche-action par besoin : la problématique actuelle, comment la résoudre, avec qui, par quels moyens.",
		Columns: 2, Rows: 2,
		Zones: []Zone{
			cell("problem", "Quelle est la problématique actuelle ?", "", 0, 0),
			cell("solution", "Comment la résoudre ?", "", 1, 0),
			cell("with-whom", "Avec qui ?", "", 0, 1),
			cell("means", "Par quels moyens ?", "", 1, 1),
		},
	}
}

// valueBoard is Caux's value creation with the data: € and smiley markers.
func valueBoard() Board {
	return Board{
		ID:    BoardValue,
		Title: "Création de valeur avec les données",
		Legend: "Placez un symbole € partout où vous allez créer de la valeur monétaire ou réaliser des économies, " +
			"et un petit smiley content 🙂 quand vous aurez un impact qualitatif sur les délais, les process... " +
			"(un impact non financier, dont il faut estimer un équivalent monétaire).",
		Columns: 2, Rows: 3,
		Zones: []Zone{
			cell("benefits", "Bénéfices", "Les bénéfices produits par le cas d'usage et les bénéfices potentiels issus des croisements de données.", 0, 0),
			colored(cell("ideas", "Pistes de création de valeur", "Nouvelles données, nouveaux croisements, bénéfices des croisements (pour quelles parties prenantes ?), autres usages des données : où chercher des alliés ?", 1, 0), replica.ColorIdea),
			colored(cell("monetary-value", "€ Valeur monétaire", "Revenus pour les parties prenantes externes, économies pour les collectivités.", 0, 1), replica.ColorValue),
			colored(cell("qualitative-value", "🙂 Valeur qualitative", "Nouveaux usages pour les services ou les usagers, gains de temps, délais, process.", 1, 1), replica.ColorSmile),
			span("virtuous-circle", "Le cercle vertueux", "Comment finance-t-on le cercle vertueux établi avec les partenaires dans le partage des données ?", 0, 2, 2, 1),
		},
	}
}

// checklistBoard is Caux's yes/no table of the data steps of a project.
func checklistBoard() Board {
	rows := []struct{ id, short, title string }{
		{"data-value", "Maîtrise des données créatrices de valeur", "Point sur la maîtrise des données potentiellement créatrices de valeur (suite à l'atelier ACB) ?"},
		{"data-inventory", "Recensement des données disponibles", "Recensement des données disponibles pour réaliser le projet : réalisé ?"},
		{"data-holders", "Recensement des acteurs qui ont les données", "Recensement des acteurs qui ont ces données ?"},
		{"data-acquisition", "Acquisition des données", "Facilité d'acquisition des données payantes ? Possibilité de les obtenir par convention, de les récupérer en open data, données produites par la collectivité ? Qualifier les données, si ce n'est déjà fait."},
	}
	b := Board{
		ID:           BoardChecklist,
		Title:        "Étapes du projet : où en est-on ?",
		Legend:       "Pour chaque étape du projet, répondre OUI (satisfaisant ou pas) ou NON (actions à réaliser).",
		Columns:      2,
		Rows:         len(rows),
		ColumnTitles: []string{"OUI : satisfaisant ou pas", "NON : actions à réaliser"},
	}
	for i, r := range rows {
		b.RowTitles = append(b.RowTitles, r.title)
		b.Zones = append(b.Zones,
			cell(r.id+"-yes", r.short+" — OUI", r.title+" Si oui : satisfaisant ou pas ?", 0, i),
			cell(r.id+"-no", r.short+" — NON", r.title+" Si non : les actions à réaliser.", 1, i),
		)
	}
	return b
}

// stepByStepBoard is the data governance step-by-step plan of Caux, that
// every territory takes up again at Dunkerque.
func stepByStepBoard() Board {
	return Board{
		ID:      BoardStepByStep,
		Title:   "Pas-à-pas : gouvernance de la donnée",
		Legend:  "Comment mettre en œuvre une gouvernance de la donnée et l'inscrire dans une stratégie de territoire plus large ? Le résultat : un pas-à-pas pour le territoire, définissant la méthodologie à mettre en œuvre.",
		Columns: 2, Rows: 3,
		Zones: []Zone{
			cell("actors", "Institutions et personnes concernées", "Qui peut être moteur ? Qui a formulé un besoin ?", 0, 0),
			cell("catalogue", "Catalogage des données", "Avec un outil, des enquêtes... Comment s'y prendre ?", 1, 0),
			cell("political-support", "Portage politique", "Comment obtenir le portage politique ?", 0, 1),
			cell("territory-project", "Projet de territoire", "Comment faire entrer ce projet de gouvernance dans un projet de territoire plus large ?", 1, 1),
			span("steps", "Pas-à-pas", "La méthodologie à mettre en œuvre, étape par étape.", 0, 2, 2, 1),
		},
	}
}

// businessModelBoard is Caux's business model canvas, with users
// (usagers) instead of customers.
func businessModelBoard() Board {
	return Board{
		ID:      BoardBusinessModel,
		Title:   "Modèle d'affaire (Canvas)",
		Legend:  "Le modèle Canvas adapté aux collectivités : des usagers plutôt que des clients. À remplir en binôme.",
		Columns: 10, Rows: 3,
		Zones: []Zone{
			span("key-partners", "Partenaires clés", "Qui sont les partenaires et fournisseurs clés ? Qui détient les données ?", 0, 0, 2, 2),
			span("key-activities", "Activités clés", "Que faut-il faire pour rendre le service ?", 2, 0, 2, 1),
			span("key-resources", "Ressources clés", "Données, outils, compétences, temps nécessaires.", 2, 1, 2, 1),
			span("value-proposition", "Proposition de valeur", "Quel service, quel bénéfice pour les usagers ?", 4, 0, 2, 2),
			span("user-relationships", "Relation usagers", "Quelle relation établir et entretenir avec chaque segment d'usagers ?", 6, 0, 2, 1),
			span("channels", "Canaux", "Par quels canaux les usagers sont-ils informés et servis ?", 6, 1, 2, 1),
			span("user-segments", "Segments d'usagers", "Pour qui crée-t-on de la valeur ? Habitants, visiteurs, entreprises, services...", 8, 0, 2, 2),
			span("cost-structure", "Structure de coûts", "Les coûts d'investissement et de fonctionnement.", 0, 2, 5, 1),
			span("revenue-streams", "Sources de revenus et de financement", "Revenus, économies, subventions, cotisations...", 5, 2, 5, 1),
		},
	}
}

// responsibleDigitalBoard is the annex's responsible digital grid: the
// dimensions of a project against its life cycle and impacts.
func responsibleDigitalBoard() Board {
	dims := []struct{ id, short, title string }{
		{"ecological", "Écologique / énergétique", "Écologique / énergétique"},
		{"social", "Sociale", "Sociale (mobilisation des usagers, inclusion, accessibilité, gouvernance...)"},
		{"economic", "Économique", "Économique (analyse coût / bénéfice, commande publique...)"},
		{"ethical", "Éthique", "Éthique"},
		{"security", "Sécuritaire", "Sécuritaire"},
		{"other", "Autre dimension", "Autre dimension..."},
	}
	phases := []struct{ id, short, title string }{
		{"design", "Conception", "Conception (dont distribution)"},
		{"use", "Usage", "Usage"},
		{"end-of-life", "Fin de vie", "Fin de vie (recyclage, réutilisation...)"},
		{"positive-impacts", "Impacts positifs", "Impacts positifs"},
		{"negative-impacts", "Impacts négatifs", "Impacts négatifs"},
	}
	b := Board{
		ID:      BoardResponsibleDigital,
		Title:   "Numérique responsable",
		Legend:  "Les différentes dimensions (infrastructure, équipement, donnée) de mon projet sont-elles responsables ? Dimensions du numérique responsable (non limitatives), de la conception à la fin de vie.",
		Columns: len(phases), Rows: len(dims),
	}
	for _, p := range phases {
		b.ColumnTitles = append(b.ColumnTitles, p.title)
	}
	for r, d := range dims {
		b.RowTitles = append(b.RowTitles, d.title)
		for c, p := range phases {
			b.Zones = append(b.Zones, cell(d.id+"-"+p.id, d.short+" — "+p.short, d.title+" ; "+p.title+".", c, r))
		}
	}
	return b
}

// callForProjectsBoard is Dunkerque's answer to a call for projects.
func callForProjectsBoard() Board {
	return Board{
		ID:      BoardCallForProjects,
		Title:   "Réponse à un appel à projets",
		Legend:  "Mettre le projet en forme pour répondre à un appel à projets (à Dunkerque : « Ville et territoire connectés »), avec les agents des collectivités et les entreprises.",
		Columns: 3, Rows: 2,
		Zones: []Zone{
			cell("project", "Définition du projet", "", 0, 0),
			cell("objectives", "Objectifs", "", 1, 0),
			cell("consortium", "Groupement", "Les partenaires qui répondent ensemble.", 2, 0),
			cell("amounts", "Montants", "", 0, 1),
			span("form", "Mise en forme", "Les pièces et la forme attendues par l'appel à projets.", 1, 1, 2, 1),
		},
	}
}
