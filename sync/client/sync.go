package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"carnet/sync/replica"
)

// outboxRead is how many pending changes a push round reads, at most:
// more than a push of PushBytes carries.
const outboxRead = 512

// Sync brings the device and the server up to date: it joins the workshop
// if the join waits, then pushes the outbox and pulls the others' changes,
// one call a round (each push carries about PushBytes of changes, each
// answer a page of the server's), until both are done, then uploads the
// photos waiting. A pushed change leaves the outbox only once the server
// answered for it: a change it refused goes to Meta.Rejected and out of
// the state. A photo that can never be uploaded goes to Meta.BadPhotos and
// the others go on. Network errors, 429 and 5xx are retried with backoff;
// when they last, Sync returns an error matching ErrNetwork, ErrServer or
// ErrRateLimited, and the next Sync resumes where this one stopped. Other
// errors are the server's *Error (ErrUnauthorized, ErrForbidden for a
// wrong join code, ErrConflict for another device secret...). Status
// keeps the error until a Sync succeeds.
func (c *Client) Sync(ctx context.Context) error {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	c.mu.Lock()
	c.syncing = true
	c.mu.Unlock()
	err := c.sync(ctx)
	c.mu.Lock()
	c.syncing, c.lastErr = false, err
	c.mu.Unlock()
	return err
}

func (c *Client) sync(ctx context.Context) error {
	if err := c.join(ctx); err != nil {
		return err
	}
	if err := c.syncChanges(ctx); err != nil {
		return err
	}
	if err := c.update(ctx, func(m *Meta) { m.Synced = c.cfg.Now().UnixMilli() }); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return c.uploadPhotos(ctx)
}

// join runs the join call a participant's device keeps pending.
func (c *Client) join(ctx context.Context) error {
	c.mu.Lock()
	m := c.meta
	c.mu.Unlock()
	if m.Token != "" || m.Facilitator {
		return nil
	}
	req, err := jsonRequest(c.url("/join"), "", joinRequest{JoinCode: m.JoinCode, Participant: m.Participant, DeviceSecret: m.Secret, Name: m.Name})
	if err != nil {
		return err
	}
	resp, err := c.send(ctx, req)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	var out joinResponse
	if err := decode(resp, 200, &out); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if out.Token == "" {
		return fmt.Errorf("join: %w", &Error{Status: resp.Status, Code: "invalid", Message: "the server's answer has no token"})
	}
	if err := c.update(ctx, func(m *Meta) { m.Token = out.Token }); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	return nil
}

// syncChanges runs push and pull rounds until the outbox is empty (as it
// was when the round read it) and the server has no more to send.
func (c *Client) syncChanges(ctx context.Context) error {
	for {
		pend, err := c.local.Outbox(ctx, outboxRead)
		if err != nil {
			return fmt.Errorf("sync: read outbox: %w", err)
		}
		chunk := c.chunk(pend)
		c.mu.Lock()
		since, token, rep := c.meta.Cursor, c.meta.Token, c.meta.Replica
		c.mu.Unlock()
		changes := make([]replica.Change, len(chunk))
		for i, p := range chunk {
			changes[i] = p.Change
		}
		req, err := jsonRequest(c.url("/sync"), token, syncRequest{Replica: rep, Since: since, Changes: changes, Grouped: true})
		if err != nil {
			return err
		}
		sent := c.cfg.Now()
		resp, err := c.send(ctx, req)
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		var out syncResponse
		if err := decode(resp, 200, &out); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		c.serverTime(sent, out.Now)
		if err := c.answer(ctx, chunk, out); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		left := len(chunk) < len(pend) || len(pend) == outboxRead
		if c.cfg.Progress != nil {
			if n, photos, err := c.waiting(ctx); err == nil {
				c.cfg.Progress(Progress{Changes: n, Photos: photos})
			}
		}
		if !out.More && !left {
			return nil
		}
		if out.More && !left && len(out.Changes) == 0 && (out.Cursor == since || out.Cursor == "") {
			return fmt.Errorf("sync: %w", &Error{Status: resp.Status, Code: "invalid", Message: "the server says more changes wait but its cursor did not move"})
		}
	}
}

// chunk takes the first pending changes that fit in PushBytes of JSON,
// at least one.
func (c *Client) chunk(pend []Pending) []Pending {
	size := 0
	for i, p := range pend {
		b, err := json.Marshal(p.Change)
		if err != nil {
			b = nil
		}
		size += len(b) + 1
		if i > 0 && size > c.cfg.PushBytes {
			return pend[:i]
		}
	}
	return pend
}

// answer applies the server's answer to a push of chunk: acknowledges the
// chunk, keeping in the records what the server accepted and in
// Meta.Rejected what it refused, then merges the pulled page and moves the
// cursor and the clock.
func (c *Client) answer(ctx context.Context, chunk []Pending, out syncResponse) error {
	byIndex := map[int][]replica.Rejection{}
	for _, r := range out.Rejected {
		if r.Index >= 0 && r.Index < len(chunk) {
			byIndex[r.Index] = append(byIndex[r.Index], r)
		}
	}
	var accepted []replica.Change
	var refused []Rejected
	seqs := make([]int64, len(chunk))
	for i, p := range chunk {
		seqs[i] = p.Seq
		rs := byIndex[i]
		if len(rs) == 0 {
			accepted = append(accepted, p.Change)
			continue
		}
		whole, fields := false, map[string]bool{}
		for _, r := range rs {
			refused = append(refused, Rejected{Change: p.Change, Field: r.Field, Code: r.Code, Message: r.Message})
			whole = whole || r.Field == ""
			fields[r.Field] = true
		}
		if whole {
			continue
		}
		for _, one := range p.Change.Split() {
			if !fields[one.Field] {
				accepted = append(accepted, one)
			}
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(seqs) > 0 {
		if err := c.local.Ack(ctx, seqs, accepted); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
	}
	cursor := out.Cursor
	if cursor == "" {
		cursor = c.meta.Cursor
	}
	if len(out.Changes) > 0 || cursor != c.meta.Cursor {
		for _, ch := range out.Changes {
			c.hlc.Observe(ch.Clock)
		}
		if err := c.local.Pull(ctx, out.Changes, cursor); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		c.meta.Cursor = cursor
		c.dropDeleted(ctx, out.Changes)
	}
	if len(refused) == 0 && c.hlc.Last() == c.meta.Clock {
		return nil
	}
	return c.updateLocked(ctx, func(m *Meta) {
		m.Clock = c.hlc.Last()
		m.Rejected = append(m.Rejected, refused...)
		if n := len(m.Rejected); n > MaxRejected {
			m.Rejected = append([]Rejected(nil), m.Rejected[n-MaxRejected:]...)
		}
	})
}

// uploadPhotos uploads every photo waiting that is not known bad.
func (c *Client) uploadPhotos(ctx context.Context) error {
	pend, err := c.local.PendingBlobs(ctx)
	if err != nil {
		return fmt.Errorf("upload: list photos: %w", err)
	}
	c.mu.Lock()
	todo := pend[:0]
	for _, b := range pend {
		if !c.isBad(b.Hash) {
			todo = append(todo, b)
		}
	}
	c.mu.Unlock()
	for i, b := range todo {
		err := c.upload(ctx, b.Hash, len(todo)-i)
		bad, isBad := As[*badPhoto](err)
		switch {
		case isBad:
			if err := c.update(ctx, func(m *Meta) { m.BadPhotos = append(m.BadPhotos, bad.BadPhoto) }); err != nil {
				return fmt.Errorf("upload: %w", err)
			}
		case err != nil:
			return fmt.Errorf("upload: %w", err)
		default:
			if err := c.local.Uploaded(ctx, b.Hash); err != nil {
				return fmt.Errorf("upload: %w", err)
			}
		}
	}
	if len(todo) > 0 {
		c.progress(Progress{})
	}
	return nil
}

func (c *Client) progress(p Progress) {
	if c.cfg.Progress != nil {
		c.cfg.Progress(p)
	}
}

// upload sends one photo: HEAD to learn what the server holds, then PATCH
// from there, ChunkSize at a time. left counts the photos waiting, this
// one included.
func (c *Client) upload(ctx context.Context, hash string, left int) error {
	data, err := c.local.Blob(ctx, hash)
	if errors.Is(err, ErrNoBlob) {
		return &badPhoto{BadPhoto{Hash: hash, Code: "missing", Message: "the photo's bytes are no longer on this device"}, err}
	}
	if err != nil {
		return fmt.Errorf("read photo %s: %w", hash, err)
	}
	if BlobHash(data) != hash {
		return &badPhoto{BadPhoto{Hash: hash, Code: "corrupt", Message: "the photo's bytes on this device are damaged (their SHA-256 is not the photo's)"}, ErrCorrupt}
	}
	url := c.url("/blobs/" + hash)
	c.mu.Lock()
	auth := "Bearer " + c.meta.Token
	c.mu.Unlock()
	total := int64(len(data))
	off, done, err := c.head(ctx, url, auth)
	if err != nil || done {
		return err
	}
	for stalls, failures := 0, 0; ; {
		c.progress(Progress{Photos: left, Photo: hash, Sent: off, Total: total})
		if off > total {
			return &badPhoto{BadPhoto{Hash: hash, Code: "conflict", Message: fmt.Sprintf("the server holds %d bytes of a photo of %d", off, total)}, ErrConflict}
		}
		end := min(off+int64(c.cfg.ChunkSize), total)
		resp, wait, fail := c.once(ctx, &Request{Method: "PATCH", URL: url, Body: data[off:end], Header: map[string]string{
			"Authorization": auth,
			"Upload-Offset": strconv.FormatInt(off, 10),
			"Upload-Length": strconv.FormatInt(total, 10),
			"Content-Type":  "application/offset+octet-stream",
		}})
		if err := ctx.Err(); err != nil {
			return err
		}
		next := off
		if fail != nil {
			// The server keeps the bytes that reached it before a cut: ask
			// it where to go on rather than send the whole chunk again.
			if failures++; failures >= c.cfg.Attempts {
				return fail
			}
			if err := c.pause(ctx, failures, wait); err != nil {
				return err
			}
			n, done, err := c.head(ctx, url, auth)
			if err != nil || done {
				return err
			}
			if n > off {
				stalls, failures = 0, 0 // only failures without progress count
			}
			off = n
			continue
		}
		switch resp.Status {
		case 200, 204:
			n, ok := uploadOffset(resp)
			if !ok {
				n = end
			}
			if n >= total {
				c.progress(Progress{Photos: left, Photo: hash, Sent: total, Total: total})
				return nil
			}
			next = n
		case 409:
			n, ok := uploadOffset(resp)
			if !ok {
				if n, done, err = c.head(ctx, url, auth); err != nil || done {
					return err
				}
			}
			next = n
		case 413, 422:
			e := apiError(resp)
			code := e.Code
			if code == "" {
				code = "invalid"
			}
			return &badPhoto{BadPhoto{Hash: hash, Code: code, Message: e.Message}, e}
		default:
			return apiError(resp)
		}
		// Progress is the server's offset growing, whoever sent the bytes.
		if next > off {
			stalls, failures = 0, 0
		} else {
			stalls++
		}
		if stalls > 8 {
			return fmt.Errorf("photo %s: %w", hash, &Error{Status: resp.Status, Code: "conflict", Message: "the upload makes no progress: the server's offset keeps moving"})
		}
		off = next
	}
}

// head asks how much of a photo the server holds: done when all of it.
func (c *Client) head(ctx context.Context, url, auth string) (off int64, done bool, err error) {
	resp, err := c.send(ctx, &Request{Method: "HEAD", URL: url, Header: map[string]string{"Authorization": auth}})
	if err != nil {
		return 0, false, err
	}
	switch resp.Status {
	case 200:
		return 0, true, nil
	case 404:
		n, _ := uploadOffset(resp)
		return n, false, nil
	}
	return 0, false, apiError(resp)
}

func uploadOffset(r *Response) (int64, bool) {
	n, err := strconv.ParseInt(r.Header["upload-offset"], 10, 64)
	return n, err == nil && n >= 0
}

// dropDeleted forgets the bytes of the photos that pulled changes deleted
// (an erase), when the Local can and no live photo shares them. It is best
// effort: bytes left over are only hidden.
func (c *Client) dropDeleted(ctx context.Context, pulled []replica.Change) {
	d, ok := c.local.(BlobDropper)
	if !ok {
		return
	}
	var gone []string
	for _, ch := range pulled {
		if ch.Kind != "photo" {
			continue
		}
		for _, one := range ch.Split() {
			if one.Field == "deleted" && string(one.Value) == "true" {
				gone = append(gone, ch.Record)
			}
		}
	}
	if len(gone) == 0 {
		return
	}
	st, err := c.local.State(ctx)
	if err != nil {
		return
	}
	kept := map[string]bool{}
	for _, p := range st.Of("photo") {
		kept[p.String("blob")] = true
	}
	for _, id := range gone {
		if r := st.Record(id); r.Deleted() && r.String("blob") != "" && !kept[r.String("blob")] {
			_ = d.DropBlob(ctx, r.String("blob"))
		}
	}
}
