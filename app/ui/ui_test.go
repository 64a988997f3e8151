package ui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

const (
	wsID  = "0193b1c2-0000-7000-8000-000000000001"
	meID  = "0193b1c2-0000-7000-8000-000000000002"
	secrt = "abcdefghijklmnopqrstuvwx"
)

func TestInviteLinks(t *testing.T) {
	origin, _ := url.Parse("https://carnet.example.org/w/x")
	tests := []invite{
		{Workshop: wsID, Code: "AB12CD34"},
		{Workshop: wsID, Code: "AB12CD34", Participant: meID, Secret: secrt, Name: "Marie & Paul"},
	}
	for _, inv := range tests {
		link := joinLink(origin, inv)
		if !strings.HasPrefix(link, "https://carnet.example.org/join?") {
			t.Errorf("joinLink() = %q", link)
		}
		got, ok := parseInvite(link)
		if !ok || got != inv {
			t.Errorf("parseInvite(%q) = %+v, %v, want %+v", link, got, ok, inv)
		}
		if got, ok := parseInvite(joinPath(inv)); !ok || got != inv {
			t.Errorf("parseInvite(joinPath) = %+v, %v, want %+v", got, ok, inv)
		}
	}
	for _, bad := range []string{
		"", "hello", "https://x/join?c=AB", "https://x/join?w=" + wsID,
		"https://x/join?w=not-a-uuid&c=AB",
	} {
		if inv, ok := parseInvite(bad); ok {
			t.Errorf("parseInvite(%q) = %+v, want no invite", bad, inv)
		}
	}
	// A participant without a valid secret joins as a new participant.
	inv, ok := parseInvite("https://x/join?w=" + wsID + "&c=AB&p=" + meID + "&s=short")
	if !ok || inv.Participant != "" || inv.Secret != "" {
		t.Errorf("short secret: %+v, %v", inv, ok)
	}
}

func TestPaths(t *testing.T) {
	for path, re := range map[string]*regexp.Regexp{
		workshopURL(wsID):      workshopPath,
		sessionURL(wsID, meID): sessionPath,
		voteURL(wsID, meID):    votePath,
		deviceURL(wsID):        devicePath,
	} {
		if !re.MatchString(path) {
			t.Errorf("%s does not match %s", path, re)
		}
	}
	if workshopPath.MatchString(sessionURL(wsID, meID)) || sessionPath.MatchString(workshopURL(wsID)+"/s/x") {
		t.Error("paths overlap")
	}
}

func mustState(t *testing.T, changes ...replica.Change) *replica.State {
	t.Helper()
	st := replica.NewState()
	for i, c := range changes {
		c.Clock = replica.MakeClock(1764288000000+int64(i), 0, meID)
		if _, err := st.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func TestStickers(t *testing.T) {
	const ballot, t1, t2 = "0193b1c2-0000-7000-8000-0000000000b1", "0193b1c2-0000-7000-8000-0000000000f1", "0193b1c2-0000-7000-8000-0000000000f2"
	st := mustState(t,
		change(ballot, "ballot", map[string]any{"budget": 3, "target_kind": "thread", "open": true}),
		change(t1, "thread", map[string]any{"title": "Convergence", "position": 2}),
		change(t2, "thread", map[string]any{"title": "Gouvernance", "position": 1}),
		change(replica.VoteID(ballot, meID, 0), "vote", map[string]any{"ballot": ballot, "voter": meID, "slot": 0, "target": t1}),
		change(replica.VoteID(ballot, meID, 1), "vote", map[string]any{"ballot": ballot, "voter": meID, "slot": 1, "target": t1}),
		change(replica.VoteID(ballot, meID, 1), "vote", map[string]any{"deleted": true}),
	)
	got := stickers(st, ballot, meID, replica.Budget(st.Record(ballot)))
	want := []sticker{{0, t1}, {1, ""}, {2, ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stickers() = %v, want %v", got, want)
	}
	targets := voteTargets(st, st.Record(ballot))
	if len(targets) != 2 || targets[0].ID != t2 {
		t.Errorf("voteTargets() = %v, want the threads by position", targets)
	}
	if n := len(openBallots(st)); n != 1 {
		t.Errorf("openBallots() has %d, want 1", n)
	}
}

func TestBoard(t *testing.T) {
	const s1, g1 = "0193b1c2-0000-7000-8000-0000000000a1", "0193b1c2-0000-7000-8000-0000000000c1"
	n1, n2, n3 := "0193b1c2-0001-7000-8000-000000000001", "0193b1c2-0002-7000-8000-000000000001", "0193b1c2-0003-7000-8000-000000000001"
	st := mustState(t,
		change(n1, "note", map[string]any{"session": s1, "group": g1, "text": "a", "color": "problem", "author": meID}),
		change(n2, "note", map[string]any{"session": s1, "group": g1, "text": "b", "color": "wish", "author": meID}),
		change(n3, "note", map[string]any{"session": s1, "group": "", "text": "c", "color": "idea", "author": meID}),
		change(n1, "note", map[string]any{"deleted": true}),
	)
	got := ofSession(st, "note", s1, g1)
	if len(got) != 1 || got[0].ID != n2 {
		t.Errorf("ofSession(group) = %v, want [n2]", got)
	}
	all := ofSession(st, "note", s1, "")
	if len(all) != 2 || all[0].ID != n3 {
		t.Errorf("ofSession(all) = %v, want n3 then n2 (newest first)", all)
	}
	if u := ungrouped(all); len(u) != 1 || u[0].ID != n3 {
		t.Errorf("ungrouped() = %v, want [n3]", u)
	}
}

func TestSummarize(t *testing.T) {
	defer i18n.Set(i18n.FR)
	i18n.Set(i18n.FR)
	v := func(s client.Status) *view {
		return &view{ID: wsID, Opened: true, State: replica.NewState(), Status: s}
	}
	tests := []struct {
		name     string
		status   client.Status
		key, txt string
	}{
		{"synced", client.Status{Joined: true}, "synced", "Synchronisé"},
		{"pending", client.Status{Joined: true, Changes: 3, Photos: 1}, "pending", "4 en attente"},
		{"network", client.Status{Joined: true, Changes: 2, Err: fmt.Errorf("sync: %w", client.ErrNetwork)}, "offline", "Hors ligne"},
		{"conflict", client.Status{Err: &client.Error{Status: 409, Code: "conflict"}}, "error", "Erreur : " + i18n.T("err.conflict")},
		{"other", client.Status{Joined: true, Err: errors.New("boom"), Reason: "boom"}, "error", "Erreur : boom"},
		{"syncing", client.Status{Joined: true, Syncing: true}, "syncing", "Synchronisation…"},
	}
	for _, tt := range tests {
		s := summarize([]*view{v(tt.status)})
		if s.key != tt.key || s.text != tt.txt {
			t.Errorf("%s: summarize() = %q %q, want %q %q", tt.name, s.key, s.text, tt.key, tt.txt)
		}
	}
}

// TestMessagesExist fails when the UI asks the catalogue for a key it
// does not have (a literal key, or one built from a known list).
func TestMessagesExist(t *testing.T) {
	known := map[string]bool{}
	for _, k := range i18n.Keys() {
		known[k] = true
	}
	files, _ := filepath.Glob("*.go")
	// i18n.T("k") or T("k") (F, N alike), and in the pages' HTML
	// templates {@k} (hw) and {k} with a dot (tpl).
	lit := regexp.MustCompile(`(?:i18n\.|\b)([TFN])\("([a-z0-9_.]+)"[,)]|\{@([a-z0-9_.]+)\}|\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\}`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			key := m[2] + m[3] + m[4]
			if m[1] == "N" {
				if !known[key+".one"] || !known[key+".other"] {
					t.Errorf("%s: i18n.N(%q) has no .one and .other forms", f, key)
				}
				continue
			}
			if !known[key] {
				t.Errorf("%s: no message %q", f, key)
			}
		}
	}
	var dynamic []string
	for _, c := range replica.Colors {
		dynamic = append(dynamic, "color."+c)
	}
	for _, k := range replica.Kinds {
		dynamic = append(dynamic, "kind."+k)
	}
	for _, s := range []string{"room", "visit", "icebreaker", "break"} {
		dynamic = append(dynamic, "session.type."+s)
	}
	for _, s := range []string{"plenary", "groups", "standing"} {
		dynamic = append(dynamic, "session.format."+s)
	}
	for _, k := range dynamic {
		if !known[k] {
			t.Errorf("no message %q", k)
		}
	}
	for _, c := range replica.Colors {
		if colorSymbols[c] == "" {
			t.Errorf("colour %q has no symbol", c)
		}
	}
}

func TestFmtBytes(t *testing.T) {
	defer i18n.Set(i18n.FR)
	i18n.Set(i18n.FR)
	if got := fmtBytes(3_200_000); got != "3,2\u00a0Mo" {
		t.Errorf("fmtBytes FR = %q", got)
	}
	i18n.Set(i18n.EN)
	if got := fmtBytes(1_500_000_000); got != "1.5\u00a0GB" {
		t.Errorf("fmtBytes EN = %q", got)
	}
}
