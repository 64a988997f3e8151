package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/app/localdb"
)

// settingsPanel: the language, and the storage this device gives the app,
// with a warning and a button when the browser may evict it.
type settingsPanel struct {
	_ noEq
	app.Compo

	usage, quota int64
	persisted    bool
	known        bool
	asking       bool
	refused      bool
	err          string
}

func newSettingsPanel() *settingsPanel { return &settingsPanel{} }

func (s *settingsPanel) OnMount(ctx app.Context) { s.estimate(ctx) }

func (s *settingsPanel) estimate(ctx app.Context) {
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		usage, quota, persisted, err := localdb.Estimate(c)
		dispatch(ctx, func(ctx app.Context) {
			if err != nil {
				s.err = err.Error()
				return
			}
			s.usage, s.quota, s.persisted, s.known = usage, quota, persisted, true
		})
	})
}

func (s *settingsPanel) persist(ctx app.Context, e app.Event) {
	s.asking, s.refused = true, false
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		ok, err := localdb.Persist(c)
		dispatch(ctx, func(ctx app.Context) {
			s.asking = false
			if err != nil {
				s.err = err.Error()
				return
			}
			s.refused = !ok
			s.estimate(ctx)
		})
	})
}

func (s *settingsPanel) setFR(ctx app.Context, e app.Event) { s.setLang(ctx, i18n.FR) }
func (s *settingsPanel) setEN(ctx app.Context, e app.Event) { s.setLang(ctx, i18n.EN) }

func (s *settingsPanel) setLang(ctx app.Context, l i18n.Lang) {
	if i18n.Current() != l {
		setLang(ctx, l)
	}
}

func (s *settingsPanel) Render() app.UI {
	cur := i18n.Current()
	var storage app.UI
	switch {
	case s.err != "":
		storage = alert("storage-error", s.err)
	case !s.known:
		storage = para("", "muted", i18n.T("common.loading"))
	case s.persisted:
		storage = para("storage-ok", "msg ok", i18n.T("settings.persisted"))
	default:
		var refused app.UI
		if s.refused {
			refused = status("storage-refused", "").Text(i18n.T("settings.refused"))
		}
		storage = ecb("div", "storage-warning", "msg warn",
			para("", "", i18n.T("settings.notpersisted")),
			button("storage-persist", "primary", i18n.T("settings.persist"), s.persist).Attr("disabled", s.asking),
			refused,
		)
	}
	var usage app.UI
	if s.known {
		usage = para("storage-usage", "", i18n.F("settings.usage", fmtBytes(s.usage), fmtBytes(s.quota)))
	}
	return ecb("section", "settings", "card",
		ect("h2", "", "", i18n.T("settings.title")),
		ecb("div", "", "",
			para("lang-label", "b", i18n.T("settings.lang")),
			ecb("div", "", "lang-choice",
				button("lang-fr", "", "Français", s.setFR).Lang("fr").Aria("pressed", cur == i18n.FR),
				button("lang-en", "", "English", s.setEN).Lang("en").Aria("pressed", cur == i18n.EN),
			),
		).Attr("role", "group").Aria("labelledby", "lang-label"),
		ect("h2", "", "", i18n.T("settings.storage")),
		usage,
		storage,
	)
}

// fmtBytes writes a size the way the language does: "3,2 Mo", "3.2 MB".
func fmtBytes(n int64) string {
	units := []string{"o", "ko", "Mo", "Go", "To"}
	if i18n.Current() == i18n.EN {
		units = []string{"B", "KB", "MB", "GB", "TB"}
	}
	f := float64(n)
	u := 0
	for f >= 1000 && u < len(units)-1 {
		f /= 1000
		u++
	}
	s := fmt.Sprintf("%.0f", f)
	if u > 0 && f < 100 {
		s = fmt.Sprintf("%.1f", f)
	}
	if i18n.Current() == i18n.FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "\u00a0" + units[u]
}
