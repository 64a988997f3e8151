package replica

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	alice  = "0193b1c2-aaaa-7000-8000-000000000001"
	bob    = "0193b1c2-bbbb-7000-8000-000000000002"
	note1  = "0193b1c2-1111-7000-8000-0000000000a1"
	ballot = "0193b1c2-2222-7000-8000-0000000000b1"
	thread = "0193b1c2-3333-7000-8000-0000000000c1"
)

var (
	facilitator = Principal{Facilitator: true}
	asAlice     = Principal{Participant: alice}
	asBob       = Principal{Participant: bob}
)

func clk(n int) Clock { return MakeClock(1764288000000+int64(n), 0, r1) }

func set(record, kind, field, value string, n int) Change {
	return Change{Record: record, Kind: kind, Field: field, Value: json.RawMessage(value), Clock: clk(n)}
}

func group(record, kind string, n int, kv ...string) Change {
	c := Change{Record: record, Kind: kind, Clock: clk(n), Fields: map[string]json.RawMessage{}}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Fields[kv[i]] = json.RawMessage(kv[i+1])
	}
	return c
}

// stored builds a lookup over a state made of trusted changes.
func stored(changes ...Change) Lookup {
	s := NewState()
	for _, c := range changes {
		s.Apply(c)
	}
	return func(id string) (*Record, error) { return s.Record(id), nil }
}

func q(s string) string { b, _ := json.Marshal(s); return string(b) }

func openBallot(open bool, budget int) []Change {
	return []Change{group(ballot, "ballot", 1, "title", `"Fils"`, "budget", json.Number(rune('0'+budget)).String(), "open", map[bool]string{true: "true", false: "false"}[open], "target_kind", `"thread"`)}
}

func vote(voter string, slot int, target string, n int) Change {
	return group(VoteID(ballot, voter, slot), "vote", n, "ballot", q(ballot), "voter", q(voter), "slot", json.Number(rune('0'+slot)).String(), "target", q(target))
}

type verdict struct {
	accepted int
	rejected []string // "index/field/code"
}

func run(t *testing.T, p Principal, lookup Lookup, changes ...Change) verdict {
	t.Helper()
	acc, rej, err := CheckBatch(p, changes, lookup)
	if err != nil {
		t.Fatal(err)
	}
	v := verdict{accepted: len(acc)}
	for _, r := range rej {
		if r.Message == "" {
			t.Errorf("rejection %+v has no message", r)
		}
		v.rejected = append(v.rejected, strings.Join([]string{string(rune('0' + r.Index)), r.Field, r.Code}, "/"))
	}
	return v
}

func TestCheckBatch(t *testing.T) {
	aliceNote := group(note1, "note", 1, "author", q(alice), "text", `"Ressaisie"`, "color", `"problem"`)
	tests := []struct {
		name    string
		p       Principal
		stored  []Change
		changes []Change
		want    verdict
	}{
		{"participant creates own note", asAlice, nil, []Change{aliceNote}, verdict{3, nil}},
		{"new note must name its author", asAlice, nil, []Change{set(note1, "note", "text", `"x"`, 2)},
			verdict{0, []string{"0/text/forbidden"}}},
		{"note claimed for another", asAlice, nil, []Change{group(note1, "note", 1, "author", q(bob), "text", `"x"`)},
			verdict{0, []string{"0/author/forbidden", "0/text/forbidden"}}},
		{"editing another's note is rejected alone", asBob, []Change{aliceNote},
			[]Change{set(note1, "note", "text", `"pirate"`, 5), group("0193b1c2-1111-7000-8000-0000000000a2", "note", 5, "author", q(bob), "text", `"mine"`)},
			verdict{2, []string{"0/text/forbidden"}}},
		{"owner field never changes", asAlice, []Change{aliceNote}, []Change{set(note1, "note", "author", q(bob), 5)},
			verdict{0, []string{"0/author/forbidden"}}},
		{"owner edits and deletes", asAlice, []Change{aliceNote}, []Change{set(note1, "note", "text", `"v2"`, 5), set(note1, "note", "deleted", `true`, 6)},
			verdict{2, nil}},
		{"facilitator edits anything", facilitator, []Change{aliceNote}, []Change{set(note1, "note", "thread", q(thread), 5)},
			verdict{1, nil}},
		{"participant may not make threads", asAlice, nil, []Change{set(thread, "thread", "title", `"Collecte"`, 1)},
			verdict{0, []string{"0/title/forbidden"}}},
		{"own participant record", asAlice, nil, []Change{group(alice, "participant", 2, "name", `"Alice"`, "role", `"porteuse de projet"`)},
			verdict{2, nil}},
		{"own record: only name, role, group", asAlice, nil, []Change{set(alice, "participant", "deleted", `true`, 2)},
			verdict{0, []string{"0/deleted/forbidden"}}},
		{"another's participant record", asAlice, nil, []Change{set(bob, "participant", "name", `"Bob?"`, 2)},
			verdict{0, []string{"0/name/forbidden"}}},
		{"wrong types", facilitator, nil, []Change{
			set(note1, "note", "color", `"purple"`, 1), set(note1, "note", "x", `"left"`, 1),
			set(ballot, "ballot", "budget", `2.5`, 1), set(ballot, "ballot", "open", `1`, 1),
			set(thread, "thread", "title", `null`, 1), set(note1, "note", "author", `"bob"`, 1)},
			verdict{0, []string{"0/color/invalid", "1/x/invalid", "2/budget/invalid", "3/open/invalid", "4/title/invalid", "5/author/invalid"}}},
		{"unknown field kept", facilitator, nil, []Change{set(note1, "note", "mood", `{"a":[1,2]}`, 1)}, verdict{1, nil}},
		{"unknown kind", facilitator, nil, []Change{set(note1, "sticker", "x", `1`, 1)}, verdict{0, []string{"0//invalid"}}},
		{"bad record id", facilitator, nil, []Change{set("NOTE-1", "note", "text", `"x"`, 1)}, verdict{0, []string{"0//invalid"}}},
		{"bad clock", facilitator, nil, []Change{{Record: note1, Kind: "note", Field: "text", Value: json.RawMessage(`"x"`), Clock: "yesterday"}}, verdict{0, []string{"0//invalid"}}},
		{"field and fields", facilitator, nil, []Change{{Record: note1, Kind: "note", Field: "text", Value: json.RawMessage(`"x"`), Fields: map[string]json.RawMessage{"a": json.RawMessage(`1`)}, Clock: clk(1)}}, verdict{0, []string{"0//invalid"}}},
		{"empty fields", facilitator, nil, []Change{{Record: note1, Kind: "note", Fields: map[string]json.RawMessage{}, Clock: clk(1)}}, verdict{0, []string{"0//invalid"}}},
		{"kind is fixed", facilitator, []Change{aliceNote}, []Change{set(note1, "photo", "caption", `"x"`, 9)}, verdict{0, []string{"0/caption/invalid"}}},
		{"string too long", facilitator, nil, []Change{set(note1, "note", "text", q(strings.Repeat("é", MaxString+1)), 1)}, verdict{0, []string{"0/text/invalid"}}},
		{"string at the limit", facilitator, nil, []Change{set(note1, "note", "text", q(strings.Repeat("é", MaxString)), 1)}, verdict{1, nil}},
		{"bad field name", facilitator, nil, []Change{set(note1, "note", "Text<script>", `1`, 1)}, verdict{0, []string{"0/Text<script>/invalid"}}},
		{"vote on open ballot", asAlice, openBallot(true, 4), []Change{vote(alice, 0, thread, 3), vote(alice, 3, thread, 3)}, verdict{8, nil}},
		{"vote past the budget", asAlice, openBallot(true, 4), []Change{vote(alice, 4, thread, 3)},
			verdict{0, []string{"0/ballot/invalid", "0/slot/invalid", "0/target/invalid", "0/voter/invalid"}}},
		{"vote on closed ballot", asAlice, openBallot(false, 4), []Change{vote(alice, 0, thread, 3)},
			verdict{0, []string{"0/ballot/forbidden", "0/slot/forbidden", "0/target/forbidden", "0/voter/forbidden"}}},
		{"facilitator enters paper votes on a closed ballot", facilitator, openBallot(false, 4), []Change{vote(bob, 1, thread, 3)}, verdict{4, nil}},
		{"vote for someone else", asAlice, openBallot(true, 4), []Change{vote(bob, 0, thread, 3)},
			verdict{0, []string{"0/ballot/forbidden", "0/slot/forbidden", "0/target/forbidden", "0/voter/forbidden"}}},
		{"vote id must match", asAlice, openBallot(true, 4), []Change{group(VoteID(ballot, alice, 1), "vote", 3, "ballot", q(ballot), "voter", q(alice), "slot", "0", "target", q(thread))},
			verdict{0, []string{"0/ballot/invalid", "0/slot/invalid", "0/target/invalid", "0/voter/invalid"}}},
		{"move own sticker", asAlice, append(openBallot(true, 4), vote(alice, 0, thread, 3)), []Change{set(VoteID(ballot, alice, 0), "vote", "target", q(note1), 5)}, verdict{1, nil}},
		{"vote on no ballot", asAlice, nil, []Change{vote(alice, 0, thread, 3)},
			verdict{0, []string{"0/ballot/invalid", "0/slot/invalid", "0/target/invalid", "0/voter/invalid"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.p, stored(tt.stored...), tt.changes...)
			if got.accepted != tt.want.accepted || strings.Join(got.rejected, " ") != strings.Join(tt.want.rejected, " ") {
				t.Fatalf("CheckBatch() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCheckBatchFieldLimit(t *testing.T) {
	c := Change{Record: note1, Kind: "note", Clock: clk(1), Fields: map[string]json.RawMessage{}}
	for i := 0; i < MaxFields+3; i++ {
		c.Fields["f"+strings.Repeat("x", i)] = json.RawMessage(`1`)
	}
	acc, rej, _ := CheckBatch(facilitator, []Change{c}, stored())
	if len(acc) != MaxFields || len(rej) != 3 {
		t.Fatalf("CheckBatch(%d fields) accepted %d, rejected %d; want %d and 3", MaxFields+3, len(acc), len(rej), MaxFields)
	}
}

func TestCheckBatchLookupError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, _, err := CheckBatch(facilitator, []Change{set(note1, "note", "text", `"x"`, 1)}, func(string) (*Record, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("CheckBatch() error = %v, want %v", err, boom)
	}
}

func TestCheckBatchCompactsValues(t *testing.T) {
	acc, _, _ := CheckBatch(facilitator, []Change{set(note1, "note", "mood", `{ "a" : [ 1, 2 ] }`, 1)}, stored())
	if len(acc) != 1 || string(acc[0].Value) != `{"a":[1,2]}` {
		t.Fatalf("CheckBatch() = %+v, want the value compacted", acc)
	}
}

func TestVoteID(t *testing.T) {
	a, b := VoteID(ballot, alice, 0), VoteID(ballot, alice, 0)
	if a != b || !IsID(a) || a == VoteID(ballot, alice, 1) || a == VoteID(ballot, bob, 0) {
		t.Fatalf("VoteID is not a stable, distinct UUID: %s %s", a, b)
	}
	if a[14] != '5' {
		t.Fatalf("VoteID() = %s, want a version 5 UUID", a)
	}
}

func TestTally(t *testing.T) {
	s := NewState()
	for _, c := range append(openBallot(true, 2), vote(alice, 0, thread, 3), vote(alice, 1, thread, 3), vote(bob, 0, note1, 3), vote(bob, 1, "", 3)) {
		s.Apply(c)
	}
	s.Apply(set(VoteID(ballot, bob, 0), "vote", "deleted", `true`, 4))
	got := Tally(s, ballot)
	if got[thread] != 2 || got[note1] != 0 || len(got) != 1 {
		t.Fatalf("Tally() = %v, want thread 2", got)
	}
}

func FuzzDecodeChange(f *testing.F) {
	f.Add([]byte(`{"record":"` + note1 + `","kind":"note","field":"text","value":"x","clock":"1764288000123.0002@` + r1 + `"}`))
	f.Add([]byte(`{"record":"` + note1 + `","kind":"note","fields":{"text":"x","x":1},"clock":"1764288000123.0002@` + r1 + `"}`))
	f.Add([]byte(`{"fields":{}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeChange(data)
		if err != nil {
			return
		}
		// Whatever decodes can be checked without panicking, and what is
		// accepted can be merged and re-encoded.
		acc, _, err := CheckBatch(facilitator, []Change{c}, stored())
		if err != nil {
			t.Fatal(err)
		}
		s := NewState()
		for _, a := range acc {
			if !json.Valid(a.Value) {
				t.Fatalf("accepted invalid JSON %q", a.Value)
			}
			if _, err := s.Apply(a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := json.Marshal(Group(acc)); err != nil {
			t.Fatal(err)
		}
	})
}
