package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"carnet/sync/replica"
	"carnet/sync/store"
)

// Tokens are derived from the workshop's secret, never stored:
//
//	facilitator  "f." + base64url(mac("facilitator"))
//	participant  "p." + base64url(participant id (16 bytes) ‖ mac("participant/" + id))
//
// where mac is HMAC-SHA256 keyed with the workshop secret, cut to 16 bytes
// (128 bits) to keep every sync request short. A token of one workshop
// fails the MAC of any other.
const (
	macSize     = 16
	maxTokenLen = 128
)

var b64 = base64.RawURLEncoding

func mac(secret []byte, msg string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(msg))
	return m.Sum(nil)[:macSize]
}

// FacilitatorToken returns the facilitator token of a workshop.
func FacilitatorToken(w store.Workshop) string {
	return "f." + b64.EncodeToString(mac(w.Secret, "facilitator"))
}

// ParticipantToken returns the token of participant (a canonical UUID) in
// a workshop, or "" when participant is not a UUID.
func ParticipantToken(w store.Workshop, participant string) string {
	id, err := uuid.Parse(participant)
	if err != nil {
		return ""
	}
	raw := append(id[:], mac(w.Secret, "participant/"+participant)...)
	return "p." + b64.EncodeToString(raw)
}

// principal parses and checks token against workshop w. ok is false for a
// malformed token or a MAC that does not match.
func principal(w store.Workshop, token string) (p replica.Principal, ok bool) {
	if len(token) > maxTokenLen || len(token) < 3 || token[1] != '.' {
		return p, false
	}
	raw, err := b64.DecodeString(token[2:])
	// Only the canonical form: the decoder skips new lines and spare bits.
	if err != nil || b64.EncodeToString(raw) != token[2:] {
		return p, false
	}
	switch token[0] {
	case 'f':
		if len(raw) != macSize {
			return p, false
		}
		return replica.Principal{Facilitator: true}, hmac.Equal(raw, mac(w.Secret, "facilitator"))
	case 'p':
		if len(raw) != 16+macSize {
			return p, false
		}
		id, err := uuid.FromBytes(raw[:16])
		if err != nil {
			return p, false
		}
		pid := id.String()
		if !hmac.Equal(raw[16:], mac(w.Secret, "participant/"+pid)) {
			return p, false
		}
		return replica.Principal{Participant: pid}, true
	}
	return p, false
}

// bearer returns the bearer token of r, and for the read-only calls that
// allow it (query true), the token in ?token= when there is no header.
func bearer(r *http.Request, query bool) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if query {
		return r.URL.Query().Get("token")
	}
	return ""
}

// authorize checks r's token against workshop w. It returns 401 for no or
// an unknown token.
func authorize(r *http.Request, w store.Workshop, query bool) (replica.Principal, error) {
	tok := bearer(r, query)
	if tok == "" {
		hint := "send Authorization: Bearer <token>"
		if query {
			hint += " or ?token=<token>"
		}
		return replica.Principal{}, errorf(kindUnauthorized, "this call needs the workshop's token: %s", hint)
	}
	p, ok := principal(w, tok)
	if !ok {
		return replica.Principal{}, errorf(kindUnauthorized, "the token does not open this workshop: join it again to get a token")
	}
	return p, nil
}

// equalString compares two strings in constant time.
func equalString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
