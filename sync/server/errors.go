package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// errKind is the class of an apiError: it fixes both the HTTP status and the
// code carried on the wire (see status below, the one place they are
// mapped). Kinds are only ever added.
type errKind int

// Kinds of errors, one a row of PROTOCOL.md's table.
const (
	kindInternal      errKind = iota // 500 internal: the server's own fault
	kindInvalid                      // 400 invalid: malformed request
	kindUnauthorized                 // 401 unauthorized: no or unknown token, or organizer key
	kindForbidden                    // 403 forbidden: a valid token that may not do this
	kindNotFound                     // 404 not_found: no such workshop, blob or route
	kindConflict                     // 409 conflict: another device secret, a wrong blob offset
	kindTooLarge                     // 413 too_large: a body or blob over its limit
	kindUnprocessable                // 422 invalid: a complete blob that is not what it claims
	kindRateLimited                  // 429 rate_limited: too many creates or joins
	kindBadMethod                    // 405 invalid: a method the route does not serve
)

// status maps each kind to its HTTP status and wire code. It is the one
// place where errors meet HTTP.
var status = map[errKind]struct {
	code int
	wire string
}{
	kindInternal:      {http.StatusInternalServerError, "internal"},
	kindInvalid:       {http.StatusBadRequest, "invalid"},
	kindUnauthorized:  {http.StatusUnauthorized, "unauthorized"},
	kindForbidden:     {http.StatusForbidden, "forbidden"},
	kindNotFound:      {http.StatusNotFound, "not_found"},
	kindConflict:      {http.StatusConflict, "conflict"},
	kindTooLarge:      {http.StatusRequestEntityTooLarge, "too_large"},
	kindUnprocessable: {http.StatusUnprocessableEntity, "invalid"},
	kindRateLimited:   {http.StatusTooManyRequests, "rate_limited"},
	kindBadMethod:     {http.StatusMethodNotAllowed, "invalid"},
}

// apiError is the one error type of the server: a kind and a message for the
// user that says what to fix. Cause, when set, is logged and never sent.
type apiError struct {
	Kind    errKind
	Message string
	Cause   error
}

func (e *apiError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code(), e.Message, e.Cause)
	}
	return e.Code() + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Cause }

// Status returns the HTTP status of e.
func (e *apiError) Status() int { return status[e.Kind].code }

// Code returns the code e carries on the wire.
func (e *apiError) Code() string { return status[e.Kind].wire }

// errorf returns an apiError of kind with a formatted message.
func errorf(kind errKind, format string, args ...any) *apiError {
	return &apiError{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// internal wraps a cause the user cannot fix.
func internal(cause error) *apiError {
	return &apiError{Kind: kindInternal, Message: "the server failed; try again later", Cause: cause}
}

// asError returns err as an *apiError, an internal one when it is not.
func asError(err error) *apiError {
	var e *apiError
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers err: its status and, except for HEAD, the body
// {"error": {"code", "message"}}. Internal causes are logged.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Kind == kindInternal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h := w.Header()
	h.Del("Vary")
	h.Del("Cache-Control")
	h.Del("Content-Disposition")
	if r.Method == http.MethodHead {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(e.Status())
		return
	}
	var b errorBody
	b.Error.Code, b.Error.Message = e.Code(), e.Message
	data, _ := json.Marshal(b)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Del("Content-Encoding")
	h["Date"] = nil
	w.WriteHeader(e.Status())
	w.Write(data)
}
