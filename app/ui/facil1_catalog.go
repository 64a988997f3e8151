package ui

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/sync/client"
)

// The catalogue of the built-in templates and boards comes from the
// server (GET /api/v1/templates, PROTOCOL.md Extensions) rather than from
// package template, whose texts would cost app.wasm about 35 KB gzip. The
// device keeps the last copy in localStorage, so that a phone shows its
// session's board offline once it has synced once.

type catalogue struct {
	Templates []tplInfo   `json:"templates"`
	Boards    []boardInfo `json:"boards"`
}

type tplInfo struct {
	ID, Title, Place, Summary string
	Minutes                   int
	Groups                    []string
	Steps                     []struct {
		Title, Type, Format string
		Minutes             int
	}
}

type boardInfo struct {
	ID, Title, Legend string
	Columns, Rows     int
	Zones             []zoneInfo
}

type zoneInfo struct {
	_                      noEq
	ID, Title, Hint, Color string
	Col, Row               int
	ColSpan                int `json:"col_span"`
	RowSpan                int `json:"row_span"`
}

// zone returns the zone of b with that id, or nil.
func (b *boardInfo) zone(id string) *zoneInfo {
	for i := range b.Zones {
		if b.Zones[i].ID == id {
			return &b.Zones[i]
		}
	}
	return nil
}

const (
	catState = "carnet/catalogue" // go-app state observed by its readers
	catKey   = "carnet.catalogue" // localStorage
)

var cat struct {
	sync.Mutex
	c       *catalogue
	rev     int
	tried   time.Time // last fetch attempt
	fetched bool
	busy    bool
}

// useCatalogue makes the component of ctx re-render when the catalogue
// arrives, and fetches it once per run of the app (again after a failure,
// at most every 30 s).
func useCatalogue(ctx app.Context, rev *int) {
	if !app.IsClient {
		return
	}
	remember(ctx)
	ctx.ObserveState(catState, rev)
	cat.Lock()
	if cat.busy || cat.fetched || time.Since(cat.tried) < 30*time.Second {
		cat.Unlock()
		return
	}
	cat.busy, cat.tried = true, time.Now()
	first := cat.c == nil
	cat.Unlock()
	go func() {
		if first {
			if v := app.Window().Get("localStorage").Call("getItem", catKey); v.Type() == app.TypeString {
				setCatalogue([]byte(v.String()), false)
			}
		}
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		r, err := newDoer().Do(c, &client.Request{Method: "GET", URL: "/api/v1/templates"})
		ok := err == nil && r.Status == 200 && setCatalogue(r.Body, true)
		cat.Lock()
		cat.busy, cat.fetched = false, ok
		cat.Unlock()
	}()
}

// setCatalogue decodes b and publishes it; keep stores it on the device.
func setCatalogue(b []byte, keep bool) bool {
	c := &catalogue{}
	if json.Unmarshal(b, c) != nil || len(c.Templates) == 0 {
		return false
	}
	if keep {
		app.Window().Get("localStorage").Call("setItem", catKey, string(b))
	}
	cat.Lock()
	cat.c = c
	cat.rev++
	rev := cat.rev
	cat.Unlock()
	ctrlMu.Lock()
	ctx, ok := notifier, hasCtx
	ctrlMu.Unlock()
	if ok {
		ctx.SetState(catState, rev)
	}
	return true
}

// catalogueNow returns the catalogue, nil before it is known.
func catalogueNow() *catalogue {
	cat.Lock()
	defer cat.Unlock()
	return cat.c
}

// boardOf returns the built-in board with that id, nil when unknown or
// before the catalogue is known.
func boardOf(id string) *boardInfo {
	c := catalogueNow()
	if c == nil || id == "" {
		return nil
	}
	for i := range c.Boards {
		if c.Boards[i].ID == id {
			return &c.Boards[i]
		}
	}
	return nil
}
