package template

import "strconv"

// Steps and texts the five protocols share.

// indicative ends the instructions of a step whose duration the seed does
// not give.
const indicative = "\n\nDurée indicative : le protocole ne la précise pas."

// welcome is the "Accueil" that opens every protocol.
func welcome() Step {
	return Step{
		Title: "Accueil",
		Instructions: "Accueillir les participants avec du café, du thé, des jus de fruits, des gâteaux, des fruits secs, pour prendre de l'énergie.\n\n" +
			"Préparé en amont : une salle accueillante et lumineuse (ou des salles contiguës) où l'on peut déplacer les tables et les chaises, projeter et accrocher des feuilles aux murs ; " +
			"le matériel de créativité (post-it, feutres, gommettes, laine, cartes à jouer, légos...).",
		Minutes: 30,
		Type:    TypeBreak,
	}
}

// intro is the "Mot d'introduction" in plenary, with the workshop's
// objective.
func intro(title, objective string) Step {
	return Step{
		Title: title,
		Instructions: "Présenter l'objectif et le déroulé de l'atelier. Rappeler les règles des ateliers multi-acteurs (non-jugement, pas de téléphone, types d'exercices, égalité de prise de parole) " +
			"et les règles de collaboration. Annoncer comment les échanges seront restitués (prise de notes, photos des productions, synthèses enregistrées).\n\n" +
			"Objectif : " + objective,
		Minutes: 10,
		Type:    TypeRoom,
		Format:  FormatPlenary,
	}
}

// freeIcebreaker is a "Brise-glace" the seed does not describe.
func freeIcebreaker() Step {
	return Step{
		Title: "Brise-glace",
		Instructions: "Un brise-glace pour se mettre en mouvement, au choix de l'animateur (le protocole ne précise pas lequel) : " +
			"par exemple « Placez-vous en ligne ! » (atelier de Toulon) ou le jeu de la pelote de laine (atelier de Lisieux).",
		Minutes: 15,
		Type:    TypeIcebreaker,
		Format:  FormatStanding,
	}
}

// restitution is a "Restitution" of the groups' work in plenary.
func restitution(title, instructions string, minutes int) Step {
	return Step{Title: title, Instructions: instructions, Minutes: minutes, Type: TypeRoom, Format: FormatPlenary}
}

// numbered returns "<prefix> 1" ... "<prefix> n".
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + " " + strconv.Itoa(i+1)
	}
	return out
}
