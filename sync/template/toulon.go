package template

// toulon is workshop 1 of the seed: "Dessine-moi ton cas d'usage".
func toulon() Template {
	return Template{
		ID:    "toulon",
		Title: "Dessine-moi ton cas d'usage",
		Place: "Toulon",
		Summary: "Qualifier les cas d'usage de chaque collectivité du point de vue de l'usage des données. " +
			"Chaque groupe dessine son cas d'usage avec un code couleur (l'existant, la donnée qui circule, les irritants en rouge, les souhaits en vert) ; " +
			"la synthèse des groupes tire les fils communs, puis chacun vote avec 4 gommettes pour en retenir 8 au plus.",
		Rules:      Rules(),
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
		Groups:     numbered("Projet", 5),
		Steps: []Step{
			welcome(),
			intro("Mot d'introduction", "qualifier les cas d'usage de chaque collectivité, du point de vue de l'usage des données, et constituer un socle commun de connaissance pour les ateliers suivants."),
			{
				Title: "Brise-glace : Placez-vous en ligne !",
				Instructions: "Principe : le jeu consiste à se placer en ligne et à trouver sa place au sein du groupe en fonction de la demande de l'animateur. " +
					"Jeu dynamique et ludique, c'est aussi un moment de partage et d'échange d'anecdotes qui renforcera les liens.\n\n" +
					"Par exemple :\n" +
					"– « Placez-vous en ligne selon la date à laquelle vous avez vu votre dernier film au cinéma. »\n" +
					"– « Placez-vous en ligne selon la date à laquelle vous êtes arrivés dans votre poste actuel. »\n\n" +
					"In fine, on demande à chaque personne de dire son prénom et le nombre de kilomètres parcourus, pour que tout le monde puisse s'exprimer !",
				Minutes: 15,
				Type:    TypeIcebreaker,
				Format:  FormatStanding,
			},
			{
				Title: "Dessiner les cas d'usage",
				Instructions: "45 à 60 min. Des groupes (un par projet) réunissent les porteurs de projets, une entreprise, une personne d'un partenaire (ADEME, Infranum, Cerema...) et un animateur. " +
					"Chaque cas d'usage est dessiné en parallèle par chaque groupe et raconté en dessin sur une nappe déroulée en amont sur le mur ou sur des îlots de tables (un espace distinct par groupe). " +
					"Afficher les consignes au mur pour les groupes.\n\n" +
					"Objectif : dessiner chaque cas d'usage tel qu'il est aujourd'hui, en précisant quelles sont les données collectées et ce qui arrive à ces données " +
					"(elles sont collectées, partagées, avec contrat, avec partenariats, envoyées vers une autre application, servent à faire des statistiques ?...).\n\n" +
					"Code couleur :\n" +
					"– pour décrire le cas d'usage : proposer de représenter les bases de données en forme de silos et les applications plutôt en forme de carrés (si les participants font à leur manière, ce n'est pas grave : il faut préserver leur spontanéité) ;\n" +
					"– pour matérialiser la donnée qui circule : avec des petits points par exemple ;\n" +
					"– pour signaler les problèmes : des triangles, en rouge ;\n" +
					"– pour ce qu'ils aimeraient dans le futur : en vert.\n\n" +
					"Consignes :\n" +
					"1. Chaque référent métier dessine le cas d'usage actuel en choisissant une couleur pour représenter la donnée et son cheminement (feutres bleu, violet, noir : sauf rouge et vert).\n" +
					"2. Puis, ou au fur et à mesure, chaque groupe mentionne les problèmes rencontrés avec les données (au moment de la collecte : difficultés à en trouver ; difficulté à faire des statistiques d'usage du service ; ressaisies à différentes étapes du processus ; délais pour utiliser les nouvelles données...). " +
					"C'est en rouge, avec des triangles, qu'ils pointent les étapes où il y a des problèmes et qu'ils les explicitent.\n" +
					"3. Faire parler les référents sur ce qui leur semblerait idéal à l'avenir, et le leur faire dessiner en vert.",
				Minutes: 60,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardUseCase,
			},
			{
				Title: "Synthèse des groupes",
				Instructions: "Chaque groupe restitue son cas d'usage, avec ses « irritants » et son idéal. " +
					"Avec ces irritants, en rouge, et les souhaits d'évolution, en vert, on commence à rassembler la matière pour tirer les « fils communs ».\n\n" +
					"On synthétise tous ces irritants et souhaits sur une grande feuille au mur, ou un tableau blanc, avec les fils que cela tire (collecte, contrats, exploitation...). " +
					"Une personne fait cela au fil des restitutions, sur un mur, de telle manière que les gens puissent venir voter ensuite (phrases courtes, par exemple).\n\n" +
					"Penser au cycle de vie de la donnée pour être sûr de bien tirer tous les fils.",
				Minutes: 60,
				Type:    TypeRoom,
				Format:  FormatPlenary,
				Board:   BoardThreadsWall,
			},
			{
				Title: "Vote",
				Instructions: "Les participants votent sur les fils qui leur semblent les plus importants, les plus utiles aussi à traiter pour la communauté. " +
					"On estime qu'on peut en tirer 8 au maximum, 2 fils pouvant être traités en séparant les personnes en 2 groupes lors des ateliers à venir.\n\n" +
					"Les participants ont 4 gommettes chacun et les collent sur leurs fils prioritaires.",
				Minutes: 10,
				Type:    TypeRoom,
				Format:  FormatPlenary,
			},
			{
				Title: "Questionner le numérique responsable",
				Instructions: "En sous-groupes, questionner la dimension responsable (socialement, écologiquement, économiquement...) des dispositifs déployés dans le cadre du cas d'usage, " +
					"en déterminant les points saillants du projet (conception, usages, impacts) au regard de ces critères, avec la matrice « numérique responsable » : " +
					"les différentes dimensions (infrastructure, équipement, donnée) de mon projet sont-elles responsables ?\n\n" +
					"Ce temps figure dans le résumé des enseignements et dans l'annexe du protocole, pas dans son tableau." + indicative,
				Minutes: 45,
				Type:    TypeRoom,
				Format:  FormatGroups,
				Board:   BoardResponsibleDigital,
			},
		},
		Ballots: []Ballot{{Title: "Vote sur les fils", Step: 5, Budget: DefaultVoteBudget, TargetKind: "thread"}},
	}
}
