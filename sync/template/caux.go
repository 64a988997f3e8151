package template

// caux is workshop 4 of the seed: cost-benefit matrix, value creation with
// the data, data governance, business model canvas and a yes/no checklist.
func caux() Template {
	return Template{
		ID:    "caux",
		Title: "Coûts-bénéfices, création de valeur et gouvernance de la donnée",
		Place: "Caux",
		Summary: "Poursuivre l'analyse coûts-bénéfices des territoires et aller plus loin dans l'analyse économique : " +
			"comment créer de la valeur avec ses données et leurs croisements (€ et smileys), et à partir de là comment financer son projet. " +
			"Comment mettre en œuvre une gouvernance de la donnée et l'inscrire dans une stratégie de territoire plus large (un pas-à-pas) ; " +
			"le modèle d'affaire en Canvas, avec des usagers plutôt que des clients ; une check-list OUI / NON de la maîtrise des données.",
		Rules:      Rules(),
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
		Groups:     []string{"Analyse coûts-bénéfices", "Création de valeur avec les données", "Gouvernance de la donnée"},
		Steps: []Step{
			welcome(),
			intro("Mot d'introduction et rappel de l'état d'avancement du projet", "poursuivre l'analyse coûts-bénéfices, chercher comment créer de la valeur avec les données et comment financer son projet, et mettre en œuvre une gouvernance de la donnée."),
			freeIcebreaker(),
			{
				Title: "Atelier Analyse coûts-bénéfices",
				Instructions: "3 ateliers en parallèle, un par groupe.\n\n" +
					"Avec les collectivités, remplir la matrice d'analyse coûts-bénéfices (ACB, en annexe) : " +
					"pourquoi voulez-vous mettre en œuvre votre cas d'usage ? Et pourquoi cet objectif ? Et pourquoi ? " +
					"Puis les bénéfices potentiels (économiques, environnementaux, sociaux, humains) et les coûts (en euros, impacts négatifs sur l'environnement, coûts sociaux, humains), " +
					"pour la collectivité et les usagers puis pour chaque partie prenante identifiée (entreprises, autres collectivités, associations...), en investissement et en fonctionnement. " +
					"Enfin, l'intérêt d'un bilan des bénéfices et des coûts par rapport à l'objectif stratégique et politique, et les autres actions à prendre en compte.",
				Minutes: 60,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardCostBenefit,
			},
			{
				Title: "Atelier Création de valeurs avec les données",
				Instructions: "En parallèle des ateliers Analyse coûts-bénéfices et Gouvernance de la donnée.\n\n" +
					"On reprend les bénéfices des cas d'usage et on voit comment les croisements de données peuvent se traduire par des revenus monétaires pour les parties prenantes externes, " +
					"par des économies pour les collectivités, ou par de nouveaux usages pour les services ou les usagers.",
				Minutes:  60,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardValue,
				Parallel: true,
			},
			{
				Title: "Atelier Gouvernance de la donnée",
				Instructions: "En parallèle des ateliers Analyse coûts-bénéfices et Création de valeurs. " +
					"Comment mettre en œuvre une gouvernance de la donnée, comment l'inscrire dans une stratégie de territoire plus large ? " +
					"Comment initier une telle démarche ? Comment associer les différentes parties prenantes ? Comment arriver à un accord sur la création d'un bien commun ? " +
					"Que recouvre une gouvernance de la donnée ?\n\n" +
					"Un groupe par cas d'usage apporte les éléments suivants :\n" +
					"– les institutions et les types de personnes concernées : qui peut être moteur ? Qui a formulé un besoin ?\n" +
					"– le catalogage des données, avec un outil, des enquêtes... : comment s'y prendre ?\n" +
					"– comment obtenir le portage politique ?\n" +
					"– comment faire entrer ce projet de gouvernance dans un projet de territoire plus large ?\n\n" +
					"Le résultat de l'exercice est un « pas-à-pas » pour chaque territoire, définissant la méthodologie à mettre en œuvre.",
				Minutes:  60,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardStepByStep,
				Parallel: true,
			},
			restitution("Restitution", "Chaque atelier restitue ses travaux : la matrice coûts-bénéfices, les pistes de création de valeur, le pas-à-pas de gouvernance de chaque territoire.", 60),
			{
				Title: "Atelier Modèle d'affaire",
				Instructions: "Les collectivités remplissent leur modèle d'affaire, en binôme, à l'aide d'un modèle Canvas adapté : des usagers plutôt que des clients. " +
					"En parallèle, les autres participants remplissent une carte heuristique de la gouvernance des données.\n\n" +
					"Objectif : chaque territoire a une vision des différentes dimensions de son projet et des sujets qu'il devra traiter.",
				Minutes: 60,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardBusinessModel,
			},
			{
				Title: "Carte heuristique de la gouvernance des données",
				Instructions: "En parallèle du modèle d'affaire des collectivités. Les autres participants remplissent une carte heuristique (mind map) sur tous les aspects de la mise en œuvre " +
					"d'une gouvernance des données sur le territoire pour réussir son projet.\n\n" +
					"Objectif : chaque territoire a une vision des différentes dimensions de son projet et des sujets qu'il devra traiter. " +
					"Chaque branche, chaque sous-branche recense les actions, moyens, méthodes et idées identifiés au fil de tous les ateliers, " +
					"pour répondre au défi de la création de ce projet éminemment transversal.",
				Minutes:  60,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Parallel: true,
			},
			{
				Title: "Travail sur les livrables",
				Instructions: "– Lister tous les documents dont on aurait besoin en commun pour se lancer dans un projet, une gouvernance de la donnée.\n" +
					"– Focus SCIC : présentation du modèle de la société coopérative d'intérêt collectif.",
				Minutes: 60,
				Type:    TypeRoom,
			},
			{
				Title: "Création de valeur : maîtrise des données",
				Instructions: "1 atelier en parallèle du travail sur les livrables : comment créer de la valeur avec les données, quels modèles économiques autour des données ? " +
					"On travaille opérationnellement sur le territoire (à Caux : Chamonix et Dunkerque).\n\n" +
					"1er temps (20 min) : les participants repartent des bénéfices produits par leur cas d'usage et des bénéfices potentiels issus des croisements de données. " +
					"Ils font le point sur l'état d'avancement de leur maîtrise des données utiles au projet : connaissance des données disponibles, difficultés à les obtenir, données à acheter, " +
					"conventionnement nécessaire, contrats de délégation, financement, insertion dans une stratégie de partage plus globale...\n\n" +
					"Pour chaque étape du projet, répondre OUI (satisfaisant ou pas) ou NON (actions à réaliser).",
				Minutes:  20,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardChecklist,
				Parallel: true,
			},
			{
				Title: "Création de valeur : idées et valeurs créées",
				Instructions: "2e temps (10 min), idéation : les participants notent leurs idées sur des post-it. Quelles seraient vos pistes de création de valeur avec les données : " +
					"idées de création de nouvelles données, de nouveaux croisements, de bénéfices issus des croisements de données (et pour quelles parties prenantes) ? " +
					"Quelles données pourraient servir à quels autres usages ? Votre projet doit être attractif pour que les gens aient envie de travailler avec vous et faire des liens avec leurs métiers. " +
					"Par exemple à Caux, la gestion de crise utilise beaucoup de données, utiles à bien d'autres sujets : c'est peut-être là qu'il faut aussi chercher des alliés. " +
					"À Lisieux, le croisement des données cadastrales, de la CAF et du potentiel photovoltaïque permettrait de fournir de nouveaux services à des ménages modestes : " +
					"comment inciter les opérateurs à financer l'acquisition de données dont le croisement est si fructueux ?\n\n" +
					"3e temps : quelles valeurs seraient créées ? La création de valeur peut être qualitative, quantitative, faire gagner du temps, faire des économies : tout cela est chiffrable. " +
					"Placez des symboles € à tous les endroits où vous allez créer de la valeur monétaire ou réaliser des économies, et un petit smiley content 🙂 quand vous allez avoir un impact qualitatif " +
					"sur les délais, les process... (les impacts non financiers, pour lesquels il faut trouver une manière d'estimer un équivalent monétaire).\n\n" +
					"On synthétise pour répondre à la question : comment finance-t-on le cercle vertueux qui s'est établi avec les partenaires, dans le partage des données ?",
				Minutes:  40,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardValue,
				Parallel: true,
			},
			{
				Title: "Visite du port et de la zone industrielle",
				Instructions: "Une visite de terrain pour mieux appréhender les réalités des cas d'usage étudiés. " +
					"La visite n'est pas dans le tableau du protocole : la placer selon le programme des deux jours." + indicative,
				Minutes: 90,
				Type:    TypeVisit,
			},
		},
	}
}
