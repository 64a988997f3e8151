package server

import (
	"bytes"
	"container/list"
	"context"
	"image"
	"image/jpeg"
	_ "image/png" // decode PNG photos
	"strconv"
	"sync"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decode WebP photos
)

const (
	maxThumbWidth  = 4096
	maxThumbPixels = 50_000_000 // pixels of a photo the server will decode
	thumbQuality   = 80
)

// thumbnail returns photo data as a JPEG no wider than px, from the cache
// when it was made before. A JPEG already narrow enough is returned as it is.
func (s *Server) thumbnail(ctx context.Context, ws, hash string, data []byte, px int) ([]byte, error) {
	key := ws + "/" + hash + "/" + strconv.Itoa(px)
	if b, ok := s.thumbs.get(key); ok {
		return b, nil
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(kindUnprocessable, "the photo does not decode, so it has no thumbnail: ask for it without ?w=")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxThumbPixels {
		return nil, errorf(kindUnprocessable, "the photo is %dx%d pixels, too large for a thumbnail: ask for it without ?w=", cfg.Width, cfg.Height)
	}
	if format == "jpeg" && cfg.Width <= px {
		return data, nil
	}

	// Decoding takes memory: a few at a time.
	select {
	case s.workers <- struct{}{}:
		defer func() { <-s.workers }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(kindUnprocessable, "the photo does not decode, so it has no thumbnail: ask for it without ?w=")
	}
	b := src.Bounds()
	tw, th := b.Dx(), b.Dy()
	if tw > px {
		th = max(1, int(int64(th)*int64(px)/int64(tw)))
		tw = px
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // JPEG has no transparency
	draw.BiLinear.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil, internal(err)
	}
	s.thumbs.put(key, out.Bytes())
	return out.Bytes(), nil
}

// thumbCache keeps recent thumbnails up to a total size, dropping the
// least recently used first.
type thumbCache struct {
	mu   sync.Mutex
	max  int64
	size int64
	ll   *list.List // of *thumbEntry, most recent first
	m    map[string]*list.Element
}

type thumbEntry struct {
	key  string
	data []byte
}

func newThumbCache(max int64) *thumbCache {
	return &thumbCache{max: max, ll: list.New(), m: map[string]*list.Element{}}
}

func (c *thumbCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*thumbEntry).data, true
}

func (c *thumbCache) put(key string, data []byte) {
	n := int64(len(data))
	if n > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok {
		return
	}
	c.m[key] = c.ll.PushFront(&thumbEntry{key, data})
	c.size += n
	for c.size > c.max {
		e := c.ll.Back()
		t := e.Value.(*thumbEntry)
		c.ll.Remove(e)
		delete(c.m, t.key)
		c.size -= int64(len(t.data))
	}
}
