package template

// Defaults of a workshop, from the seed: each participant has 4 stickers
// (gommettes), and at most 8 threads (fils) are retained.
const (
	DefaultVoteBudget = 4
	DefaultMaxThreads = 8
)

// Step types: the session kind's type field.
const (
	TypeRoom       = "room"       // work in the room
	TypeVisit      = "visit"      // a site visit (a port, an industrial zone)
	TypeIcebreaker = "icebreaker" // brise-glace
	TypeBreak      = "break"      // welcome, coffee, pause
)

// Step formats: the session kind's format field. A step may have none.
const (
	FormatPlenary  = "plenary"  // en plénière
	FormatGroups   = "groups"   // en groupe
	FormatStanding = "standing" // debout, ensemble
)

// BlankID names the blank workshop: no agenda, no groups, no ballot.
const BlankID = "blank"

// Template is a workshop protocol: its agenda, groups, ballots and rules.
// Texts are in French, as the seed gives them.
type Template struct {
	ID         string   // stable, lowercase-dashed: "toulon"
	Title      string   // the workshop's theme
	Place      string   // where the seed's workshop took place
	Summary    string   // what the workshop does, in a few sentences
	Rules      []string // rules of collaboration
	VoteBudget int      // stickers a person on a ballot
	MaxThreads int      // threads retained after a vote
	Steps      []Step   // the agenda, in order
	Groups     []string // default group names, in order
	Ballots    []Ballot
}

// Step is one step of the agenda: a session of the workshop.
type Step struct {
	Title        string
	Instructions string // what to do, complete enough to run the step
	Minutes      int    // planned duration, always positive
	Type         string // TypeRoom, TypeVisit, TypeIcebreaker or TypeBreak
	Format       string // FormatPlenary, FormatGroups, FormatStanding or ""
	Board        string // the id of the board the step works on, or ""
	// Parallel reports that the step runs at the same time as the steps
	// before it (parallel workshops in one slot of the agenda): its minutes
	// do not add to the day's length.
	Parallel bool
}

// Ballot is a ballot a template opens on one of its steps. It is created
// closed; the facilitator opens it when the step comes.
type Ballot struct {
	Title      string
	Step       int    // index in Steps of the session it belongs to
	Budget     int    // stickers a person; 0 means the template's VoteBudget
	TargetKind string // "thread" or "note"
}

// Rules returns the seed's rules of collaboration, in order.
func Rules() []string {
	return []string{
		"Écoutons pour comprendre",
		"Parler avec intention",
		"Acceptons l'incertitude",
		"Soyons bienveillant envers les autres",
		"Soyons présent",
	}
}

// GoldenRules returns the seed's golden rules for facilitators (les règles
// d'or des ateliers), in order.
func GoldenRules() []string {
	return []string{
		"Offrir une animation sur mesure, facilitant l'implication et la participation de chacun.",
		"Rappeler les règles des ateliers multi-acteurs (non-jugement, pas de téléphone, type d'exercices, égalité de prise de parole...).",
		"Créer une relation de confiance avec les participants.",
		"S'assurer que la restitution des échanges (prise de notes, présentation en synthèse des résultats de son atelier...) est partageable (visuels...).",
		"Enregistrer, filmer les synthèses.",
		"Mettre en mouvement grâce à un brise-glace.",
		"Prévoir des temps de réalisation, entrecoupés de pauses.",
		"Idéalement, une salle accueillante (ou des salles contiguës), lumineuse, où l'on peut déplacer les tables et les chaises, projeter, accrocher des feuilles aux murs.",
		"Du matériel de créativité préparé en amont (post-it, laine, cartes à jouer, légos...).",
		"Du café, du thé, des jus de fruits, des gâteaux, des bonbons, des fruits secs, pour reprendre de l'énergie.",
	}
}

// All returns the seed's five templates in the seed's order: Toulon,
// Lisieux, Chamonix, Caux, Dunkerque. The blank workshop is not among
// them. Each call returns fresh values that the caller may change.
func All() []Template {
	return []Template{toulon(), lisieux(), chamonix(), caux(), dunkerque()}
}

// Blank returns the blank workshop: no steps, no groups, no ballot, the
// default budget and threads. Records of it creates nothing.
func Blank() Template {
	return Template{
		ID:         BlankID,
		Title:      "Atelier vierge",
		Summary:    "Un atelier sans programme : ajoutez vos étapes, vos groupes et vos votes.",
		VoteBudget: DefaultVoteBudget,
		MaxThreads: DefaultMaxThreads,
	}
}

// Get returns the template with that id. The empty id and BlankID give
// the blank workshop; an unknown id gives false.
func Get(id string) (Template, bool) {
	if id == "" || id == BlankID {
		return Blank(), true
	}
	for _, t := range All() {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}

// IsBlank reports whether t is the blank workshop (or the zero Template).
func (t Template) IsBlank() bool { return t.ID == "" || t.ID == BlankID }

// Minutes returns the planned length of the agenda: the minutes of every
// step that does not run in parallel with the ones before it.
func (t Template) Minutes() int {
	n := 0
	for _, s := range t.Steps {
		if !s.Parallel {
			n += s.Minutes
		}
	}
	return n
}

// Boards returns the boards t's steps use, in order of first use, each
// once.
func (t Template) Boards() []Board {
	var out []Board
	seen := map[string]bool{}
	for _, s := range t.Steps {
		if s.Board == "" || seen[s.Board] {
			continue
		}
		seen[s.Board] = true
		if b, ok := GetBoard(s.Board); ok {
			out = append(out, b)
		}
	}
	return out
}
