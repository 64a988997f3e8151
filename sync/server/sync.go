package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"carnet/sync/replica"
)

type syncRequest struct {
	Replica string            `json:"replica"`
	Since   string            `json:"since"`
	Changes []json.RawMessage `json:"changes"`
	Grouped bool              `json:"grouped"`
}

type syncResponse struct {
	Cursor   string              `json:"cursor"`
	Changes  []replica.Change    `json:"changes"`
	More     bool                `json:"more"`
	Rejected []replica.Rejection `json:"rejected,omitempty"`
	// Now is the server's clock, Unix ms, when it answered: devices set
	// their timers by it (PROTOCOL.md, Extensions).
	Now int64 `json:"now"`
}

// sync serves POST /api/v1/workshops/{w}/sync: it stores the accepted
// changes, then answers a page of the changes stored after since.
func (s *Server) sync(w http.ResponseWriter, r *http.Request, id, _ string) error {
	ws, p, err := s.open(r, id, false)
	if err != nil {
		return err
	}
	var req syncRequest
	if err := decodeJSON(w, r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	if req.Replica != "" && !replica.IsID(req.Replica) {
		return errorf(kindInvalid, "replica %q must be a lowercase UUID", truncate(req.Replica, 60))
	}
	since, err := parseCursor(req.Since)
	if err != nil {
		return err
	}

	changes, at, rejected := replica.DecodeChanges(req.Changes)
	fields := len(rejected)
	for _, c := range changes {
		if n := len(c.Fields); n > 0 {
			fields += n
		} else {
			fields++
		}
	}
	if fields > s.cfg.MaxChanges {
		return errorf(kindTooLarge, "the request sets %d fields, more than the %d allowed: send the changes in several requests", fields, s.cfg.MaxChanges)
	}

	var echo map[echoKey]json.RawMessage // what this request stored
	if len(changes) > 0 {
		var accepted []replica.Change
		var refused []replica.Rejection
		// check may run more than once (a store retrying its transaction):
		// it keeps only the last run's verdict.
		cursor, err := s.cfg.Store.Apply(r.Context(), ws.ID, func(lookup replica.Lookup) ([]replica.Change, error) {
			acc, rej, err := replica.CheckBatch(p, changes, lookup)
			if err != nil {
				return nil, err
			}
			for i := range rej {
				rej[i].Index = at[rej[i].Index]
			}
			accepted, refused = acc, rej
			return acc, nil
		})
		if err != nil {
			return storeError(err)
		}
		rejected = append(rejected, refused...)
		echo = make(map[echoKey]json.RawMessage, len(accepted))
		for _, c := range accepted {
			echo[echoKey{c.Record, c.Field, c.Clock}] = c.Value
		}
		if len(accepted) > 0 {
			s.observe(accepted)
			s.hub.publish(ws.ID, cursor)
		}
		sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Index < rejected[j].Index })
	}

	page, err := s.cfg.Store.Changes(r.Context(), ws.ID, since, s.cfg.PageSize)
	if err != nil {
		return storeError(err)
	}
	if len(page.Changes) == 0 && since > 0 {
		// A cursor ahead of the store's (the store was restored from a
		// backup) would otherwise get nothing forever: answer from the
		// start, so the device merges everything again, harmlessly.
		newest, err := s.cfg.Store.Cursor(r.Context(), ws.ID)
		if err != nil {
			return storeError(err)
		}
		if since > newest {
			if page, err = s.cfg.Store.Changes(r.Context(), ws.ID, 0, s.cfg.PageSize); err != nil {
				return storeError(err)
			}
		}
	}
	out := page.Changes
	if len(echo) > 0 {
		// The device merges what this request stored when it reads the
		// answer: sending it back would double what a push costs. Changes
		// stored by earlier requests are sent, since their answer may
		// have been lost.
		kept := out[:0:0]
		for _, c := range out {
			if v, ok := echo[echoKey{c.Record, c.Field, c.Clock}]; !ok || !bytes.Equal(v, c.Value) {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	if req.Grouped {
		out = replica.Group(out)
	}
	if out == nil {
		out = []replica.Change{}
	}
	return writeJSON(w, http.StatusOK, syncResponse{
		Cursor:   formatCursor(page.Cursor),
		Changes:  out,
		More:     page.More,
		Rejected: rejected,
		Now:      s.cfg.Now().UnixMilli(),
	})
}

// Cursors are the store's counters in decimal: short on the wire, opaque
// to clients, who only send them back.
func formatCursor(c int64) string { return strconv.FormatInt(c, 10) }

func parseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	c, err := strconv.ParseInt(s, 10, 64)
	if err != nil || c < 0 || len(s) > 19 {
		return 0, errorf(kindInvalid, "since %q is not a cursor of this server: send the cursor of an earlier answer, or empty", truncate(s, 40))
	}
	return c, nil
}

type echoKey struct {
	record, field string
	clock         replica.Clock
}
