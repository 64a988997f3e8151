// Package i18n is Carnet's one message catalogue: every text the app shows,
// in French (the default) and English.
//
// The catalogue is a Go map built at compile time, with no template engine:
// T looks a key up, F formats it with fmt verbs, N picks the singular or the
// plural form by a count. The seed's words are the UI's words: atelier, fil,
// gommette, irritant, souhait, restitution.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language code.
type Lang string

// The languages of the catalogue. French is the default.
const (
	FR Lang = "fr"
	EN Lang = "en"
)

// Langs lists the languages in the order the settings offer them.
var Langs = []Lang{FR, EN}

var current = FR

// Set makes l the language of every later T, F and N. An unknown language
// selects French. Call it on the UI goroutine, before rendering.
func Set(l Lang) { current = Parse(string(l)) }

// Current returns the language in use.
func Current() Lang { return current }

// Parse returns the language named by s ("en", "en-GB", "fr-FR"...), French
// when s names none of the catalogue's.
func Parse(s string) Lang {
	s = strings.ToLower(s)
	if strings.HasPrefix(s, "en") {
		return EN
	}
	return FR
}

// msg is one message in both languages.
type msg struct{ fr, en string }

// T returns the message for key in the current language. A key missing
// from the catalogue comes back as itself, so a mistake shows on screen
// instead of an empty label. It is not inlined: its hundreds of callers
// would each carry a copy of the lookup in app.wasm (40 KB gzip).
//
//go:noinline
func T(key string) string { return In(current, key) }

// In returns the message for key in language l.
func In(l Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if l == EN && m.en != "" {
		return m.en
	}
	return m.fr
}

// F formats the message for key with args, as fmt.Sprintf does.
//
//go:noinline
func F(key string, args ...any) string { return fmt.Sprintf(T(key), args...) }

// N formats the message for a count n: the key's ".one" form for a single
// thing (0 and 1 in French, 1 in English), else its ".other" form. args
// follow n in the format.
func N(key string, n int, args ...any) string {
	one := n == 1 || (current == FR && n == 0)
	form := key + ".other"
	if one {
		form = key + ".one"
	}
	return fmt.Sprintf(T(form), append([]any{n}, args...)...)
}

// Keys returns every key of the catalogue, for tests.
func Keys() []string {
	out := make([]string, 0, len(messages))
	for k := range messages {
		out = append(out, k)
	}
	return out
}
