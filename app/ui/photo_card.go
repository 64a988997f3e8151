package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// photoCard is one photo on the board, with its caption; its author may
// change the caption or delete it.
type photoCard struct {
	_ noEq
	app.Compo

	Workshop, ID, Blob string
	Caption, Author    string
	Mine               bool
	Width, Height      int

	rev      int
	editing  bool
	deleting bool
	draft    string
	busy     bool
	err      string
}

func newPhotoCard(workshop, id, blob, caption, author string, mine bool, width, height int) *photoCard {
	return &photoCard{Workshop: workshop, ID: id, Blob: blob, Caption: caption, Author: author, Mine: mine, Width: width, Height: height}
}

func (c *photoCard) CompoID() string { return c.ID }

func (c *photoCard) OnMount(ctx app.Context) {
	// The bytes load in the background: re-render when they are there.
	observe(ctx, c.Workshop, &c.rev)
}

// write queues fields of the photo; on success the card leaves edit and
// delete modes.
func (c *photoCard) write(ctx app.Context, fields map[string]any) {
	w := lookup(c.Workshop)
	if w == nil || c.busy {
		return
	}
	c.busy, c.err = true, ""
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = writeError(err)
				return
			}
			c.editing, c.deleting = false, false
		})
	}, change(c.ID, "photo", fields))
}

func (c *photoCard) edit(ctx app.Context, e app.Event) { c.editing, c.draft = true, c.Caption }
func (c *photoCard) cancel(ctx app.Context, e app.Event) {
	c.editing, c.deleting, c.err = false, false, ""
}
func (c *photoCard) askDelete(ctx app.Context, e app.Event) { c.deleting = true }
func (c *photoCard) del(ctx app.Context, e app.Event)       { c.write(ctx, map[string]any{"deleted": true}) }
func (c *photoCard) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.write(ctx, map[string]any{"caption": strings.TrimSpace(c.draft)})
}

func (c *photoCard) Render() app.UI {
	src := ""
	if w := lookup(c.Workshop); w != nil && c.Blob != "" {
		src = w.photoURL(c.Blob, 800)
	}
	alt := c.Caption
	if alt == "" {
		alt = i18n.T("photo.nocaption")
	}
	var img, caption, actions app.UI
	if src != "" {
		i := app.Img().Src(src).Alt(alt).Attr("loading", "lazy")
		if c.Width > 0 && c.Height > 0 {
			i = i.Width(c.Width).Height(c.Height)
		}
		img = i
	} else {
		img = ect("div", "", "noimg", i18n.T("photo.notonphone"))
	}
	switch {
	case c.editing:
		capID := "photo-caption-" + c.ID
		caption = ecb("form", "", "",
			field(capID, i18n.T("photo.caption"), "",
				void("input").ID(capID).Attr("type", "text").Attr("maxlength", 500).Attr("value", c.Caption).OnInput(valueTo(&c.draft))),
			ecb("div", "", "row mt",
				ect("button", "", "primary", i18n.T("common.save")).Attr("type", "submit").Attr("disabled", c.busy),
				button("", "", i18n.T("common.cancel"), c.cancel),
			),
		).OnSubmit(c.save)
	case c.Caption != "":
		caption = para("", "caption", c.Caption)
	}
	switch {
	case c.deleting:
		actions = confirmDelete("photo", i18n.T("photo.delete.confirm"), c.busy, c.del, c.cancel)
	case c.Mine && !c.editing:
		actions = ecb("div", "", "actions",
			button("", "photo-edit", i18n.T("photo.caption.edit"), c.edit),
			button("", "danger photo-delete", i18n.T("note.delete"), c.askDelete),
		)
	}
	var author app.UI
	if c.Author != "" {
		author = para("", "meta", c.Author)
	}
	return ecb("div", "photo-"+c.ID, "photo",
		img,
		ecb("div", "", "figcaption", caption, author, actions, alert("", c.err)),
	).Attr("role", "figure").Aria("label", alt).
		DataSet("blob", c.Blob).DataSet("mine", c.Mine)
}
