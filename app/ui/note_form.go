package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
	"carnet/sync/replica"
)

// noteForm captures a post-it: its kind in the workshop's colour code (big
// buttons with text labels), its text, and a save that writes it through
// the client, committed on the device, before saying "Enregistré".
type noteForm struct {
	_ noEq
	app.Compo

	Workshop, Session, Group string
	Board                    string // the session's board: pick a zone

	color   string
	zone    string
	catRev  int
	text    string
	saving  bool
	saved   int // count of saves, for the status message
	savedAt time.Time
	err     string
}

func newNoteForm(workshop, session, group string) *noteForm {
	return &noteForm{Workshop: workshop, Session: session, Group: group}
}

// lastColorKey keeps the last colour chosen, so that a series of irritants
// needs one tap each.
const lastColorKey = "carnet.last-color"

func (f *noteForm) OnMount(ctx app.Context) {
	if app.IsClient {
		if v := app.Window().Get("localStorage").Call("getItem", lastColorKey); v.Type() == app.TypeString {
			if colorSymbols[v.String()] != "" {
				f.color = v.String()
			}
		}
	}
	if f.color == "" {
		f.color = replica.ColorCurrent
	}
	useCatalogue(ctx, &f.catRev)
}

// onBoard sets the board whose zones the form offers.
func (f *noteForm) onBoard(board string) *noteForm { f.Board = board; return f }

// pickZone chooses the zone of the select, and its colour when it has one.
func (f *noteForm) pickZone(ctx app.Context, e app.Event) {
	f.zone = readEvent(e).value
	if b := boardOf(f.Board); b != nil {
		if z := b.zone(f.zone); z != nil && colorSymbols[z.Color] != "" {
			f.color = z.Color
		}
	}
}

// pick chooses the colour of the button (its data-color).
func (f *noteForm) pick(ctx app.Context, e app.Event) {
	c := ctx.JSSrc().Get("dataset").Get("color").String()
	if colorSymbols[c] == "" {
		return
	}
	f.color = c
	app.Window().Get("localStorage").Call("setItem", lastColorKey, c)
}

func (f *noteForm) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	text := strings.TrimSpace(f.text)
	if f.saving {
		return
	}
	if text == "" {
		f.err = i18n.T("note.empty")
		return
	}
	w := lookup(f.Workshop)
	if w == nil {
		return
	}
	me := w.view().Me()
	f.saving, f.err = true, ""
	fields := map[string]any{
		"session": f.Session, "group": f.Group, "text": text, "color": f.color, "author": me,
	}
	if f.zone != "" && boardOf(f.Board) != nil {
		fields["zone"] = f.zone
	}
	c := change(client.NewID(), "note", fields)
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			f.saving = false
			if err != nil {
				f.err = writeError(err)
				return
			}
			f.text = ""
			f.saved++
			f.savedAt = time.Now()
			at := f.savedAt
			ctx.After(5*time.Second, func(ctx app.Context) {
				if f.savedAt.Equal(at) {
					f.savedAt = time.Time{}
				}
			})
			// A textarea's value is not an attribute go-app renders: clear it here.
			ta := app.Window().GetElementByID("note-text")
			ta.Set("value", "")
			ta.Call("focus")
		})
	}, c)
}

func (f *noteForm) Render() app.UI {
	colors := make([]app.UI, len(replica.Colors))
	for i, c := range replica.Colors {
		colors[i] = ecb("button", "color-"+c, "color-btn "+colorClass(c),
			ect("span", "", "sym", colorSymbols[c]).Aria("hidden", "true"),
			ect("span", "", "", colorLabel(c)),
		).Attr("type", "button").
			DataSet("color", c).Aria("pressed", f.color == c).OnClick(f.pick)
	}
	var done app.UI
	if !f.savedAt.IsZero() {
		done = saved(i18n.T("note.saved"))
	}
	var zone app.UI
	if b := boardOf(f.Board); b != nil {
		zone = zoneSelect(b, f.pickZone)
	}
	return ecb("form", "note-form", "",
		zone,
		ecb("div", "", "",
			para("note-color-label", "b", i18n.T("note.kind")),
			ecb("div", "", "colors", colors...),
		).Attr("role", "group").Aria("labelledby", "note-color-label"),
		field("note-text", i18n.T("note.text"), "",
			ec("textarea", "note-text", colorClass(f.color)).
				Attr("maxlength", replica.MaxString).OnInput(valueTo(&f.text))),
		ect("button", "note-save", "primary block mt", i18n.F("note.save", colorLabel(f.color))).Attr("type", "submit").Attr("disabled", f.saving),
		status("note-saved", "", done),
		alert("note-error", f.err),
	).OnSubmit(f.save)
}
