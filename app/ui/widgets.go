package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

// option is one choice of a select.
type option struct{ Value, Label string }

// groupOptions lists the workshop's groups, in their order.
func groupOptions(st *replica.State) []option {
	var out []option
	for _, g := range st.Of("group") {
		name := g.String("name")
		if name == "" {
			name = i18n.T("group.unnamed")
		}
		out = append(out, option{g.ID, name})
	}
	return out
}

// groupSelect is a select of groups, with a first "none yet" choice.
func groupSelect(id string, opts []option, value string) app.HTMLElem {
	return el("select").ID(id).Body(
		el("option").Attr("value", "").Attr("selected", value == "").Text(i18n.T("group.none")),
		app.Range(opts).Slice(func(i int) app.UI {
			return el("option").Attr("value", opts[i].Value).Attr("selected", opts[i].Value == value).Text(opts[i].Label)
		}),
	)
}

// colorLabel is the colour code's name of a note colour.
func colorLabel(c string) string { return i18n.T("color." + c) }

// colorClass is the CSS class of a note colour ("c-problem").
func colorClass(c string) string {
	if colorSymbols[c] == "" {
		return "c-idea"
	}
	return "c-" + c
}

// Small builders. Each go-app builder call costs code in app.wasm: the
// patterns that repeat go through these, and conditional parts use when
// (built eagerly, no closure) rather than app.If.

// when returns ui if cond holds, else nothing (go-app drops nil children).
// ui is built either way: keep it cheap and safe to build.
func when(cond bool, ui app.UI) app.UI {
	if cond {
		return ui
	}
	return nil
}

// para is a paragraph with an id (may be empty) and a class.
func para(id, class, text string) app.UI {
	return app.P().ID(id).Class(class).Text(text)
}

// alert is an error message screen readers announce at once.
func alert(id, text string) app.UI {
	if text == "" {
		return nil
	}
	return app.P().ID(id).Class("msg error").Attr("role", "alert").Text(text)
}

// status is a polite live region: its text is announced when it changes.
func status(id, class string, body ...app.UI) app.HTMLP {
	return app.P().ID(id).Class(class).Attr("role", "status").Aria("live", "polite").Body(body...)
}

// saved is the "✓ ..." confirmation of a committed write.
func saved(text string) app.UI { return el("span").Class("saved").Text("✓ " + text) }

// linkItem is a big list link: a title, a subtitle and a chevron.
func linkItem(id, class, href, icon, title, sub string) app.UI {
	var ic app.UI
	if icon != "" {
		ic = el("span").Class("icon").Aria("hidden", "true").Text(icon)
	}
	var s app.UI
	if sub != "" {
		s = el("span").Class("sub").Text(sub)
	}
	return el("li").Body(el("a").ID(id).Class("item "+class).Attr("href", href).Body(
		ic,
		el("span").Class("grow").Body(el("span").Class("title").Text(title), s),
		el("span").Class("chev").Aria("hidden", "true").Text("›"),
	))
}

// button is a button of type "button" with an id or class, a label and a
// handler.
func button(id, class, label string, h app.EventHandler) app.HTMLElem {
	return el("button").Attr("type", "button").ID(id).Class(class).Text(label).OnClick(h)
}

// field is a label, with an optional hint, over an input.
func field(id, label, hint string, input app.UI) app.UI {
	var h app.UI
	if hint != "" {
		h = el("span").Class("hint").ID(id + "-hint").Text(hint)
	}
	return app.Div().Body(el("label").Attr("for", id).Body(app.Text(label), h), input)
}

// valueTo is Compo.ValueTo for strings, kept out of line: go-app's is
// inlined, and each inlined copy adds a closure to app.wasm.
//
//go:noinline
func valueTo(dst *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { *dst = ctx.JSSrc().Get("value").String() }
}

// dispatch is ctx.Dispatch kept out of line, for the same reason.
//
//go:noinline
func dispatch(ctx app.Context, fn func(ctx app.Context)) { ctx.Dispatch(fn) }
