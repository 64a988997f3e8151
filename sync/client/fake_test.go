package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"

	"carnet/sync/client"
	"carnet/sync/replica"
)

// fakeServer is the protocol's server in memory, as a Doer: enough of it
// to test the client alone (the real one runs in sync/simtest).
type fakeServer struct {
	t  testing.TB
	mu sync.Mutex

	workshop, joinCode, facToken string
	secrets                      map[string]string // participant -> device secret
	tokens                       map[string]string // token -> participant ("" facilitator)
	state                        *replica.State
	log                          []replica.Change // accepted singles, in store order
	page                         int              // changes a page
	blobs                        map[string][]byte
	complete                     map[string]bool

	// hook, when set, wraps every request: it may answer itself, call
	// next (the server), lose the answer, or change it.
	hook func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error)
	reqs []*client.Request // every request that reached Do, bodies decoded
}

const fakeURL = "http://fake"

func newFakeServer(t testing.TB) *fakeServer {
	return &fakeServer{
		t: t, secrets: map[string]string{}, tokens: map[string]string{}, state: replica.NewState(),
		page: 10000, blobs: map[string][]byte{}, complete: map[string]bool{},
	}
}

func (s *fakeServer) Do(ctx context.Context, r *client.Request) (*client.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body := r.Body
	if r.Header["Content-Encoding"] == "gzip" {
		z, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return status(400, "invalid", "bad gzip"), nil
		}
		if body, err = io.ReadAll(z); err != nil {
			return status(400, "invalid", "bad gzip"), nil
		}
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, &client.Request{Method: r.Method, URL: r.URL, Header: r.Header, Body: body})
	hook := s.hook
	s.mu.Unlock()
	next := func() (*client.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.serve(r, body), nil
	}
	if hook != nil {
		return hook(r, next)
	}
	return next()
}

// requests returns the requests so far whose URL ends with suffix.
func (s *fakeServer) requests(method, suffix string) []*client.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*client.Request
	for _, r := range s.reqs {
		if r.Method == method && strings.HasSuffix(r.URL, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func (s *fakeServer) setHook(h func(r *client.Request, next func() (*client.Response, error)) (*client.Response, error)) {
	s.mu.Lock()
	s.hook = h
	s.mu.Unlock()
}

func status(code int, errCode, msg string) *client.Response {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": errCode, "message": msg}})
	return &client.Response{Status: code, Header: map[string]string{"content-type": "application/json"}, Body: b}
}

func jsonResponse(code int, v any) *client.Response {
	b, _ := json.Marshal(v)
	return &client.Response{Status: code, Header: map[string]string{"content-type": "application/json"}, Body: b}
}

func (s *fakeServer) serve(r *client.Request, body []byte) *client.Response {
	path, ok := strings.CutPrefix(r.URL, fakeURL+"/api/v1/workshops")
	if !ok {
		return status(404, "not_found", "no such path")
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if path == "" {
		if r.Method != "POST" {
			return status(405, "invalid", "method")
		}
		return s.create(body)
	}
	if parts[0] != s.workshop {
		return status(404, "not_found", "no such workshop")
	}
	switch {
	case len(parts) == 2 && parts[1] == "join" && r.Method == "POST":
		return s.join(body)
	case len(parts) == 2 && parts[1] == "sync" && r.Method == "POST":
		p, ok := s.auth(r)
		if !ok {
			return status(401, "unauthorized", "unknown token")
		}
		return s.sync(p, body)
	case len(parts) == 3 && parts[1] == "blobs":
		if _, ok := s.auth(r); !ok {
			return status(401, "unauthorized", "unknown token")
		}
		return s.blob(r, parts[2], body)
	}
	return status(404, "not_found", "no such path")
}

func (s *fakeServer) auth(r *client.Request) (replica.Principal, bool) {
	tok, _ := strings.CutPrefix(r.Header["Authorization"], "Bearer ")
	p, ok := s.tokens[tok]
	if !ok {
		return replica.Principal{}, false
	}
	return replica.Principal{Participant: p, Facilitator: p == ""}, true
}

func (s *fakeServer) store(changes []replica.Change) {
	for _, c := range changes {
		for _, one := range c.Split() {
			if _, err := s.state.Apply(one); err == nil {
				s.log = append(s.log, one)
			}
		}
	}
}

func (s *fakeServer) create(body []byte) *client.Response {
	var req struct{ Title string }
	if err := json.Unmarshal(body, &req); err != nil {
		return status(400, "invalid", err.Error())
	}
	if s.workshop != "" {
		return status(429, "rate_limited", "one workshop a fake")
	}
	s.workshop, s.joinCode, s.facToken = client.NewID(), "PORT-42", "fac-"+client.NewSecret()
	s.tokens[s.facToken] = ""
	title, _ := json.Marshal(req.Title)
	s.store([]replica.Change{{Record: s.workshop, Kind: "workshop", Field: "title", Value: title, Clock: replica.MakeClock(1, 0, s.workshop)}})
	return jsonResponse(201, map[string]string{"workshop": s.workshop, "facilitator_token": s.facToken, "join_code": s.joinCode})
}

func (s *fakeServer) join(body []byte) *client.Response {
	var req struct {
		JoinCode     string `json:"join_code"`
		Participant  string `json:"participant"`
		DeviceSecret string `json:"device_secret"`
		Name         string `json:"name"`
	}
	if err := json.Unmarshal(body, &req); err != nil || !replica.IsID(req.Participant) || len(req.DeviceSecret) < 22 {
		return status(400, "invalid", "bad join")
	}
	if req.JoinCode != s.joinCode {
		return status(403, "forbidden", "wrong join code")
	}
	if sec, ok := s.secrets[req.Participant]; ok && sec != req.DeviceSecret {
		return status(409, "conflict", "another device secret")
	}
	tok := "p-" + req.Participant + "-" + req.DeviceSecret[:4]
	if _, ok := s.secrets[req.Participant]; !ok {
		s.secrets[req.Participant] = req.DeviceSecret
		s.tokens[tok] = req.Participant
		name, _ := json.Marshal(req.Name)
		s.store([]replica.Change{{Record: req.Participant, Kind: "participant", Field: "name", Value: name, Clock: replica.MakeClock(2, 0, s.workshop)}})
	}
	return jsonResponse(200, map[string]string{"token": tok})
}

func (s *fakeServer) sync(p replica.Principal, body []byte) *client.Response {
	var req struct {
		Replica string            `json:"replica"`
		Since   string            `json:"since"`
		Changes []json.RawMessage `json:"changes"`
		Grouped bool              `json:"grouped"`
	}
	if err := json.Unmarshal(body, &req); err != nil || !replica.IsID(req.Replica) {
		return status(400, "invalid", "bad sync request")
	}
	since := 0
	if req.Since != "" {
		var err error
		if since, err = strconv.Atoi(req.Since); err != nil || since < 0 || since > len(s.log) {
			return status(400, "invalid", "bad cursor")
		}
	}
	changes, at, rejected := replica.DecodeChanges(req.Changes)
	accepted, rej, err := replica.CheckBatch(p, changes, func(id string) (*replica.Record, error) {
		if r := s.state.Record(id); r != nil {
			return r.Clone(), nil
		}
		return nil, nil
	})
	if err != nil {
		return status(500, "internal", err.Error())
	}
	for _, r := range rej {
		r.Index = at[r.Index]
		rejected = append(rejected, r)
	}
	s.store(accepted)
	end := min(since+s.page, len(s.log))
	page := append([]replica.Change(nil), s.log[since:end]...)
	if req.Grouped {
		page = replica.Group(page)
	}
	out := map[string]any{"cursor": strconv.Itoa(end), "changes": page, "more": end < len(s.log)}
	if len(rejected) > 0 {
		out["rejected"] = rejected
	}
	return jsonResponse(200, out)
}

func (s *fakeServer) blob(r *client.Request, hash string, body []byte) *client.Response {
	held := int64(len(s.blobs[hash]))
	off := func() map[string]string { return map[string]string{"upload-offset": strconv.FormatInt(held, 10)} }
	switch r.Method {
	case "HEAD":
		if s.complete[hash] {
			return &client.Response{Status: 200, Header: map[string]string{"content-length": strconv.FormatInt(held, 10)}}
		}
		return &client.Response{Status: 404, Header: off()}
	case "PATCH":
		if s.complete[hash] {
			return &client.Response{Status: 204, Header: off()}
		}
		o, err1 := strconv.ParseInt(r.Header["Upload-Offset"], 10, 64)
		total, err2 := strconv.ParseInt(r.Header["Upload-Length"], 10, 64)
		if err1 != nil || err2 != nil || r.Header["Content-Type"] != "application/offset+octet-stream" {
			return status(400, "invalid", "bad upload headers")
		}
		if o != held {
			resp := status(409, "conflict", "offset")
			resp.Header["upload-offset"] = strconv.FormatInt(held, 10)
			return resp
		}
		if total > 20<<20 {
			return status(413, "too_large", "too big")
		}
		s.blobs[hash] = append(s.blobs[hash], body...)
		held = int64(len(s.blobs[hash]))
		if held >= total {
			data := s.blobs[hash]
			if client.BlobHash(data) != hash || !bytes.HasPrefix(data, []byte("\xff\xd8\xff")) {
				delete(s.blobs, hash)
				return status(422, "invalid", "not a JPEG with that hash")
			}
			s.complete[hash] = true
		}
		return &client.Response{Status: 204, Header: off()}
	}
	return status(405, "invalid", "method")
}
