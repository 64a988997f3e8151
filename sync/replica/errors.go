package replica

import "errors"

// Sentinels for what callers act on; check them with errors.Is.
var (
	// ErrInvalid: a change or value is malformed or breaks a rule of the data.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden: the writer may not make this change.
	ErrForbidden = errors.New("forbidden")
	// ErrKind: a change names a record with another kind than the record's.
	ErrKind = errors.New("kind mismatch")
)

// Rejection codes carried on the wire. Codes are only ever added.
const (
	CodeInvalid   = "invalid"
	CodeForbidden = "forbidden"
)

// Rejection says why one change, or one field of a grouped change, was
// not stored. Index counts from 0 in the request's changes; Field is empty
// when the whole change was rejected.
type Rejection struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}
