package ui

import (
	"encoding/json"

	"carnet/sync/replica"
)

// Reading and writing the workshop's records, in the words of PROTOCOL.md.

// change builds a grouped change setting fields of record id of kind.
func change(id, kind string, fields map[string]any) replica.Change {
	c := replica.Change{Record: id, Kind: kind, Fields: make(map[string]json.RawMessage, len(fields))}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		c.Fields[k] = b
	}
	return c
}

// colorSymbols are the marks of the colour code, drawn beside the label
// so that the colour is never the only cue.
var colorSymbols = map[string]string{
	replica.ColorCurrent: "■",
	replica.ColorData:    "⋯",
	replica.ColorProblem: "▲",
	replica.ColorWish:    "★",
	replica.ColorValue:   "€",
	replica.ColorSmile:   "☺",
	replica.ColorIdea:    "✦",
}

// newestFirst sorts records by id, newest first: ids made on devices are
// UUIDv7, ordered by time.
func newestFirst(rs []*replica.Record) []*replica.Record {
	replica.SortStable(len(rs), func(i, j int) bool { return rs[i].ID > rs[j].ID }, func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	return rs
}

// ofSession returns the live records of kind in session, of group when
// group is not empty, newest first.
func ofSession(st *replica.State, kind, session, group string) []*replica.Record {
	var out []*replica.Record
	for _, r := range st.Of(kind) {
		if r.String("session") != session {
			continue
		}
		if group != "" && r.String("group") != group {
			continue
		}
		out = append(out, r)
	}
	return newestFirst(out)
}

// live returns the record id if it exists and is not deleted.
func live(st *replica.State, id string) *replica.Record {
	r := st.Record(id)
	if r == nil || r.Deleted() {
		return nil
	}
	return r
}

// sticker is one of a voter's vote slots on a ballot.
type sticker struct {
	Slot   int
	Target string // "" when the sticker is not placed
}

// stickers returns the voter's slots on the ballot, 0 to budget-1.
func stickers(st *replica.State, ballot, voter string, budget int) []sticker {
	out := make([]sticker, budget)
	for i := range out {
		out[i].Slot = i
		if r := live(st, replica.VoteID(ballot, voter, i)); r != nil {
			out[i].Target = r.String("target")
		}
	}
	return out
}

// openBallots returns the open ballots, in position then id order.
func openBallots(st *replica.State) []*replica.Record {
	var out []*replica.Record
	for _, b := range st.Of("ballot") {
		if b.Bool("open") {
			out = append(out, b)
		}
	}
	return out
}

// voteTargets returns what a ballot votes on: the threads, or the notes of
// its session (all notes when it names none).
func voteTargets(st *replica.State, ballot *replica.Record) []*replica.Record {
	if ballot.String("target_kind") == "note" {
		if s := ballot.String("session"); s != "" {
			out := ofSession(st, "note", s, "")
			replica.SortStable(len(out), func(i, j int) bool { return out[i].ID < out[j].ID }, func(i, j int) { out[i], out[j] = out[j], out[i] })
			return out
		}
		return st.Of("note")
	}
	return st.Of("thread")
}
