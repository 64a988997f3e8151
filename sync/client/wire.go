package client

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"carnet/sync/replica"
)

// NewID returns a new record id: a UUIDv7 (time-ordered), in canonical
// lowercase form.
func NewID() string {
	u, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return u.String()
}

// NewSecret returns a new device secret: 24 random URL-safe characters.
func NewSecret() string {
	b := make([]byte, 18)
	_, _ = crand.Read(b) // never fails (crypto/rand panics rather)
	return base64.RawURLEncoding.EncodeToString(b)
}

// BlobHash returns the name of a photo's bytes: their SHA-256 in lowercase
// hex.
func BlobHash(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// gzipAbove is the body size from which JSON bodies are sent gzipped:
// below it gzip saves nothing worth its header.
const gzipAbove = 512

// The wire forms of the calls.
type (
	createRequest struct {
		Title    string `json:"title"`
		Template string `json:"template"`
		Locale   string `json:"locale"`
	}
	createResponse struct {
		Workshop         string `json:"workshop"`
		FacilitatorToken string `json:"facilitator_token"`
		JoinCode         string `json:"join_code"`
	}
	joinRequest struct {
		JoinCode     string `json:"join_code"`
		Participant  string `json:"participant"`
		DeviceSecret string `json:"device_secret"`
		Name         string `json:"name"`
	}
	joinResponse struct {
		Token string `json:"token"`
	}
	syncRequest struct {
		Replica string           `json:"replica"`
		Since   string           `json:"since"`
		Changes []replica.Change `json:"changes"`
		Grouped bool             `json:"grouped"`
	}
	syncResponse struct {
		Cursor   string              `json:"cursor"`
		Changes  []replica.Change    `json:"changes"`
		More     bool                `json:"more"`
		Rejected []replica.Rejection `json:"rejected"`
		Now      int64               `json:"now"` // the server's clock, Unix ms; 0 from older servers
	}
)

// jsonRequest builds a POST of body as JSON, gzipped when that pays.
func jsonRequest(url, token string, body any) (*Request, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	r := &Request{Method: "POST", URL: url, Header: map[string]string{"Content-Type": "application/json"}, Body: b}
	if token != "" {
		r.Header["Authorization"] = "Bearer " + token
	}
	if len(b) > gzipAbove {
		if z, ok := gzipBody(b); ok && len(z) < len(b) {
			r.Body = z
			r.Header["Content-Encoding"] = "gzip"
		}
	}
	return r, nil
}

// decode reads a JSON answer of the expected status into v; any other
// status is the server's *Error.
func decode(r *Response, status int, v any) error {
	if r.Status != status {
		return apiError(r)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return &Error{Status: r.Status, Code: "invalid", Message: fmt.Sprintf("the server's answer is not the expected JSON: %v", err)}
	}
	return nil
}

// send does r, and does it again after network errors, 429 and 5xx
// answers, up to the configured attempts, with exponential backoff and
// jitter between them (at least the server's Retry-After). Any other
// answer is returned as it is, for the caller to read.
func (c *Client) send(ctx context.Context, r *Request) (*Response, error) {
	for attempt := 1; ; attempt++ {
		resp, wait, fail := c.once(ctx, r)
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		if fail == nil {
			return resp, nil
		}
		if attempt >= c.cfg.Attempts {
			return nil, fail
		}
		if err := c.pause(ctx, attempt, wait); err != nil {
			return nil, err
		}
	}
}

// once sends r once. No answer, 429 and 5xx come back as fail, with the
// wait the server asked for (Retry-After), if any.
func (c *Client) once(ctx context.Context, r *Request) (resp *Response, wait time.Duration, fail error) {
	resp, err := c.doer.Do(ctx, r)
	switch {
	case err != nil:
		return nil, 0, fmt.Errorf("%w: %s %s: %w", ErrNetwork, r.Method, shortURL(r.URL), err)
	case resp.Status == 429 || resp.Status >= 500:
		if s, err := strconv.Atoi(resp.Header["retry-after"]); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return nil, wait, apiError(resp)
	}
	return resp, 0, nil
}

// pause waits after the attempt-th failure: the backoff, or what the
// server asked for when longer (up to MaxBackoff).
func (c *Client) pause(ctx context.Context, attempt int, wait time.Duration) error {
	d := c.backoff(attempt)
	if wait > d {
		d = min(wait, c.cfg.MaxBackoff)
	}
	return c.cfg.Sleep(ctx, d)
}

// backoff returns the wait after the attempt-th failure: Backoff doubled
// at each attempt up to MaxBackoff, the upper half of it drawn at random
// so that phones cut off together do not come back together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.Backoff
	for i := 1; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shortURL drops the query, where a token could be.
func shortURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}
