package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// photoCapture takes a photo with the camera (or picks one), downscales it
// in the browser (longest side 2000 px, JPEG 0.8: EXIF and GPS dropped),
// stores its bytes with its photo record in one write, shows it at once,
// and offers a caption.
type photoCapture struct {
	_ noEq
	app.Compo

	Workshop, Session, Group string

	busy     bool
	err      string
	lastID   string // the photo just taken, for its caption
	lastURL  string
	caption  string
	capSaved bool
}

func newPhotoCapture(workshop, session, group string) *photoCapture {
	return &photoCapture{Workshop: workshop, Session: session, Group: group}
}

func (p *photoCapture) picked(ctx app.Context, e app.Event) {
	input := ctx.JSSrc()
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	input.Set("value", "") // or the same photo picked again fires no change
	if c := app.Window().GetElementByID("photo-caption"); c.Truthy() {
		c.Set("value", "") // a caption typed for the previous photo
	}
	w := lookup(p.Workshop)
	if w == nil || p.busy {
		return
	}
	me := w.view().Me()
	taken := time.Now().UnixMilli()
	if lm := file.Get("lastModified"); lm.Type() == app.TypeNumber && lm.Float() > 0 {
		taken = int64(lm.Float())
	}
	p.busy, p.err, p.lastID, p.lastURL, p.caption, p.capSaved = true, "", "", "", "", false
	id := client.NewID()
	session, group := p.Session, p.Group
	ctx.Async(func() {
		s, err := downscale(file)
		if err != nil {
			dispatch(ctx, func(ctx app.Context) {
				p.busy = false
				p.err = i18n.F("photo.unreadable", err.Error())
			})
			return
		}
		c := change(id, "photo", map[string]any{
			"session": session, "group": group, "mime": "image/jpeg",
			"width": s.width, "height": s.height, "author": me, "taken": taken,
		})
		hash, err := w.writePhoto(s.data, c)
		dispatch(ctx, func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = writeError(err)
				return
			}
			p.lastID = id
			p.lastURL = w.photoURL(hash, 800)
		})
	})
}

func (p *photoCapture) saveCaption(ctx app.Context, e app.Event) {
	e.PreventDefault()
	w := lookup(p.Workshop)
	if w == nil || p.lastID == "" || p.busy {
		return
	}
	p.busy = true
	c := change(p.lastID, "photo", map[string]any{"caption": strings.TrimSpace(p.caption)})
	w.queue(func(err error) {
		dispatch(ctx, func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = writeError(err)
				return
			}
			p.capSaved = true
			p.lastID, p.lastURL, p.caption = "", "", ""
		})
	}, c)
}

func (p *photoCapture) Render() app.UI {
	var state, captionForm app.UI
	switch {
	case p.busy && p.lastID == "":
		state = app.Text(i18n.T("photo.preparing"))
	case p.lastID != "":
		state = saved(i18n.T("photo.saved"))
	case p.capSaved:
		state = saved(i18n.T("photo.caption.saved"))
	}
	if p.lastID != "" {
		var preview app.UI
		if p.lastURL != "" {
			preview = app.Img().ID("photo-preview").Class("preview").Src(p.lastURL).Alt(i18n.T("photo.preview"))
		}
		captionForm = ecb("form", "photo-caption-form", "",
			preview,
			field("photo-caption", i18n.T("photo.caption"), "",
				void("input").ID("photo-caption").Attr("type", "text").Attr("maxlength", 500).OnInput(valueTo(&p.caption))),
			ect("button", "photo-caption-save", "block mt", i18n.T("photo.caption.save")).Attr("type", "submit").Attr("disabled", p.busy),
		).OnSubmit(p.saveCaption)
	}
	return ecb("div", "photo-capture", "mt",
		ecb("label", "photo-pick", "photo-pick",
			ect("span", "", "button block", "📷 "+i18n.T("photo.take")),
			void("input").ID("photo-input").Attr("type", "file").Attr("accept", "image/*").Attr("capture", "environment").
				Class("visually-hidden").Aria("label", i18n.T("photo.take")).
				Attr("disabled", p.busy).OnChange(p.picked),
		),
		status("photo-status", "", state),
		captionForm,
		alert("photo-error", p.err),
	)
}
