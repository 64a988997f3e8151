package i18n

import (
	"strings"
	"testing"
)

// verbs counts the fmt verbs of a message ("%%" is not one).
func verbs(s string) int {
	return strings.Count(strings.ReplaceAll(s, "%%", ""), "%")
}

func TestCatalogueComplete(t *testing.T) {
	for key, m := range messages {
		if m.fr == "" || m.en == "" {
			t.Errorf("%q: fr %q, en %q: both languages are needed", key, m.fr, m.en)
		}
		if verbs(m.fr) != verbs(m.en) {
			t.Errorf("%q: %d verbs in French, %d in English", key, verbs(m.fr), verbs(m.en))
		}
		if base, ok := strings.CutSuffix(key, ".one"); ok {
			if _, ok := messages[base+".other"]; !ok {
				t.Errorf("%q has no %q", key, base+".other")
			}
		}
		if base, ok := strings.CutSuffix(key, ".other"); ok {
			if _, ok := messages[base+".one"]; !ok {
				t.Errorf("%q has no %q", key, base+".one")
			}
		}
	}
}

func TestLookup(t *testing.T) {
	defer Set(FR)
	tests := []struct {
		lang Lang
		got  func() string
		want string
	}{
		{FR, func() string { return T("sync.synced") }, "Synchronisé"},
		{EN, func() string { return T("sync.synced") }, "Synced"},
		{FR, func() string { return T("no.such.key") }, "no.such.key"},
		{FR, func() string { return N("vote.left", 3, 4) }, "Il vous reste 3 gommettes sur 4"},
		{FR, func() string { return N("vote.left", 1, 4) }, "Il vous reste 1 gommette sur 4"},
		{FR, func() string { return N("vote.left", 0, 4) }, "Il vous reste 0 gommette sur 4"},
		{EN, func() string { return N("vote.left", 0, 4) }, "0 of 4 stickers left"},
		{FR, func() string { return N("sync.pending", 12) }, "12 en attente"},
		{FR, func() string { return F("sync.error", "le serveur a un problème") }, "Erreur : le serveur a un problème"},
	}
	for _, tt := range tests {
		Set(tt.lang)
		if got := tt.got(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"en": EN, "en-GB": EN, "EN": EN, "fr": FR, "fr-FR": FR, "": FR, "de": FR} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
}
