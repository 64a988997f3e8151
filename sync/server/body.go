package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// readBody reads r's body whole, decoding Content-Encoding gzip or zstd,
// and fails with 413 when the decoded body is over limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit && contentEncoding(r) == "" {
		return nil, errorf(kindTooLarge, "the body is %d bytes, more than the %d allowed: send fewer changes at once", r.ContentLength, limit)
	}
	// The wire body is bounded too: a compressed body larger than the
	// decoded limit (plus framing) cannot be within it.
	var src io.Reader = http.MaxBytesReader(w, r.Body, limit+limit/8+1024)
	switch enc := contentEncoding(r); enc {
	case "":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, errorf(kindInvalid, "the body is not valid gzip: %v", err)
		}
		defer zr.Close()
		src = zr
	case "zstd":
		zr, err := zstd.NewReader(src,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(uint64(limit)+1),
			zstd.WithDecoderMaxWindow(8<<20))
		if err != nil {
			return nil, internal(err)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, errorf(kindInvalid, "Content-Encoding %q is not supported: send the body plain, gzip or zstd", truncate(enc, 40))
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	if n > limit {
		return nil, errorf(kindTooLarge, "the body is more than the %d bytes allowed once decompressed: send fewer changes at once", limit)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, errorf(kindTooLarge, "the body is more than the %d bytes allowed", mbe.Limit)
		case errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.Is(err, zstd.ErrWindowSizeExceeded):
			return nil, errorf(kindTooLarge, "the zstd body needs more memory than allowed: compress it with a window of at most 8 MiB")
		case contentEncoding(r) != "":
			return nil, errorf(kindInvalid, "the %s body does not decompress: %v", contentEncoding(r), err)
		default:
			return nil, errorf(kindInvalid, "the body could not be read: %v", err)
		}
	}
	return buf.Bytes(), nil
}

// contentEncoding returns r's Content-Encoding in lowercase, "" for none
// or identity.
func contentEncoding(r *http.Request) string {
	enc := strings.ToLower(strings.TrimSpace(strings.Join(r.Header.Values("Content-Encoding"), ",")))
	if enc == "identity" {
		return ""
	}
	return enc
}

// decodeJSON reads r's body (see readBody) into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errorf(kindInvalid, "the body is empty: send a JSON object")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errorf(kindInvalid, "the body is not the JSON object this call expects: %v", jsonError(err))
	}
	return nil
}

// jsonError shortens a JSON error for a message.
func jsonError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s must be a %s, not a %s", te.Field, jsonType(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("want a JSON object, not a %s", te.Value)
	}
	return truncate(err.Error(), 200)
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice":
		return "list"
	case "map", "struct":
		return "object"
	default:
		return "number"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
