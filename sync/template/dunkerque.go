package template

// dunkerque is workshop 5 of the seed, the last one: each territory's
// step-by-step plan, the responsible digital grid, a call for projects,
// and what comes next.
func dunkerque() Template {
	return Template{
		ID:    "dunkerque",
		Title: "Pas-à-pas, numérique responsable et suites",
		Place: "Dunkerque",
		Summary: "Le dernier atelier n'interroge plus les cas d'usage : il envisage l'après, pour les projets (comment les pérenniser, envisager une version plus évoluée ?) comme pour la démarche. " +
			"Chaque territoire travaille son pas-à-pas ; puis deux ateliers en parallèle : la grille du numérique responsable et la réponse à un appel à projets ; enfin les suites à donner.",
		Rules:      Rules(),
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
		Groups:     numbered("Territoire", 5),
		Steps: []Step{
			welcome(),
			intro("Mot d'introduction", "envisager l'après, tant pour les projets (comment les pérenniser ? envisager une version plus évoluée ?) que pour la démarche ; "+
				"s'accorder sur les résultats : quels éléments doivent apparaître dans le rapport ? Comment rendre accessibles à d'autres territoires les ressources créées ? Comment organiser les productions de chacun ?"),
			freeIcebreaker(),
			{
				Title:        "Présentation de l'avancement des livrables",
				Instructions: "Présentation de l'avancement des livrables : le fil conducteur, les différents chapitres, et la manière dont les participants seront mobilisés.",
				Minutes:      60,
				Type:         TypeRoom,
				Format:       FormatPlenary,
			},
			{
				Title: "Pas-à-pas des territoires",
				Instructions: "Tous les territoires travaillent sur leur pas-à-pas, de la même manière que lors de l'atelier précédent (un groupe par territoire) : " +
					"les institutions et les personnes concernées (qui peut être moteur, qui a formulé un besoin ?), le catalogage des données, le portage politique, " +
					"l'inscription dans un projet de territoire plus large, et la méthodologie à mettre en œuvre, étape par étape.",
				Minutes: 45,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardStepByStep,
			},
			{
				Title: "Atelier Numérique responsable",
				Instructions: "Deux ateliers sont organisés en parallèle ; les participants se répartissent dans les groupes de travail de leur choix.\n\n" +
					"Les projets sont passés à la moulinette d'une grille de questions, qui deviendra le livrable « Questionner son projet sous l'angle du numérique responsable ». " +
					"Les différentes dimensions (infrastructure, équipement, donnée) de mon projet sont-elles responsables ? " +
					"Pour chaque dimension (écologique et énergétique, sociale, économique, éthique, sécuritaire, autre), regarder la conception, l'usage, la fin de vie, les impacts positifs et les impacts négatifs. " +
					"Les retours des participants permettent d'enrichir et de tester la matrice.",
				Minutes: 75,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardResponsibleDigital,
			},
			{
				Title: "Atelier Réponse à un appel à projets",
				Instructions: "En parallèle de l'atelier Numérique responsable : voir comment le projet pourrait être mis en forme pour répondre à l'appel à projets « Ville et territoire connectés ». " +
					"Un groupe par cas d'usage intéressé (3 à Dunkerque), composé d'agents des collectivités et de représentants des entreprises, " +
					"travaille à la construction d'une réponse : définition du projet, mise en forme, groupement, montants, objectifs...",
				Minutes:  75,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardCallForProjects,
				Parallel: true,
			},
			restitution("Restitution des deux groupes", "Les ateliers Numérique responsable et Appel à projets restituent leurs travaux : la grille enrichie et testée, les réponses construites.", 45),
			restitution("Suites à donner", "Les suites de la démarche, quelques propositions : une communauté, une réponse à l'appel à projets, continuer à travailler ensemble sur le numérique responsable.", 30),
			{
				Title: "Visite du port de plaisance",
				Instructions: "Une visite de terrain pour mieux appréhender les réalités des cas d'usage étudiés. " +
					"La visite n'est pas dans le tableau du protocole : la placer selon le programme des deux jours." + indicative,
				Minutes: 90,
				Type:    TypeVisit,
			},
		},
	}
}
