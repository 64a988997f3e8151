package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// noteCard is one post-it on the board; its author may edit or delete it.
type noteCard struct {
	_ noEq
	app.Compo

	Workshop, ID string
	Text, Color  string
	Author       string // shown when not empty
	Mine         bool

	editing  bool
	deleting bool
	draft    string
	color    string
	busy     bool
	err      string
}

func newNoteCard(workshop, id, text, color, author string, mine bool) *noteCard {
	return &noteCard{Workshop: workshop, ID: id, Text: text, Color: color, Author: author, Mine: mine}
}

// CompoID makes go-app mount a new card when a board position gets
// another note, so that an edit in progress stays with its note.
func (n *noteCard) CompoID() string { return n.ID }

// write queues fields of the note; on success the card leaves edit and
// delete modes.
func (n *noteCard) write(ctx app.Context, fields map[string]any) {
	w := lookup(n.Workshop)
	if w == nil || n.busy {
		return
	}
	n.busy, n.err = true, ""
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			n.busy = false
			if err != nil {
				n.err = writeError(err)
				return
			}
			n.editing, n.deleting = false, false
		})
	}, change(n.ID, "note", fields))
}

func (n *noteCard) edit(ctx app.Context, e app.Event) {
	n.editing, n.draft, n.color, n.err = true, n.Text, n.Color, ""
	id := "note-edit-text-" + n.ID
	ctx.Defer(func(ctx app.Context) { app.Window().GetElementByID(id).Call("focus") })
}

func (n *noteCard) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	text := strings.TrimSpace(n.draft)
	if text == "" {
		n.err = i18n.T("note.empty")
		return
	}
	fields := map[string]any{}
	if text != n.Text {
		fields["text"] = text
	}
	if n.color != n.Color {
		fields["color"] = n.color
	}
	if len(fields) == 0 {
		n.editing = false
		return
	}
	n.write(ctx, fields)
}

func (n *noteCard) cancel(ctx app.Context, e app.Event) {
	n.editing, n.deleting, n.err = false, false, ""
}
func (n *noteCard) askDelete(ctx app.Context, e app.Event) { n.deleting = true }
func (n *noteCard) del(ctx app.Context, e app.Event)       { n.write(ctx, map[string]any{"deleted": true}) }

func (n *noteCard) Render() app.UI {
	var body, actions app.UI
	if n.editing {
		editID := "note-edit-text-" + n.ID
		opts := make([]app.UI, len(replica.Colors))
		for i, c := range replica.Colors {
			opts[i] = ect("option", "", "", colorSymbols[c]+" "+colorLabel(c)).Attr("value", c).Attr("selected", c == n.color)
		}
		body = ecb("form", "", "note-edit-form",
			ect("label", "", "visually-hidden", i18n.T("note.text")).Attr("for", editID),
			ect("textarea", editID, "note-edit-text", n.Text).Attr("maxlength", replica.MaxString).OnInput(valueTo(&n.draft)),
			field("note-edit-color-"+n.ID, i18n.T("note.kind"), "",
				ecb("select", "note-edit-color-"+n.ID, "note-edit-color", opts...).OnChange(valueTo(&n.color))),
			ecb("div", "", "actions",
				ect("button", "", "primary note-edit-save", i18n.T("common.save")).Attr("type", "submit").Attr("disabled", n.busy),
				button("", "note-edit-cancel", i18n.T("common.cancel"), n.cancel),
			),
		).OnSubmit(n.save)
	} else {
		body = para("", "text", n.Text)
	}
	switch {
	case n.deleting:
		actions = confirmDelete("note", i18n.T("note.delete.confirm"), n.busy, n.del, n.cancel)
	case n.Mine && !n.editing:
		actions = ecb("div", "", "actions",
			button("", "note-edit", i18n.T("note.edit"), n.edit).Aria("label", i18n.F("note.edit.label", short(n.Text))),
			button("", "danger note-delete", i18n.T("note.delete"), n.askDelete).Aria("label", i18n.F("note.delete.label", short(n.Text))),
		)
	}
	var author app.UI
	if n.Author != "" {
		author = para("", "meta", n.Author)
	}
	return ecb("div", "note-"+n.ID, "note "+colorClass(n.Color),
		ecb("div", "", "kind",
			ect("span", "", "sym", colorSymbols[n.Color]).Aria("hidden", "true"),
			ect("span", "", "", colorLabel(n.Color)),
		),
		body,
		author,
		actions,
		alert("", n.err),
	).
		DataSet("color", n.Color).DataSet("mine", n.Mine)
}

// confirmDelete asks "delete this?" with yes and cancel buttons; their
// classes are <kind>-delete-confirm and <kind>-delete-cancel.
func confirmDelete(kind, question string, busy bool, yes, no app.EventHandler) app.UI {
	return ecb("div", "", "actions",
		ect("span", "", "grow", question),
		button("", "danger "+kind+"-delete-confirm", i18n.T("note.delete.yes"), yes).Attr("disabled", busy),
		button("", kind+"-delete-cancel", i18n.T("common.cancel"), no),
	).Attr("role", "group").Aria("label", question)
}

// short returns the start of a text, for labels.
func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
