package template

import (
	"encoding/json"
	"strconv"

	"carnet/sync/replica"
	"github.com/google/uuid"
)

// SessionID returns the id of the session made from step i (counting from
// 0) of a workshop's template: the UUIDv5 (URL namespace) of
// "<workshop>/session/<i>".
func SessionID(workshop string, i int) string { return derive(workshop, "session", i) }

// GroupID returns the id of the group made from group i (counting from 0)
// of a workshop's template: the UUIDv5 of "<workshop>/group/<i>".
func GroupID(workshop string, i int) string { return derive(workshop, "group", i) }

// BallotID returns the id of the ballot made from ballot i (counting from
// 0) of a workshop's template: the UUIDv5 of "<workshop>/ballot/<i>".
func BallotID(workshop string, i int) string { return derive(workshop, "ballot", i) }

func derive(workshop, kind string, i int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(workshop+"/"+kind+"/"+strconv.Itoa(i))).String()
}

// Records returns the grouped changes that apply t to the workshop whose
// id is workshopID (a lowercase UUID): the template fields of the workshop
// record (template, rules, vote_budget, max_threads), then one session per
// step (title, type, position, minutes, instructions, and format and board
// when set), one group per group name (name, position) and one closed
// ballot per ballot (session, title, budget, target_kind, open). Positions
// count from 1. Each record gets its own clock from hlc, which must not be
// nil. Record ids come from SessionID, GroupID and BallotID, so the same
// template on the same workshop id gives the same records. The blank
// template gives nil: a blank workshop has only what its creator writes.
func Records(t Template, workshopID string, hlc *replica.HLC) []replica.Change {
	if t.IsBlank() {
		return nil
	}
	var out []replica.Change
	add := func(id, kind string, fields map[string]json.RawMessage) {
		out = append(out, replica.Change{Record: id, Kind: kind, Clock: hlc.Next(), Fields: fields})
	}

	rules := t.Rules
	if rules == nil {
		rules = []string{}
	}
	add(workshopID, "workshop", map[string]json.RawMessage{
		"template":    raw(t.ID),
		"rules":       raw(rules),
		"vote_budget": raw(orDefault(t.VoteBudget, DefaultVoteBudget)),
		"max_threads": raw(orDefault(t.MaxThreads, DefaultMaxThreads)),
	})
	for i, s := range t.Steps {
		f := map[string]json.RawMessage{
			"title":        raw(s.Title),
			"type":         raw(s.Type),
			"position":     raw(i + 1),
			"minutes":      raw(s.Minutes),
			"instructions": raw(s.Instructions),
		}
		if s.Format != "" {
			f["format"] = raw(s.Format)
		}
		if s.Board != "" {
			f["board"] = raw(s.Board)
		}
		add(SessionID(workshopID, i), "session", f)
	}
	for i, name := range t.Groups {
		add(GroupID(workshopID, i), "group", map[string]json.RawMessage{
			"name":     raw(name),
			"position": raw(i + 1),
		})
	}
	for i, b := range t.Ballots {
		f := map[string]json.RawMessage{
			"title":       raw(b.Title),
			"budget":      raw(orDefault(b.Budget, orDefault(t.VoteBudget, DefaultVoteBudget))),
			"target_kind": raw(b.TargetKind),
			"open":        raw(false),
		}
		if b.Step >= 0 && b.Step < len(t.Steps) {
			f["session"] = raw(SessionID(workshopID, b.Step))
		}
		add(BallotID(workshopID, i), "ballot", f)
	}
	return out
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// raw encodes v, a string, int, bool or list of strings, which cannot fail.
func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
