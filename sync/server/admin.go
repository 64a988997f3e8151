package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// Extensions of protocol version 1 for facilitation: re-importing an
// export into another server, and erasing one participant's data.

// maxImport bounds an imported export, like a sync body.
const maxImport = 64 << 20

// importWorkshop serves POST /api/v1/workshops/{w}/import: the body is a
// JSON export (format carnet-export/1) of workshop w, which must not exist
// on this server. The workshop is created with the same id and records,
// clocks included, so that it is identical; it gets a new join code and
// new tokens (participants join again). It needs what create needs.
func (s *Server) importWorkshop(w http.ResponseWriter, r *http.Request, id, _ string) error {
	if err := s.limit(w, r, s.create, "workshops created"); err != nil {
		return err
	}
	if err := s.mayCreate(r); err != nil {
		return err
	}
	var ex Export
	if err := decodeJSON(w, r, maxImport, &ex); err != nil {
		return err
	}
	if ex.Format != ExportFormat {
		return errorf(kindInvalid, "format %q is not %q: import a JSON export of a Carnet workshop", truncate(ex.Format, 40), ExportFormat)
	}
	if ex.Workshop != id {
		return errorf(kindInvalid, "the export is of workshop %s: import it at /api/v1/workshops/%s/import", truncate(ex.Workshop, 40), truncate(ex.Workshop, 40))
	}
	var changes []replica.Change
	for i, rec := range ex.Records {
		if rec == nil {
			return errorf(kindInvalid, "record %d of the export is null", i)
		}
		changes = append(changes, rec.Changes()...)
	}
	if len(changes) > s.cfg.MaxChanges*100 {
		return errorf(kindTooLarge, "the export has %d fields, more than %d", len(changes), s.cfg.MaxChanges*100)
	}
	accepted, rejected, err := replica.CheckBatch(replica.Principal{Facilitator: true}, changes,
		func(string) (*replica.Record, error) { return nil, nil })
	if err != nil {
		return internal(err)
	}
	if len(rejected) > 0 {
		c := changes[rejected[0].Index]
		return errorf(kindInvalid, "the export's record %s, field %s: %s (%d fields refused in all): fix the export",
			c.Record, c.Field, rejected[0].Message, len(rejected))
	}
	ws := store.Workshop{ID: id, JoinCode: joinCode(), Secret: randomBytes(32), Created: s.cfg.Now()}
	if err := s.cfg.Store.CreateWorkshop(r.Context(), ws, accepted); err != nil {
		if errors.Is(err, store.ErrExists) {
			return errorf(kindConflict, "workshop %s already exists on this server: import it into a server that does not have it", id)
		}
		return internal(fmt.Errorf("import workshop: %w", err))
	}
	s.observe(accepted)
	return writeJSON(w, http.StatusCreated, createResponse{
		Workshop:         ws.ID,
		FacilitatorToken: FacilitatorToken(ws),
		JoinCode:         ws.JoinCode,
	})
}

type eraseRequest struct {
	Participant string `json:"participant"`
}

type eraseResponse struct {
	Cursor  string `json:"cursor"`
	Records int    `json:"records"`
	Photos  int    `json:"photos"`
}

// erase serves POST /api/v1/workshops/{w}/erase, facilitator only: it
// erases one participant's data. Every note, photo and vote the
// participant owns, and its participant record, have their text blanked
// and are deleted, at clocks newer than any they hold, so that phones
// overwrite their copies at their next sync; the photos' bytes are
// dropped from the server. The answer counts what was erased.
func (s *Server) erase(w http.ResponseWriter, r *http.Request, id, _ string) error {
	ws, p, err := s.open(r, id, false)
	if err != nil {
		return err
	}
	if !p.Facilitator {
		return errorf(kindForbidden, "only the facilitator may erase a participant's data")
	}
	var req eraseRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	if !replica.IsID(req.Participant) {
		return errorf(kindInvalid, "participant %q must be a participant id (lowercase UUID)", truncate(req.Participant, 60))
	}
	state, _, err := s.loadState(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	var owned []*replica.Record
	for _, rec := range state.Records {
		switch {
		case rec.Kind == "participant" && rec.ID == req.Participant,
			(rec.Kind == "note" || rec.Kind == "photo") && rec.String("author") == req.Participant,
			rec.Kind == "vote" && rec.String("voter") == req.Participant:
			owned = append(owned, rec)
		}
	}
	// The erasing clock must beat every clock these records hold, even
	// a phone's from a wrong date.
	s.mu.Lock()
	for _, rec := range owned {
		for _, f := range rec.Fields {
			s.hlc.Observe(f.Clock)
		}
	}
	clock := s.hlc.Next()
	s.mu.Unlock()

	var changes []replica.Change
	var blobs []string
	for _, rec := range owned {
		fields := map[string]json.RawMessage{"deleted": json.RawMessage("true")}
		for name, f := range rec.Fields {
			if name == "author" || name == "voter" || name == "ballot" || name == "slot" {
				continue // owner and vote identity stay, so the record keeps its meaning
			}
			var str string
			if json.Unmarshal(f.Value, &str) == nil && str != "" {
				fields[name] = json.RawMessage(`""`)
			}
		}
		if rec.Kind == "photo" && rec.String("blob") != "" {
			// The hash stays: it is how phones find the bytes to drop.
			blobs = append(blobs, rec.String("blob"))
		}
		changes = append(changes, replica.Change{Record: rec.ID, Kind: rec.Kind, Clock: clock, Fields: fields})
	}
	cursor, err := s.cfg.Store.Apply(r.Context(), ws.ID, func(lookup replica.Lookup) ([]replica.Change, error) {
		acc, _, err := replica.CheckBatch(replica.Principal{Facilitator: true}, changes, lookup)
		return acc, err
	})
	if err != nil {
		return storeError(err)
	}
	photos := 0
	for _, h := range blobs {
		if err := s.cfg.Store.DropBlob(r.Context(), ws.ID, h); err == nil {
			photos++
		} else if !errors.Is(err, store.ErrNotFound) {
			return internal(fmt.Errorf("erase photo %s: %w", h, err))
		}
		// Thumbnails are made from the stored bytes: none is served now.
	}
	if len(changes) > 0 {
		s.hub.publish(ws.ID, cursor)
	}
	s.log.Info("participant erased", "workshop", ws.ID, "records", len(owned), "photos", photos)
	return writeJSON(w, http.StatusOK, eraseResponse{Cursor: formatCursor(cursor), Records: len(owned), Photos: photos})
}
