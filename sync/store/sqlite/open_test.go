package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
	"carnet/sync/store/sqlite"
)

// pragma reads an integer or text PRAGMA of the file at path.
func pragma(t *testing.T, path, name string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s = %v", name, err)
	}
	return v
}

func TestOpenCreatesFolderAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "deeper", "carnet.db")
	s := mustOpen(t, path)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if got := pragma(t, path, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode = %q, want wal", got)
	}
	if got := pragma(t, path, "user_version"); got != "1" {
		t.Errorf("user_version = %s, want 1", got)
	}
	// Opening again migrates nothing and loses nothing.
	mustOpen(t, path).Close()
	if got := pragma(t, path, "user_version"); got != "1" {
		t.Errorf("user_version after reopening = %s, want 1", got)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "carnet.db")
	mustOpen(t, path).Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := sqlite.Open(path)
	if err == nil {
		s.Close()
		t.Fatalf("Open(a file of schema 99) = nil error")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open(a file of schema 99) = %v, want it to say the file is newer", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(dir) // a folder, not a file
	if err == nil {
		s.Close()
		t.Fatalf("Open(a folder) = nil error")
	}
}

func TestApplyRefusesMalformedChanges(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "carnet.db"))
	w := newWorkshop(t, s)
	clock := replica.MakeClock(1764288000000, 0, "0193b1c2-0000-7000-8000-00000000000a")
	ok := replica.Change{Record: "0193b1c2-0000-7000-8000-000000000001", Kind: "note", Field: "text", Value: json.RawMessage(`"a"`), Clock: clock}
	for _, bad := range []replica.Change{
		{Record: ok.Record, Kind: "note", Value: ok.Value, Clock: clock},
		{Record: ok.Record, Kind: "note", Field: "text", Clock: clock},
		{Record: ok.Record, Kind: "note", Field: "text", Value: ok.Value},
		{Kind: "note", Field: "text", Value: ok.Value, Clock: clock},
	} {
		_, err := s.Apply(t.Context(), w, func(replica.Lookup) ([]replica.Change, error) { return []replica.Change{ok, bad}, nil })
		if !errors.Is(err, replica.ErrInvalid) {
			t.Errorf("Apply(%+v) = %v, want %v", bad, err, replica.ErrInvalid)
		}
	}
	if c, err := s.Cursor(t.Context(), w); err != nil || c != 0 {
		t.Fatalf("Cursor() after refused applies = %d, %v; want 0", c, err)
	}
	// A grouped change is split into its fields.
	g := replica.Change{Record: ok.Record, Kind: "note", Clock: clock, Fields: map[string]json.RawMessage{"text": ok.Value, "color": json.RawMessage(`"idea"`)}}
	if _, err := s.Apply(t.Context(), w, func(replica.Lookup) ([]replica.Change, error) { return []replica.Change{g}, nil }); err != nil {
		t.Fatalf("Apply(grouped) = %v", err)
	}
	p, err := s.Changes(t.Context(), w, 0, 0) // limit 0: no limit
	if err != nil || len(p.Changes) != 2 || p.More {
		t.Fatalf("Changes(0, no limit) after a grouped change = %+v, %v; want 2 changes", p, err)
	}
}

func TestApplySurvivesPanickingCheck(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "carnet.db"))
	w := newWorkshop(t, s)
	func() {
		defer func() { recover() }()
		s.Apply(t.Context(), w, func(replica.Lookup) ([]replica.Change, error) { panic("boom") })
	}()
	// The writer was released: this does not hang.
	if _, err := s.Apply(t.Context(), w, func(replica.Lookup) ([]replica.Change, error) { return nil, nil }); err != nil {
		t.Fatalf("Apply() after a panicking check = %v", err)
	}
}

func newWorkshop(t *testing.T, s *sqlite.Store) string {
	t.Helper()
	w := store.Workshop{ID: "0193b1c2-0000-7000-8000-0000000000aa", JoinCode: "ABCDEF", Secret: []byte("s"), Created: time.Now()}
	if err := s.CreateWorkshop(t.Context(), w, nil); err != nil {
		t.Fatalf("CreateWorkshop() = %v", err)
	}
	return w.ID
}
