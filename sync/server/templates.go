package server

import (
	"encoding/json"
	"net/http"
	"sync"

	"carnet/sync/template"
)

// The catalogue of the built-in templates and boards (package template),
// for apps that show them without linking the package: its texts and the
// code that builds them would add about 35 KB gzip to app.wasm. Wire
// names are lowercase with underscores, as everywhere in the protocol.
type (
	catalogue struct {
		Templates []catalogueTemplate `json:"templates"`
		Boards    []catalogueBoard    `json:"boards"`
	}
	catalogueTemplate struct {
		ID         string          `json:"id"`
		Title      string          `json:"title"`
		Place      string          `json:"place"`
		Summary    string          `json:"summary"`
		Minutes    int             `json:"minutes"`
		Rules      []string        `json:"rules"`
		VoteBudget int             `json:"vote_budget"`
		MaxThreads int             `json:"max_threads"`
		Groups     []string        `json:"groups"`
		Steps      []catalogueStep `json:"steps"`
	}
	catalogueStep struct {
		Title    string `json:"title"`
		Minutes  int    `json:"minutes"`
		Type     string `json:"type"`
		Format   string `json:"format,omitempty"`
		Board    string `json:"board,omitempty"`
		Parallel bool   `json:"parallel,omitempty"`
	}
	catalogueBoard struct {
		ID           string          `json:"id"`
		Title        string          `json:"title"`
		Legend       string          `json:"legend"`
		Columns      int             `json:"columns"`
		Rows         int             `json:"rows"`
		ColumnTitles []string        `json:"column_titles,omitempty"`
		RowTitles    []string        `json:"row_titles,omitempty"`
		Zones        []catalogueZone `json:"zones"`
	}
	catalogueZone struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		Hint    string `json:"hint,omitempty"`
		Col     int    `json:"col"`
		Row     int    `json:"row"`
		ColSpan int    `json:"col_span"`
		RowSpan int    `json:"row_span"`
		Color   string `json:"color,omitempty"`
	}
)

var (
	catalogueOnce sync.Once
	catalogueJSON []byte
)

// catalogueBytes returns the catalogue as JSON, made once: the built-in
// templates never change while the server runs.
func catalogueBytes() []byte {
	catalogueOnce.Do(func() {
		var c catalogue
		for _, t := range template.All() {
			ct := catalogueTemplate{
				ID: t.ID, Title: t.Title, Place: t.Place, Summary: t.Summary, Minutes: t.Minutes(),
				Rules: t.Rules, VoteBudget: t.VoteBudget, MaxThreads: t.MaxThreads, Groups: t.Groups,
			}
			for _, s := range t.Steps {
				ct.Steps = append(ct.Steps, catalogueStep{s.Title, s.Minutes, s.Type, s.Format, s.Board, s.Parallel})
			}
			c.Templates = append(c.Templates, ct)
		}
		for _, b := range template.Boards() {
			cb := catalogueBoard{
				ID: b.ID, Title: b.Title, Legend: b.Legend, Columns: b.Columns, Rows: b.Rows,
				ColumnTitles: b.ColumnTitles, RowTitles: b.RowTitles,
			}
			for _, z := range b.Zones {
				cb.Zones = append(cb.Zones, catalogueZone(z))
			}
			c.Boards = append(c.Boards, cb)
		}
		catalogueJSON, _ = json.Marshal(c) // plain strings and ints: cannot fail
	})
	return catalogueJSON
}

// templates serves GET /api/v1/templates: the built-in templates (id,
// texts, total minutes, steps without their instructions) and every
// board with its zones. It needs no token.
func (s *Server) templates(w http.ResponseWriter, r *http.Request, _, _ string) error {
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeJSON(w, http.StatusOK, json.RawMessage(catalogueBytes()))
}
