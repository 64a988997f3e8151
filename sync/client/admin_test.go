//go:build !js

package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"carnet/sync/client"
	"carnet/sync/replica"
	"carnet/sync/server"
	"carnet/sync/store/sqlite"
)

// realServer starts the real sync server (SQLite in a temporary folder)
// and returns its base URL.
func realServer(t *testing.T) string {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "carnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{
		Store: st, OpenCreate: true,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		CreateRate: server.Rate{Burst: -1}, JoinRate: server.Rate{Burst: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		st.Close()
	})
	return ts.URL
}

func realConfig() client.Config {
	return client.Config{Local: client.NewMemory(), Doer: client.NetHTTP{}, Attempts: 1}
}

// TestEraseExportImport runs the facilitator's calls against the real
// server: a participant's data erased on the server and, at their next
// sync, on the devices; the JSON export re-imported into a fresh server
// as an identical workshop; the rights of each call.
func TestEraseExportImport(t *testing.T) {
	ctx := context.Background()
	url := realServer(t)
	fac, err := client.Create(ctx, realConfig(), url, client.NewWorkshop{Title: "Toulon <b>", Template: "toulon", Locale: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fac.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	inv := fac.Invite()
	mems := map[string]*client.Memory{}
	join := func(name string) *client.Client {
		inv := inv
		inv.Name = name
		cfg := realConfig()
		mems[name] = cfg.Local.(*client.Memory)
		c, err := client.Join(ctx, cfg, inv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(ctx, replica.Change{Record: c.Meta().Participant, Kind: "participant", Fields: map[string]json.RawMessage{"name": js(name)}}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	lea, tom := join("Léa"), join("Tom")
	leaNote, tomNote := client.NewID(), client.NewID()
	if _, err := lea.Write(ctx, noteChange(leaNote, lea.Meta().Participant, "<script>ressaisie</script>")); err != nil {
		t.Fatal(err)
	}
	if _, err := tom.Write(ctx, noteChange(tomNote, tom.Meta().Participant, "délais")); err != nil {
		t.Fatal(err)
	}
	jpg, err := os.ReadFile("../server/testdata/photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ph := photo(lea.Meta().Participant)
	if _, err := lea.WritePhoto(ctx, jpg, ph); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client.Client{lea, tom, fac} {
		if err := c.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Only the facilitator exports and erases.
	if _, err := lea.Export(ctx, "json"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("participant Export() error = %v, want ErrForbidden", err)
	}
	if _, err := lea.Erase(ctx, tom.Meta().Participant); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("participant Erase() error = %v, want ErrForbidden", err)
	}
	if _, err := fac.Erase(ctx, "not-an-id"); !errors.Is(err, client.ErrInvalid) {
		t.Errorf("Erase(bad id) error = %v, want ErrInvalid", err)
	}
	if _, err := fac.Export(ctx, "pdf"); !errors.Is(err, client.ErrInvalid) {
		t.Errorf("Export(pdf) error = %v, want ErrInvalid", err)
	}

	// Export, then import into a fresh server: the same workshop.
	exp, err := fac.Export(ctx, "json")
	if err != nil {
		t.Fatal(err)
	}
	url2 := realServer(t)
	fac2, err := client.Import(ctx, realConfig(), url2, exp, "")
	if err != nil {
		t.Fatal(err)
	}
	if m := fac2.Meta(); m.Workshop != inv.Workshop || !m.Facilitator || m.Token == "" || m.JoinCode == "" {
		t.Errorf("imported meta = %+v", m)
	}
	if err := fac2.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	a, _ := fac.State(ctx)
	b, _ := fac2.State(ctx)
	if !reflect.DeepEqual(a.Changes(), b.Changes()) {
		t.Errorf("the imported workshop differs: %d records, want %d", len(b.Records), len(a.Records))
	}
	exp2, err := fac2.Export(ctx, "json")
	if err != nil {
		t.Fatal(err)
	}
	var e1, e2 server.Export
	if err := json.Unmarshal(exp, &e1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(exp2, &e2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e1.Records, e2.Records) {
		t.Error("the re-imported workshop's export differs from the original's")
	}
	if _, err := client.Import(ctx, realConfig(), url2, exp, ""); !errors.Is(err, client.ErrConflict) {
		t.Errorf("Import() twice error = %v, want ErrConflict", err)
	}
	if _, err := client.Import(ctx, realConfig(), url2, []byte(`{"format":"x"}`), ""); !errors.Is(err, client.ErrInvalid) {
		t.Errorf("Import(junk) error = %v, want ErrInvalid", err)
	}
	if csv, err := fac.Export(ctx, "csv"); err != nil || !bytes.Contains(csv, []byte("délais")) {
		t.Errorf("Export(csv) = %q, %v", csv, err)
	}

	// Erase Léa: her note, photo and participant record, on the server
	// and on every device at its next sync; Tom's note stays.
	got, err := fac.Erase(ctx, lea.Meta().Participant)
	if err != nil {
		t.Fatal(err)
	}
	if got.Records != 3 || got.Photos != 1 || got.Cursor == "" {
		t.Errorf("Erase() = %+v, want 3 records and 1 photo", got)
	}
	for name, c := range map[string]*client.Client{"facilitator": fac, "Léa": lea, "Tom": tom} {
		if err := c.Sync(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st, _ := c.State(ctx)
		if r := st.Record(leaNote); !r.Deleted() || r.String("text") != "" {
			t.Errorf("%s: Léa's note after erase: deleted %v, text %q", name, r.Deleted(), r.String("text"))
		}
		// The blob field keeps its hash (the schema takes no empty hash);
		// the bytes are gone from the server.
		if r := st.Record(ph.Record); !r.Deleted() || r.String("caption") != "" {
			t.Errorf("%s: Léa's photo after erase: %v", name, r.Fields)
		}
		if !st.Record(lea.Meta().Participant).Deleted() {
			t.Errorf("%s: Léa's participant record not deleted", name)
		}
		if r := st.Record(tomNote); r.Deleted() || r.String("text") != "délais" {
			t.Errorf("%s: Tom's note after erase: %v", name, r.Fields)
		}
	}
	// Léa's phone dropped the photo's bytes at its sync.
	if _, err := mems["Léa"].Blob(ctx, client.BlobHash(jpg)); !errors.Is(err, client.ErrNoBlob) {
		t.Errorf("Léa's phone still has the erased photo's bytes: %v", err)
	}
}
