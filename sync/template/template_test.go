package template

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"carnet/sync/replica"
)

var idre = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestAllOrderAndGet(t *testing.T) {
	var ids []string
	for _, tp := range All() {
		ids = append(ids, tp.ID)
		got, ok := Get(tp.ID)
		if !ok || got.ID != tp.ID {
			t.Errorf("Get(%q) = %q, %v, want the template", tp.ID, got.ID, ok)
		}
	}
	if want := []string{"toulon", "lisieux", "chamonix", "caux", "dunkerque"}; !slices.Equal(ids, want) {
		t.Fatalf("All() ids = %v, want %v", ids, want)
	}
	for _, id := range []string{"", BlankID} {
		b, ok := Get(id)
		if !ok || !b.IsBlank() || len(b.Steps) != 0 || len(b.Groups) != 0 || len(b.Ballots) != 0 {
			t.Errorf("Get(%q) = %+v, %v, want the blank workshop", id, b, ok)
		}
	}
	if _, ok := Get("marseille"); ok {
		t.Errorf(`Get("marseille") found a template`)
	}
}

func TestAllReturnsCopies(t *testing.T) {
	a := All()
	a[0].Steps[0].Title = "changed"
	a[0].Rules[0] = "changed"
	b, _ := Get(a[0].ID)
	if b.Steps[0].Title == "changed" || b.Rules[0] == "changed" {
		t.Fatal("changing a template from All() changed the package's templates")
	}
}

// checkText fails on an empty text or one the protocol would reject.
func checkText(t *testing.T, where, s string, required bool) {
	t.Helper()
	if required && strings.TrimSpace(s) == "" {
		t.Errorf("%s is empty", where)
	}
	if !utf8.ValidString(s) {
		t.Errorf("%s is not UTF-8", where)
	}
	if n := utf8.RuneCountInString(s); n > replica.MaxString {
		t.Errorf("%s has %d characters, more than the protocol's %d", where, n, replica.MaxString)
	}
}

func TestTemplatesAreRunnable(t *testing.T) {
	types := []string{TypeRoom, TypeVisit, TypeIcebreaker, TypeBreak}
	formats := []string{"", FormatPlenary, FormatGroups, FormatStanding}
	for _, tp := range All() {
		t.Run(tp.ID, func(t *testing.T) {
			if !idre.MatchString(tp.ID) {
				t.Errorf("id %q is not lowercase-dashed", tp.ID)
			}
			checkText(t, "title", tp.Title, true)
			checkText(t, "place", tp.Place, true)
			checkText(t, "summary", tp.Summary, true)
			if !slices.Equal(tp.Rules, Rules()) {
				t.Errorf("rules = %q, want the seed's rules of collaboration", tp.Rules)
			}
			if tp.VoteBudget != DefaultVoteBudget || tp.MaxThreads != DefaultMaxThreads {
				t.Errorf("vote budget %d, max threads %d, want %d and %d", tp.VoteBudget, tp.MaxThreads, DefaultVoteBudget, DefaultMaxThreads)
			}
			if len(tp.Steps) < 5 {
				t.Errorf("%d steps, want at least 5", len(tp.Steps))
			}
			if len(tp.Groups) == 0 {
				t.Errorf("no groups")
			}
			for i, g := range tp.Groups {
				checkText(t, "group "+g, g, true)
				if slices.Index(tp.Groups, g) != i {
					t.Errorf("group %q appears twice", g)
				}
			}
			if s := tp.Steps[0]; s.Title != "Accueil" || s.Minutes != 30 {
				t.Errorf("first step = %q, %d min, want Accueil, 30 min", s.Title, s.Minutes)
			}
			if s := tp.Steps[1]; !strings.HasPrefix(s.Title, "Mot d'introduction") || s.Minutes != 10 || s.Format != FormatPlenary {
				t.Errorf("second step = %q, %d min, %q, want Mot d'introduction, 10 min, plenary", s.Title, s.Minutes, s.Format)
			}
			if s := tp.Steps[2]; s.Type != TypeIcebreaker {
				t.Errorf("third step = %q of type %q, want the icebreaker", s.Title, s.Type)
			}
			for i, s := range tp.Steps {
				where := tp.ID + " step " + s.Title
				checkText(t, where+" title", s.Title, true)
				checkText(t, where+" instructions", s.Instructions, true)
				if s.Minutes <= 0 {
					t.Errorf("%s: %d minutes, want a positive duration", where, s.Minutes)
				}
				if !slices.Contains(types, s.Type) {
					t.Errorf("%s: type %q, want one of %q", where, s.Type, types)
				}
				if !slices.Contains(formats, s.Format) {
					t.Errorf("%s: format %q, want one of %q", where, s.Format, formats)
				}
				if s.Board != "" {
					if _, ok := GetBoard(s.Board); !ok {
						t.Errorf("%s: board %q does not exist", where, s.Board)
					}
				}
				if s.Parallel && (i == 0 || tp.Steps[i-1].Type == TypeBreak) {
					t.Errorf("%s runs in parallel with nothing", where)
				}
			}
			for _, b := range tp.Ballots {
				checkText(t, "ballot title", b.Title, true)
				if b.Step < 0 || b.Step >= len(tp.Steps) {
					t.Errorf("ballot %q is on step %d of %d", b.Title, b.Step, len(tp.Steps))
				}
				if b.TargetKind != "thread" && b.TargetKind != "note" {
					t.Errorf("ballot %q targets %q", b.Title, b.TargetKind)
				}
				if b.Budget < 0 || b.Budget > replica.MaxBudget {
					t.Errorf("ballot %q has a budget of %d", b.Title, b.Budget)
				}
			}
			if tp.Minutes() <= 0 {
				t.Errorf("Minutes() = %d", tp.Minutes())
			}
			for _, b := range tp.Boards() {
				if !slices.ContainsFunc(tp.Steps, func(s Step) bool { return s.Board == b.ID }) {
					t.Errorf("Boards() lists %q, which no step uses", b.ID)
				}
			}
		})
	}
}

func TestBoardsLayout(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range Boards() {
		t.Run(b.ID, func(t *testing.T) {
			if !idre.MatchString(b.ID) {
				t.Errorf("board id %q is not lowercase-dashed", b.ID)
			}
			if seen[b.ID] {
				t.Errorf("board %q appears twice", b.ID)
			}
			seen[b.ID] = true
			if got, ok := GetBoard(b.ID); !ok || got.ID != b.ID {
				t.Errorf("GetBoard(%q) = %q, %v", b.ID, got.ID, ok)
			}
			checkText(t, "title", b.Title, true)
			checkText(t, "legend", b.Legend, true)
			if b.Columns <= 0 || b.Rows <= 0 || len(b.Zones) == 0 {
				t.Fatalf("grid %dx%d with %d zones", b.Columns, b.Rows, len(b.Zones))
			}
			if b.ColumnTitles != nil && len(b.ColumnTitles) != b.Columns {
				t.Errorf("%d column titles for %d columns", len(b.ColumnTitles), b.Columns)
			}
			if b.RowTitles != nil && len(b.RowTitles) != b.Rows {
				t.Errorf("%d row titles for %d rows", len(b.RowTitles), b.Rows)
			}
			owner := make([][]string, b.Rows)
			for r := range owner {
				owner[r] = make([]string, b.Columns)
			}
			zoneIDs := map[string]bool{}
			for _, z := range b.Zones {
				if !idre.MatchString(z.ID) {
					t.Errorf("zone id %q is not lowercase-dashed", z.ID)
				}
				if zoneIDs[z.ID] {
					t.Errorf("zone %q appears twice", z.ID)
				}
				zoneIDs[z.ID] = true
				checkText(t, "zone "+z.ID+" title", z.Title, true)
				checkText(t, "zone "+z.ID+" hint", z.Hint, false)
				if z.Color != "" && !slices.Contains(replica.Colors, z.Color) {
					t.Errorf("zone %q colour %q is not one of %q", z.ID, z.Color, replica.Colors)
				}
				if z.Col < 0 || z.Row < 0 || z.ColSpan < 1 || z.RowSpan < 1 || z.Col+z.ColSpan > b.Columns || z.Row+z.RowSpan > b.Rows {
					t.Errorf("zone %q at (%d,%d) span %dx%d leaves the %dx%d grid", z.ID, z.Col, z.Row, z.ColSpan, z.RowSpan, b.Columns, b.Rows)
					continue
				}
				for r := z.Row; r < z.Row+z.RowSpan; r++ {
					for c := z.Col; c < z.Col+z.ColSpan; c++ {
						if o := owner[r][c]; o != "" {
							t.Errorf("zones %q and %q overlap at column %d, row %d", o, z.ID, c, r)
						}
						owner[r][c] = z.ID
					}
				}
				if got, ok := b.Zone(z.ID); !ok || got != z {
					t.Errorf("Zone(%q) = %+v, %v", z.ID, got, ok)
				}
			}
			if _, ok := b.Zone("nowhere"); ok {
				t.Errorf(`Zone("nowhere") found a zone`)
			}
		})
	}
	// Every board serves a step of some template.
	for _, b := range Boards() {
		used := false
		for _, tp := range All() {
			used = used || slices.ContainsFunc(tp.Boards(), func(u Board) bool { return u.ID == b.ID })
		}
		if !used {
			t.Errorf("board %q is used by no template", b.ID)
		}
	}
	if _, ok := GetBoard("whiteboard"); ok {
		t.Errorf(`GetBoard("whiteboard") found a board`)
	}
}

func zoneTitles(b Board) []string {
	var out []string
	for _, z := range b.Zones {
		out = append(out, z.Title)
	}
	return out
}

func mustBoard(t *testing.T, id string) Board {
	t.Helper()
	b, ok := GetBoard(id)
	if !ok {
		t.Fatalf("no board %q", id)
	}
	return b
}

func TestBoardsMatchTheSeed(t *testing.T) {
	// The use-case drawing carries the colour code.
	uc := mustBoard(t, BoardUseCase)
	colors := map[string]string{}
	for _, z := range uc.Zones {
		colors[z.ID] = z.Color
	}
	for zone, want := range map[string]string{"current": replica.ColorCurrent, "data": replica.ColorData, "problems": replica.ColorProblem, "wishes": replica.ColorWish} {
		if colors[zone] != want {
			t.Errorf("usecase zone %q colour = %q, want %q", zone, colors[zone], want)
		}
	}
	for _, word := range []string{"silos", "carrés", "petits points", "rouge", "triangles", "vert"} {
		if !strings.Contains(uc.Legend, word) {
			t.Errorf("usecase legend lacks %q: %s", word, uc.Legend)
		}
	}

	// The cost-benefit matrix: why x3, benefits vs costs, investment vs
	// operation, for the community and for each stakeholder.
	cb := mustBoard(t, BoardCostBenefit)
	for _, id := range []string{"why-1", "why-2", "why-3", "interest", "other-actions"} {
		if _, ok := cb.Zone(id); !ok {
			t.Errorf("cost-benefit lacks zone %q", id)
		}
	}
	for _, who := range []string{"community", "stakeholders"} {
		for _, side := range []string{"benefits", "costs"} {
			for _, money := range []string{"investment", "operation"} {
				if _, ok := cb.Zone(who + "-" + side + "-" + money); !ok {
					t.Errorf("cost-benefit lacks zone %s-%s-%s", who, side, money)
				}
			}
		}
	}

	// The responsible digital grid: 6 dimensions x 5 columns.
	rd := mustBoard(t, BoardResponsibleDigital)
	if len(rd.Zones) != 30 || rd.Columns != 5 || rd.Rows != 6 {
		t.Errorf("responsible-digital: %d zones on %dx%d, want 30 on 5x6", len(rd.Zones), rd.Columns, rd.Rows)
	}
	if want := []string{"Conception (dont distribution)", "Usage", "Fin de vie (recyclage, réutilisation...)", "Impacts positifs", "Impacts négatifs"}; !slices.Equal(rd.ColumnTitles, want) {
		t.Errorf("responsible-digital columns = %q, want %q", rd.ColumnTitles, want)
	}
	if !strings.HasPrefix(rd.RowTitles[0], "Écologique / énergétique") || rd.RowTitles[3] != "Éthique" || rd.RowTitles[4] != "Sécuritaire" {
		t.Errorf("responsible-digital rows = %q", rd.RowTitles)
	}

	// The action sheet: 4 boxes.
	if got, want := zoneTitles(mustBoard(t, BoardActionSheet)), []string{"Quelle est la problématique actuelle ?", "Comment la résoudre ?", "Avec qui ?", "Par quels moyens ?"}; !slices.Equal(got, want) {
		t.Errorf("action-sheet zones = %q, want %q", got, want)
	}

	// The canvas: usagers, never clients.
	bm := mustBoard(t, BoardBusinessModel)
	for _, want := range []string{"Partenaires clés", "Activités clés", "Ressources clés", "Proposition de valeur", "Relation usagers", "Canaux", "Segments d'usagers", "Structure de coûts", "Sources de revenus et de financement"} {
		if !slices.Contains(zoneTitles(bm), want) {
			t.Errorf("business-model lacks %q", want)
		}
	}
	for _, z := range bm.Zones {
		if strings.Contains(strings.ToLower(z.Title+z.Hint), "client") {
			t.Errorf("business-model zone %q speaks of clients", z.ID)
		}
	}

	// The checklist: each step x OUI / NON.
	cl := mustBoard(t, BoardChecklist)
	if len(cl.Zones) != 2*cl.Rows || cl.Rows != 4 || !strings.HasPrefix(cl.ColumnTitles[0], "OUI") || !strings.HasPrefix(cl.ColumnTitles[1], "NON") {
		t.Errorf("checklist: %d zones, %d rows, columns %q", len(cl.Zones), cl.Rows, cl.ColumnTitles)
	}

	// The timeline: 2022 to 2027, then the success in 2027.
	tl := mustBoard(t, BoardTimeline)
	for y := 2022; y <= 2027; y++ {
		if _, ok := tl.Zone("year-" + strconv.Itoa(y)); !ok {
			t.Errorf("timeline lacks year %d", y)
		}
	}
	if z, ok := tl.Zone("success"); !ok || z.Title != "Réussite en 2027" {
		t.Errorf("timeline success zone = %+v, %v", z, ok)
	}

	// Value creation: € and smiley markers.
	v := mustBoard(t, BoardValue)
	var vc []string
	for _, z := range v.Zones {
		vc = append(vc, z.Color)
	}
	if !slices.Contains(vc, replica.ColorValue) || !slices.Contains(vc, replica.ColorSmile) || !strings.Contains(v.Legend, "€") || !strings.Contains(v.Legend, "🙂") {
		t.Errorf("value board lacks the € and smiley markers: colours %q, legend %q", vc, v.Legend)
	}
}

func TestToulonMatchesTheSeed(t *testing.T) {
	tp, ok := Get("toulon")
	if !ok {
		t.Fatal("no toulon template")
	}
	type row struct {
		title   string
		minutes int
		format  string
		board   string
	}
	want := []row{
		{"Accueil", 30, "", ""},
		{"Mot d'introduction", 10, FormatPlenary, ""},
		{"Brise-glace : Placez-vous en ligne !", 15, FormatStanding, ""},
		{"Dessiner les cas d'usage", 60, FormatGroups, BoardUseCase},
		{"Synthèse des groupes", 60, FormatPlenary, BoardThreadsWall},
		{"Vote", 10, FormatPlenary, ""},
	}
	if len(tp.Steps) < len(want) {
		t.Fatalf("%d steps, want at least %d", len(tp.Steps), len(want))
	}
	for i, w := range want {
		s := tp.Steps[i]
		if got := (row{s.Title, s.Minutes, s.Format, s.Board}); got != w {
			t.Errorf("step %d = %+v, want %+v", i, got, w)
		}
	}
	draw, vote := tp.Steps[3], tp.Steps[5]
	for _, word := range []string{"45 à 60 min", "silos", "carrés", "petits points", "triangles", "rouge", "vert", "bleu, violet, noir"} {
		if !strings.Contains(draw.Instructions, word) {
			t.Errorf("drawing instructions lack %q", word)
		}
	}
	for _, word := range []string{"4 gommettes", "8 au maximum", "2 groupes"} {
		if !strings.Contains(vote.Instructions, word) {
			t.Errorf("vote instructions lack %q", word)
		}
	}
	if !strings.Contains(tp.Steps[2].Instructions, "kilomètres parcourus") {
		t.Errorf("icebreaker instructions lack the kilometres")
	}
	if len(tp.Ballots) != 1 {
		t.Fatalf("%d ballots, want 1", len(tp.Ballots))
	}
	if b := tp.Ballots[0]; b.Title != "Vote sur les fils" || b.Step != 5 || b.Budget != 4 || b.TargetKind != "thread" {
		t.Errorf("ballot = %+v, want Vote sur les fils on the Vote step, 4 stickers on threads", b)
	}
	if tp.VoteBudget != 4 || tp.MaxThreads != 8 {
		t.Errorf("vote budget %d, threads %d, want 4 and 8", tp.VoteBudget, tp.MaxThreads)
	}
	if len(tp.Groups) != 5 {
		t.Errorf("%d groups, want 5 (one per project)", len(tp.Groups))
	}
}

func TestOtherTemplatesMatchTheSeed(t *testing.T) {
	has := func(id string, check func(Step) bool) bool {
		tp, _ := Get(id)
		return slices.ContainsFunc(tp.Steps, check)
	}
	titled := func(title string, minutes int, board string) func(Step) bool {
		return func(s Step) bool {
			return strings.Contains(s.Title, title) && s.Minutes == minutes && s.Board == board
		}
	}
	cases := []struct {
		id    string
		check func(Step) bool
		what  string
	}{
		{"lisieux", titled("Dixit et pelote de laine", 20, ""), "the Dixit and wool icebreaker, 20 min"},
		{"lisieux", titled("Comment on en est arrivé là", 45, BoardTimeline), "the backward planning, 45 min, on the timeline"},
		{"lisieux", titled("Impacts", 90, BoardCostBenefit), "the costs and benefits, 1h30"},
		{"chamonix", titled("tour de légos", 15, ""), "the Lego tower, 15 min"},
		{"chamonix", titled("Choix des défis", 5, ""), "the choice of challenges, 5 min"},
		{"chamonix", func(s Step) bool {
			return s.Board == BoardCostBenefit && strings.Contains(s.Instructions, "trois fois")
		}, "the cost-benefit analysis, why x3"},
		{"chamonix", func(s Step) bool {
			return s.Board == BoardActionSheet && strings.Contains(s.Instructions, "fiches-actions")
		}, "the regulatory needs with action sheets"},
		{"chamonix", func(s Step) bool { return s.Board == BoardEconomicModel }, "the economic model"},
		{"caux", titled("Analyse coûts-bénéfices", 60, BoardCostBenefit), "the ACB matrix, 60 min"},
		{"caux", titled("Modèle d'affaire", 60, BoardBusinessModel), "the business model canvas, 60 min"},
		{"caux", func(s Step) bool { return s.Board == BoardChecklist && strings.Contains(s.Instructions, "20 min") }, "the OUI/NON checklist, 20 min"},
		{"caux", func(s Step) bool { return s.Board == BoardValue && strings.Contains(s.Instructions, "€") }, "the value creation with €"},
		{"caux", func(s Step) bool { return s.Board == BoardStepByStep && strings.Contains(s.Title, "Gouvernance") }, "the data governance"},
		{"caux", func(s Step) bool { return s.Type == TypeVisit }, "the visit of the port"},
		{"dunkerque", titled("Présentation de l'avancement des livrables", 60, ""), "the deliverables, 60 min"},
		{"dunkerque", titled("Pas-à-pas", 45, BoardStepByStep), "the step-by-step plans, 45 min"},
		{"dunkerque", titled("Numérique responsable", 75, BoardResponsibleDigital), "the responsible digital grid, 1h15"},
		{"dunkerque", titled("appel à projets", 75, BoardCallForProjects), "the call for projects, 1h15"},
		{"dunkerque", titled("Suites", 30, ""), "what comes next, 30 min"},
	}
	for _, c := range cases {
		if !has(c.id, c.check) {
			t.Errorf("%s lacks %s", c.id, c.what)
		}
	}
}
