package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// ExportFormat names the version of the JSON export, so that an importer
// can tell it from other JSON.
const ExportFormat = "carnet-export/1"

// Export is the JSON export of a workshop: every record with its fields and
// their clocks, tombstones included. Each field of each record is one
// change of PROTOCOL.md, so a workshop can be rebuilt (re-imported) by
// syncing them.
type Export struct {
	Format   string            `json:"format"`
	Workshop string            `json:"workshop"`
	Cursor   string            `json:"cursor"`
	Exported time.Time         `json:"exported"`
	Records  []*replica.Record `json:"records"`
}

// Changes returns the export's records as single-field changes.
func (e *Export) Changes() []replica.Change {
	var out []replica.Change
	for _, r := range e.Records {
		out = append(out, r.Changes()...)
	}
	return out
}

// export serves GET /api/v1/workshops/{w}/export?format=json|csv|md|html|zip,
// for the facilitator only.
func (s *Server) export(w http.ResponseWriter, r *http.Request, id, _ string) error {
	ws, p, err := s.open(r, id, true)
	if err != nil {
		return err
	}
	if !p.Facilitator {
		return errorf(kindForbidden, "only the facilitator may export the workshop")
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	ctype, ok := exportTypes[format]
	if !ok {
		return errorf(kindInvalid, "format=%q is not an export format: use json, csv, md, html or zip", truncate(format, 20))
	}
	state, cursor, err := s.loadState(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="carnet-%s.%s"`, ws.ID, format))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", exportCSP)

	if format == "zip" {
		// Streamed, since photos make it large. A failure midway leaves the
		// archive without its central directory: no unzip takes it as whole.
		w.WriteHeader(http.StatusOK)
		if err := s.writeZip(r.Context(), w, ws, state, cursor, now); err != nil {
			s.log.Error("export zip failed", "workshop", ws.ID, "err", err)
		}
		return nil
	}
	var body bytes.Buffer
	switch format {
	case "json":
		err = writeExportJSON(&body, ws.ID, state, cursor, now)
	case "csv":
		err = newSynthesis(ws.ID, state).writeCSV(&body)
	case "md":
		err = newSynthesis(ws.ID, state).writeMarkdown(&body)
	case "html":
		err = newSynthesis(ws.ID, state).writeHTML(&body, false)
	}
	if err != nil {
		return internal(fmt.Errorf("export %s: %w", format, err))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body.Bytes())
	return nil
}

var exportTypes = map[string]string{
	"json": "application/json",
	"csv":  "text/csv; charset=utf-8",
	"md":   "text/markdown; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"zip":  "application/zip",
}

// exportCSP lets an exported page show its styles and its photos, and run
// nothing.
const exportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

// loadState reads every record of a workshop, merged, and the cursor it
// was read up to.
func (s *Server) loadState(ctx context.Context, ws string) (*replica.State, int64, error) {
	state := replica.NewState()
	var since int64
	for {
		page, err := s.cfg.Store.Changes(ctx, ws, since, s.cfg.PageSize)
		if err != nil {
			return nil, 0, storeError(err)
		}
		for _, c := range page.Changes {
			if _, err := state.Apply(c); err != nil {
				s.log.Warn("export: stored change does not merge", "workshop", ws, "record", c.Record, "err", err)
			}
		}
		if !page.More || page.Cursor <= since {
			return state, page.Cursor, nil
		}
		since = page.Cursor
	}
}

var kindOrder = func() map[string]int {
	m := map[string]int{}
	for i, k := range replica.Kinds {
		m[k] = i
	}
	return m
}()

func writeExportJSON(w io.Writer, ws string, state *replica.State, cursor int64, now time.Time) error {
	e := Export{Format: ExportFormat, Workshop: ws, Cursor: formatCursor(cursor), Exported: now, Records: []*replica.Record{}}
	for _, r := range state.Records {
		e.Records = append(e.Records, r)
	}
	sort.Slice(e.Records, func(i, j int) bool {
		a, b := e.Records[i], e.Records[j]
		if ka, kb := kindOrder[a.Kind], kindOrder[b.Kind]; ka != kb {
			return ka < kb
		}
		return a.ID < b.ID
	})
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(e)
}

// writeZip writes every export format and the workshop's photos.
func (s *Server) writeZip(ctx context.Context, w io.Writer, ws store.Workshop, state *replica.State, cursor int64, now time.Time) error {
	z := zip.NewWriter(w)
	syn := newSynthesis(ws.ID, state)
	add := func(name string, method uint16, write func(io.Writer) error) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: now})
		if err != nil {
			return err
		}
		return write(f)
	}

	// Photos first, so that the synthesis links only those present.
	for _, ph := range syn.photos {
		data, err := s.cfg.Store.ReadBlob(ctx, ws.ID, ph.Blob)
		if errors.Is(err, store.ErrNotFound) {
			continue // not uploaded yet
		}
		if err != nil {
			return err
		}
		ext := map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[imageType(data)]
		if ext == "" {
			continue
		}
		name := "photos/" + ph.Blob + "." + ext
		if syn.files[ph.Blob] == "" {
			if err := add(name, zip.Store, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return err
			}
			syn.files[ph.Blob] = name
		}
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"workshop.json", func(w io.Writer) error { return writeExportJSON(w, ws.ID, state, cursor, now) }},
		{"notes.csv", syn.writeCSV},
		{"synthesis.md", syn.writeMarkdown},
		{"synthesis.html", func(w io.Writer) error { return syn.writeHTML(w, true) }},
	}
	for _, f := range files {
		if err := add(f.name, zip.Deflate, f.write); err != nil {
			return err
		}
	}
	return z.Close()
}
