package template

// chamonix is workshop 3 of the seed: challenges built in Lego, then three
// parallel workshops (economic model, cost-benefit analysis, regulatory
// needs).
func chamonix() Template {
	return Template{
		ID:    "chamonix",
		Title: "Défis, modèle économique, coûts-bénéfices et besoins réglementaires",
		Place: "Chamonix",
		Summary: "Dix défis issus des trois fils : chaque groupe matérialise en légos l'organisation nécessaire pour relever son défi. " +
			"Puis trois ateliers en parallèle : le modèle économique, l'analyse coût-bénéfice (le pourquoi du pourquoi, trois fois) " +
			"et les besoins réglementaires, avec des fiches-actions en 4 cases.",
		Rules:      Rules(),
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
		Groups:     []string{"Modèle économique", "Analyse coût-bénéfice", "Besoins réglementaires"},
		Steps: []Step{
			welcome(),
			intro("Mot d'introduction et rappel de l'état d'avancement du projet", "passer des fils rouges au concret : l'organisation nécessaire pour relever chaque défi, puis le modèle économique, les coûts et bénéfices, et les besoins réglementaires."),
			{
				Title:        "Brise-glace : la tour de légos",
				Instructions: "Avec des légos : construire une tour collectivement, avec une main dans le dos, la plus haute possible !",
				Minutes:      15,
				Type:         TypeIcebreaker,
				Format:       FormatGroups,
			},
			{
				Title: "Choix des défis",
				Instructions: "Chaque personne choisit un défi ressorti des ateliers précédents, et un territoire. Des groupes par défi se forment.\n\n" +
					"Fil 1 :\n" +
					"– Défi n° 1 : organiser un comité data interne.\n" +
					"– Défi n° 2 : réaliser un démonstrateur associé aux défis 7 et 11.\n" +
					"Fil 2 :\n" +
					"– Défi n° 3 : organiser un comité data externe.\n" +
					"– Défi n° 4 : avoir un outil commun de gestion des données.\n" +
					"– Défi n° 5 : un outil usager dont les données sont reversées dans l'outil commun.\n" +
					"– Défi n° 6 : un code de la route de la donnée « venez comme vous êtes » : l'interopérabilité plus importante que la standardisation !\n" +
					"– Défi n° 7 : un cadre incitatif, partenarial, pour faire fonctionner et enrichir les données de la « plateforme ».\n" +
					"– Défi n° 8 : accompagner l'évolution des mentalités en interne.\n" +
					"Fil 3 :\n" +
					"– Défi n° 9 : comment convaincre les élus ?\n" +
					"– Défi n° 10 : créer une communauté de partage.",
				Minutes: 5,
				Type:    TypeRoom,
			},
			{
				Title: "Matérialiser l'organisation en légos",
				Instructions: "Une consigne est donnée aux groupes par défi : grâce aux légos, chaque groupe doit matérialiser l'organisation nécessaire pour relever le défi. " +
					"Représenter visuellement le cas d'usage et son organisation : les acteurs, les usagers, les freins et les leviers." + indicative,
				Minutes: 45,
				Type:    TypeRoom,
				Format:  FormatGroups,
			},
			{
				Title: "Atelier Modèle économique",
				Instructions: "Partie 2 : trois ateliers sont organisés en parallèle : modèle économique, analyse coût-bénéfice et besoins réglementaires.\n\n" +
					"1er temps : à partir des bénéfices pour les parties prenantes, on identifie les ressources clés, les partenaires clés, les sources de financement possibles et les mécanismes vertueux à mettre en œuvre, " +
					"pour partager les bénéfices des croisements de données, et pour partager les risques. Chacun présente les fonds et financements qu'il connaît.\n\n" +
					"2e temps : après un temps où chacun met ses idées sur des post-it, on regroupe et on creuse par type de modèle (avec des arbres par exemple).\n\n" +
					"3e temps : on développe les conditions de réussite de 3 modèles identifiés :\n" +
					"– des économies qui permettent de soutenir l'investissement (Dijon, Angers) ;\n" +
					"– la subvention : de la dette ;\n" +
					"– la commercialisation d'une offre de services aux acteurs du territoire.\n\n" +
					"On présente les sources de financement : le mécanisme classique des syndicats, de 0,50 à 1,50 € par habitant pour financer un service de base " +
					"(GIP ARNiA, ex e-bourgogne, pour tous les services d'e-administration), chaque membre payant en fonction de sa taille, de sa richesse ; " +
					"l'imposition directe (Syndicat des Alpes-Maritimes), moins en vogue politiquement mais très soutenable sur la durée.\n\n" +
					"Conclusion : que peut-on en retirer comme livrable ?" + indicative,
				Minutes: 90,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardEconomicModel,
			},
			{
				Title: "Atelier Analyse coût-bénéfice",
				Instructions: "En parallèle des ateliers Modèle économique et Besoins réglementaires.\n\n" +
					"1er temps, le pourquoi du pourquoi : quel est le cas d'usage envisagé ? En quoi et dans quelles conditions répond-il au projet politique, dans ses composantes environnementales, sociales, de développement économique ? " +
					"On pose trois fois la question « pourquoi ». Les réponses sont pondérées avec des gommettes sur une feuille A4.\n\n" +
					"2e temps : deux grandes feuilles blanches sont disposées sur la table :\n" +
					"– une pour lister tous les bénéfices, avantages, gains obtenus (qualitatifs, quantitatifs, économiques, environnementaux, sociaux...) pour la collectivité, puis pour toutes les parties prenantes, y compris les usagers finaux ;\n" +
					"– une pour lister tous les coûts que le projet numérique va occasionner maintenant et dans le temps (mise en place de la gouvernance, investissement technique, conduite du changement, communication...), " +
					"en distinguant les coûts d'investissement et les coûts de fonctionnement (maintenance...), mais aussi tous les coûts cachés (temps passé, acceptabilité, stress, risques...).\n\n" +
					"3e temps : quels indicateurs construire pour mesurer ces effets, quelles analyses adjoindre ? Pour chaque bénéfice et chaque coût identifié, on propose un indicateur " +
					"(€, jour/homme, impact carbone, tournées, utilisation de matière, impacts environnementaux, sociaux).\n\n" +
					"Question subsidiaire : quels bénéfices les entreprises peuvent-elles retirer d'une analyse des bénéfices générés par leur solution ?\n\n" +
					"Conclusion : que peut-on en retirer comme livrable ?" + indicative,
				Minutes:  90,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardCostBenefit,
				Parallel: true,
			},
			{
				Title: "Atelier Besoins réglementaires",
				Instructions: "En parallèle des ateliers Modèle économique et Analyse coût-bénéfice.\n\n" +
					"1er temps : une feuille blanche est accrochée au mur, et les participants sont invités à lister leurs besoins réglementaires (non existants, à faire évoluer, contractuels...) " +
					"pour acquérir et maîtriser leurs données, pour éviter la « balkanisation » (le morcellement) des données, pour faire évoluer les processus en interne... " +
					"Ils écrivent sur des post-it pendant 10 min.\n\n" +
					"2e temps : ils remplissent chacun des fiches-actions de 4 cases : « Quelle est la problématique actuelle ? », « Comment la résoudre ? », « Avec qui ? », « Par quels moyens ? ».\n\n" +
					"3e temps : on définit ce que l'on peut faire remonter à l'État (une proposition de loi par exemple), et ce que l'on peut rédiger en collaboration avec les associations de représentants territoriaux, avec Infranum... " +
					"On collecte les besoins pour préparer des propositions de texte." + indicative,
				Minutes:  90,
				Type:     TypeRoom,
				Format:   FormatGroups,
				Board:    BoardActionSheet,
				Parallel: true,
			},
		},
	}
}
