package ui

import (
	"errors"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/client"
)

// syncBar is the sync status, always visible at the bottom of the screen:
// "Synchronisé", "N en attente", "Hors ligne" or "Erreur : <raison>", a
// "Synchroniser" button and a progress bar while photos upload. With no
// Workshop it sums up every workshop open on the device.
type syncBar struct {
	_ noEq
	app.Compo

	Workshop string

	rev int
	any int64
}

func newSyncBar(workshop string) *syncBar { return &syncBar{Workshop: workshop} }

func (b *syncBar) OnMount(ctx app.Context) { b.watch(ctx) }
func (b *syncBar) OnNav(ctx app.Context)   { b.watch(ctx) }
func (b *syncBar) OnUpdate(ctx app.Context) {
	b.watch(ctx)
}

func (b *syncBar) watch(ctx app.Context) {
	if !app.IsClient {
		return
	}
	if b.Workshop != "" {
		workshopFor(ctx, b.Workshop)
		observe(ctx, b.Workshop, &b.rev)
		return
	}
	remember(ctx)
	ctx.ObserveState(anyKey, &b.any)
}

func (b *syncBar) views() []*view {
	if b.Workshop != "" {
		if w := lookup(b.Workshop); w != nil {
			return []*view{w.view()}
		}
		return nil
	}
	var out []*view
	for _, w := range openWorkshops() {
		if v := w.view(); v.Err == nil {
			out = append(out, v)
		}
	}
	return out
}

// barState is what the bar says.
type barState struct {
	key      string // synced, pending, offline, error, syncing
	text     string
	detail   string
	progress client.Progress
}

func summarize(vs []*view) barState {
	var s barState
	pending, photos := 0, 0
	var errv *view
	syncing, joined := false, true
	var synced time.Time
	for i, v := range vs {
		pending += v.Status.Changes + v.Status.Photos
		photos += v.Status.Photos
		if v.Status.Syncing {
			syncing = true
			if v.Progress.Total > 0 || v.Progress.Photos > 0 {
				s.progress = v.Progress
			}
		}
		if !v.Status.Joined {
			joined = false
		}
		if v.Status.Err != nil && !errors.Is(v.Status.Err, client.ErrNetwork) && errv == nil {
			errv = vs[i]
		}
		if v.Status.Synced.After(synced) {
			synced = v.Status.Synced
		}
	}
	offline := !isOnline()
	for _, v := range vs {
		if errors.Is(v.Status.Err, client.ErrNetwork) {
			offline = true
		}
	}
	waiting := ""
	if pending > 0 {
		waiting = i18n.N("sync.pending", pending)
		if photos > 0 {
			waiting += " · " + i18n.N("sync.photos", photos)
		}
	}
	switch {
	case syncing && !offline:
		s.key, s.text = "syncing", i18n.T("sync.syncing")
		s.detail = waiting
	case errv != nil:
		s.key, s.text = "error", i18n.F("sync.error", errorReason(errv.Status.Err, errv.Status.Reason))
		s.detail = waiting
	case offline:
		s.key, s.text = "offline", i18n.T("sync.offline")
		s.detail = waiting
		if s.detail == "" {
			s.detail = i18n.T("sync.offline.saved")
		}
	case pending > 0:
		s.key, s.text = "pending", i18n.N("sync.pending", pending)
		if photos > 0 {
			s.detail = i18n.N("sync.photos", photos)
		}
	default:
		s.key, s.text = "synced", i18n.T("sync.synced")
		if !synced.IsZero() {
			s.detail = i18n.F("sync.at", synced.Local().Format("15:04"))
		}
	}
	if !joined && s.key != "error" {
		if s.detail != "" {
			s.detail += " · "
		}
		s.detail += i18n.T("sync.notjoined")
	}
	return s
}

// errorReason says a sync error in the user's words.
func errorReason(err error, reason string) string {
	switch {
	case errors.Is(err, client.ErrConflict):
		return i18n.T("err.conflict")
	case errors.Is(err, client.ErrForbidden):
		return i18n.T("err.forbidden")
	case errors.Is(err, client.ErrUnauthorized):
		return i18n.T("err.unauthorized")
	case errors.Is(err, client.ErrNotFound):
		return i18n.T("err.notfound")
	case errors.Is(err, client.ErrRateLimited):
		return i18n.T("err.ratelimited")
	case errors.Is(err, client.ErrServer):
		return i18n.T("err.server")
	case errors.Is(err, client.ErrTooLarge):
		return i18n.T("err.toolarge")
	}
	if reason == "" {
		return i18n.T("err.unknown")
	}
	return reason
}

// syncAll asks every workshop of the bar for a sync now.
func (b *syncBar) syncAll(ctx app.Context, e app.Event) {
	for _, v := range b.views() {
		if w := lookup(v.ID); w != nil {
			w.syncForced()
		}
	}
}

func (b *syncBar) Render() app.UI {
	vs := b.views()
	s := summarize(vs)
	p := s.progress
	var detail, progress app.UI
	if s.detail != "" {
		detail = ect("span", "sync-detail", "detail", s.detail)
	}
	if p.Total > 0 {
		progress = ec("progress", "sync-progress", "").Attr("max", p.Total).Attr("value", p.Sent).
			Aria("label", i18n.F("sync.uploading", int(p.Sent*100/p.Total), p.Photos))
	}
	return ecb("div", "sync-bar", "syncbar",
		ecb("div", "", "status",
			ecb("div", "sync-status", "",
				ect("span", "sync-text", "", s.text),
				detail,
			).Attr("role", "status").Aria("live", "polite"),
			progress,
		),
		button("sync-now", "primary", i18n.T("sync.now"), b.syncAll).Attr("disabled", s.key == "syncing" || len(vs) == 0),
	).DataSet("state", s.key)
}
