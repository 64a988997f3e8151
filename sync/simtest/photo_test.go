package simtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// image returns n random bytes that pass for a JPEG or a PNG.
func image(rng *rand.Rand, n int, png bool) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	if png {
		copy(b, "\x89PNG\r\n\x1a\n")
	} else {
		copy(b, "\xff\xd8\xff\xe0")
	}
	return b
}

func TestPhotosThroughCuts(t *testing.T) {
	sd := seed(t)
	rng := rand.New(rand.NewPCG(sd, sd^0x9e3779b97f4a7c15))
	e := newEnv(t, rng, 0, nil)
	ctx := context.Background()
	big := 1500 << 10
	if testing.Short() {
		big = 400 << 10
	}

	newPhone := func(name string, inv *client.Invite) (*client.Client, client.Config) {
		cfg := client.Config{Local: client.NewMemory(), Doer: e.doer(), ChunkSize: 64 << 10,
			Attempts: 1 + rng.IntN(3), Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
		if inv == nil {
			c, err := client.Create(ctx, cfg, e.proxy.URL(), client.NewWorkshop{Title: "Atelier photos"})
			if err != nil {
				t.Fatal(err)
			}
			return c, cfg
		}
		c, err := client.Join(ctx, cfg, *inv)
		if err != nil {
			t.Fatal(err)
		}
		return c, cfg
	}
	fac, _ := newPhone("facilitator", nil)
	inv := client.Invite{Server: e.proxy.URL(), Workshop: fac.Meta().Workshop, JoinCode: fac.Meta().JoinCode, Name: "Léa"}
	lea, _ := newPhone("Léa", &inv)
	inv2 := lea.Invite()
	lea2, _ := newPhone("Léa 2", &inv2)
	inv.Name = "Marc"
	marc, marcCfg := newPhone("Marc", &inv)
	phones := []*client.Client{fac, lea, lea2, marc}

	type photo struct {
		data []byte
		by   *client.Client
	}
	var good []photo
	write := func(c *client.Client, data []byte) string {
		t.Helper()
		who := c.Meta().Participant
		if who == "" {
			who = lea.Meta().Participant
		}
		ch := replica.Change{Record: client.NewID(), Kind: "photo", Fields: map[string]json.RawMessage{
			"author": js(who), "mime": js("image/jpeg"), "caption": js("tableau du groupe"), "taken": js(time.Now().UnixMilli())}}
		out, err := c.WritePhoto(ctx, data, ch)
		if err != nil {
			t.Fatalf("WritePhoto() = %v", err)
		}
		var h string
		json.Unmarshal(out.Fields["blob"], &h)
		return h
	}
	total := 0
	for i, c := range []*client.Client{lea, lea, marc, marc, fac} {
		data := image(rng, 1+rng.IntN(big), i == 2)
		write(c, data)
		good = append(good, photo{data, c})
		total += len(data)
	}
	// The same photo on Léa's two phones: they upload it at once.
	shared := image(rng, big, false)
	write(lea, shared)
	write(lea2, shared)
	good = append(good, photo{shared, lea})
	total += 2 * len(shared)
	// A file that is not an image: the server refuses it, 422.
	notImage := append([]byte("GIF89a"), image(rng, 70<<10, false)[6:]...)
	badHash := write(marc, notImage)
	// Bytes damaged on the device: the device finds out and sends nothing.
	damaged := image(rng, 90<<10, false)
	dHash := client.BlobHash(damaged)
	damaged[5000] ^= 0xff
	if err := marcCfg.Local.Write(ctx, nil, map[string][]byte{dHash: damaged}); err != nil {
		t.Fatal(err)
	}

	e.proxy.cut(0.6, 160<<10)
	for round := 0; ; round++ {
		if round > 300 {
			t.Fatalf("photos still waiting after %d rounds", round)
		}
		var wg sync.WaitGroup
		for _, c := range phones {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Network errors are expected: the next round resumes.
				if err := c.Sync(ctx); err != nil && !errors.Is(err, client.ErrNetwork) {
					t.Errorf("%s: Sync() = %v", c.Meta().Name, err)
				}
			}()
		}
		wg.Wait()
		waiting := 0
		for _, c := range phones {
			st, err := c.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			waiting += st.Photos + st.Changes
			if !st.Joined {
				waiting++
			}
		}
		if waiting == 0 {
			t.Logf("all photos up after %d rounds", round+1)
			break
		}
	}

	tok := fac.Meta().Token
	for i, p := range good {
		h := client.BlobHash(p.data)
		status, hdr, b := e.direct("GET", "/api/v1/workshops/"+fac.Meta().Workshop+"/blobs/"+h, tok, nil)
		if status != 200 || !bytes.Equal(b, p.data) {
			t.Errorf("photo %d (%d bytes): GET = %d, %d bytes, equal %v", i, len(p.data), status, len(b), bytes.Equal(b, p.data))
		}
		if cc := hdr.Get("Cache-Control"); cc == "" {
			t.Errorf("photo %d: no Cache-Control", i)
		}
	}
	st, err := marc.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{}
	for _, b := range st.BadPhotos {
		bad[b.Hash] = b.Code
	}
	if len(bad) != 2 || bad[badHash] != "invalid" || bad[dHash] != "corrupt" {
		t.Errorf("Marc's bad photos = %+v, want %s invalid (422) and %s corrupt", st.BadPhotos, badHash, dHash)
	}
	if status, _, _ := e.direct("HEAD", "/api/v1/workshops/"+fac.Meta().Workshop+"/blobs/"+dHash, tok, nil); status != 404 {
		t.Errorf("the damaged photo reached the server: HEAD = %d", status)
	}
	t.Logf("%d photo bytes to upload; proxy relayed %d bytes over %d connections, %d cut", total, e.proxy.bytes.Load(), e.proxy.conns.Load(), e.proxy.cuts.Load())
	if e.proxy.cuts.Load() == 0 {
		t.Error("no connection was cut")
	}
}
