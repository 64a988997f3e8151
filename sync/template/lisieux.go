package template

// lisieux is workshop 2 of the seed: projection to 2027 on three threads,
// backward planning, then costs and benefits.
func lisieux() Template {
	return Template{
		ID:    "lisieux",
		Title: "Projection en 2027 et rétroplanning",
		Place: "Lisieux",
		Summary: "Trois fils identifiés à l'atelier précédent : la convergence des données, l'espace commun de données, le parcours usager idéal. " +
			"Chaque groupe se projette en 2027, raconte sa réussite et construit le rétroplanning qui y mène ; " +
			"puis deux ateliers en parallèle : les impacts (coûts et bénéfices) et les livrables.",
		Rules:      Rules(),
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
		Groups: []string{
			"Fil 1 : Convergence des données",
			"Fil 2 : L'espace commun de données",
			"Fil 3 : Parcours usager idéal",
		},
		Steps: []Step{
			welcome(),
			intro("Mot d'introduction", "travailler, de manière transversale aux cas d'usage, sur les 3 fils identifiés lors du précédent atelier, et atterrir sur des livrables concrets, utiles et reproductibles."),
			{
				Title: "Brise-glace : Dixit et pelote de laine",
				Instructions: "Le jeu de Dixit : chacun se présente, avec son nom, son prénom et sa ville, et donne son état d'esprit du jour à l'aide d'une carte.\n\n" +
					"Le jeu de la pelote de laine : la pelote passe de personne en personne, avec la consigne suivante : quel lien, quel sujet d'intérêt nous lie à la personne à qui on a choisi de la donner ? " +
					"On lance la pelote en disant le lien ou le sujet.",
				Minutes: 20,
				Type:    TypeIcebreaker,
				Format:  FormatStanding,
			},
			{
				Title: "Exercice de projection : réussir en 2027",
				Instructions: "1. On a écrit sur une feuille les 3 sujets du jour (les 3 fils).\n" +
					"2. Les participants choisissent le fil sur lequel ils veulent travailler et se répartissent dans les groupes (ils doivent être équilibrés entre public, privé et partenaires).\n" +
					"3. On donne des informations sur les 3 fils et les livrables attendus :\n\n" +
					"« Nous sommes dans 5 ans ; comme par magie, nous avons réussi à atteindre les objectifs. Oubliez les problèmes budgétaires, les contraintes techniques : c'est du rêve. »\n" +
					"– Fil 1, convergence des données : quelles données ont convergé ? Qu'avez-vous réussi à faire ? Racontez le succès vu en 2027.\n" +
					"– Fil 2, l'espace commun de données : on est en 2027, quel espace avez-vous créé ? Un groupe peut être un peu technique : que recouvre cet espace commun, quelles sont ses fonctions ?\n" +
					"– Fil 3, rêve idéal de services, parcours utilisateur idéal : vous avez créé un super parcours utilisateur ; choisissez un personnage (par exemple un plaisancier) et décrivez les services accessibles.\n\n" +
					"L'objectif est de savoir : qu'est-ce qu'on a réussi ? Décrire ce qu'on a réussi à faire, par du dessin, du texte, à partir du picto." + indicative,
				Minutes: 45,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardTimeline,
			},
			{
				Title: "Comment on en est arrivé là ?",
				Instructions: "Les participants imaginent comment ils s'y seraient pris pour y arriver : quelles étapes ont été franchies ? " +
					"Ils produisent un rétroplanning, ou la liste des actions menées pendant 5 ans pour nous amener à chacune des réussites.\n\n" +
					"Pour que chacun arrive à réfléchir à toutes les actions qu'il aurait mises en œuvre pour réussir, on donne des post-it avec pour consigne d'écrire une idée par post-it, " +
					"pendant un petit temps de réflexion (10 à 15 min).",
				Minutes: 45,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardTimeline,
			},
			restitution("Restitution",
				"Chaque groupe présente sa réussite en 2027 et les étapes pour y arriver : une frise chronologique assortie d'une feuille de route et de recommandations. "+
					"Faire ressortir les bénéfices pour toutes les parties prenantes, notamment ceux issus des croisements de données, et les enjeux humains, stratégiques ou opérationnels à anticiper.",
				45),
			{
				Title: "Atelier Impacts (coûts/bénéfices) et autres modes d'analyse",
				Instructions: "Partie 2 : deux ateliers sont menés en parallèle (l'autre : le travail sur les livrables).\n\n" +
					"On repart du scénario 2027 et on identifie les bénéfices principaux pour les différentes parties prenantes, y compris l'utilisateur final : bénéfices économiques, environnementaux, sociaux. " +
					"On envisage ensuite les impacts négatifs sur le temps du projet, dans les mêmes domaines (un bénéfice pour une partie prenante peut être un inconvénient pour une autre). " +
					"Enfin, on reprend « les enjeux pour réussir » issus de l'atelier de projection en 2027 pour les transformer en coûts (temps, acceptabilité, investissements...).",
				Minutes: 90,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardCostBenefit,
			},
			{
				Title: "Atelier Travail sur les livrables",
				Instructions: "En parallèle de l'atelier Impacts. L'objectif est de retravailler les fils communs, et les besoins, pour atterrir sur des livrables concrets, utiles et reproductibles :\n" +
					"– Fil 1, convergence des données : comment susciter l'intérêt de partager et de mettre en commun des données ? Des exemples d'intérêts communs, comment on les a rendus intéressants, " +
					"comment on a réussi à convaincre de mettre en commun des données, quels intérêts des parties on a satisfaits (entreprises, collectivités, usagers, associations...).\n" +
					"– Fil 2, l'espace commun de données : une description du « lieu » où seront regroupées les données et des fonctionnalités utiles à leur réutilisation, par exemple un cahier des charges recto verso " +
					"(recto : les éléments pour construire le point de stockage et de partage ; verso : les règles de partage et de réutilisation des données).\n" +
					"– Fil 3, parcours usager idéal : on choisit un personnage (le touriste, le plaisancier...), on part de son besoin et on trace son parcours. Le livrable est un guide méthodologique pour créer des services " +
					"orientés usager en traitant les données personnelles et les traces des usagers : un pas-à-pas sur les possibles et les écueils, par exemple sous forme d'arbre décisionnel.",
				Minutes:  90,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Parallel: true,
			},
			restitution("Restitution", "Chaque atelier restitue ses travaux en plénière : les bénéfices et les coûts identifiés, l'avancée des livrables.", 30),
		},
	}
}
