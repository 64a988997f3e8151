package qr

import (
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// formatOf reads the mask and level from the first copy of the format bits
// of a go-qrcode bitmap (which has a 4-module quiet zone).
func formatOf(bm [][]bool) (level, mask int) {
	at := func(x, y int) bool { return bm[y+4][x+4] }
	var b int
	set := func(i int, v bool) {
		if v {
			b |= 1 << uint(i)
		}
	}
	for i := 0; i <= 5; i++ {
		set(i, at(8, i))
	}
	set(6, at(8, 7))
	set(7, at(8, 8))
	set(8, at(7, 8))
	for i := 9; i < 15; i++ {
		set(i, at(14-i, 8))
	}
	d := (b ^ 0x5412) >> 10
	return d >> 3, d & 7
}

// TestMatchesGoQRCode checks every module of codes of many lengths against
// go-qrcode, forcing the mask go-qrcode chose. Lowercase letters keep
// go-qrcode in byte mode, as here.
func TestMatchesGoQRCode(t *testing.T) {
	for _, n := range []int{1, 5, 10, 14, 20, 30, 40, 60, 80, 100, 120, 150, 180, 200, 230, 260, 300, 400, 500, 700, 1000, 1300, 1700, 2000, 2300} {
		text := strings.Repeat("abcdefghijklmnopqrstuvwxyz", n/26+1)[:n]
		want, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		wbm := want.Bitmap()
		level, mask := formatOf(wbm)
		if level != formatM {
			t.Fatalf("n=%d: go-qrcode level bits %d, want M", n, level)
		}
		got, err := encode([]byte(text), mask)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if got.Version != want.VersionNumber {
			t.Fatalf("n=%d: version %d, go-qrcode %d", n, got.Version, want.VersionNumber)
		}
		bad := 0
		for y := 0; y < got.Size; y++ {
			for x := 0; x < got.Size; x++ {
				if got.Dark(x, y) != wbm[y+4][x+4] {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("n=%d version %d mask %d: %d modules differ from go-qrcode", n, got.Version, mask, bad)
		}
	}
}

func TestEncodeLink(t *testing.T) {
	link := "https://carnet.example.org/join?w=0193b1c2-0000-7000-8000-000000000000&c=ABCD1234&p=0193b1c2-0000-7000-8000-000000000001&s=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	c, err := Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version > 10 {
		t.Fatalf("version %d for a join link, want <= 10", c.Version)
	}
	svg := c.SVG(`a "link" <x>`)
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "&quot;link&quot; &lt;x&gt;") {
		t.Fatalf("SVG() = %.200s", svg)
	}
}

func TestTooLong(t *testing.T) {
	if _, err := Encode(strings.Repeat("a", 3000)); err != ErrTooLong {
		t.Fatalf("Encode(3000 bytes) error = %v, want ErrTooLong", err)
	}
}
