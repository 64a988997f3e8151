package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"carnet/sync/replica"
)

func TestCreate(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier <Toulon>")
	if !replica.IsID(w.id) || w.facilitator == "" || len(w.code) != joinCodeLen {
		t.Fatalf("create = %+v, want an id, a token and a join code", w)
	}
	a := e.sync(w, w.facilitator, "", nil, false)
	st := merged(a.Changes)
	rec := st.Record(w.id)
	if rec == nil || rec.Kind != "workshop" || rec.String("title") != "Atelier <Toulon>" || rec.String("locale") != "fr" {
		t.Fatalf("workshop record = %+v, want the title and locale of create", rec)
	}
	if got := rec.Fields["title"].Clock.Replica(); got != e.srv.cfg.Replica {
		t.Fatalf("workshop clock replica = %q, want the server's %q", got, e.srv.cfg.Replica)
	}

	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"not JSON", []byte("{"), 400},
		{"empty", []byte(""), 400},
		{"title type", map[string]any{"title": 3}, 400},
		{"title too long", map[string]any{"title": strings.Repeat("é", replica.MaxString+1)}, 400},
		{"unknown template", map[string]any{"title": "x", "template": "nowhere"}, 400},
		{"bad locale", map[string]any{"title": "x", "locale": "<fr>"}, 400},
	} {
		r := e.do("POST", "/api/v1/workshops", "", tc.body)
		want(t, "create "+tc.name, r, tc.status, "invalid")
	}
	r := e.do("GET", "/api/v1/workshops", "", nil)
	want(t, "GET /workshops", r, 405, "invalid")
}

func TestCreateOrganizerKey(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.OrganizerKey = "organizer-key-123"; c.OpenCreate = true })
	body := map[string]string{"title": "x"}
	want(t, "create without key", e.do("POST", "/api/v1/workshops", "", body), 401, "unauthorized")
	want(t, "create with wrong key", e.do("POST", "/api/v1/workshops", "organizer-key-124", body), 401, "unauthorized")
	want(t, "create with key", e.do("POST", "/api/v1/workshops", "organizer-key-123", body), 201)

	closed := newEnv(t, func(c *Config) { c.OpenCreate = false })
	want(t, "create on a closed server", closed.do("POST", "/api/v1/workshops", "", body), 401, "unauthorized")
}

func TestCreateTemplate(t *testing.T) {
	session := newID()
	e := newEnv(t, func(c *Config) {
		c.Templates = func(tmpl, ws string, clock replica.Clock) ([]replica.Change, bool) {
			if tmpl != "toulon" {
				return nil, false
			}
			return []replica.Change{{Record: session, Kind: "session", Clock: clock, Fields: map[string]json.RawMessage{
				"title": jsonValue("Dessinez votre cas d'usage"), "minutes": jsonValue(45), "position": jsonValue(1),
			}}}, true
		}
	})
	r := e.do("POST", "/api/v1/workshops", "", map[string]string{"title": "T", "template": "toulon"})
	want(t, "create from template", r, 201)
	var out createResponse
	json.Unmarshal(r.body, &out)
	w := workshop{out.Workshop, out.FacilitatorToken, out.JoinCode}
	st := merged(e.sync(w, w.facilitator, "", nil, false).Changes)
	if s := st.Record(session); s == nil || s.Int("minutes", 0) != 45 {
		t.Fatalf("template session = %+v, want it stored", s)
	}
	if got := st.Record(w.id).String("template"); got != "toulon" {
		t.Fatalf("workshop template = %q, want toulon", got)
	}
	want(t, "unknown template", e.do("POST", "/api/v1/workshops", "", map[string]string{"template": "lisieux"}), 400, "invalid")
}

func TestJoin(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	path := "/api/v1/workshops/" + w.id + "/join"
	p := newID()
	body := map[string]string{"join_code": strings.ToLower(w.code), "participant": p, "device_secret": "abcdefghijklmnopqrstuvwxyz", "name": "Léa"}
	r := e.do("POST", path, "", body)
	want(t, "join", r, 200)
	var first joinResponse
	json.Unmarshal(r.body, &first)
	if !strings.HasPrefix(first.Token, "p.") {
		t.Fatalf("join token = %q, want a participant token", first.Token)
	}

	r = e.do("POST", path, "", body)
	want(t, "join again", r, 200)
	var again joinResponse
	json.Unmarshal(r.body, &again)
	if again.Token != first.Token {
		t.Fatalf("join again token = %q, want %q", again.Token, first.Token)
	}

	other := map[string]string{"join_code": w.code, "participant": p, "device_secret": "zyxwvutsrqponmlkjihgfedcba", "name": "Léa"}
	want(t, "join with another secret", e.do("POST", path, "", other), 409, "conflict")

	a := e.sync(w, first.Token, "", nil, false)
	if rec := merged(a.Changes).Record(p); rec == nil || rec.Kind != "participant" || rec.String("name") != "Léa" {
		t.Fatalf("participant record = %+v, want name Léa", rec)
	}

	noteID := newID()
	e.sync(w, w.facilitator, "", []replica.Change{e.note(noteID, p, "x")}, false)

	for _, tc := range []struct {
		name   string
		body   map[string]string
		status int
		code   string
	}{
		{"wrong code", map[string]string{"join_code": "WRONG123", "participant": newID(), "device_secret": strings.Repeat("s", 22)}, 403, "forbidden"},
		{"no code", map[string]string{"participant": newID(), "device_secret": strings.Repeat("s", 22)}, 403, "forbidden"},
		{"short secret", map[string]string{"join_code": w.code, "participant": newID(), "device_secret": strings.Repeat("s", 21)}, 400, "invalid"},
		{"long secret", map[string]string{"join_code": w.code, "participant": newID(), "device_secret": strings.Repeat("s", 129)}, 400, "invalid"},
		{"bad participant", map[string]string{"join_code": w.code, "participant": "ABC", "device_secret": strings.Repeat("s", 22)}, 400, "invalid"},
		{"participant is a note", map[string]string{"join_code": w.code, "participant": noteID, "device_secret": strings.Repeat("s", 22)}, 400, "invalid"},
		{"long name", map[string]string{"join_code": w.code, "participant": newID(), "device_secret": strings.Repeat("s", 22), "name": strings.Repeat("n", 2001)}, 400, "invalid"},
	} {
		want(t, "join "+tc.name, e.do("POST", path, "", tc.body), tc.status, tc.code)
	}
	want(t, "join unknown workshop", e.do("POST", "/api/v1/workshops/"+newID()+"/join", "", body), 404, "not_found")
	want(t, "join malformed workshop", e.do("POST", "/api/v1/workshops/nope/join", "", body), 400, "invalid")
}

func TestSync(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	p, tok := e.join(w, "Léa")

	first := e.sync(w, tok, "", nil, false)
	if first.Cursor == "" || first.More || len(first.Rejected) != 0 {
		t.Fatalf("first sync = %+v", first)
	}
	n1, n2 := newID(), newID()
	a := e.sync(w, tok, first.Cursor, []replica.Change{e.note(n1, p, "Ressaisie"), e.set(n2, "note", "author", p)}, false)
	if len(a.Rejected) != 0 {
		t.Fatalf("sync rejected %+v", a.Rejected)
	}
	if len(a.Changes) != 0 {
		t.Fatalf("sync answered %d changes, want none: the 4 fields just pushed are not sent back: %+v", len(a.Changes), a.Changes)
	}
	a.Changes = e.sync(w, tok, first.Cursor, nil, false).Changes
	if len(a.Changes) != 4 {
		t.Fatalf("sync answered %d changes, want the 4 fields pushed before: %+v", len(a.Changes), a.Changes)
	}
	for _, c := range a.Changes {
		if c.Grouped() {
			t.Fatalf("ungrouped sync answered a grouped change %+v", c)
		}
	}
	// Nothing new: the cursor stays.
	b := e.sync(w, tok, a.Cursor, nil, false)
	if b.Cursor != a.Cursor || len(b.Changes) != 0 {
		t.Fatalf("sync with nothing new = %+v, want cursor %s and no changes", b, a.Cursor)
	}
	// Pushing the same changes again is harmless.
	c := e.sync(w, tok, a.Cursor, []replica.Change{a.Changes[0]}, false)
	if c.Cursor != a.Cursor || len(c.Rejected) != 0 {
		t.Fatalf("sync of an old change = %+v, want cursor %s", c, a.Cursor)
	}
	// Grouped answers: one change per record and clock.
	g := e.sync(w, tok, first.Cursor, nil, true)
	if len(g.Changes) != 2 || !g.Changes[0].Grouped() || len(g.Changes[0].Fields) != 3 {
		t.Fatalf("grouped sync = %+v, want 2 grouped changes", g.Changes)
	}
	if merged(g.Changes).Record(n1).String("text") != "Ressaisie" {
		t.Fatalf("grouped answer lost the note's text")
	}

	// A cursor from the future (a store restored from a backup) gets
	// everything again rather than nothing forever.
	f := e.sync(w, tok, "999999", nil, false)
	if len(f.Changes) == 0 || f.Cursor != a.Cursor {
		t.Fatalf("sync from a future cursor = %d changes, cursor %s; want everything up to %s", len(f.Changes), f.Cursor, a.Cursor)
	}

	path := "/api/v1/workshops/" + w.id + "/sync"
	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"not JSON", []byte("[1,2"), 400},
		{"bad since", map[string]any{"since": "abc"}, 400},
		{"negative since", map[string]any{"since": "-1"}, 400},
		{"bad replica", map[string]any{"replica": "XYZ"}, 400},
		{"changes not a list", map[string]any{"changes": 3}, 400},
	} {
		want(t, "sync "+tc.name, e.do("POST", path, tok, tc.body), tc.status, "invalid")
	}
	want(t, "sync without token", e.do("POST", path, "", map[string]any{}), 401, "unauthorized")
	want(t, "sync with a bad token", e.do("POST", path, "p.AAAA", map[string]any{}), 401, "unauthorized")
	want(t, "sync with a query token", e.do("POST", path+"?token="+tok, "", map[string]any{}), 401, "unauthorized")
	want(t, "sync unknown workshop", e.do("POST", "/api/v1/workshops/"+newID()+"/sync", tok, map[string]any{}), 404, "not_found")
}

func TestSyncRejectsAlone(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	alice, aliceTok := e.join(w, "Alice")
	bob, bobTok := e.join(w, "Bob")
	aliceNote := newID()
	e.sync(w, aliceTok, "", []replica.Change{e.note(aliceNote, alice, "Alice's")}, false)

	ballot := newID()
	e.sync(w, w.facilitator, "", []replica.Change{{Record: ballot, Kind: "ballot", Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{
		"title": jsonValue("Vote"), "budget": jsonValue(2), "open": jsonValue(true), "target_kind": jsonValue("note"),
	}}}, false)

	bobNote := newID()
	vote := func(voter string, slot int) replica.Change {
		return replica.Change{Record: replica.VoteID(ballot, voter, slot), Kind: "vote", Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{
			"ballot": jsonValue(ballot), "voter": jsonValue(voter), "slot": jsonValue(slot), "target": jsonValue(aliceNote),
		}}
	}
	raws := []any{
		e.set(aliceNote, "note", "text", "Bob was here"), // 0: another's note
		e.note(bobNote, bob, "Bob's own"),                // 1: fine
		json.RawMessage(`{"record": 12}`),                // 2: does not decode
		e.set(bob, "participant", "name", "Robert"),      // 3: own record, fine
		e.set(alice, "participant", "name", "Mallory"),   // 4: another's record
		e.set(w.id, "workshop", "title", "Mine"),         // 5: facilitator only
		vote(bob, 0),                                     // 6: fine
		vote(bob, 2),                                     // 7: past the budget
		vote(alice, 1),                                   // 8: another voter
		e.set(newID(), "note", "text", "no author"),      // 9: new note without author
		e.set(bobNote, "note", "color", "purple"),        // 10: bad value
	}
	r := e.do("POST", "/api/v1/workshops/"+w.id+"/sync", bobTok, map[string]any{"since": "", "changes": raws})
	want(t, "sync", r, 200)
	var a syncAnswer
	json.Unmarshal(r.body, &a)
	codes := map[int]string{}
	for _, rj := range a.Rejected {
		if rj.Message == "" {
			t.Errorf("rejection %+v has no message", rj)
		}
		codes[rj.Index] = rj.Code
	}
	wantCodes := map[int]string{0: "forbidden", 2: "invalid", 4: "forbidden", 5: "forbidden", 7: "invalid", 8: "forbidden", 9: "forbidden", 10: "invalid"}
	for i, c := range wantCodes {
		if codes[i] != c {
			t.Errorf("rejection of change %d = %q, want %q (all: %+v)", i, codes[i], c, a.Rejected)
		}
	}
	for i := range codes {
		if _, ok := wantCodes[i]; !ok {
			t.Errorf("change %d rejected, want it stored: %+v", i, a.Rejected)
		}
	}
	for i := 1; i < len(a.Rejected); i++ {
		if a.Rejected[i].Index < a.Rejected[i-1].Index {
			t.Errorf("rejections not in request order: %+v", a.Rejected)
		}
	}
	st := merged(e.sync(w, w.facilitator, "", nil, false).Changes)
	if got := st.Record(aliceNote).String("text"); got != "Alice's" {
		t.Errorf("Alice's note text = %q, want it unchanged", got)
	}
	if got := st.Record(bobNote).String("text"); got != "Bob's own" {
		t.Errorf("Bob's note = %q, want it stored", got)
	}
	if got := st.Record(bob).String("name"); got != "Robert" {
		t.Errorf("Bob's name = %q, want Robert", got)
	}
	if got := replica.Tally(st, ballot)[aliceNote]; got != 1 {
		t.Errorf("votes for Alice's note = %d, want 1", got)
	}
	// A grouped change: each field on its own.
	g := replica.Change{Record: aliceNote, Kind: "note", Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{"text": jsonValue("y")}}
	b := e.sync(w, w.facilitator, a.Cursor, []replica.Change{g}, false)
	if len(b.Rejected) != 0 || len(b.Changes) != 0 {
		t.Fatalf("facilitator edit = %+v, want it stored and not sent back", b)
	}
	if got := merged(e.sync(w, w.facilitator, a.Cursor, nil, false).Changes).Record(aliceNote).String("text"); got != "y" {
		t.Fatalf("Alice's note after the facilitator's edit = %q, want y", got)
	}
}

func TestSyncPaging(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PageSize = 5 })
	w := e.create("Atelier")
	var changes []replica.Change
	for i := 0; i < 12; i++ {
		changes = append(changes, e.set(newID(), "thread", "title", fmt.Sprint("fil ", i)))
	}
	e.sync(w, w.facilitator, "", changes, false)
	a := e.sync(w, w.facilitator, "", nil, false)
	if !a.More || len(a.Changes) != 5 {
		t.Fatalf("first page = %d changes, more %v; want 5, true", len(a.Changes), a.More)
	}
	all := a.Changes
	for a.More {
		prev := a.Cursor
		a = e.sync(w, w.facilitator, a.Cursor, nil, false)
		if n, _ := strconv.Atoi(a.Cursor); n < mustAtoi(prev) {
			t.Fatalf("cursor went back from %s to %s", prev, a.Cursor)
		}
		all = append(all, a.Changes...)
	}
	if got := len(merged(all).Of("thread")); got != 12 || len(all) != 15 {
		t.Fatalf("paged sync gave %d changes and %d threads, want 15 (12 threads, 3 workshop fields) and 12", len(all), got)
	}
}

func mustAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestSyncLimits(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	path := "/api/v1/workshops/" + w.id + "/sync"

	// 10,001 fields in 2,501 grouped changes of 4 fields (and one of 1).
	var changes []replica.Change
	for i := 0; i < 2500; i++ {
		changes = append(changes, replica.Change{Record: newID(), Kind: "thread", Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{
			"title": jsonValue("t"), "body": jsonValue("b"), "position": jsonValue(i), "selected": jsonValue(false),
		}})
	}
	want(t, "sync of 10,000 fields", e.do("POST", path, w.facilitator, map[string]any{"changes": changes}), 200)
	changes = append(changes, e.set(newID(), "thread", "title", "one more"))
	want(t, "sync of 10,001 fields", e.do("POST", path, w.facilitator, map[string]any{"changes": changes}), 413, "too_large")

	big := []byte(`{"changes": [], "pad": "` + strings.Repeat("x", DefaultMaxBody) + `"}`)
	want(t, "sync of 8 MiB and more", e.do("POST", path, w.facilitator, big), 413, "too_large")
	want(t, "sync of 8 MiB and more, gzip", e.do("POST", path, w.facilitator, gzipBytes(t, big), "Content-Encoding", "gzip"), 413, "too_large")
	want(t, "sync of 8 MiB and more, zstd", e.do("POST", path, w.facilitator, zstdBytes(t, big), "Content-Encoding", "zstd"), 413, "too_large")
	want(t, "sync in brotli", e.do("POST", path, w.facilitator, []byte("{}"), "Content-Encoding", "br"), 400, "invalid")
	want(t, "sync of bad gzip", e.do("POST", path, w.facilitator, []byte("{}"), "Content-Encoding", "gzip"), 400, "invalid")
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func zstdBytes(t testing.TB, b []byte) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

func TestSyncCompressed(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	path := "/api/v1/workshops/" + w.id + "/sync"
	var changes []replica.Change
	for i := 0; i < 200; i++ {
		changes = append(changes, e.set(newID(), "thread", "title", fmt.Sprint("un fil de discussion ", i)))
	}
	body, _ := json.Marshal(map[string]any{"changes": changes[:100]})
	want(t, "gzip request", e.do("POST", path, w.facilitator, gzipBytes(t, body), "Content-Encoding", "gzip"), 200)
	body, _ = json.Marshal(map[string]any{"changes": changes[100:]})
	want(t, "zstd request", e.do("POST", path, w.facilitator, zstdBytes(t, body), "Content-Encoding", "zstd"), 200)

	// Answers: zstd preferred, gzip when only it is accepted, never one not accepted.
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, tc := range []struct{ accept, want string }{
		{"gzip, zstd", "zstd"},
		{"gzip", "gzip"},
		{"zstd", "zstd"},
		{"", ""},
		{"br", ""},
		{"gzip;q=1, zstd;q=0", "gzip"},
	} {
		req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(`{"since":""}`))
		req.Header.Set("Authorization", "Bearer "+w.facilitator)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got := res.Header.Get("Content-Encoding"); got != tc.want {
			t.Fatalf("Accept-Encoding %q: Content-Encoding = %q, want %q", tc.accept, got, tc.want)
		}
		if tc.want != "" && res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("compressed answer without Vary: Accept-Encoding: %v", res.Header)
		}
		var plain []byte
		switch tc.want {
		case "zstd":
			d, _ := zstd.NewReader(nil)
			plain, err = d.DecodeAll(data, nil)
			d.Close()
		case "gzip":
			zr, _ := gzip.NewReader(bytes.NewReader(data))
			plain, err = io.ReadAll(zr)
		default:
			plain = data
		}
		var a syncAnswer
		if err == nil {
			err = json.Unmarshal(plain, &a)
		}
		if err != nil || len(merged(a.Changes).Of("thread")) != 200 {
			t.Fatalf("Accept-Encoding %q: answer does not decode to 200 threads: %v", tc.accept, err)
		}
	}
}

func TestIsolation(t *testing.T) {
	e := newEnv(t, nil)
	a := e.create("A")
	b := e.create("B")
	_, aTok := e.join(a, "Alice")
	_, bTok := e.join(b, "Bob")
	hash := strings.Repeat("ab", 32)
	pb := "/api/v1/workshops/" + b.id
	for _, tok := range []string{a.facilitator, aTok} {
		calls := []struct {
			method, path string
			body         any
			header       []string
		}{
			{"POST", pb + "/sync", map[string]any{}, nil},
			{"GET", pb + "/events", nil, nil},
			{"GET", pb + "/export?format=json", nil, nil},
			{"HEAD", pb + "/blobs/" + hash, nil, nil},
			{"GET", pb + "/blobs/" + hash, nil, nil},
			{"PATCH", pb + "/blobs/" + hash, []byte("x"), []string{"Content-Type", "application/offset+octet-stream", "Upload-Offset", "0", "Upload-Length", "1"}},
		}
		for _, c := range calls {
			r := e.do(c.method, c.path, tok, c.body, c.header...)
			want(t, c.method+" "+c.path+" with another workshop's token", r, 401)
			if c.method == "GET" || c.method == "HEAD" {
				sep := "?"
				if strings.Contains(c.path, "?") {
					sep = "&"
				}
				r = e.do(c.method, c.path+sep+"token="+tok, "", nil)
				want(t, c.method+" "+c.path+" with another workshop's ?token=", r, 401)
			}
		}
		// Join needs the join code of B, not A's.
		want(t, "join B with A's code", e.do("POST", pb+"/join", tok, map[string]string{
			"join_code": a.code, "participant": newID(), "device_secret": strings.Repeat("s", 30)}), 403, "forbidden")
	}
	// Valid in B but not allowed.
	want(t, "participant export", e.do("GET", pb+"/export", bTok, nil), 403, "forbidden")
	// Valid in B and allowed.
	want(t, "facilitator export", e.do("GET", pb+"/export", b.facilitator, nil), 200)
	want(t, "participant sync", e.do("POST", pb+"/sync", bTok, map[string]any{}), 200)
}

func TestRateLimit(t *testing.T) {
	clock := &fakeClock{}
	clock.ms.Store(1764288000000)
	e := newEnv(t, func(c *Config) {
		c.Now = clock.Now
		c.CreateRate = Rate{Burst: 2, Every: time.Minute}
		c.JoinRate = Rate{Burst: 3, Every: time.Minute}
	})
	w := e.create("one")
	e.create("two")
	r := e.do("POST", "/api/v1/workshops", "", map[string]string{"title": "three"})
	want(t, "third create", r, 429, "rate_limited")
	if r.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	clock.ms.Add(time.Minute.Milliseconds())
	e.create("three, a minute later")

	join := func() resp {
		return e.do("POST", "/api/v1/workshops/"+w.id+"/join", "", map[string]string{
			"join_code": "BADCODE1", "participant": newID(), "device_secret": strings.Repeat("s", 30)})
	}
	for i := 0; i < 3; i++ {
		want(t, "join with a wrong code", join(), 403, "forbidden")
	}
	want(t, "fourth join", join(), 429, "rate_limited")
}

// countConn counts the bytes a connection carries both ways.
type countConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func (c countConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// TestWireNoopSync checks the wire budget: a sync of one phone that has
// nothing to push or pull costs at most 500 bytes, request and answer,
// headers included.
func TestWireNoopSync(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	_, tok := e.join(w, "Léa")
	cur := e.sync(w, tok, "", nil, false).Cursor

	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return countConn{c, &n}, err
	}}}
	body, _ := json.Marshal(map[string]any{"replica": e.hlc.Replica(), "since": cur, "changes": []any{}})
	req, _ := http.NewRequest("POST", e.url+"/api/v1/workshops/"+w.id+"/sync", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("no-op sync = %d %s", res.StatusCode, answer)
	}
	t.Logf("no-op sync: %d bytes on the wire; answer headers %v, body %s", n.Load(), res.Header, answer)
	if got := n.Load(); got > 500 {
		t.Fatalf("no-op sync = %d bytes on the wire, want at most 500", got)
	}
}

func TestRoutes(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/", "", nil)
	if r.status != 200 || !contains(r.body, "Carnet sync server") {
		t.Fatalf("GET / = %v, want the server's page", r)
	}
	want(t, "GET /api/v1/nope", e.do("GET", "/api/v1/nope", "", nil), 404, "not_found")
	want(t, "GET /api/v1/workshops/<id>", e.do("GET", "/api/v1/workshops/"+newID(), "", nil), 404, "not_found")
	r = e.do("DELETE", "/api/v1/workshops/"+newID()+"/sync", "", nil)
	want(t, "DELETE sync", r, 405)
	if got := r.header.Get("Allow"); got != "POST" {
		t.Fatalf("405 Allow = %q, want POST", got)
	}
	want(t, "bad blob name", e.do("GET", "/api/v1/workshops/"+newID()+"/blobs/xyz", "", nil), 400, "invalid")
	if got := e.do("GET", "/elsewhere", "", nil).status; got != 404 {
		t.Fatalf("GET /elsewhere = %d, want 404", got)
	}

	app := newEnv(t, func(c *Config) {
		c.App = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app "+r.URL.Path) })
	})
	if r := app.do("GET", "/w/123/board", "", nil); string(r.body) != "app /w/123/board" {
		t.Fatalf("app path = %v, want the app's answer", r)
	}
	want(t, "api beside an app", app.do("GET", "/api/v1/nope", "", nil), 404, "not_found")
}

func TestCreateFromBuiltinTemplate(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("POST", "/api/v1/workshops", "", map[string]string{"title": "Toulon", "template": "toulon", "locale": "fr"})
	want(t, "create from toulon", r, 201)
	var out createResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	a := e.sync(workshop{out.Workshop, out.FacilitatorToken, out.JoinCode}, out.FacilitatorToken, "", nil, true)
	s := merged(a.Changes)
	if n := len(s.Of("session")); n < 5 {
		t.Fatalf("toulon workshop has %d sessions, want its agenda", n)
	}
	ballots := s.Of("ballot")
	if len(ballots) != 1 || replica.Budget(ballots[0]) != 4 || ballots[0].Bool("open") {
		t.Fatalf("toulon ballots = %+v, want one closed ballot of 4 stickers", ballots)
	}
	if w := s.Record(out.Workshop); w.String("template") != "toulon" || w.Int("max_threads", 0) != 8 {
		t.Fatalf("workshop record = %+v", w)
	}
	want(t, "unknown template", e.do("POST", "/api/v1/workshops", "", map[string]string{"title": "x", "template": "atlantis"}), 400, "invalid")
}

// TestSyncLeavesOutWhatItStored: a device merges what a push stored when
// it reads the answer, so the answer leaves it out; what earlier requests
// stored is sent, since their answer may have been lost.
func TestSyncLeavesOutWhatItStored(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("Atelier")
	p, tok := e.join(w, "Léa")
	first := e.sync(w, tok, "", nil, false)
	earlier, now := newID(), newID()
	e.sync(w, tok, first.Cursor, []replica.Change{e.note(earlier, p, "Avant")}, false)
	a := e.sync(w, tok, first.Cursor, []replica.Change{e.note(now, p, "Ressaisie")}, true)
	s := merged(a.Changes)
	if s.Record(now) != nil || s.Record(earlier) == nil {
		t.Fatalf("answer = %+v, want the earlier note and not the one just pushed", a.Changes)
	}
	// Pushed again, it is stored again by nobody: an equal value loses,
	// and an old change sent again is not echoed either.
	b := e.sync(w, tok, first.Cursor, []replica.Change{e.note(earlier, p, "Avant")}, false)
	if merged(b.Changes).Record(now) == nil {
		t.Fatalf("answer = %+v, want the note pushed by the request before", b.Changes)
	}
}
