package template

import (
	"encoding/json"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"carnet/sync/replica"
	"github.com/google/uuid"
)

const (
	workshop  = "0193b1c2-0000-7000-8000-0000000000e1"
	workshop2 = "0193b1c2-0000-7000-8000-0000000000e2"
	server    = "0193b1c2-ffff-7000-8000-0000000000f1"
)

func emptyLookup(string) (*replica.Record, error) { return nil, nil }

func newHLC(ms int64) *replica.HLC {
	return replica.NewHLC(server, func() int64 { return ms })
}

// state applies changes that passed CheckBatch as the facilitator.
func state(t *testing.T, changes []replica.Change) *replica.State {
	t.Helper()
	accepted, rejected, err := replica.CheckBatch(replica.Principal{Facilitator: true}, changes, emptyLookup)
	if err != nil {
		t.Fatalf("CheckBatch: %v", err)
	}
	if len(rejected) > 0 {
		t.Fatalf("CheckBatch rejected %d fields, first: %+v", len(rejected), rejected[0])
	}
	fields := 0
	for _, c := range changes {
		fields += len(c.Fields)
	}
	if len(accepted) != fields {
		t.Fatalf("CheckBatch accepted %d fields, want %d", len(accepted), fields)
	}
	s := replica.NewState()
	for _, c := range accepted {
		if _, err := s.Apply(c); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	}
	return s
}

func TestRecordsPassCheckBatch(t *testing.T) {
	for _, tp := range All() {
		t.Run(tp.ID, func(t *testing.T) {
			changes := Records(tp, workshop, newHLC(1764288000000))
			if want := 1 + len(tp.Steps) + len(tp.Groups) + len(tp.Ballots); len(changes) != want {
				t.Fatalf("Records() = %d changes, want %d", len(changes), want)
			}
			var clocks []replica.Clock
			for _, c := range changes {
				if !c.Grouped() {
					t.Errorf("change for %s is not grouped", c.Record)
				}
				clocks = append(clocks, c.Clock)
			}
			if !slices.IsSorted(clocks) || len(slices.Compact(clocks)) != len(changes) {
				t.Errorf("clocks are not increasing: %v", clocks)
			}
			s := state(t, changes)

			w := s.Record(workshop)
			if w == nil || w.Kind != "workshop" {
				t.Fatalf("no workshop record")
			}
			if got := w.String("template"); got != tp.ID {
				t.Errorf("workshop template = %q, want %q", got, tp.ID)
			}
			if got := w.Strings("rules"); !slices.Equal(got, tp.Rules) {
				t.Errorf("workshop rules = %q, want %q", got, tp.Rules)
			}
			if w.Int("vote_budget", 0) != int64(tp.VoteBudget) || w.Int("max_threads", 0) != int64(tp.MaxThreads) {
				t.Errorf("workshop vote_budget %d, max_threads %d", w.Int("vote_budget", 0), w.Int("max_threads", 0))
			}
			if w.Has("title") || w.Has("place") {
				t.Errorf("Records set the workshop's title or place: the creator does")
			}

			sessions := s.Of("session")
			if len(sessions) != len(tp.Steps) {
				t.Fatalf("%d sessions, want %d", len(sessions), len(tp.Steps))
			}
			for i, r := range sessions {
				st := tp.Steps[i]
				if r.ID != SessionID(workshop, i) {
					t.Errorf("session %d id = %s, want SessionID", i, r.ID)
				}
				if r.String("title") != st.Title || r.String("type") != st.Type || r.Int("minutes", 0) != int64(st.Minutes) ||
					r.String("instructions") != st.Instructions || r.String("format") != st.Format || r.String("board") != st.Board ||
					r.Float("position") != float64(i+1) {
					t.Errorf("session %d = %v, want step %+v at position %d", i, r.Fields, st, i+1)
				}
				if st.Format == "" && r.Has("format") {
					t.Errorf("session %d sets an empty format", i)
				}
			}
			groups := s.Of("group")
			if len(groups) != len(tp.Groups) {
				t.Fatalf("%d groups, want %d", len(groups), len(tp.Groups))
			}
			for i, r := range groups {
				if r.ID != GroupID(workshop, i) || r.String("name") != tp.Groups[i] {
					t.Errorf("group %d = %s %q, want %s %q", i, r.ID, r.String("name"), GroupID(workshop, i), tp.Groups[i])
				}
			}
			for i, b := range tp.Ballots {
				r := s.Record(BallotID(workshop, i))
				if r == nil || r.Kind != "ballot" {
					t.Fatalf("no ballot %d", i)
				}
				if r.String("session") != SessionID(workshop, b.Step) || r.String("title") != b.Title ||
					replica.Budget(r) != b.Budget || r.String("target_kind") != b.TargetKind || !r.Has("open") || r.Bool("open") {
					t.Errorf("ballot %d = %v, want %+v, closed", i, r.Fields, b)
				}
			}
		})
	}
}

func TestToulonBallot(t *testing.T) {
	tp, _ := Get("toulon")
	s := state(t, Records(tp, workshop, newHLC(1764288000000)))
	b := s.Record(BallotID(workshop, 0))
	vote := s.Record(b.String("session"))
	if vote == nil || vote.String("title") != "Vote" {
		t.Fatalf("the ballot is not on the Vote session")
	}
	if b.String("title") != "Vote sur les fils" || replica.Budget(b) != 4 || b.String("target_kind") != "thread" || b.Bool("open") {
		t.Errorf("ballot = %v", b.Fields)
	}
	// A participant may not vote before the facilitator opens it.
	p := "0193b1c2-aaaa-7000-8000-000000000001"
	v := replica.Change{
		Record: replica.VoteID(b.ID, p, 0), Kind: "vote", Clock: replica.MakeClock(1764288999999, 0, p),
		Fields: map[string]json.RawMessage{"ballot": raw(b.ID), "voter": raw(p), "slot": raw(0), "target": raw("")},
	}
	_, rejected, err := replica.CheckBatch(replica.Principal{Participant: p}, []replica.Change{v}, func(id string) (*replica.Record, error) { return s.Record(id), nil })
	if err != nil || len(rejected) == 0 || rejected[0].Code != replica.CodeForbidden {
		t.Errorf("a vote on the closed ballot = %v, %v, want forbidden", rejected, err)
	}
}

func TestRecordsDeterministicIDs(t *testing.T) {
	tp, _ := Get("caux")
	a := Records(tp, workshop, newHLC(1764288000000))
	b := Records(tp, workshop, newHLC(1800000000000))
	if len(a) != len(b) {
		t.Fatalf("%d and %d changes", len(a), len(b))
	}
	for i := range a {
		if a[i].Record != b[i].Record || a[i].Kind != b[i].Kind {
			t.Errorf("change %d: %s %s, then %s %s", i, a[i].Kind, a[i].Record, b[i].Kind, b[i].Record)
		}
		for f, v := range a[i].Fields {
			if string(b[i].Fields[f]) != string(v) {
				t.Errorf("change %d field %s: %s, then %s", i, f, v, b[i].Fields[f])
			}
		}
		if a[i].Clock == b[i].Clock {
			t.Errorf("change %d: same clock from two clock sources", i)
		}
	}
	// The ids are the UUIDv5 (URL namespace) of "<workshop>/<kind>/<n>".
	v5 := func(name string) string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String() }
	for _, c := range []struct{ got, name string }{
		{SessionID(workshop, 2), workshop + "/session/2"},
		{GroupID(workshop, 1), workshop + "/group/1"},
		{BallotID(workshop, 0), workshop + "/ballot/0"},
	} {
		if want := v5(c.name); c.got != want || !replica.IsID(c.got) {
			t.Errorf("id of %s = %s, want %s", c.name, c.got, want)
		}
	}

	// Another workshop gets other ids, and no id is shared.
	ids := map[string]bool{}
	for _, w := range []string{workshop, workshop2} {
		for _, c := range Records(tp, w, newHLC(1764288000000)) {
			if ids[c.Record] {
				t.Errorf("id %s appears twice", c.Record)
			}
			ids[c.Record] = true
		}
	}
}

func TestRecordsTwiceConverge(t *testing.T) {
	// A workshop created again (an import, a retried create) writes the
	// same records: merging both gives one agenda, not two.
	tp, _ := Get("lisieux")
	first := Records(tp, workshop, newHLC(1764288000000))
	again := Records(tp, workshop, newHLC(1764288500000))
	s := state(t, append(first, again...))
	if got := len(s.Of("session")); got != len(tp.Steps) {
		t.Errorf("%d sessions after creating twice, want %d", got, len(tp.Steps))
	}
	if got := len(s.Of("group")); got != len(tp.Groups) {
		t.Errorf("%d groups after creating twice, want %d", got, len(tp.Groups))
	}
}

func TestRecordsBlank(t *testing.T) {
	for _, tp := range []Template{Blank(), {}} {
		if got := Records(tp, workshop, newHLC(1764288000000)); got != nil {
			t.Errorf("Records(blank) = %d changes, want none", len(got))
		}
	}
}

func TestRecordsDefaults(t *testing.T) {
	// A template with no rules, budget or threads still writes valid values.
	tp := Template{ID: "custom", Steps: []Step{{Title: "Atelier", Instructions: "Faire.", Minutes: 20, Type: TypeRoom}},
		Ballots: []Ballot{{Title: "Vote", Step: 0, TargetKind: "note"}}}
	s := state(t, Records(tp, workshop, newHLC(1764288000000)))
	w := s.Record(workshop)
	if w.Strings("rules") == nil || !w.Has("rules") || w.Int("vote_budget", 0) != DefaultVoteBudget || w.Int("max_threads", 0) != DefaultMaxThreads {
		t.Errorf("workshop = %v", w.Fields)
	}
	if b := s.Record(BallotID(workshop, 0)); replica.Budget(b) != DefaultVoteBudget {
		t.Errorf("ballot budget = %d, want %d", replica.Budget(b), DefaultVoteBudget)
	}
}

// TestPureAndWasm proves that the package builds for js/wasm, as the phone
// needs, and imports nothing that does I/O.
func TestPureAndWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package for js/wasm")
	}
	allowed := map[string]bool{
		"encoding/json": true, "strconv": true,
		"carnet/sync/replica": true, "github.com/google/uuid": true,
	}
	gobin := runtime.GOROOT() + "/bin/go"
	cmd := exec.Command(gobin, "list", "-f", `{{join .Imports "\n"}}`, ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list for js/wasm: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(string(out)) {
		if !allowed[imp] {
			t.Errorf("template imports %s: keep it pure data, free of I/O and heavy dependencies", imp)
		}
	}
	build := exec.Command(gobin, "build", "-o", t.TempDir()+"/template.a", ".")
	build.Env = append(build.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, out)
	}
}
