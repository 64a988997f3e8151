package replica

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Value is one field of a record: its winning value and that value's clock.
type Value struct {
	Value json.RawMessage `json:"value"`
	Clock Clock           `json:"clock"`
}

// Record is the merged state of one record.
type Record struct {
	ID     string           `json:"id"`
	Kind   string           `json:"kind"`
	Fields map[string]Value `json:"fields"`
}

// NewRecord returns an empty record of kind.
func NewRecord(id, kind string) *Record {
	return &Record{ID: id, Kind: kind, Fields: map[string]Value{}}
}

// Apply merges one single-field change into r and reports whether it won.
// It ignores the change's kind and record: the caller matches them.
func (r *Record) Apply(field string, value json.RawMessage, clock Clock) bool {
	cur, ok := r.Fields[field]
	if ok && !Wins(clock, value, cur.Clock, cur.Value) {
		return false
	}
	r.Fields[field] = Value{Value: value, Clock: clock}
	return true
}

// Clone returns a deep enough copy of r: fields can be set on it freely.
func (r *Record) Clone() *Record {
	c := &Record{ID: r.ID, Kind: r.Kind, Fields: make(map[string]Value, len(r.Fields))}
	for k, v := range r.Fields {
		c.Fields[k] = v
	}
	return c
}

// Raw returns the value of field, or nil when it is not set.
func (r *Record) Raw(field string) json.RawMessage {
	if r == nil {
		return nil
	}
	return r.Fields[field].Value
}

// Has reports whether field is set.
func (r *Record) Has(field string) bool {
	if r == nil {
		return false
	}
	_, ok := r.Fields[field]
	return ok
}

// String returns the field as a string, or "" when unset or not a string.
func (r *Record) String(field string) string {
	var s string
	if v := r.Raw(field); v != nil {
		_ = json.Unmarshal(v, &s)
	}
	return s
}

// Bool returns the field as a bool, false when unset or not a bool.
func (r *Record) Bool(field string) bool {
	var b bool
	if v := r.Raw(field); v != nil {
		_ = json.Unmarshal(v, &b)
	}
	return b
}

// Float returns the field as a number, 0 when unset or not a number.
func (r *Record) Float(field string) float64 {
	var f float64
	if v := r.Raw(field); v != nil {
		_ = json.Unmarshal(v, &f)
	}
	return f
}

// Int returns the field as an integer, def when unset or not an integer.
func (r *Record) Int(field string, def int64) int64 {
	v := r.Raw(field)
	if v == nil {
		return def
	}
	i, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return def
	}
	return i
}

// Strings returns the field as a list of strings.
func (r *Record) Strings(field string) []string {
	var l []string
	if v := r.Raw(field); v != nil {
		_ = json.Unmarshal(v, &l)
	}
	return l
}

// Deleted reports whether the record carries a tombstone.
func (r *Record) Deleted() bool { return r.Bool("deleted") }

// Changes returns the record as single-field changes, in field order.
func (r *Record) Changes() []Change {
	names := make([]string, 0, len(r.Fields))
	for f := range r.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	out := make([]Change, len(names))
	for i, f := range names {
		v := r.Fields[f]
		out[i] = Change{Record: r.ID, Kind: r.Kind, Field: f, Value: v.Value, Clock: v.Clock}
	}
	return out
}

// State is a merged set of records: a whole workshop as one replica sees it.
// It is not safe for concurrent use.
type State struct {
	Records map[string]*Record
}

// NewState returns an empty state.
func NewState() *State { return &State{Records: map[string]*Record{}} }

// Record returns the record with that id, or nil.
func (s *State) Record(id string) *Record { return s.Records[id] }

// Apply merges a change (single or grouped) into s and returns the
// single-field changes that won. A change whose kind differs from the
// record's is not applied and gets ErrKind. Apply does not validate values:
// callers apply only changes that passed CheckBatch or came from a server.
func (s *State) Apply(c Change) ([]Change, error) {
	r := s.Records[c.Record]
	if r == nil {
		r = NewRecord(c.Record, c.Kind)
		s.Records[c.Record] = r
	} else if r.Kind != c.Kind {
		return nil, fmt.Errorf("%w: record %s is a %s, not a %s", ErrKind, c.Record, r.Kind, c.Kind)
	}
	var won []Change
	for _, one := range c.Split() {
		if r.Apply(one.Field, one.Value, one.Clock) {
			won = append(won, one)
		}
	}
	return won, nil
}

// Changes returns the whole state as single-field changes, by record id
// then field: the smallest set of changes that rebuilds it.
func (s *State) Changes() []Change {
	ids := make([]string, 0, len(s.Records))
	for id := range s.Records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []Change
	for _, id := range ids {
		out = append(out, s.Records[id].Changes()...)
	}
	return out
}

// Of returns the live (not deleted) records of kind, sorted by position
// then id.
func (s *State) Of(kind string) []*Record {
	var out []*Record
	for _, r := range s.Records {
		if r.Kind == kind && !r.Deleted() {
			out = append(out, r)
		}
	}
	SortStable(len(out), func(i, j int) bool {
		pi, pj := out[i].Float("position"), out[j].Float("position")
		if pi != pj {
			return pi < pj
		}
		return out[i].ID < out[j].ID
	}, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
