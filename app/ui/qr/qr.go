// Package qr encodes text as a QR code (ISO/IEC 18004, byte mode, error
// correction level M) and draws it as a small SVG.
//
// It exists so that app.wasm need not link image/png: the go-qrcode
// package registers a PNG decoder at init, which costs about 88 KB gzip in
// app.wasm, while the QR codes here only ever become SVG paths. The
// algorithm follows Project Nayuki's reference QR Code generator; the tests
// check every module against github.com/skip2/go-qrcode.
package qr

import (
	"errors"
	"strconv"
	"strings"
)

// ErrTooLong: the text does not fit the largest QR code (version 40, level M).
var ErrTooLong = errors.New("qr: text too long for a QR code")

// Code is an encoded QR code: Size x Size modules, without the quiet zone.
type Code struct {
	Version int
	Size    int
	Mask    int
	dark    []bool
	fn      []bool
}

// Dark reports whether the module at column x, row y is dark. Modules
// outside the symbol are light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
		return false
	}
	return c.dark[y*c.Size+x]
}

// Encode returns text as the smallest QR code at error correction level M
// that holds it in byte mode, with the mask of least penalty.
func Encode(text string) (*Code, error) { return encode([]byte(text), -1) }

// Error correction level M: codewords per block and blocks per version.
var eccPerBlock = [41]int{-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28}
var eccBlocks = [41]int{-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49}

const formatM = 0 // level M in the format bits

func rawModules(ver int) int {
	n := (16*ver+128)*ver + 64
	if ver >= 2 {
		a := ver/7 + 2
		n -= (25*a-10)*a - 55
		if ver >= 7 {
			n -= 36
		}
	}
	return n
}

func dataCodewords(ver int) int {
	return rawModules(ver)/8 - eccPerBlock[ver]*eccBlocks[ver]
}

type bits struct {
	b []byte
	n int
}

func (w *bits) put(v uint, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>uint(i)&1 != 0 {
			w.b[w.n/8] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

func encode(data []byte, mask int) (*Code, error) {
	ver := 0
	for v := 1; v <= 40; v++ {
		countBits := 8
		if v >= 10 {
			countBits = 16
		}
		if 4+countBits+8*len(data) <= 8*dataCodewords(v) {
			ver = v
			break
		}
	}
	if ver == 0 {
		return nil, ErrTooLong
	}
	countBits := 8
	if ver >= 10 {
		countBits = 16
	}
	capBits := 8 * dataCodewords(ver)
	var w bits
	w.put(4, 4) // byte mode
	w.put(uint(len(data)), countBits)
	for _, b := range data {
		w.put(uint(b), 8)
	}
	term := capBits - w.n
	if term > 4 {
		term = 4
	}
	w.put(0, term)
	if w.n%8 != 0 {
		w.put(0, 8-w.n%8)
	}
	for pad := uint(0xEC); w.n < capBits; pad ^= 0xEC ^ 0x11 {
		w.put(pad, 8)
	}

	c := &Code{Version: ver, Size: ver*4 + 17}
	c.dark = make([]bool, c.Size*c.Size)
	c.fn = make([]bool, c.Size*c.Size)
	c.drawFunctions()
	c.drawCodewords(interleave(w.b, ver))

	if mask < 0 {
		best := -1
		for m := 0; m < 8; m++ {
			c.applyMask(m)
			c.drawFormat(m)
			if p := c.penalty(); best < 0 || p < best {
				best, mask = p, m
			}
			c.applyMask(m) // undo
		}
	}
	c.Mask = mask
	c.applyMask(mask)
	c.drawFormat(mask)
	return c, nil
}

func (c *Code) set(x, y int, dark bool) {
	c.dark[y*c.Size+x] = dark
	c.fn[y*c.Size+x] = true
}

func (c *Code) drawFunctions() {
	n := c.Size
	for i := 0; i < n; i++ {
		c.set(6, i, i%2 == 0)
		c.set(i, 6, i%2 == 0)
	}
	for _, p := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := p[0]+dx, p[1]+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy))
				c.set(x, y, d != 2 && d != 4)
			}
		}
	}
	pos := alignments(c.Version)
	for i := range pos {
		for j := range pos {
			last := len(pos) - 1
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					c.set(pos[i]+dx, pos[j]+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	c.drawFormat(0) // reserves the area; drawn again after masking
	if c.Version >= 7 {
		rem := c.Version
		for i := 0; i < 12; i++ {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		b := c.Version<<12 | rem
		for i := 0; i < 18; i++ {
			dark := b>>uint(i)&1 != 0
			a, k := n-11+i%3, i/3
			c.set(a, k, dark)
			c.set(k, a, dark)
		}
	}
}

func alignments(ver int) []int {
	if ver == 1 {
		return nil
	}
	num := ver/7 + 2
	step := (ver*8 + num*3 + 5) / (num*4 - 4) * 2
	out := make([]int, num)
	out[0] = 6
	for i, p := num-1, ver*4+17-7; i >= 1; i, p = i-1, p-step {
		out[i] = p
	}
	return out
}

func (c *Code) drawFormat(mask int) {
	data := formatM<<3 | mask
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	b := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return b>>uint(i)&1 != 0 }
	n := c.Size
	for i := 0; i <= 5; i++ {
		c.set(8, i, bit(i))
	}
	c.set(8, 7, bit(6))
	c.set(8, 8, bit(7))
	c.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		c.set(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		c.set(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		c.set(8, n-15+i, bit(i))
	}
	c.set(8, n-8, true)
}

func interleave(data []byte, ver int) []byte {
	nb, ecc := eccBlocks[ver], eccPerBlock[ver]
	raw := rawModules(ver) / 8
	short := nb - raw%nb
	shortLen := raw / nb
	div := divisor(ecc)
	blocks := make([][]byte, nb)
	k := 0
	for i := 0; i < nb; i++ {
		l := shortLen - ecc
		if i >= short {
			l++
		}
		d := data[k : k+l]
		k += l
		b := append([]byte{}, d...)
		if i < short {
			b = append(b, 0)
		}
		blocks[i] = append(b, remainder(d, div)...)
	}
	out := make([]byte, 0, raw)
	for i := range blocks[0] {
		for j, b := range blocks {
			if i != shortLen-ecc || j >= short {
				out = append(out, b[i])
			}
		}
	}
	return out
}

func gfMul(x, y byte) byte {
	z := 0
	for i := 7; i >= 0; i-- {
		z = z<<1 ^ (z>>7)*0x11D
		z ^= int(y>>uint(i)&1) * int(x)
	}
	return byte(z)
}

func divisor(degree int) []byte {
	r := make([]byte, degree)
	r[degree-1] = 1
	root := byte(1)
	for i := 0; i < degree; i++ {
		for j := range r {
			r[j] = gfMul(r[j], root)
			if j+1 < len(r) {
				r[j] ^= r[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return r
}

func remainder(data, div []byte) []byte {
	r := make([]byte, len(div))
	for _, b := range data {
		f := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for i := range r {
			r[i] ^= gfMul(div[i], f)
		}
	}
	return r
}

func (c *Code) drawCodewords(data []byte) {
	n := c.Size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for v := 0; v < n; v++ {
			for j := 0; j < 2; j++ {
				x := right - j
				y := v
				if (right+1)&2 == 0 {
					y = n - 1 - v
				}
				if !c.fn[y*n+x] && i < len(data)*8 {
					c.dark[y*n+x] = data[i>>3]>>uint(7-i&7)&1 != 0
					i++
				}
			}
		}
	}
}

func (c *Code) applyMask(m int) {
	n := c.Size
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var inv bool
			switch m {
			case 0:
				inv = (x+y)%2 == 0
			case 1:
				inv = y%2 == 0
			case 2:
				inv = x%3 == 0
			case 3:
				inv = (x+y)%3 == 0
			case 4:
				inv = (x/3+y/2)%2 == 0
			case 5:
				inv = x*y%2+x*y%3 == 0
			case 6:
				inv = (x*y%2+x*y%3)%2 == 0
			case 7:
				inv = ((x+y)%2+x*y%3)%2 == 0
			}
			if inv && !c.fn[y*n+x] {
				c.dark[y*n+x] = !c.dark[y*n+x]
			}
		}
	}
}

// penalty scores the symbol by the standard's four rules (lower is better).
func (c *Code) penalty() int {
	n := c.Size
	p := 0
	line := func(at func(i int) bool) {
		run := 0
		var prev bool
		// finder-like 1:1:3:1:1 with 4 light modules on one side
		for i := 0; i < n; i++ {
			d := at(i)
			if i > 0 && d == prev {
				run++
				if run == 5 {
					p += 3
				} else if run > 5 {
					p++
				}
			} else {
				run = 1
			}
			prev = d
			if i >= 6 && at(i-6) && !at(i-5) && at(i-4) && at(i-3) && at(i-2) && !at(i-1) && at(i) {
				light := func(a, b int) bool {
					for k := a; k <= b; k++ {
						if k >= 0 && k < n && at(k) {
							return false
						}
					}
					return true
				}
				if light(i-10, i-7) || light(i+1, i+4) {
					p += 40
				}
			}
		}
	}
	for y := 0; y < n; y++ {
		line(func(i int) bool { return c.dark[y*n+i] })
	}
	for x := 0; x < n; x++ {
		line(func(i int) bool { return c.dark[i*n+x] })
	}
	dark := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			d := c.dark[y*n+x]
			if d {
				dark++
			}
			if x < n-1 && y < n-1 && d == c.dark[y*n+x+1] && d == c.dark[(y+1)*n+x] && d == c.dark[(y+1)*n+x+1] {
				p += 3
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + k*10
}

// SVG draws the code as an SVG image with a 4-module quiet zone, dark
// modules merged into one path of horizontal runs. label is the image's
// accessible name (escaped here).
func (c *Code) SVG(label string) string {
	const quiet = 4
	n := c.Size + 2*quiet
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(n) + " " + strconv.Itoa(n))
	b.WriteString(`" shape-rendering="crispEdges"><title>`)
	b.WriteString(escape(label))
	b.WriteString(`</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			run := 0
			for c.Dark(x+run, y) {
				run++
			}
			b.WriteString("M" + strconv.Itoa(x+quiet) + " " + strconv.Itoa(y+quiet) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// escape escapes s for an attribute by hand: strings.NewReplacer would link
// strings.Replacer, several KB of app.wasm.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
