// Command genicons draws Carnet's icons into web/: icon-192.png,
// icon-512.png, icon-maskable-512.png and icon.svg. The PNGs are committed;
// run it again only when the mark changes:
//
//	go run ./app/pwa/internal/genicons [-dir web]
//
// The mark is a yellow post-it, slightly turned, with a folded corner and
// three lines of ink, on the app's ink-blue. The same shapes make the SVG
// and the PNGs, so the two never disagree.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/vector"
)

// Colours of the mark; ink is also the app's theme colour (pwa.ThemeColor).
var (
	ink    = color.RGBA{0x1d, 0x35, 0x57, 0xff} // #1d3557
	postit = color.RGBA{0xff, 0xd1, 0x66, 0xff} // #ffd166
	fold   = color.RGBA{0xe0, 0xa8, 0x3a, 0xff} // #e0a83a
	line   = color.RGBA{0x1d, 0x35, 0x57, 0xff}
)

// point is a position on a unit canvas (0..1 both ways).
type point struct{ x, y float64 }

// shape is a closed polygon of one colour.
type shape struct {
	fill color.RGBA
	pts  []point
}

// mark returns the shapes of the mark on a unit canvas. scale shrinks the
// mark around the centre: 1 fills the canvas as a plain icon does; a
// maskable icon keeps it inside the central safe circle.
func mark(scale float64) []shape {
	const turn = -6 * math.Pi / 180
	sin, cos := math.Sincos(turn)
	tf := func(x, y float64) point {
		// Post-it coordinates are centred on 0; turn, scale, move to the
		// centre of the canvas.
		rx := x*cos - y*sin
		ry := x*sin + y*cos
		return point{0.5 + rx*scale, 0.5 + ry*scale}
	}
	const h = 0.31  // half side of the post-it
	const f = 0.115 // size of the folded corner
	note := shape{postit, []point{
		tf(-h, -h), tf(h, -h), tf(h, h-f), tf(h-f, h), tf(-h, h),
	}}
	corner := shape{fold, []point{
		tf(h, h-f), tf(h-f, h-f), tf(h-f, h),
	}}
	shapes := []shape{note, corner}
	// Three lines of writing, the last one shorter.
	const lh = 0.028
	for i, w := range []float64{0.42, 0.42, 0.26} {
		y := -0.15 + float64(i)*0.12
		x0 := -0.21
		shapes = append(shapes, shape{line, []point{
			tf(x0, y-lh), tf(x0+w, y-lh), tf(x0+w, y+lh), tf(x0, y+lh),
		}})
	}
	return shapes
}

// background returns the ink shape behind the mark: a rounded square for a
// plain icon, the whole canvas for a maskable one (the platform cuts it).
func background(rounded bool) shape {
	if !rounded {
		return shape{ink, []point{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}
	}
	const r = 0.2
	var pts []point
	corner := func(cx, cy, from float64) {
		for i := 0; i <= 8; i++ {
			a := from + float64(i)*math.Pi/2/8
			pts = append(pts, point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
	}
	corner(1-r, 1-r, 0)
	corner(r, 1-r, math.Pi/2)
	corner(r, r, math.Pi)
	corner(1-r, r, 3*math.Pi/2)
	return shape{ink, pts}
}

func drawPNG(size int, shapes []shape) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	s := float32(size)
	for _, sh := range shapes {
		z := vector.NewRasterizer(size, size)
		for i, p := range sh.pts {
			if i == 0 {
				z.MoveTo(float32(p.x)*s, float32(p.y)*s)
			} else {
				z.LineTo(float32(p.x)*s, float32(p.y)*s)
			}
		}
		z.ClosePath()
		z.Draw(img, img.Bounds(), image.NewUniform(sh.fill), image.Point{})
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func drawSVG(shapes []shape) []byte {
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">` + "\n")
	b.WriteString("<title>Carnet</title>\n")
	for _, sh := range shapes {
		b.WriteString(`<path fill="` + hex(sh.fill) + `" d="`)
		for i, p := range sh.pts {
			op := "L"
			if i == 0 {
				op = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f", op, p.x*512, p.y*512)
		}
		b.WriteString("Z\"/>\n")
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

func main() {
	dir := flag.String("dir", "web", "folder to write the icons into")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("genicons: ")

	plain := append([]shape{background(true)}, mark(1)...)
	// The safe zone of a maskable icon is the central circle of radius
	// 0.4: the turned post-it's corners reach 0.31*1.41*scale from the
	// centre, so scale 0.85 keeps them at 0.37.
	maskable := append([]shape{background(false)}, mark(0.85)...)

	files := map[string]func() ([]byte, error){
		"icon-192.png":          func() ([]byte, error) { return drawPNG(192, plain) },
		"icon-512.png":          func() ([]byte, error) { return drawPNG(512, plain) },
		"icon-maskable-512.png": func() ([]byte, error) { return drawPNG(512, maskable) },
		"icon.svg":              func() ([]byte, error) { return drawSVG(plain), nil },
	}
	for name, make := range files {
		b, err := make()
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%d bytes)\n", filepath.Join(*dir, name), len(b))
	}
}
