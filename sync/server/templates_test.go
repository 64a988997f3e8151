package server

import (
	"encoding/json"
	"testing"
	"time"

	"carnet/sync/template"
)

func TestTemplatesCatalogue(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/api/v1/templates", "", nil)
	want(t, "templates", r, 200)
	var c catalogue
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatalf("templates: %v in %.300s", err, r.body)
	}
	all := template.All()
	if len(c.Templates) != len(all) {
		t.Fatalf("%d templates, want %d", len(c.Templates), len(all))
	}
	for i, ct := range c.Templates {
		tp := all[i]
		if ct.ID != tp.ID || ct.Title != tp.Title || ct.Summary != tp.Summary || ct.Minutes != tp.Minutes() || len(ct.Steps) != len(tp.Steps) {
			t.Errorf("template %d = %s %q, %d min, %d steps; want %s %q, %d min, %d steps",
				i, ct.ID, ct.Title, ct.Minutes, len(ct.Steps), tp.ID, tp.Title, tp.Minutes(), len(tp.Steps))
		}
	}
	boards := template.Boards()
	if len(c.Boards) != len(boards) {
		t.Fatalf("%d boards, want %d", len(c.Boards), len(boards))
	}
	for i, cb := range c.Boards {
		b := boards[i]
		if cb.ID != b.ID || cb.Columns != b.Columns || cb.Rows != b.Rows || len(cb.Zones) != len(b.Zones) {
			t.Fatalf("board %d = %+v, want %s", i, cb, b.ID)
		}
		for j, z := range cb.Zones {
			if z != catalogueZone(b.Zones[j]) {
				t.Errorf("board %s zone %d = %+v, want %+v", b.ID, j, z, b.Zones[j])
			}
		}
	}
	// The wire names are the protocol's.
	var raw struct {
		Boards []struct {
			Zones []map[string]any `json:"zones"`
		} `json:"boards"`
	}
	json.Unmarshal(r.body, &raw)
	if z := raw.Boards[0].Zones[0]; z["col_span"] == nil || z["row_span"] == nil || z["id"] == nil {
		t.Errorf("zone on the wire = %v, want id, col_span, row_span", z)
	}
	want(t, "POST templates", e.do("POST", "/api/v1/templates", "", map[string]string{}), 405)
}

func TestSyncAnswersServerTime(t *testing.T) {
	clock := &fakeClock{}
	clock.ms.Store(time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC).UnixMilli())
	e := newEnv(t, func(c *Config) { c.Now = clock.Now })
	w := e.create("Horloge")
	r := e.do("POST", "/api/v1/workshops/"+w.id+"/sync", w.facilitator, map[string]any{"since": "", "changes": []any{}})
	want(t, "sync", r, 200)
	var a struct {
		Now int64 `json:"now"`
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Now != clock.ms.Load() {
		t.Errorf("now = %d, want the server's clock %d", a.Now, clock.ms.Load())
	}
}
