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
	return ecb("select", id, "",
		ect("option", "", "", i18n.T("group.none")).Attr("value", "").Attr("selected", value == ""),
		app.Range(opts).Slice(func(i int) app.UI {
			return ect("option", "", "", opts[i].Label).Attr("value", opts[i].Value).Attr("selected", opts[i].Value == value)
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
	return ect("p", id, class, text)
}

// alert is an error message screen readers announce at once.
func alert(id, text string) app.UI {
	if text == "" {
		return nil
	}
	return ect("p", id, "msg error", text).Attr("role", "alert")
}

// status is a polite live region: its text is announced when it changes.
func status(id, class string, body ...app.UI) app.HTMLElem {
	return ecb("p", id, class, body...).Attr("role", "status").Aria("live", "polite")
}

// saved is the "✓ ..." confirmation of a committed write.
func saved(text string) app.UI { return ect("span", "", "saved", "✓ "+text) }

// linkItem is a big list link: a title, a subtitle and a chevron.
func linkItem(id, class, href, icon, title, sub string) app.UI {
	var ic app.UI
	if icon != "" {
		ic = ect("span", "", "icon", icon).Aria("hidden", "true")
	}
	var s app.UI
	if sub != "" {
		s = ect("span", "", "sub", sub)
	}
	return ecb("li", "", "", ecb("a", id, "item "+class,
		ic,
		ecb("span", "", "grow", ect("span", "", "title", title), s),
		ect("span", "", "chev", "›").Aria("hidden", "true"),
	).Attr("href", href))
}

// button is a button of type "button" with an id or class, a label and a
// handler.
func button(id, class, label string, h app.EventHandler) app.HTMLElem {
	return ect("button", id, class, label).Attr("type", "button").OnClick(h)
}

// field is a label, with an optional hint, over an input.
func field(id, label, hint string, input app.UI) app.UI {
	var h app.UI
	if hint != "" {
		h = ect("span", id+"-hint", "hint", hint)
	}
	return ecb("div", "", "", ecb("label", "", "", app.Text(label), h).Attr("for", id), input)
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
