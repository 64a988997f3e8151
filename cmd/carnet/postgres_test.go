package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"carnet/sync/store/postgres/pgtest"
)

// TestServePostgres: two `carnet serve --db postgres://...` share one
// database as if behind a load balancer: a workshop created on one is
// joined and synced on the other, and an event stream on the first hears
// of a push to the second. Neither touches --data.
//
// It uses $CARNET_TEST_POSTGRES when set (CI starts one; see .ci/run),
// else a throwaway cluster that pgtest starts.
func TestServePostgres(t *testing.T) {
	db := pgtest.DB(t)
	data := filepath.Join(t.TempDir(), "unused")
	p1 := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data, "--db", db)
	p2 := startServe(t, []string{"CARNET_DB=" + db}, "--addr", "127.0.0.1:0", "--data", data)
	for _, p := range []*proc{p1, p2} {
		if !strings.Contains(p.stderr.String(), "postgres:postgres://") {
			t.Errorf("log does not name the postgres store:\n%s", p.stderr)
		}
	}
	c1, c2 := newClient(t, p1.url, nil), newClient(t, p2.url, nil)

	w := c1.create("", "Dunkerque, deux serveurs")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := streamCursors(t, ctx, p1.url+"/api/v1/workshops/"+w.Workshop+"/events?token="+w.FacilitatorToken)

	participant := newID()
	token := c2.join(w, participant, "device-secret-on-server-two-0123", "Sam")
	phone := &hlc{replica: newID()}
	notes := []change{note(phone.next(), participant, "Plan pas à pas", "current")}
	resp := c2.push(w.Workshop, token, phone.replica, notes)
	c1.pullAll(w.Workshop, w.FacilitatorToken).want(t, notes)

	deadline := time.After(15 * time.Second)
	for heard := false; !heard; {
		select {
		case cur := <-events:
			heard = cur == resp.Cursor
		case <-deadline:
			t.Fatalf("server one's event stream never announced cursor %q after a push to server two", resp.Cursor)
		}
	}

	for _, p := range []*proc{p1, p2} {
		p.signal(syscall.SIGTERM)
		if code := p.wait(10 * time.Second); code != 0 {
			t.Errorf("exit code after SIGTERM = %d, want 0", code)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("--data made with --db postgres (stat: %v)", err)
	}
}

// streamCursors opens an event stream and sends the data of each cursor
// event on the channel it returns, until ctx ends.
func streamCursors(t *testing.T, ctx context.Context, url string) <-chan string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open the event stream: %v", err)
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		t.Fatalf("event stream: status %d", resp.StatusCode)
	}
	out := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:") && event == "cursor":
				select {
				case out <- strings.TrimSpace(strings.TrimPrefix(line, "data:")):
				case <-ctx.Done():
					return
				}
			case line == "":
				event = ""
			}
		}
	}()
	return out
}
