package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Sentinels for what callers act on; check them with errors.Is. An *Error
// from the server (or from Write's own checks) matches the sentinel of its
// code and of its status.
var (
	// ErrInvalid: 400, or code "invalid": a malformed request or change.
	ErrInvalid = errors.New("invalid")
	// ErrUnauthorized: 401: no token, an unknown token, a wrong organizer key.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403: a wrong join code, or a change this device may not make.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: 404: no such workshop or blob.
	ErrNotFound = errors.New("not found")
	// ErrConflict: 409: another device secret for this participant.
	ErrConflict = errors.New("conflict")
	// ErrTooLarge: 413: a body or a blob over the server's limits.
	ErrTooLarge = errors.New("too large")
	// ErrCorrupt: 422: an uploaded photo is not what its hash says or not
	// an image.
	ErrCorrupt = errors.New("corrupt")
	// ErrRateLimited: 429: too many requests; Sync retried and gave up.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: 5xx: the server's fault; Sync retried and gave up.
	ErrServer = errors.New("server error")
	// ErrNetwork: no answer arrived (offline, connection cut); Sync
	// retried and gave up. The error also wraps the Doer's.
	ErrNetwork = errors.New("no network")
	// ErrNoWorkshop: the local store holds no workshop (Open), or holds
	// another one (Join, Create).
	ErrNoWorkshop = errors.New("no such workshop on this device")
)

// Error is an error the server answered with, `{"error": {"code",
// "message"}}`, or a change Write refused before storing it (Status 0).
// Message says what to fix, in the server's words.
type Error struct {
	Status  int    // HTTP status; 0 when the device itself refused
	Code    string // "invalid", "forbidden", ...; empty when the body had none
	Message string
}

func (e *Error) Error() string {
	code := e.Code
	if code == "" {
		code = "error"
	}
	if e.Status == 0 {
		return code + ": " + e.Message
	}
	return fmt.Sprintf("server: %d %s: %s", e.Status, code, e.Message)
}

var byCode = map[string]error{
	"invalid":      ErrInvalid,
	"unauthorized": ErrUnauthorized,
	"forbidden":    ErrForbidden,
	"not_found":    ErrNotFound,
	"conflict":     ErrConflict,
	"too_large":    ErrTooLarge,
	"rate_limited": ErrRateLimited,
	"internal":     ErrServer,
}

var byStatus = map[int]error{
	400: ErrInvalid,
	401: ErrUnauthorized,
	403: ErrForbidden,
	404: ErrNotFound,
	409: ErrConflict,
	413: ErrTooLarge,
	422: ErrCorrupt,
	429: ErrRateLimited,
}

// Is reports whether target is the sentinel of e's code or of its status.
func (e *Error) Is(target error) bool {
	if byCode[e.Code] == target || byStatus[e.Status] == target {
		return target != nil
	}
	return target == ErrServer && e.Status >= 500
}

// apiError decodes a server's error answer. A body that is not the
// protocol's (a proxy's page, a HEAD answer) gives a message from the status.
func apiError(r *Response) *Error {
	e := &Error{Status: r.Status}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(r.Body, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message = body.Error.Code, body.Error.Message
		return e
	}
	e.Message = "the server answered with status " + strconv.Itoa(r.Status)
	return e
}

// badPhoto is an upload that can never succeed: Sync records it in
// Meta.BadPhotos and goes on with the other photos.
type badPhoto struct {
	BadPhoto
	err error
}

func (b *badPhoto) Error() string { return "photo " + b.Hash + ": " + b.Message }
func (b *badPhoto) Unwrap() error { return b.err }
