package server

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"carnet/sync/replica"
)

// exportEnv makes a workshop with a session, a group, notes with hostile
// text, a thread, an open ballot with votes and a photo.
func exportEnv(t *testing.T, showAuthors bool) (*env, workshop, map[string]string) {
	e := newEnv(t, nil)
	w := e.create("Atelier <b>Toulon</b>")
	alice, aliceTok := e.join(w, "Alice <img src=x onerror=alert(1)>")
	ids := map[string]string{"session": newID(), "group": newID(), "thread": newID(), "ballot": newID(), "note1": newID(), "note2": newID(), "photo": newID(), "alice": alice}
	photo := readTestdata(t, "photo.jpg")
	if r := e.patch(w, aliceTok, sha(photo), 0, len(photo), photo); r.status != 204 {
		t.Fatalf("upload = %v", r)
	}
	grouped := func(id, kind string, f map[string]any) replica.Change {
		c := replica.Change{Record: id, Kind: kind, Clock: e.hlc.Next(), Fields: map[string]json.RawMessage{}}
		for k, v := range f {
			c.Fields[k] = jsonValue(v)
		}
		return c
	}
	a := e.sync(w, w.facilitator, "", []replica.Change{
		grouped(w.id, "workshop", map[string]any{"show_authors": showAuthors, "place": "Toulon", "starts": "2025-11-27"}),
		grouped(ids["session"], "session", map[string]any{"title": "Irritants & souhaits", "position": 1, "minutes": 45}),
		grouped(ids["group"], "group", map[string]any{"name": "Port", "position": 1}),
		grouped(ids["thread"], "thread", map[string]any{"title": "Données *partagées*", "position": 1}),
		grouped(ids["ballot"], "ballot", map[string]any{"title": "Vote", "open": true, "target_kind": "thread", "budget": 4}),
	}, false)
	if len(a.Rejected) > 0 {
		t.Fatalf("setup rejected %+v", a.Rejected)
	}
	a = e.sync(w, aliceTok, "", []replica.Change{
		grouped(ids["note1"], "note", map[string]any{"author": alice, "text": "<script>alert('x')</script>", "color": "problem",
			"session": ids["session"], "group": ids["group"], "thread": ids["thread"]}),
		grouped(ids["note2"], "note", map[string]any{"author": alice, "text": "=HYPERLINK(\"http://evil\")\n# not a title", "color": "wish",
			"session": ids["session"], "group": ids["group"]}),
		grouped(ids["photo"], "photo", map[string]any{"author": alice, "blob": sha(photo), "mime": "image/jpeg", "caption": "Tableau <i>", "session": ids["session"], "group": ids["group"]}),
		grouped(replica.VoteID(ids["ballot"], alice, 0), "vote", map[string]any{"ballot": ids["ballot"], "voter": alice, "slot": 0, "target": ids["thread"]}),
		grouped(replica.VoteID(ids["ballot"], alice, 1), "vote", map[string]any{"ballot": ids["ballot"], "voter": alice, "slot": 1, "target": ids["thread"]}),
	}, false)
	if len(a.Rejected) > 0 {
		t.Fatalf("setup rejected %+v", a.Rejected)
	}
	ids["aliceTok"] = aliceTok
	return e, w, ids
}

func (e *env) export(w workshop, format string) resp {
	e.t.Helper()
	r := e.do("GET", "/api/v1/workshops/"+w.id+"/export?format="+format, w.facilitator, nil)
	want(e.t, "export "+format, r, 200)
	return r
}

func TestExportJSON(t *testing.T) {
	e, w, ids := exportEnv(t, true)
	r := e.export(w, "json")
	if !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition = %q, want attachment", r.header.Get("Content-Disposition"))
	}
	var x Export
	if err := json.Unmarshal(r.body, &x); err != nil {
		t.Fatalf("json export does not parse: %v", err)
	}
	if x.Format != ExportFormat || x.Workshop != w.id {
		t.Fatalf("export = %s %s", x.Format, x.Workshop)
	}
	kinds := map[string]int{}
	for _, rec := range x.Records {
		kinds[rec.Kind]++
	}
	for k, n := range map[string]int{"workshop": 1, "session": 1, "group": 1, "participant": 1, "note": 2, "photo": 1, "thread": 1, "ballot": 1, "vote": 2} {
		if kinds[k] != n {
			t.Errorf("export has %d %s records, want %d", kinds[k], k, n)
		}
	}

	// Re-import: the export's changes sync into another workshop whole.
	other := e.create("copy")
	a := e.sync(other, other.facilitator, "", x.Changes(), false)
	if len(a.Rejected) > 0 {
		t.Fatalf("re-import rejected %+v", a.Rejected)
	}
	st := merged(e.sync(other, other.facilitator, "", nil, false).Changes)
	if st.Record(ids["note1"]).String("text") != "<script>alert('x')</script>" || len(replica.Tally(st, ids["ballot"])) != 1 {
		t.Fatalf("re-imported state lost records")
	}
}

func TestExportCSV(t *testing.T) {
	for _, show := range []bool{true, false} {
		e, w, _ := exportEnv(t, show)
		r := e.export(w, "csv")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("csv export does not parse: %v", err)
		}
		if got := strings.Join(rows[0], ","); got != "session,group,colour,text,author,thread,votes" {
			t.Fatalf("csv header = %q", got)
		}
		if len(rows) != 3 {
			t.Fatalf("csv has %d rows, want a header and 2 notes", len(rows))
		}
		byText := map[string][]string{}
		for _, row := range rows[1:] {
			byText[row[3]] = row
		}
		n1 := byText["<script>alert('x')</script>"]
		if n1 == nil || n1[0] != "Irritants & souhaits" || n1[1] != "Port" || n1[2] != "problem" || n1[5] != "Données *partagées*" {
			t.Fatalf("csv row of note 1 = %q", n1)
		}
		if (n1[4] != "") != show {
			t.Fatalf("show_authors %v: author column %q", show, n1[4])
		}
		if byText["'=HYPERLINK(\"http://evil\")\n# not a title"] == nil {
			t.Fatalf("formula cell not defused: %q", rows)
		}
	}
}

func TestExportMarkdownHTML(t *testing.T) {
	e, w, _ := exportEnv(t, true)
	md := string(e.export(w, "md").body)
	for i := 0; i < len(md); i++ {
		if md[i] == '<' && (i == 0 || md[i-1] != '\\') {
			t.Fatalf("markdown export carries an unescaped < at %d:\n%s", i, md)
		}
	}
	for _, bad := range []string{"\n# not a title", " *partagées*"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown export carries %q unescaped:\n%s", bad, md)
		}
	}
	for _, good := range []string{"\\<script\\>", "**Données \\*partagées\\*** — 2 votes", "\\# not a title"} {
		if !strings.Contains(md, good) {
			t.Errorf("markdown export lacks %q:\n%s", good, md)
		}
	}

	r := e.export(w, "html")
	page := string(r.body)
	if r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("html export without Content-Security-Policy")
	}
	for _, bad := range []string{"<script>", "<img src=x", "<b>Toulon", "<i>"} {
		if strings.Contains(page, bad) {
			t.Errorf("html export carries %q unescaped", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;", "Atelier &lt;b&gt;Toulon&lt;/b&gt;", "Irritant"} {
		if !strings.Contains(page, good) {
			t.Errorf("html export lacks %q:\n%s", good, page)
		}
	}
}

func TestExportZip(t *testing.T) {
	e, w, _ := exportEnv(t, false)
	r := e.export(w, "zip")
	z, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatalf("zip export does not open: %v", err)
	}
	photo := readTestdata(t, "photo.jpg")
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	for _, name := range []string{"workshop.json", "notes.csv", "synthesis.md", "synthesis.html"} {
		if len(files[name]) == 0 {
			t.Errorf("zip lacks %s (has %d files)", name, len(files))
		}
	}
	img := "photos/" + sha(photo) + ".jpg"
	if !bytes.Equal(files[img], photo) {
		t.Errorf("zip lacks the photo %s", img)
	}
	if !contains(files["synthesis.html"], `src="`+img+`"`) {
		t.Errorf("synthesis.html does not show the photo")
	}
	if contains(files["synthesis.html"], "Alice") {
		t.Errorf("synthesis shows authors though show_authors is off")
	}
}

func TestExportRights(t *testing.T) {
	e, w, ids := exportEnv(t, false)
	path := "/api/v1/workshops/" + w.id + "/export"
	want(t, "participant export", e.do("GET", path+"?format=csv", ids["aliceTok"], nil), 403, "forbidden")
	want(t, "export without token", e.do("GET", path, "", nil), 401, "unauthorized")
	want(t, "export of an unknown format", e.do("GET", path+"?format=pdf", w.facilitator, nil), 400, "invalid")
	if r := e.do("GET", path+"?format=md&token="+w.facilitator, "", nil); r.status != 200 {
		t.Fatalf("export with ?token= = %v", r)
	}
}

func TestMarkdownEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain words, and more.", "plain words, and more."},
		{"<b>&amp;", "\\<b\\>\\&amp;"},
		{"- item", "\\- item"},
		{"1. first", "1\\. first"},
		{"a\n# b", "a  \n\\# b"},
		{"[link](javascript:x)", "\\[link\\](javascript:x)"},
		{"`code` *em* _u_", "\\`code\\` \\*em\\* \\_u\\_"},
	} {
		if got := md(tc.in, ""); got != tc.want {
			t.Errorf("md(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExportBlank(t *testing.T) {
	e := newEnv(t, nil)
	w := e.create("")
	for _, f := range []string{"json", "csv", "md", "html", "zip"} {
		if r := e.export(w, f); len(r.body) == 0 {
			t.Errorf("export %s of a blank workshop is empty", f)
		}
	}
	if r := e.do("GET", "/api/v1/workshops/"+w.id+"/export", w.facilitator, nil); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("export without format = %q, want json", r.header.Get("Content-Type"))
	}
}
