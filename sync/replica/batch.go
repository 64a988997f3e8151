package replica

import (
	"encoding/json"
	"fmt"
)

// Principal is who writes a batch: the facilitator of the workshop, or one
// participant.
type Principal struct {
	Participant string // the participant's id; empty for the facilitator
	Facilitator bool
}

// Lookup returns the merged record with that id as stored, or nil when
// there is none. It is how CheckBatch sees what the store already holds.
type Lookup func(id string) (*Record, error)

// owner names, per kind, the field that says which participant owns a
// record, for the kinds a participant may write.
var owner = map[string]string{"note": "author", "photo": "author", "vote": "voter"}

// participantFields lists what a participant may set on its own
// participant record.
var participantFields = map[string]bool{"name": true, "role": true, "group": true}

type candidate struct {
	index int
	c     Change // single, value compacted
}

// CheckBatch validates a batch of changes from p against the stored
// records, and splits it into the single-field changes to store, in request
// order with values in compact JSON, and the rejections. Each change, and
// each field of a grouped change, is accepted or rejected on its own. The
// rules are PROTOCOL.md's: types and limits of every field, kinds fixed by
// the first change, vote ids bound to ballot, voter and slot below the
// ballot's budget, and a participant writing only what it owns. An error is
// returned only when lookup fails.
func CheckBatch(p Principal, changes []Change, lookup Lookup) (accepted []Change, rejected []Rejection, err error) {
	reject := func(i int, field string, code string, format string, args ...any) {
		rejected = append(rejected, Rejection{Index: i, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}

	// 1. Shape and values.
	var cands []candidate
	for i, c := range changes {
		switch {
		case !IsID(c.Record):
			reject(i, "", CodeInvalid, "record %q must be a lowercase UUID", truncate(c.Record, 80))
			continue
		case !KnownKind(c.Kind):
			reject(i, "", CodeInvalid, "kind %q is not one of %q", truncate(c.Kind, 80), Kinds)
			continue
		case c.Field != "" && c.Fields != nil:
			reject(i, "", CodeInvalid, "a change has either field and value, or fields, not both")
			continue
		case c.Fields == nil && c.Field == "":
			reject(i, "", CodeInvalid, "a change needs field and value, or fields")
			continue
		case c.Fields != nil && len(c.Fields) == 0:
			reject(i, "", CodeInvalid, "fields must be a non-empty object")
			continue
		}
		if _, err := ParseClock(string(c.Clock)); err != nil {
			reject(i, "", CodeInvalid, "%v", err)
			continue
		}
		for _, one := range c.Split() {
			v, err := CheckValue(one.Kind, one.Field, one.Value)
			if err != nil {
				reject(i, one.Field, CodeInvalid, "%s: %v", one.Field, err)
				continue
			}
			one.Value = v
			cands = append(cands, candidate{i, one})
		}
	}

	// 2. Stored records, kinds, and what each record would become.
	stored := map[string]*Record{}
	load := func(id string) (*Record, error) {
		if r, ok := stored[id]; ok {
			return r, nil
		}
		r, err := lookup(id)
		if err != nil {
			return nil, err
		}
		stored[id] = r
		return r, nil
	}
	next := map[string]*Record{}
	kept := cands[:0]
	for _, k := range cands {
		cur, err := load(k.c.Record)
		if err != nil {
			return nil, nil, err
		}
		r := next[k.c.Record]
		if r == nil {
			if cur != nil {
				r = cur.Clone()
			} else {
				r = NewRecord(k.c.Record, k.c.Kind)
			}
			next[k.c.Record] = r
		}
		if r.Kind != k.c.Kind {
			reject(k.index, k.c.Field, CodeInvalid, "record %s is a %s, not a %s", k.c.Record, r.Kind, k.c.Kind)
			continue
		}
		if !r.Has(k.c.Field) && len(r.Fields) >= MaxFields {
			reject(k.index, k.c.Field, CodeInvalid, "record %s already has %d fields, the most a record may have", k.c.Record, MaxFields)
			continue
		}
		r.Apply(k.c.Field, k.c.Value, k.c.Clock)
		kept = append(kept, k)
	}
	cands = kept

	// 3. Rules that need the whole record: vote slots, then rights.
	record := func(id string) (*Record, error) {
		if r := next[id]; r != nil {
			return r, nil
		}
		return load(id)
	}
	verdict := map[string]error{} // per record: nil, or why all its changes fail
	for _, k := range cands {
		id := k.c.Record
		if _, done := verdict[id]; done {
			continue
		}
		verdict[id], err = checkRecord(p, stored[id], next[id], record)
		if err != nil {
			return nil, nil, err
		}
	}
	for _, k := range cands {
		if e := verdict[k.c.Record]; e != nil {
			code := CodeInvalid
			if isForbidden(e) {
				code = CodeForbidden
			}
			reject(k.index, k.c.Field, code, "%v", e)
			continue
		}
		if e := checkField(p, stored[k.c.Record], k.c); e != nil {
			reject(k.index, k.c.Field, CodeForbidden, "%v", e)
			continue
		}
		accepted = append(accepted, k.c)
	}
	return accepted, rejected, nil
}

type forbidden struct{ msg string }

func (f forbidden) Error() string { return f.msg }
func (f forbidden) Unwrap() error { return ErrForbidden }

func isForbidden(err error) bool { _, ok := err.(forbidden); return ok }

func forbid(format string, args ...any) error { return forbidden{fmt.Sprintf(format, args...)} }

// checkRecord applies the rules that hold for a record as a whole after the
// batch: cur is the stored record (nil if new), next what it would become.
// The error it returns is the reason, not a failure; fail is for lookup.
func checkRecord(p Principal, cur, next *Record, record Lookup) (reason error, fail error) {
	if next.Kind == "vote" {
		ballot, voter, slot := next.String("ballot"), next.String("voter"), next.Int("slot", -1)
		if ballot == "" || voter == "" || slot < 0 {
			return fmt.Errorf("a vote sets ballot, voter and slot"), nil
		}
		if want := VoteID(ballot, voter, int(slot)); next.ID != want {
			return fmt.Errorf("vote %s does not match ballot, voter and slot %d: its id must be %s", next.ID, slot, want), nil
		}
		b, err := record(ballot)
		if err != nil {
			return nil, err
		}
		if b == nil || b.Kind != "ballot" {
			return fmt.Errorf("ballot %s does not exist", ballot), nil
		}
		if budget := Budget(b); int(slot) >= budget {
			return fmt.Errorf("slot %d is past the ballot's budget of %d stickers", slot, budget), nil
		}
		if !p.Facilitator && !b.Bool("open") {
			return forbid("the ballot %q is closed", b.String("title")), nil
		}
	}
	if p.Facilitator {
		return nil, nil
	}
	switch next.Kind {
	case "participant":
		if next.ID != p.Participant {
			return forbid("a participant may only change its own participant record"), nil
		}
	case "note", "photo", "vote":
		f := owner[next.Kind]
		who := cur.String(f)
		if who == "" {
			who = next.String(f)
		}
		if who == "" {
			return forbid("a new %s must set %s to your participant id", next.Kind, f), nil
		}
		if who != p.Participant {
			return forbid("this %s belongs to another participant", next.Kind), nil
		}
	default:
		return forbid("only the facilitator may change a %s", next.Kind), nil
	}
	return nil, nil
}

// checkField applies the per-field rules for a participant.
func checkField(p Principal, cur *Record, c Change) error {
	if p.Facilitator {
		return nil
	}
	if c.Kind == "participant" && !participantFields[c.Field] {
		return forbid("a participant may only set name, role and group on its own record")
	}
	if f, ok := owner[c.Kind]; ok && c.Field == f {
		var who string
		_ = json.Unmarshal(c.Value, &who)
		if who != p.Participant {
			return forbid("%s must be your participant id", f)
		}
		if prev := cur.String(f); prev != "" && prev != who {
			return forbid("%s never changes once set", f)
		}
	}
	return nil
}
