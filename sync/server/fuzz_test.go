package server

import (
	"strings"
	"testing"

	"carnet/sync/store"
)

func FuzzToken(f *testing.F) {
	w := store.Workshop{ID: "0193b1c2-0000-7000-8000-000000000000", Secret: []byte("0123456789abcdef0123456789abcdef")}
	other := store.Workshop{ID: w.ID, Secret: []byte("another secret, another workshop")}
	p := "0193b1c2-1111-7000-8000-000000000000"
	f.Add(FacilitatorToken(w))
	f.Add(ParticipantToken(w, p))
	f.Add("p.")
	f.Add("f.AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		pr, ok := principal(w, tok)
		if !ok {
			return
		}
		// A valid token is one the server issued, and opens no other workshop.
		if pr.Facilitator && tok != FacilitatorToken(w) || !pr.Facilitator && tok != ParticipantToken(w, pr.Participant) {
			t.Fatalf("principal(%q) = %+v, a token the server never issued", tok, pr)
		}
		if _, ok := principal(other, tok); ok {
			t.Fatalf("token %q opens two workshops", tok)
		}
	})
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"<script>", "a\n# b", "1. x", "[a](b)", "&amp;", "\\<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := md(s, "  ")
		for i := 0; i < len(out); i++ {
			if (out[i] == '<' || out[i] == '&' || out[i] == '[') && !escaped(out, i) {
				t.Fatalf("md(%q) = %q: unescaped %q at %d", s, out, out[i], i)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			line = strings.TrimLeft(line, " ")
			if line != "" && strings.ContainsRune("#-+=>", rune(line[0])) {
				t.Fatalf("md(%q) = %q: a line starts with markup", s, out)
			}
		}
	})
}

// escaped reports whether s[i] follows an odd number of backslashes.
func escaped(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add("12")
	f.Add("-1")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("parseCursor(%q) = %d, a negative cursor", s, c)
		}
		if c2, err := parseCursor(formatCursor(c)); err != nil || c2 != c {
			t.Fatalf("cursor %d does not round-trip: %d, %v", c, c2, err)
		}
	})
}
