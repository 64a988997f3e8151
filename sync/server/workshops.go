package server

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// Limits of the small calls.
const (
	maxSmallBody    = 64 << 10
	maxLocale       = 35
	maxTemplateID   = 100
	minDeviceSecret = 22
	maxDeviceSecret = 128
	joinCodeLen     = 8
)

// joinAlphabet is Crockford's base 32: no I, L, O or U to misread.
const joinAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

type createRequest struct {
	Title    string `json:"title"`
	Template string `json:"template"`
	Locale   string `json:"locale"`
}

type createResponse struct {
	Workshop         string `json:"workshop"`
	FacilitatorToken string `json:"facilitator_token"`
	JoinCode         string `json:"join_code"`
}

// limit answers 429 when addr has no token left in l.
func (s *Server) limit(w http.ResponseWriter, r *http.Request, l *limiter, what string) error {
	ok, wait := l.allow(clientAddr(r, s.cfg.TrustProxy))
	if ok {
		return nil
	}
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return errorf(kindRateLimited, "too many %s from this address: wait %d s and try again", what, secs)
}

// createWorkshop serves POST /api/v1/workshops.
func (s *Server) createWorkshop(w http.ResponseWriter, r *http.Request, _, _ string) error {
	if err := s.limit(w, r, s.create, "workshops created"); err != nil {
		return err
	}
	if err := s.mayCreate(r); err != nil {
		return err
	}
	var req createRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(req.Title); n > replica.MaxString {
		return errorf(kindInvalid, "title has %d characters, more than %d: shorten it", n, replica.MaxString)
	}
	if !validLocale(req.Locale) {
		return errorf(kindInvalid, "locale %q must be a language tag such as fr or en-GB", truncate(req.Locale, 40))
	}
	if len(req.Template) > maxTemplateID {
		return errorf(kindInvalid, "template %q is not a template id", truncate(req.Template, 40))
	}

	id, err := uuid.NewV7()
	if err != nil {
		return internal(err)
	}
	clock := s.clock()
	records := []replica.Change{{
		Record: id.String(), Kind: "workshop", Clock: clock,
		Fields: map[string]json.RawMessage{
			"title":    jsonValue(req.Title),
			"locale":   jsonValue(req.Locale),
			"template": jsonValue(req.Template),
		},
	}}
	if req.Template != "" {
		var more []replica.Change
		ok := false
		if s.cfg.Templates != nil {
			more, ok = s.cfg.Templates(req.Template, id.String(), clock)
		}
		if !ok {
			return errorf(kindInvalid, "template %q is unknown: leave it empty for a blank workshop", truncate(req.Template, 40))
		}
		records = append(records, more...)
	}
	accepted, rejected, err := replica.CheckBatch(replica.Principal{Facilitator: true}, records,
		func(string) (*replica.Record, error) { return nil, nil })
	if err != nil {
		return internal(err)
	}
	if len(rejected) > 0 {
		return internal(fmt.Errorf("template %q makes invalid records: %+v", req.Template, rejected[0]))
	}

	ws := store.Workshop{
		ID:       id.String(),
		JoinCode: joinCode(),
		Secret:   randomBytes(32),
		Created:  s.cfg.Now(),
	}
	if err := s.cfg.Store.CreateWorkshop(r.Context(), ws, accepted); err != nil {
		return internal(fmt.Errorf("create workshop: %w", err))
	}
	return writeJSON(w, http.StatusCreated, createResponse{
		Workshop:         ws.ID,
		FacilitatorToken: FacilitatorToken(ws),
		JoinCode:         ws.JoinCode,
	})
}

// mayCreate checks that r may create a workshop: it carries the organizer
// key, or the server lets anyone create.
func (s *Server) mayCreate(r *http.Request) error {
	switch {
	case s.cfg.OrganizerKey != "":
		if tok := bearer(r, false); tok == "" || !equalString(tok, s.cfg.OrganizerKey) {
			return errorf(kindUnauthorized, "creating a workshop needs this server's organizer key: send Authorization: Bearer <organizer key>")
		}
	case !s.cfg.OpenCreate:
		return errorf(kindUnauthorized, "this server creates no workshops: its operator must start it with an organizer key")
	}
	return nil
}

func validLocale(s string) bool {
	if len(s) > maxLocale {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// joinCode returns a new random join code.
func joinCode() string {
	b := randomBytes(joinCodeLen)
	for i := range b {
		b[i] = joinAlphabet[b[i]%32]
	}
	return string(b)
}

// normalizeCode reads a join code as people type it: any case, with
// spaces or dashes, and O, I, L for 0, 1, 1.
func normalizeCode(s string) string {
	if len(s) > 64 {
		return ""
	}
	var b strings.Builder
	for _, c := range strings.ToUpper(s) {
		switch c {
		case ' ', '-', '\t':
			continue
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		b.WriteRune(c)
	}
	return b.String()
}

type joinRequest struct {
	JoinCode     string `json:"join_code"`
	Participant  string `json:"participant"`
	DeviceSecret string `json:"device_secret"`
	Name         string `json:"name"`
}

type joinResponse struct {
	Token string `json:"token"`
}

// joinWorkshop serves POST /api/v1/workshops/{w}/join.
func (s *Server) joinWorkshop(w http.ResponseWriter, r *http.Request, id, _ string) error {
	if err := s.limit(w, r, s.join, "joins"); err != nil {
		return err
	}
	var req joinRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	ws, err := s.workshop(r.Context(), id)
	if err != nil {
		return err
	}
	if !replica.IsID(req.Participant) {
		return errorf(kindInvalid, "participant %q must be a lowercase UUID made by the device", truncate(req.Participant, 60))
	}
	if n := len(req.DeviceSecret); n < minDeviceSecret || n > maxDeviceSecret {
		return errorf(kindInvalid, "device_secret has %d characters: it must have %d to %d", n, minDeviceSecret, maxDeviceSecret)
	}
	for _, c := range req.DeviceSecret {
		if c < 0x21 || c > 0x7e {
			return errorf(kindInvalid, "device_secret must be printable ASCII without spaces")
		}
	}
	if code := normalizeCode(req.JoinCode); code == "" || !equalString(code, normalizeCode(ws.JoinCode)) {
		return errorf(kindForbidden, "the join code is wrong: check it with the facilitator")
	}
	if n := utf8.RuneCountInString(req.Name); n > replica.MaxString {
		return errorf(kindInvalid, "name has %d characters, more than %d: shorten it", n, replica.MaxString)
	}
	if req.Participant == ws.ID {
		return errorf(kindInvalid, "participant must be a new id, not the workshop's")
	}

	// A participant id must not name a record of another kind.
	var kind string
	if _, err := s.cfg.Store.Apply(r.Context(), ws.ID, func(lookup replica.Lookup) ([]replica.Change, error) {
		rec, err := lookup(req.Participant)
		if rec != nil {
			kind = rec.Kind
		}
		return nil, err
	}); err != nil {
		return storeError(err)
	}
	if kind != "" && kind != "participant" {
		return errorf(kindInvalid, "participant %s is the id of a %s: make a new UUID for the participant", req.Participant, kind)
	}

	secret := sha256.Sum256([]byte(req.DeviceSecret))
	name := replica.Change{Record: req.Participant, Kind: "participant", Field: "name", Value: jsonValue(req.Name), Clock: s.clock()}
	err = s.cfg.Store.Join(r.Context(), ws.ID, store.Participant{ID: req.Participant, SecretHash: secret[:]}, []replica.Change{name})
	switch {
	case errors.Is(err, store.ErrConflict):
		return errorf(kindConflict, "participant %s joined with another device secret: join from that device's QR code, or as a new participant", req.Participant)
	case err != nil:
		return storeError(err)
	}
	s.notify(r, ws.ID, -1)
	return writeJSON(w, http.StatusOK, joinResponse{Token: ParticipantToken(ws, req.Participant)})
}

// notify tells this process's event streams that workshop moved to cursor,
// reading the cursor from the store when it is -1.
func (s *Server) notify(r *http.Request, workshop string, cursor int64) {
	if cursor < 0 {
		c, err := s.cfg.Store.Cursor(r.Context(), workshop)
		if err != nil {
			s.log.Warn("read cursor", "workshop", workshop, "err", err)
			return
		}
		cursor = c
	}
	s.hub.publish(workshop, cursor)
}

func jsonValue(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// writeJSON answers v as compact JSON with as few headers as will do.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return internal(err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	// Wire economy: no Vary unless the answer is compressed (the
	// compressor adds it back then) and no Date.
	h.Del("Vary")
	h["Date"] = nil
	w.WriteHeader(code)
	w.Write(data)
	return nil
}
