package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// The facilitator's pages of the day itself: create a workshop, its
// settings and join QR code, the agenda with its shared timer, the live
// wall, and the boards of the seed's protocols. One component type,
// facilPage (facil1_page.go), shows them all; each page has its file.
//
//	/new                      create_page.go: blank or from a template, title, place, dates
//	/w/<id>/admin[#t=&c=]     admin_page.go: settings, rules, groups, join QR code and link,
//	                          the link that opens the facilitation on another device (the
//	                          token in the fragment: kept on the device, then taken out)
//	/w/<id>/agenda            agenda_page.go: the steps, the current one, its timer (everyone)
//	/w/<id>/wall[?s=&by=]     wall_page.go: a session's post-its and photos, live, projected
//	/w/<id>/qr                qr_sheet_page.go: the join QR code to project, a sheet to print
//
// The current step and its timer (timer_view.go) also show on the
// workshop and session pages; a session's board (board_grid.go, from the
// catalogue of facil1_catalog.go) on the session page and the wall. The
// frame (f1Shell, f1Nav) and the HTML helpers below serve the other
// facilitation pages (facil2*.go) too.
//
// Their element ids:
//
//	home          #new-workshop (link to /new)
//	nav           #f1-nav with #go-agenda, #go-wall, #go-qr, #go-admin, #go-threads,
//	              #go-ballots, #go-synthesis, #go-privacy (aria-current on the page's)
//	create        #create-form: #tpl-list with li.tpl-card#tpl-<id> (blank: #tpl-blank)
//	              holding input[type=radio]#tpl-radio-<id> and details.tpl-steps;
//	              #tpl-loading; #create-title, #create-place, #create-starts,
//	              #create-ends, #create-key (in details#create-key-box),
//	              #create-submit; #create-error, #create-busy, #create-offline
//	admin         #facil-only (not the facilitator here), #open-error (the
//	              facilitation link could not be kept); #join-card: #join-qr (svg),
//	              #join-code, #join-url (readonly input), #join-copy, #join-project;
//	              #settings-form: #ws-title, #ws-place, #ws-starts, #ws-ends,
//	              #ws-budget, #ws-threads, #ws-rules (textarea, a rule a line),
//	              #ws-save; #ws-saved (role=status), #ws-error; #groups with
//	              li.group-row#group-<id> holding input.group-name#group-name-<id>,
//	              #group-up-<id>, #group-down-<id>, #group-delete-<id> (after a
//	              first tap: .group-delete-confirm and .group-delete-cancel);
//	              #group-new, #group-add; details#other-device: #facil-qr, #facil-url
//	timer         section#now: #now-title (a link to the session), #timer
//	              (role=timer; data-state idle, running, paused or over; data-left,
//	              seconds left, negative past the end; .timer-clock); for the
//	              facilitator on the agenda #timer-toggle (data-act start or pause),
//	              #timer-plus5, #timer-reset, #timer-error; #now-none (no current step)
//	agenda        #agenda-total, #agenda-empty, ol#agenda with li.step#step-<id>
//	              (data-current; aria-current=step) holding a.step-title, .step-sub,
//	              details.step-instr, .step-make-current and a.step-wall (facilitator);
//	              #agenda-error; #step-new-form: #step-new-title, #step-new-minutes,
//	              #step-new-format, #step-new-add
//	wall          #wall-session (select), #wall-by-group, #wall-by-color,
//	              #wall-by-board (aria-pressed; board when the session has one),
//	              #wall-full, #wall-count (role=status), #wall-empty; #wall-body
//	              (data-by) with section.wall-col#col-<group id|colour|photos|none>
//	              holding .wnote#wnote-<id> (data-color, data-group, data-zone, .text,
//	              .meta) and figure.wphoto#wphoto-<id>; by board, the board below
//	board         (session page and wall) #zones (data-board) with section.zone
//	              #zone-<zone id> (class z-<colour>) and #zone-none (notes in no zone,
//	              photos), each with .zone-title and .zone-notes; note form:
//	              #note-zone (select)
//	qr            #qr-title, #qr-big (svg), #qr-code, #qr-url, #qr-print; printed
//	              only: #qr-sheet with six .qr-card

// facilPath matches the workshop's facilitation pages; /new is apart.
var facilPath = regexp.MustCompile(`^/w/(` + idPattern + `)/(admin|agenda|wall|qr)$`)

// wsPath is /w/<id>/<page>.
func wsPath(id, page string) string { return "/w/" + id + "/" + page }

// Rendering. The bodies of these pages are HTML text, escaped with esc,
// shown with app.Raw, and their events are delegated to one handler on
// the element around it (f1Raw): go-app builder chains cost about four
// times as much code in app.wasm, and app.wasm has a size budget. go-app
// leaves a raw block alone while its text does not change, so what is
// typed in its inputs stays; each page splits its text into blocks that
// change apart. The events: click on an element with data-act (or inside
// one), input and change on inputs (their data-f, their value), submit of
// a form (its data-act; the default is prevented).

// esc escapes s for HTML text and double-quoted attribute values.
func esc(s string) string { return escapeHTML(s, "&#34;") }

// escapeHTML escapes &, <, >, ' and " (as quot) by hand: html.EscapeString
// and strings.NewReplacer would link strings.Replacer, several KB of
// app.wasm. esc gives html.EscapeString's output, hesc and the qr package
// the &quot; of their former replacer.
func escapeHTML(s, quot string) string {
	if !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString(quot)
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// tpl expands an HTML template: {N} (one digit) is args[N] escaped, {=N}
// is args[N] as it is (HTML built already), and any other {key} is the
// catalogue's message key, escaped. The markup lives in constant
// templates, which cost app.wasm data, not code.
func tpl(s string, args ...string) string {
	var b strings.Builder
	b.Grow(len(s) + 256)
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		b.WriteString(s[:i])
		k := s[i+1 : i+j]
		s = s[i+j+1:]
		switch {
		case len(k) == 2 && k[0] == '=':
			b.WriteString(args[k[1]-'0'])
		case len(k) == 1 && k[0] >= '0' && k[0] <= '9':
			b.WriteString(esc(args[k[0]-'0']))
		default:
			b.WriteString(esc(i18n.T(k)))
		}
	}
	b.WriteString(s)
	return b.String()
}

// set is a grouped change of record id of kind from field, value pairs.
func set(id, kind string, kv ...any) replica.Change {
	c := replica.Change{Record: id, Kind: kind, Fields: make(map[string]json.RawMessage, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		if b, err := json.Marshal(kv[i+1]); err == nil {
			c.Fields[kv[i].(string)] = b
		}
	}
	return c
}

// f1Raw is HTML text whose events go to h.
func f1Raw(h app.EventHandler, text string) app.UI {
	return ecb("div", "", "", app.Raw("<div>"+text+"</div>")).OnClick(h).OnInput(h).OnChange(h).OnSubmit(h)
}

// ev is a delegated event: its type, the data-act of what it acts on,
// the data-f, data-id and value of its target.
type ev struct {
	kind, act, f, id, value string
}

// readEvent reads a delegated event; act is empty for a click on nothing
// that acts. It prevents a submit's default.
func readEvent(e app.Event) ev {
	x := ev{kind: e.Get("type").String()}
	t := e.Get("target")
	if x.kind == "submit" {
		e.PreventDefault()
	}
	if x.kind == "click" {
		if !t.Get("closest").Truthy() {
			return x
		}
		t = t.Call("closest", "[data-act]")
		if !t.Truthy() {
			return x
		}
	}
	x.act, x.f, x.id = jsData(t, "act"), jsData(t, "f"), jsData(t, "id")
	if v := t.Get("value"); v.Type() == app.TypeString {
		x.value = v.String()
	}
	return x
}

// jsData reads a data attribute of a DOM element, "" when unset.
func jsData(v app.Value, name string) string {
	if d := v.Get("dataset").Get(name); d.Type() == app.TypeString {
		return d.String()
	}
	return ""
}

const navLinkHTML = `<a id="go-{0}" class="button{=1}" href="/w/{2}/{0}">{=3}</a>`

// f1Nav links the facilitator's pages, the other engineer's included;
// active is the page shown.
func f1Nav(id, active string) string {
	out := ""
	for _, p := range [...]string{"agenda", "wall", "qr", "admin", "threads", "ballots", "synthesis", "privacy"} {
		cur := ""
		if p == active {
			cur = ` primary" aria-current="page`
		}
		out += tpl(navLinkHTML, p, cur, id, esc(i18n.T("facil.nav."+p)))
	}
	return tpl(`<nav id="f1-nav" class="facil-nav" aria-label="{facil.nav}">{=0}</nav>`, out)
}

// f1View returns the view of workshop id, an empty one before it opens.
func f1View(id string) *view {
	if w := lookup(id); w != nil {
		return w.view()
	}
	return &view{ID: id, State: replica.NewState()}
}

// f1Open opens workshop id for a page on navigation and observes it.
// The page's stepTimer follows the live events.
func f1Open(ctx app.Context, id string, rev *int) {
	if !app.IsClient || id == "" {
		return
	}
	workshopFor(ctx, id)
	observe(ctx, id, rev)
}

// f1Shell is the frame of a facilitator page: the top bar, the nav, the
// content (for the facilitator only when facil) and the sync bar.
func f1Shell(v *view, title, active string, facil bool, body ...app.UI) app.UI {
	if msg := openProblem(v); msg != nil {
		body = []app.UI{msg}
	} else if facil && !v.Meta.Facilitator {
		body = []app.UI{para("facil-only", "msg warn", i18n.T("facil.only"))}
	}
	if v.Meta.Facilitator {
		body = append([]app.UI{app.Raw(f1Nav(v.ID, active))}, body...)
	}
	return ecb("div", "", "page f1-"+active,
		newTopBar(title, workshopURL(v.ID), false),
		newAppBanner(false),
		ecb("main", "main", "wide", body...),
		syncBarFor(v),
	)
}

// f1Write queues changes on workshop id; done runs on the UI goroutine
// with the error, if any.
func f1Write(ctx app.Context, id string, done func(err error), changes ...replica.Change) {
	w := lookup(id)
	if w == nil || len(changes) == 0 {
		return
	}
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			keepFocus(ctx)
			if done != nil {
				done(err)
			}
		})
	}, changes...)
}

// keepFocus puts the focus back, once the update is done, on the element
// (by id) that has it now: go-app replaces a raw block whose text changed,
// and a keyboard user would lose their place.
func keepFocus(ctx app.Context) {
	if !app.IsClient {
		return
	}
	id := jsString(app.Window().Get("document").Get("activeElement").Get("id"))
	if id == "" || id == "undefined" {
		return
	}
	ctx.Defer(func(app.Context) {
		if e := app.Window().GetElementByID(id); e.Truthy() {
			e.Call("focus")
		}
	})
}

// srcData reads a data attribute of the element an event came from.
func srcData(ctx app.Context, name string) string { return jsData(ctx.JSSrc(), name) }

// srcValue reads the value of the input an event came from.
func srcValue(ctx app.Context) string { return ctx.JSSrc().Get("value").String() }

// replaceURL shows u in the address bar in place of the page's address
// (no new history entry, no navigation).
func replaceURL(u string) {
	if app.IsClient {
		app.Window().Get("history").Call("replaceState", nil, "", u)
	}
}

// setInput sets the value of a text input the app does not bind (doc.go).
func setInput(id, v string) {
	if app.IsClient {
		if e := app.Window().GetElementByID(id); e.Truthy() {
			e.Set("value", v)
		}
	}
}

// metaOnly is the Local client.Create writes into: the meta, nothing else.
// The device's real store is opened once the server named the workshop.
type metaOnly struct{ m client.Meta }

func (l *metaOnly) Meta(context.Context) (client.Meta, error)       { return l.m, nil }
func (l *metaOnly) SaveMeta(_ context.Context, m client.Meta) error { l.m = m; return nil }
func (*metaOnly) Write(context.Context, []replica.Change, map[string][]byte) error {
	return errNoBrowser
}
func (*metaOnly) Outbox(context.Context, int) ([]client.Pending, error)      { return nil, nil }
func (*metaOnly) Ack(context.Context, []int64, []replica.Change) error       { return nil }
func (*metaOnly) Pull(context.Context, []replica.Change, string) error       { return nil }
func (*metaOnly) State(context.Context) (*replica.State, error)              { return replica.NewState(), nil }
func (*metaOnly) PendingBlobs(context.Context) ([]client.PendingBlob, error) { return nil, nil }
func (*metaOnly) Blob(context.Context, string) ([]byte, error)               { return nil, client.ErrNoBlob }
func (*metaOnly) Uploaded(context.Context, string) error                     { return nil }

// createWorkshop creates a workshop on the server (online), keeps its
// facilitator token on the device, and writes the fields of more (a
// workshop change without its record) over the workshop record. It
// blocks: call it from ctx.Async.
func createWorkshop(ctx app.Context, nw client.NewWorkshop, more replica.Change) (string, error) {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := client.Create(c, client.Config{Local: &metaOnly{}, Doer: newDoer(), Attempts: 2}, "", nw)
	if err != nil {
		return "", err
	}
	m := cl.Meta()
	w, err := adopt(ctx, m)
	if err != nil {
		return "", err
	}
	if len(more.Fields) > 0 {
		more.Record = m.Workshop
		if err := w.write(more); err != nil {
			return m.Workshop, err
		}
	}
	return m.Workshop, nil
}

// errParticipantHere: the device is a participant of the workshop whose
// facilitation link it opens.
var errParticipantHere = errors.New("this device is a participant of this workshop")

// adopt keeps m, a facilitator's meta, on the device and opens the
// workshop with it. A device that is the facilitator already keeps its
// store. It blocks.
func adopt(ctx app.Context, m client.Meta) (*workshop, error) {
	remember(ctx)
	ctrlMu.Lock()
	w := ctrls[m.Workshop]
	if w == nil {
		w = newWorkshop(m.Workshop)
		ctrls[m.Workshop] = w
	}
	ctrlMu.Unlock()
	w.mu.Lock()
	cl := w.cl
	w.mu.Unlock()
	if cl != nil {
		if cl.Meta().Facilitator {
			return w, nil
		}
		return nil, errParticipantHere
	}
	w.open(func(c context.Context, local client.Local) (*client.Client, error) {
		old, err := local.Meta(c)
		if err != nil {
			return nil, err
		}
		if old.Workshop == "" {
			if err := local.SaveMeta(c, m); err != nil {
				return nil, err
			}
		} else if !old.Facilitator {
			return nil, errParticipantHere
		}
		return client.Open(c, w.config(local))
	})
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if err != nil {
		ctrlMu.Lock()
		if ctrls[m.Workshop] == w {
			delete(ctrls, m.Workshop)
		}
		ctrlMu.Unlock()
		return nil, err
	}
	w.syncNow()
	return w, nil
}

// facilLink is the link that opens the facilitation of v on another
// device: the token rides in the fragment, which browsers never send to
// a server (nor in a Referer).
func facilLink(v *view) string {
	u := app.Window().URL()
	if u == nil {
		u = &url.URL{}
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: wsPath(v.ID, "admin"), Fragment: encodeQuery("c", v.Meta.JoinCode, "t", v.Meta.Token)}).String()
}

// serverNow is the server's clock in Unix ms as this device reckons it:
// its own clock plus the offset the last sync measured (PROTOCOL.md,
// Extensions), so that every device counts a timer down alike.
func (w *workshop) serverNow() int64 {
	w.mu.Lock()
	cl := w.cl
	w.mu.Unlock()
	now := time.Now()
	if cl != nil {
		off, _ := cl.ServerOffset()
		now = now.Add(off)
	}
	return now.UnixMilli()
}
