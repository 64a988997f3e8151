package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"carnet/sync/store"
)

// uploadChunk is how many bytes of an upload are held in memory before
// they go to the store. Whatever arrived is stored when a body is cut.
const uploadChunk = 1 << 20

// blob serves HEAD, GET and PATCH /api/v1/workshops/{w}/blobs/{sha256}.
func (s *Server) blob(w http.ResponseWriter, r *http.Request, id, hash string) error {
	// Only the read-only calls take ?token=: <img src> sends no header.
	ws, _, err := s.open(r, id, r.Method != http.MethodPatch)
	if err != nil {
		return err
	}
	switch r.Method {
	case http.MethodHead:
		return s.headBlob(w, r, ws, hash)
	case http.MethodPatch:
		return s.patchBlob(w, r, ws, hash)
	default:
		return s.getBlob(w, r, ws, hash)
	}
}

// blobState returns how much of a blob the store holds; none is offset 0.
func (s *Server) blobState(ctx context.Context, ws, hash string) (store.Blob, error) {
	b, err := s.cfg.Store.Blob(ctx, ws, hash)
	if errors.Is(err, store.ErrNotFound) {
		return store.Blob{}, nil
	}
	if err != nil {
		return b, internal(err)
	}
	return b, nil
}

func (s *Server) headBlob(w http.ResponseWriter, r *http.Request, ws store.Workshop, hash string) error {
	// A client that lost its PATCH asks where to go on, often before this
	// server has noticed the cut and stored what arrived: wait for that
	// PATCH to end (bounded: a silent peer can hold one for long), so that
	// the answer counts those bytes and they are not sent again.
	s.uploads.wait(r.Context(), ws.ID+"/"+hash, headWait)
	b, err := s.blobState(r.Context(), ws.ID, hash)
	if err != nil {
		return err
	}
	h := w.Header()
	h["Date"] = nil
	if !b.Complete {
		h.Set("Upload-Offset", strconv.FormatInt(b.Offset, 10))
		return errorf(kindNotFound, "blob %s is not complete on the server: upload it from Upload-Offset", hash)
	}
	h.Set("Content-Length", strconv.FormatInt(b.Offset, 10))
	w.WriteHeader(http.StatusOK)
	return nil
}

// uploaded answers 204 with the offset the store now holds.
func uploaded(w http.ResponseWriter, offset int64) error {
	h := w.Header()
	h["Date"] = nil
	h.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func headerInt(r *http.Request, name string) (int64, error) {
	v := r.Header.Get(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || len(v) > 19 {
		if v == "" {
			return 0, errorf(kindInvalid, "the %s header is missing: send it on every PATCH", name)
		}
		return 0, errorf(kindInvalid, "%s %q must be a whole number of bytes", name, truncate(v, 30))
	}
	return n, nil
}

func (s *Server) patchBlob(w http.ResponseWriter, r *http.Request, ws store.Workshop, hash string) error {
	if contentEncoding(r) != "" {
		return errorf(kindInvalid, "blob uploads are sent as raw bytes, without Content-Encoding")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/offset+octet-stream" {
		return errorf(kindInvalid, "a blob upload needs Content-Type: application/offset+octet-stream")
	}
	defer s.uploads.begin(ws.ID + "/" + hash)()
	offset, err := headerInt(r, "Upload-Offset")
	if err != nil {
		return err
	}
	length, err := headerInt(r, "Upload-Length")
	if err != nil {
		return err
	}
	switch {
	case length > s.cfg.MaxBlob:
		return errorf(kindTooLarge, "the blob is %d bytes, more than the %d allowed: send a smaller photo", length, s.cfg.MaxBlob)
	case length == 0:
		return errorf(kindInvalid, "Upload-Length is 0: a photo has at least one byte")
	case offset > length:
		return errorf(kindInvalid, "Upload-Offset %d is past Upload-Length %d", offset, length)
	case r.ContentLength > length-offset:
		return errorf(kindInvalid, "the body has %d bytes, more than the %d from Upload-Offset to Upload-Length", r.ContentLength, length-offset)
	}

	held, err := s.blobState(r.Context(), ws.ID, hash)
	if err != nil {
		return err
	}
	if held.Complete {
		return uploaded(w, held.Offset)
	}
	if held.Offset != offset {
		w.Header().Set("Upload-Offset", strconv.FormatInt(held.Offset, 10))
		return errorf(kindConflict, "the server holds %d bytes of this blob, not %d: resume from Upload-Offset %d", held.Offset, offset, held.Offset)
	}

	// The bytes that arrive are stored even when the client is gone: a
	// cut connection cancels the request's context, not these writes.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	buf := make([]byte, min(uploadChunk, length-offset))
	for offset < length {
		n, rerr := io.ReadFull(r.Body, buf[:min(int64(len(buf)), length-offset)])
		if n > 0 {
			next, err := s.cfg.Store.WriteBlob(ctx, ws.ID, hash, offset, buf[:n])
			switch {
			case errors.Is(err, store.ErrExists):
				return uploaded(w, next)
			case errors.Is(err, store.ErrConflict):
				w.Header().Set("Upload-Offset", strconv.FormatInt(next, 10))
				return errorf(kindConflict, "another upload of this blob moved it to %d bytes: resume from Upload-Offset %d", next, next)
			case err != nil:
				return internal(err)
			}
			offset = next
		}
		if rerr != nil {
			if rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				s.log.Debug("blob upload cut", "workshop", ws.ID, "blob", hash, "held", offset, "err", rerr)
			}
			break
		}
	}
	if offset < length {
		return uploaded(w, offset)
	}

	data, err := s.cfg.Store.PartialBlob(ctx, ws.ID, hash)
	if err != nil {
		return internal(err)
	}
	sum := sha256.Sum256(data)
	kind := imageType(data)
	if got := hex.EncodeToString(sum[:]); got != hash || kind == "" {
		if err := s.cfg.Store.DropBlob(ctx, ws.ID, hash); err != nil {
			return internal(err)
		}
		if got != hash {
			return errorf(kindUnprocessable, "the %d bytes uploaded have SHA-256 %s, not %s: upload the photo again from offset 0", len(data), got, hash)
		}
		return errorf(kindUnprocessable, "the blob is not a JPEG, PNG or WebP image: upload photos only")
	}
	if err := s.cfg.Store.CompleteBlob(ctx, ws.ID, hash); err != nil {
		return internal(err)
	}
	return uploaded(w, int64(len(data)))
}

// imageType returns the MIME type of a JPEG, PNG or WebP image by its
// magic bytes, or "".
func imageType(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request, ws store.Workshop, hash string) error {
	px := 0
	if v := r.URL.Query().Get("w"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxThumbWidth {
			return errorf(kindInvalid, "w=%q must be a width in pixels from 1 to %d", truncate(v, 20), maxThumbWidth)
		}
		px = n
	}
	etag := `"` + hash + `"`
	if px > 0 {
		etag = `"` + hash + "-" + strconv.Itoa(px) + `"`
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		b, err := s.blobState(r.Context(), ws.ID, hash)
		if err != nil {
			return err
		}
		if b.Complete {
			h.Set("ETag", etag)
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	data, err := s.cfg.Store.ReadBlob(r.Context(), ws.ID, hash)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(kindNotFound, "blob %s is not on the server, or not complete: upload it first", hash)
	}
	if err != nil {
		return internal(err)
	}
	ctype := imageType(data)
	if px > 0 {
		data, err = s.thumbnail(r.Context(), ws.ID, hash, data, px)
		if err != nil {
			return err
		}
		ctype = "image/jpeg"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

// headWait bounds how long a HEAD waits for a PATCH of the same blob.
const headWait = 3 * time.Second

// inFlight tracks the PATCHes being received, so that a HEAD of the same
// blob can wait for them to end.
type inFlight struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// begin marks a PATCH of key as running and returns the func that ends it.
func (f *inFlight) begin(key string) func() {
	ch := make(chan struct{})
	f.mu.Lock()
	f.m[key] = ch // a PATCH of the same blob at once: the later is waited for
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		if f.m[key] == ch {
			delete(f.m, key)
		}
		f.mu.Unlock()
		close(ch)
	}
}

// wait waits until no PATCH of key runs, for at most d.
func (f *inFlight) wait(ctx context.Context, key string, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		f.mu.Lock()
		ch := f.m[key]
		f.mu.Unlock()
		if ch == nil {
			return
		}
		select {
		case <-ch:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
