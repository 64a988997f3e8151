package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Change is one change on the wire. In its single form it sets Field to
// Value; in its grouped form it sets every entry of Fields, all at Clock.
// A change with both Field and Fields is invalid.
type Change struct {
	Record string                     `json:"record"`
	Kind   string                     `json:"kind"`
	Field  string                     `json:"field,omitempty"`
	Value  json.RawMessage            `json:"value,omitempty"`
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
	Clock  Clock                      `json:"clock"`
}

// Grouped reports whether c is in the grouped form.
func (c Change) Grouped() bool { return c.Fields != nil }

// Split returns c as single-field changes, one per field, in field-name
// order for a grouped change. It does not validate.
func (c Change) Split() []Change {
	if c.Fields == nil {
		return []Change{c}
	}
	names := make([]string, 0, len(c.Fields))
	for f := range c.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	out := make([]Change, len(names))
	for i, f := range names {
		out[i] = Change{Record: c.Record, Kind: c.Kind, Field: f, Value: c.Fields[f], Clock: c.Clock}
	}
	return out
}

// Group turns single-field changes into grouped ones: the fields of one
// record at one clock become one change, placed where the first of them
// stood. Grouped input changes are merged in the same way. Merging the
// result gives the same state as merging the input.
func Group(changes []Change) []Change {
	type key struct {
		record string
		clock  Clock
	}
	at := make(map[key]int, len(changes))
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		k := key{c.Record, c.Clock}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, Change{Record: c.Record, Kind: c.Kind, Clock: c.Clock, Fields: map[string]json.RawMessage{}})
		}
		fields := out[i].Fields
		for _, one := range c.Split() {
			// Two values of one field at one clock (a replica's bug) keep
			// the one the merge would keep.
			if cur, ok := fields[one.Field]; !ok || Wins(c.Clock, one.Value, c.Clock, cur) {
				fields[one.Field] = one.Value
			}
		}
	}
	return out
}

// Ungroup splits every grouped change of changes into single changes.
func Ungroup(changes []Change) []Change {
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		out = append(out, c.Split()...)
	}
	return out
}

// Wins reports whether a value at clock c beats the value cur at clock
// curClock under the merge rule: the greater clock wins, and equal clocks
// with different values resolve to the greater JSON encoding as bytes.
func Wins(c Clock, v json.RawMessage, curClock Clock, cur json.RawMessage) bool {
	if c != curClock {
		return c > curClock
	}
	return bytes.Compare(v, cur) > 0
}

// Compact returns v in compact JSON, so that equal values compare equal as
// bytes. It fails when v is not valid JSON.
func Compact(v json.RawMessage) (json.RawMessage, error) {
	if len(v) == 0 {
		return nil, fmt.Errorf("value is missing")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return nil, fmt.Errorf("value is not valid JSON: %v", err)
	}
	return json.RawMessage(b.Bytes()), nil
}
