//go:build !(js && wasm)

package ui

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/sync/replica"
)

// session returns a session record of minutes with timer raw ("" for
// none).
func session(minutes int64, timer string) *replica.Record {
	r := replica.NewRecord(meID, "session")
	b, _ := json.Marshal(minutes)
	r.Fields["minutes"] = replica.Value{Value: b}
	if timer != "" {
		r.Fields["timer"] = replica.Value{Value: json.RawMessage(timer)}
	}
	return r
}

func TestTimerLeft(t *testing.T) {
	const now = 1_800_000_000_000
	tests := []struct {
		timer string
		left  int64
		state string
	}{
		{"", 45 * 60000, "idle"},
		{"null", 45 * 60000, "idle"},
		{`{"started": 0, "paused_left": 120000}`, 120000, "paused"},
		{`{"started": 1799999990000, "paused_left": 60000}`, 50000, "running"},
		{`{"started": 1799999900000, "paused_left": 60000}`, -40000, "over"},
		{`{"started": 1800000000000, "paused_left": 0}`, 0, "over"},
	}
	for _, tt := range tests {
		left, state := timerLeft(session(45, tt.timer), now)
		if left != tt.left || state != tt.state {
			t.Errorf("timer %s: %d ms %s, want %d ms %s", tt.timer, left, state, tt.left, tt.state)
		}
	}
}

func TestTimerActions(t *testing.T) {
	const now = 1_800_000_000_000
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	tests := []struct{ timer, action, want string }{
		{"", "start", `{"started":1800000000000,"paused_left":2700000}`},
		{`{"started": 0, "paused_left": 90000}`, "start", `{"started":1800000000000,"paused_left":90000}`},
		{`{"started": 0, "paused_left": 0}`, "start", `{"started":1800000000000,"paused_left":2700000}`},
		{`{"started": 1799999990000, "paused_left": 60000}`, "start", `null`}, // running already
		{`{"started": 1799999990000, "paused_left": 60000}`, "pause", `{"started":0,"paused_left":50000}`},
		{`{"started": 1799999900000, "paused_left": 60000}`, "pause", `{"started":0,"paused_left":0}`},
		{`{"started": 1799999990000, "paused_left": 60000}`, "plus5", `{"started":1799999990000,"paused_left":360000}`},
		{`{"started": 0, "paused_left": 60000}`, "plus5", `{"started":0,"paused_left":360000}`},
		{"", "plus5", `{"started":0,"paused_left":3000000}`},
		{`{"started": 1799999900000, "paused_left": 60000}`, "plus5", `{"started":1800000000000,"paused_left":300000}`},
		{`{"started": 0, "paused_left": 60000}`, "reset", `null`},
	}
	for _, tt := range tests {
		if got := enc(timerAction(session(45, tt.timer), tt.action, now)); got != tt.want {
			t.Errorf("%s on %s = %s, want %s", tt.action, tt.timer, got, tt.want)
		}
	}
	// Every timer written passes the protocol's check.
	for _, tt := range tests {
		v := timerAction(session(45, tt.timer), tt.action, now)
		if _, err := replica.CheckValue("session", "timer", json.RawMessage(enc(v))); err != nil {
			t.Errorf("%s on %s: %v", tt.action, tt.timer, err)
		}
	}
}

func TestTimerText(t *testing.T) {
	for ms, want := range map[int64]string{
		0: "0:00", 1: "0:01", 999: "0:01", 1000: "0:01", 1001: "0:02", 59000: "0:59", 60000: "1:00",
		45 * 60000: "45:00", 3600000: "1:00:00", 3661000: "1:01:01", -1: "-0:00", -1500: "-0:01", -61000: "-1:01",
	} {
		if got := timerText(ms); got != want {
			t.Errorf("timerText(%d) = %q, want %q", ms, got, want)
		}
	}
}

func TestTemplateExpansion(t *testing.T) {
	got := tpl(`<p id="{0}" title="{1}">{=2}{nav.home}</p>`, "x", `a"<b>&`, "<i>raw</i>")
	want := `<p id="x" title="a&#34;&lt;b&gt;&amp;"><i>raw</i>Accueil</p>`
	if got != want {
		t.Errorf("tpl = %s\nwant %s", got, want)
	}
	if got := tpl("no braces {"); got != "no braces {" {
		t.Errorf("tpl with an open brace = %q", got)
	}
}

func TestMoveGroup(t *testing.T) {
	mk := func() []*replica.Record {
		groups := make([]*replica.Record, 3)
		for i := range groups {
			groups[i] = replica.NewRecord(string(rune('a'+i)), "group")
			b, _ := json.Marshal(i + 1)
			groups[i].Fields["position"] = replica.Value{Value: b}
		}
		return groups
	}
	changes := moveGroup(mk(), "c", true)
	got := map[string]string{}
	for _, c := range changes {
		got[c.Record] = string(c.Fields["position"])
	}
	if len(got) != 2 || got["c"] != "2" || got["b"] != "3" {
		t.Errorf("moving c up writes %v, want c at 2 and b at 3", got)
	}
	if changes := moveGroup(mk(), "a", true); len(changes) != 0 {
		t.Errorf("moving the first group up writes %v", changes)
	}
}

// TestFacilPagesPrerender renders the facilitator's pages as the server
// does: each answers 200 (their content comes once the wasm runs).
func TestFacilPagesPrerender(t *testing.T) {
	Routes()
	h := &app.Handler{Name: "Carnet", Icon: app.Icon{Default: "/web/icon-192.png"}}
	for path, want := range map[string]string{
		"/new":                   `id="create-form"`,
		"/w/" + wsID + "/admin":  `id="loading"`,
		"/w/" + wsID + "/agenda": `id="loading"`,
		"/w/" + wsID + "/wall":   `id="loading"`,
		"/w/" + wsID + "/qr":     `id="loading"`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want %s in\n%.1500s", path, rec.Code, want, body)
		}
	}
}
