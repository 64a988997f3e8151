package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"carnet/sync/replica"
)

func TestImportMakesAnIdenticalWorkshop(t *testing.T) {
	e, w, _ := exportEnv(t, true)
	body := e.export(w, "json").body

	// Into a fresh server: the same id, the same records, clocks included.
	fresh := newEnv(t, nil)
	r := fresh.do("POST", "/api/v1/workshops/"+w.id+"/import", "", body)
	want(t, "import", r, 201)
	var out createResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Workshop != w.id || out.FacilitatorToken == w.facilitator || out.JoinCode == "" {
		t.Fatalf("import answered %+v, want workshop %s with new tokens", out, w.id)
	}
	before := merged(e.sync(w, w.facilitator, "", nil, false).Changes)
	w2 := workshop{out.Workshop, out.FacilitatorToken, out.JoinCode}
	after := merged(fresh.sync(w2, out.FacilitatorToken, "", nil, false).Changes)
	if !reflect.DeepEqual(before, after) {
		t.Fatal("the imported workshop differs from the exported one")
	}
	// Its export is the same but for the time it was made.
	var a, b Export
	json.Unmarshal(body, &a)
	json.Unmarshal(fresh.export(w2, "json").body, &b)
	a.Exported = b.Exported
	a.Cursor, b.Cursor = "", ""
	if !reflect.DeepEqual(a, b) {
		t.Fatal("export of the import differs from the export")
	}

	want(t, "import again", fresh.do("POST", "/api/v1/workshops/"+w.id+"/import", "", body), 409, "conflict")
	want(t, "import at another id", newEnv(t, nil).do("POST", "/api/v1/workshops/"+newID()+"/import", "", body), 400, "invalid")
	want(t, "import garbage", newEnv(t, nil).do("POST", "/api/v1/workshops/"+w.id+"/import", "", []byte(`{"format":"zip"}`)), 400, "invalid")
	bad := newEnv(t, func(c *Config) { c.OpenCreate = false; c.OrganizerKey = "k3y-k3y-k3y-k3y" })
	want(t, "import without the organizer key", bad.do("POST", "/api/v1/workshops/"+w.id+"/import", "", body), 401, "unauthorized")

	// A record whose value breaks a rule is refused with what to fix, and
	// nothing is created.
	var broken Export
	json.Unmarshal(body, &broken)
	for _, rec := range broken.Records {
		if rec.Kind == "note" {
			rec.Fields["color"] = replica.Value{Value: json.RawMessage(`"purple"`), Clock: rec.Fields["text"].Clock}
		}
	}
	data, _ := json.Marshal(broken)
	other := newEnv(t, nil)
	want(t, "import a broken export", other.do("POST", "/api/v1/workshops/"+w.id+"/import", "", data), 400, "invalid")
	want(t, "nothing created", other.do("POST", "/api/v1/workshops/"+w.id+"/sync", w.facilitator, map[string]any{}), 404, "not_found")
}

func TestEraseParticipant(t *testing.T) {
	e, w, ids := exportEnv(t, true)
	bob, bobTok := e.join(w, "Bob")
	bobNote := newID()
	if a := e.sync(w, bobTok, "", []replica.Change{e.note(bobNote, bob, "Bob reste")}, false); len(a.Rejected) > 0 {
		t.Fatalf("bob's note rejected %+v", a.Rejected)
	}
	path := "/api/v1/workshops/" + w.id + "/erase"
	want(t, "erase as a participant", e.do("POST", path, bobTok, map[string]string{"participant": ids["alice"]}), 403, "forbidden")
	want(t, "erase nobody", e.do("POST", path, w.facilitator, map[string]string{"participant": "alice"}), 400, "invalid")

	photoSeen := e.sync(w, w.facilitator, "", nil, false)
	hash := merged(photoSeen.Changes).Record(ids["photo"]).String("blob")

	r := e.do("POST", path, w.facilitator, map[string]string{"participant": ids["alice"]})
	want(t, "erase", r, 200)
	var out eraseResponse
	json.Unmarshal(r.body, &out)
	if out.Records != 6 || out.Photos != 1 { // participant, 2 notes, photo, 2 votes
		t.Fatalf("erase = %+v, want 6 records and 1 photo", out)
	}
	// A phone that synced before gets the erasure at its next sync.
	s := merged(photoSeen.Changes)
	for _, c := range e.sync(w, bobTok, photoSeen.Cursor, nil, false).Changes {
		s.Apply(c)
	}
	for _, id := range []string{ids["alice"], ids["note1"], ids["note2"], ids["photo"]} {
		rec := s.Record(id)
		if !rec.Deleted() || rec.String("text") != "" || rec.String("name") != "" || rec.String("caption") != "" {
			t.Fatalf("record %s after erase = %+v", id, rec.Fields)
		}
	}
	if got := replica.Tally(s, ids["ballot"]); len(got) != 0 {
		t.Fatalf("votes after erase = %v, want none", got)
	}
	if s.Record(bobNote).Deleted() || s.Record(bobNote).String("text") != "Bob reste" {
		t.Fatal("erasing alice touched bob's note")
	}
	want(t, "erased photo", e.do("GET", "/api/v1/workshops/"+w.id+"/blobs/"+hash, w.facilitator, nil), 404, "not_found")
	want(t, "erased photo thumbnail", e.do("GET", "/api/v1/workshops/"+w.id+"/blobs/"+hash+"?w=100", w.facilitator, nil), 404, "not_found")
}
