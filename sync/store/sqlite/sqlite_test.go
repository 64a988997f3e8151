package sqlite_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"carnet/sync/replica"
	"carnet/sync/store"
	"carnet/sync/store/sqlite"
	"carnet/sync/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store { return mustOpen(t, filepath.Join(dir, "carnet.db")) })
}

// mustOpen opens the store at path and closes it at the end of the test.
func mustOpen(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("Open(%q) = %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestCrash kills a process that writes to the store (SIGKILL where the
// platform has it) and checks that everything it was told was committed is
// there after reopening: every acknowledged Apply and blob write.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "carnet.db")
	s := mustOpen(t, path)
	ws := store.Workshop{ID: crashWorkshop, JoinCode: "CRASH1", Secret: []byte("s"), Created: time.Now()}
	if err := s.CreateWorkshop(t.Context(), ws, nil); err != nil {
		t.Fatalf("CreateWorkshop() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CARNET_CRASH_DB="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Read acknowledgements until enough have come, then kill the child in
	// the middle of its next writes.
	var notes, cursor, blob int64
	lines := bufio.NewScanner(out)
	for lines.Scan() && notes < 300 {
		var kind string
		var a, b int64
		if _, err := fmt.Sscan(lines.Text(), &kind, &a, &b); err != nil {
			continue // not ours
		}
		switch kind {
		case "apply":
			notes, cursor = a, b
		case "blob":
			blob = b
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if notes < 300 {
		t.Fatalf("the child acknowledged %d applies before it stopped, want 300", notes)
	}

	s = mustOpen(t, path)
	if c, err := s.Cursor(t.Context(), crashWorkshop); err != nil || c < cursor {
		t.Fatalf("Cursor() after the crash = %d, %v; want at least the acknowledged %d", c, err, cursor)
	}
	p, err := s.Changes(t.Context(), crashWorkshop, 0, 0)
	if err != nil {
		t.Fatalf("Changes() = %v", err)
	}
	seen := map[string]bool{}
	for _, c := range p.Changes {
		seen[c.Record] = true
	}
	for i := int64(1); i <= notes; i++ {
		if !seen[crashNote(i)] {
			t.Fatalf("note %d of %d acknowledged is missing after the crash", i, notes)
		}
	}
	b, err := s.Blob(t.Context(), crashWorkshop, crashBlob)
	if err != nil || b.Offset < blob {
		t.Fatalf("Blob() after the crash = %+v, %v; want at least the acknowledged %d bytes", b, err, blob)
	}
	data, err := s.PartialBlob(t.Context(), crashWorkshop, crashBlob)
	if err != nil || int64(len(data)) != b.Offset || !bytes.Equal(data, crashBytes(b.Offset)) {
		t.Fatalf("PartialBlob() after the crash = %d bytes, %v; want the %d bytes written", len(data), err, b.Offset)
	}
	// The store goes on.
	if _, err := s.WriteBlob(t.Context(), crashWorkshop, crashBlob, b.Offset, []byte("more")); err != nil {
		t.Fatalf("WriteBlob() after the crash = %v", err)
	}
}

const (
	crashWorkshop = "0193b1c2-0000-7000-8000-0000000000cc"
	crashBlob     = "c0ffee0000000000000000000000000000000000000000000000000000000000"
)

func crashNote(i int64) string { return fmt.Sprintf("0193b1c2-0000-7000-8000-%012d", i) }

// crashBytes returns the first n bytes the child writes to its blob.
func crashBytes(n int64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// TestCrashChild is the process TestCrash kills: it writes until killed
// and prints what was committed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("CARNET_CRASH_DB")
	if path == "" {
		t.Skip("run by TestCrash")
	}
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := replica.MakeClock(1764288000000, 0, "0193b1c2-0000-7000-8000-00000000000a")
	all := crashBytes(1 << 24)
	var off int64
	for i := int64(1); ; i++ {
		note := crashNote(i)
		c, err := s.Apply(t.Context(), crashWorkshop, func(replica.Lookup) ([]replica.Change, error) {
			return []replica.Change{
				{Record: note, Kind: "note", Field: "text", Value: json.RawMessage(`"capturé"`), Clock: clock},
				{Record: note, Kind: "note", Field: "color", Value: json.RawMessage(`"idea"`), Clock: clock},
			}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("apply %d %d\n", i, c)
		n := int64(1000 + i%3000)
		if off+n <= int64(len(all)) {
			if off, err = s.WriteBlob(t.Context(), crashWorkshop, crashBlob, off, all[off:off+n]); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("blob %d %d\n", i, off)
		}
	}
}
