package ui

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// The shared timer of a step (PROTOCOL.md, Extensions): the session's
// field timer is {"started": ms, "paused_left": ms}, both in the server's
// clock (Unix ms), which each device reckons from its sync answers.
//
//   - no timer (unset or null): idle; the step's minutes are left.
//   - started > 0: running since started with paused_left ms left then:
//     left = paused_left - (now - started), negative past the end.
//   - started = 0: paused with paused_left ms left.
//
// Start writes {now, left}; pause {0, max(left, 0)}; +5 min adds 5 min to
// paused_left (a timer past its end starts again with 5 min); reset writes
// null. The workshop's field current holds the session id of the current
// step.
type timerState struct {
	Started    int64 `json:"started"`
	PausedLeft int64 `json:"paused_left"`
}

// readTimer returns the timer of session s and whether one is set.
func readTimer(s *replica.Record) (t timerState, set bool) {
	raw := s.Raw("timer")
	if raw == nil || string(raw) == "null" || json.Unmarshal(raw, &t) != nil {
		return timerState{}, false
	}
	return t, true
}

// stepMillis is the planned length of session s.
func stepMillis(s *replica.Record) int64 { return s.Int("minutes", 0) * 60000 }

// timerLeft returns the ms left on session s's timer at now (server ms)
// and its state: idle, running, paused or over (running past its end).
func timerLeft(s *replica.Record, now int64) (left int64, state string) {
	t, set := readTimer(s)
	switch {
	case !set:
		return stepMillis(s), "idle"
	case t.Started > 0:
		left = t.PausedLeft - (now - t.Started)
		if left <= 0 {
			return left, "over"
		}
		return left, "running"
	}
	return t.PausedLeft, "paused"
}

// timerAction returns the timer that action (start, pause, plus5, reset)
// makes from session s's at now; nil for reset.
func timerAction(s *replica.Record, action string, now int64) any {
	left, state := timerLeft(s, now)
	running := state == "running" || state == "over"
	switch action {
	case "start":
		if running {
			return nil
		}
		if left <= 0 {
			left = max(stepMillis(s), 5*60000)
		}
		return timerState{now, left}
	case "pause":
		return timerState{0, max(left, 0)}
	case "plus5":
		if state == "over" {
			return timerState{now, 5 * 60000}
		}
		t, _ := readTimer(s)
		if state == "idle" {
			t = timerState{0, left}
		}
		t.PausedLeft += 5 * 60000
		return t
	}
	return nil
}

// timerText formats ms as "m:ss" (or "h:mm:ss"), rounding up to the second
// while counting down; "-m:ss" past the end.
func timerText(ms int64) string {
	neg := ms < 0
	if neg {
		ms = -ms
	} else {
		ms += 999
	}
	s := ms / 1000
	out := ""
	if s >= 3600 {
		out = strconv.FormatInt(s/3600, 10) + ":"
		s %= 3600
		out += pad2(s / 60)
	} else {
		out = strconv.FormatInt(s/60, 10)
	}
	out += ":" + pad2(s%60)
	if neg {
		return "-" + out
	}
	return out
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// currentStep returns the workshop's current session, or nil.
func currentStep(st *replica.State, id string) *replica.Record {
	return live(st, st.Record(id).String("current"))
}

// f1Extras is what the workshop page shows of the facilitation: the
// facilitator's links, and for everyone the current step and its timer.
func f1Extras(v *view) app.UI {
	var nav app.UI
	if v.Meta.Facilitator {
		nav = app.Raw(f1Nav(v.ID, ""))
	}
	return ecb("div", "", "", nav, newStepTimer(v.ID, false))
}

// stepTimer shows the current step and its timer, counting down each
// second, with the facilitator's controls when Controls is set. At the end
// it beeps and vibrates where the device allows, once per run.
type stepTimer struct {
	app.Compo
	_ [0]func() // not comparable: no equality function in app.wasm

	Workshop string
	Controls bool

	rev       int
	following string // the workshop whose events it follows (results_live.go)
	liveOK    bool   // the stream could start: the device had its token
	last      int64  // ms left at the last render, for the end signal
	lastRun   string // the session and start of the run measured
	busy      bool
	err       string
}

func newStepTimer(workshop string, controls bool) *stepTimer {
	return &stepTimer{Workshop: workshop, Controls: controls}
}

func (t *stepTimer) OnMount(ctx app.Context) {
	f1Open(ctx, t.Workshop, &t.rev)
	if app.IsClient {
		t.following = t.Workshop
		followLive(ctx, t.following)
	}
	t.tick(ctx)
}

func (t *stepTimer) OnDismount() {
	if t.following != "" {
		unfollowLive(t.following)
		t.following = ""
	}
}

// tick re-renders each second while a timer runs; it stops when the
// component is gone (Dispatch does nothing then). A participant gets its
// token at its first sync: the live stream starts then.
func (t *stepTimer) tick(ctx app.Context) {
	ctx.After(time.Second, func(ctx app.Context) {
		if !t.liveOK && t.following != "" && f1View(t.following).Meta.Token != "" {
			t.liveOK = true
			id := t.following
			ctx.Async(func() { startLive(id) })
		}
		_, state := t.now()
		if state != "running" && state != "over" {
			ctx.PreventUpdate()
		}
		t.tick(ctx)
	})
}

// now returns the current step's time left and state.
func (t *stepTimer) now() (int64, string) {
	w := lookup(t.Workshop)
	if w == nil {
		return 0, ""
	}
	s := currentStep(w.view().State, t.Workshop)
	if s == nil {
		return 0, ""
	}
	return timerLeft(s, w.serverNow())
}

// on runs the control clicked (its data-act) on the current step.
func (t *stepTimer) on(ctx app.Context, e app.Event) {
	x := readEvent(e)
	w := lookup(t.Workshop)
	if x.act == "" || w == nil || t.busy {
		return
	}
	keepFocus(ctx)
	s := currentStep(w.view().State, t.Workshop)
	if s == nil {
		return
	}
	v := timerAction(s, x.act, w.serverNow())
	if x.act == "start" && v == nil {
		return
	}
	t.busy, t.err = true, ""
	f1Write(ctx, t.Workshop, func(err error) {
		t.busy = false
		if err != nil {
			t.err = writeError(err)
		}
	}, change(s.ID, "session", map[string]any{"timer": v}))
}

func (t *stepTimer) Render() app.UI {
	v := f1View(t.Workshop)
	s := currentStep(v.State, t.Workshop)
	T := i18n.T
	if s == nil {
		if !t.Controls {
			return ec("div", "now", "")
		}
		return ecb("div", "now", "now card", para("now-none", "muted", T("timer.nocurrent")))
	}
	left, state := t.now()
	run := s.ID + "/" + string(s.Raw("timer"))
	if state == "over" && t.last > 0 && run == t.lastRun {
		signalEnd()
	}
	t.last, t.lastRun = left, run

	label := T("timer.left")
	if state == "over" {
		label = T("timer.over")
	}
	// The clock changes each second, the controls only with the state: two
	// blocks, so that a focused button stays.
	var ctl app.UI
	if t.Controls && v.Meta.Facilitator {
		first := "start"
		if state == "running" || state == "over" {
			first = "pause"
		}
		ctl = f1Raw(t.on, tpl(timerCtlHTML, first, T("timer."+first)))
	}
	return ecb("section", "now", "now card",
		app.Raw(tpl(timerHTML, t.Workshop, s.ID, orText(s.String("title"), T("session.untitled")), state,
			strconv.FormatInt(left/1000, 10), label, timerText(left), T("timer.state."+state))),
		ctl,
		alert("timer-error", t.err),
	).Aria("labelledby", "now-title")
}

const (
	timerHTML = `<div><p class="now-label">{timer.current}</p><h2 id="now-title"><a href="/w/{0}/s/{1}">{2}</a></h2><p id="timer" ` +
		`class="timer" role="timer" data-state="{3}" data-left="{4}"><span class="timer-label">{5} </span><span class="timer-clock">{6}</span> ` +
		`<span class="timer-state">{7}</span></p></div>`
	timerCtlHTML = `<div class="row timer-ctl"><button type="button" id="timer-toggle" class="primary" data-act="{0}">{1}</button>` +
		`<button type="button" id="timer-plus5" data-act="plus5">{timer.plus5}</button><button type="button" id="timer-reset" ` +
		`data-act="reset">{timer.reset}</button></div>`
)

// signalEnd beeps (WebAudio) and vibrates, where the device allows: a
// browser may refuse sound before the user touched the page.
func signalEnd() {
	if !app.IsClient {
		return
	}
	if nav := navigator(); nav.Get("vibrate").Truthy() {
		nav.Call("vibrate", []any{400, 200, 400, 200, 400})
	}
	if ac := app.Window().Get("AudioContext"); ac.Truthy() {
		a := ac.New()
		o := a.Call("createOscillator")
		o.Get("frequency").Set("value", 880)
		o.Call("connect", a.Get("destination"))
		o.Call("start")
		o.Call("stop", a.Get("currentTime").Float()+1.2)
	}
}
