package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"carnet/sync/replica"
)

// Defaults of Config.
const (
	DefaultAttempts   = 6
	DefaultBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	DefaultPushBytes  = 5 << 10   // JSON bytes of changes a push: a cut re-sends under 2 KB
	DefaultChunkSize  = 256 << 10 // bytes of photo a PATCH
	// MaxRejected is how many refused changes Meta.Rejected keeps.
	MaxRejected = 200
)

// Config says how a Client reaches the device's storage and the network.
// Local and Doer are required; every other field has a default.
type Config struct {
	Local Local
	// Doer sends requests: NetHTTP natively, window.fetch in the browser.
	Doer Doer
	// Now is the wall clock; nil means time.Now. Tests skew it.
	Now func() time.Time
	// Sleep waits between retries and returns ctx's error when ctx ends
	// first; nil means a timer. Tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Attempts is how many times a request is tried when no answer comes,
	// or a 429 or 5xx, before Sync gives up.
	Attempts int
	// Backoff is the wait after the first failure, doubled after each
	// next one up to MaxBackoff; the upper half of it is drawn at random.
	Backoff, MaxBackoff time.Duration
	// PushBytes is how many bytes of JSON changes one push carries (at
	// least one change): what a connection cut makes Sync send again.
	PushBytes int
	// ChunkSize is how many bytes of a photo one PATCH carries.
	ChunkSize int
	// Progress, when set, is called by Sync as changes and photos go out.
	// It runs on Sync's goroutine, with no lock held: it must return
	// quickly and may call Status.
	Progress func(Progress)
}

func (cfg *Config) fill() error {
	if cfg.Local == nil || cfg.Doer == nil {
		return fmt.Errorf("client: Config needs a Local and a Doer")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.Backoff)
	if cfg.PushBytes <= 0 {
		cfg.PushBytes = DefaultPushBytes
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = DefaultChunkSize
	}
	return nil
}

// Progress is what Sync reports as it goes, for a progress bar.
type Progress struct {
	_       noEq
	Changes int // changes still waiting to be pushed
	Photos  int // photos still waiting, the one uploading included
	// The photo uploading now: its hash, the bytes the server holds, and
	// its size. Empty and zero between photos.
	Photo       string
	Sent, Total int64
}

// Status is what the UI shows about syncing.
type Status struct {
	Joined    bool       // false while the join waits for the network
	Changes   int        // changes waiting to be pushed
	Photos    int        // photos waiting to be uploaded (bad ones not counted)
	BadPhotos []BadPhoto // photos that will not be uploaded, and why
	Rejected  []Rejected // changes the server refused, until ClearRejected
	Syncing   bool
	// Err is the last Sync's error, nil once a Sync succeeds; check it
	// with errors.Is (ErrNetwork, ErrUnauthorized...). Reason says it in
	// words.
	Err    error
	Reason string
	Synced time.Time // when changes were last synced in full; zero: never
}

// Invite is what joining a workshop takes. A second phone of the same
// person also gets Participant and Secret from the first (Client.Invite),
// so that both write as one participant.
type Invite struct {
	_           noEq
	Server      string // base URL; empty: same origin
	Workshop    string
	JoinCode    string
	Name        string
	Participant string // empty: a new participant
	Secret      string // with Participant
}

// NewWorkshop is what creating a workshop takes.
type NewWorkshop struct {
	_        noEq
	Title    string
	Template string // a template id, or empty for a blank workshop
	Locale   string
	// OrganizerKey is sent as the bearer token when the server needs one.
	OrganizerKey string
}

// Client syncs one workshop on one device: it stamps and keeps the
// device's changes, pushes them and pulls the others' through the server,
// and uploads photos. Its methods are safe for concurrent use; one Sync
// runs at a time, and Write does not wait for it.
type Client struct {
	cfg   Config
	local Local
	doer  Doer

	syncMu sync.Mutex // one Sync at a time

	mu      sync.Mutex // guards what follows; never held across the network
	meta    Meta
	hlc     *replica.HLC
	syncing bool
	lastErr error
	// offset is the server's clock minus this device's, from the last
	// sync answer that said the server's time (known); see ServerOffset.
	offset time.Duration
	known  bool
}

// Open returns a client for the workshop kept in cfg.Local, ErrNoWorkshop
// when it holds none.
func Open(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	m, err := cfg.Local.Meta(ctx)
	if err != nil {
		return nil, fmt.Errorf("open: read meta: %w", err)
	}
	if m.Workshop == "" {
		return nil, ErrNoWorkshop
	}
	if !replica.IsID(m.Replica) {
		m.Replica = NewID()
		if err := cfg.Local.SaveMeta(ctx, m); err != nil {
			return nil, fmt.Errorf("open: save meta: %w", err)
		}
	}
	return newClient(cfg, m), nil
}

func newClient(cfg Config, m Meta) *Client {
	c := &Client{cfg: cfg, local: cfg.Local, doer: cfg.Doer, meta: m}
	now := cfg.Now
	c.hlc = replica.NewHLC(m.Replica, func() int64 { return now().UnixMilli() })
	c.hlc.Observe(m.Clock)
	return c
}

// Create creates a workshop on the server at server (a base URL, empty for
// the same origin) and returns its facilitator's client. It needs the
// network; it fails with ErrNoWorkshop when cfg.Local already holds a
// workshop, and with the server's *Error (ErrUnauthorized for a wrong
// organizer key, ErrRateLimited...).
func Create(ctx context.Context, cfg Config, server string, w NewWorkshop) (*Client, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	m, err := cfg.Local.Meta(ctx)
	if err != nil {
		return nil, fmt.Errorf("create: read meta: %w", err)
	}
	if m.Workshop != "" {
		return nil, fmt.Errorf("create: %w: this store holds workshop %s", ErrNoWorkshop, m.Workshop)
	}
	c := newClient(cfg, Meta{Server: server, Replica: NewID()})
	req, err := jsonRequest(c.url(""), w.OrganizerKey, createRequest{Title: w.Title, Template: w.Template, Locale: w.Locale})
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	var out createResponse
	if err := decode(resp, 201, &out); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	if !replica.IsID(out.Workshop) || out.FacilitatorToken == "" {
		return nil, fmt.Errorf("create: %w", &Error{Status: resp.Status, Code: "invalid", Message: "the server's answer has no workshop id or token"})
	}
	c.meta.Workshop, c.meta.Token, c.meta.JoinCode, c.meta.Facilitator = out.Workshop, out.FacilitatorToken, out.JoinCode, true
	if err := c.local.SaveMeta(ctx, c.meta); err != nil {
		return nil, fmt.Errorf("create: save meta: %w", err)
	}
	return c, nil
}

// Join keeps inv in cfg.Local and returns the participant's client. It
// needs no network: the device can write at once, and the join call runs
// at the first Sync (again after a lost answer, with the same participant
// and secret, so the same token). When cfg.Local already holds inv's
// workshop it opens it; another workshop is ErrNoWorkshop.
func Join(ctx context.Context, cfg Config, inv Invite) (*Client, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	switch {
	case !replica.IsID(inv.Workshop):
		return nil, fmt.Errorf("join: %w", &Error{Code: "invalid", Message: "the workshop id must be a lowercase UUID"})
	case inv.JoinCode == "":
		return nil, fmt.Errorf("join: %w", &Error{Code: "invalid", Message: "a join code is needed"})
	case inv.Participant != "" && (!replica.IsID(inv.Participant) || len(inv.Secret) < 22 || len(inv.Secret) > 128):
		return nil, fmt.Errorf("join: %w", &Error{Code: "invalid", Message: "a participant id comes with its device secret of 22 to 128 characters"})
	}
	m, err := cfg.Local.Meta(ctx)
	if err != nil {
		return nil, fmt.Errorf("join: read meta: %w", err)
	}
	if m.Workshop == inv.Workshop {
		return Open(ctx, cfg)
	}
	if m.Workshop != "" {
		return nil, fmt.Errorf("join: %w: this store holds workshop %s", ErrNoWorkshop, m.Workshop)
	}
	m = Meta{
		Workshop: inv.Workshop, Server: inv.Server, JoinCode: inv.JoinCode, Name: inv.Name,
		Participant: inv.Participant, Secret: inv.Secret, Replica: NewID(),
	}
	if m.Participant == "" {
		m.Participant, m.Secret = NewID(), NewSecret()
	}
	if err := cfg.Local.SaveMeta(ctx, m); err != nil {
		return nil, fmt.Errorf("join: save meta: %w", err)
	}
	return newClient(cfg, m), nil
}

// Meta returns a copy of the workshop's meta: ids, token, cursor.
func (c *Client) Meta() Meta {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cloneMeta(c.meta)
}

// Invite returns what another device needs to join: for a participant,
// with its participant id and secret, so that the other device is the
// same person (show it to that person only); for the facilitator, the
// workshop and join code to show to everyone.
func (c *Client) Invite() Invite {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Invite{Server: c.meta.Server, Workshop: c.meta.Workshop, JoinCode: c.meta.JoinCode,
		Name: c.meta.Name, Participant: c.meta.Participant, Secret: c.meta.Secret}
}

// Write stamps changes with new clocks of this device (one per change; a
// grouped change sets all its fields at its clock), checks them against
// the local state with the rules the server applies, and commits them to
// the outbox before returning them as stored. A change that breaks a rule
// fails the whole Write with an *Error (ErrInvalid, ErrForbidden) and
// nothing is stored. Any clock the changes carry is replaced.
func (c *Client) Write(ctx context.Context, changes ...replica.Change) ([]replica.Change, error) {
	return c.write(ctx, changes, nil)
}

// WritePhoto keeps a photo's bytes on the device, queued for upload, and
// writes photo, a change of kind "photo", with its fields "blob" (the
// bytes' BlobHash) and "bytes" (their size) set, in one transaction. It
// returns the change as stored.
func (c *Client) WritePhoto(ctx context.Context, data []byte, photo replica.Change) (replica.Change, error) {
	if photo.Kind != "photo" {
		return replica.Change{}, &Error{Code: "invalid", Message: "WritePhoto takes a change of kind photo"}
	}
	hash := BlobHash(data)
	fields := make(map[string]json.RawMessage, len(photo.Fields)+3)
	for k, v := range photo.Fields {
		fields[k] = v
	}
	if photo.Field != "" {
		fields[photo.Field] = photo.Value
	}
	fields["blob"] = json.RawMessage(strconv.Quote(hash))
	fields["bytes"] = json.RawMessage(strconv.Itoa(len(data)))
	photo.Field, photo.Value, photo.Fields = "", nil, fields
	out, err := c.write(ctx, []replica.Change{photo}, map[string][]byte{hash: data})
	if err != nil {
		return replica.Change{}, err
	}
	return out[0], nil
}

func (c *Client) write(ctx context.Context, changes []replica.Change, blobs map[string][]byte) ([]replica.Change, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	stamped := make([]replica.Change, len(changes))
	for i, ch := range changes {
		ch = cloneChange(ch)
		ch.Clock = c.hlc.Next()
		stamped[i] = ch
	}
	accepted, rejected, err := replica.CheckBatch(c.principal(), stamped, c.lookup(ctx))
	if err != nil {
		return nil, fmt.Errorf("write: read local records: %w", err)
	}
	if len(rejected) > 0 {
		r := rejected[0]
		msg := r.Message
		if len(changes) > 1 {
			msg = fmt.Sprintf("change %d: %s", r.Index, msg)
		}
		return nil, &Error{Code: r.Code, Message: msg}
	}
	out := replica.Group(accepted)
	m := c.meta
	m.Clock = c.hlc.Last()
	if err := c.local.SaveMeta(ctx, m); err != nil {
		return nil, fmt.Errorf("write: save clock: %w", err)
	}
	c.meta = m
	if err := c.local.Write(ctx, out, blobs); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return out, nil
}

// principal is who this device writes as. c.mu is held.
func (c *Client) principal() replica.Principal {
	if c.meta.Facilitator {
		return replica.Principal{Facilitator: true}
	}
	return replica.Principal{Participant: c.meta.Participant}
}

// lookup reads records for CheckBatch: one by one when the Local can,
// else from its whole state, read once.
func (c *Client) lookup(ctx context.Context) replica.Lookup {
	if rr, ok := c.local.(RecordReader); ok {
		return func(id string) (*replica.Record, error) { return rr.Record(ctx, id) }
	}
	var st *replica.State
	return func(id string) (*replica.Record, error) {
		if st == nil {
			s, err := c.local.State(ctx)
			if err != nil {
				return nil, err
			}
			st = s
		}
		return st.Record(id), nil
	}
}

// State returns the workshop as this device sees it: what the server
// confirmed, with the device's pending changes over it.
func (c *Client) State(ctx context.Context) (*replica.State, error) {
	return c.local.State(ctx)
}

// Status returns what waits and how the last Sync went.
func (c *Client) Status(ctx context.Context) (Status, error) {
	changes, photos, err := c.waiting(ctx)
	if err != nil {
		return Status{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := cloneMeta(c.meta)
	s := Status{
		Joined: m.Token != "" || m.Facilitator, Changes: changes, Photos: photos,
		BadPhotos: m.BadPhotos, Rejected: m.Rejected, Syncing: c.syncing, Err: c.lastErr,
	}
	if s.Err != nil {
		s.Reason = s.Err.Error()
	}
	if m.Synced > 0 {
		s.Synced = time.UnixMilli(m.Synced)
	}
	return s, nil
}

// waiting counts the changes and the photos waiting, bad photos (which
// stay queued in Local) left out.
func (c *Client) waiting(ctx context.Context) (changes, photos int, err error) {
	if ct, ok := c.local.(Counter); ok {
		changes, photos, err = ct.Counts(ctx)
	} else {
		var out []Pending
		var pb []PendingBlob
		if out, err = c.local.Outbox(ctx, 1<<30); err == nil {
			pb, err = c.local.PendingBlobs(ctx)
		}
		changes, photos = len(out), len(pb)
	}
	if err != nil {
		return 0, 0, err
	}
	c.mu.Lock()
	photos = max(0, photos-len(c.meta.BadPhotos))
	c.mu.Unlock()
	return changes, photos, nil
}

// isBad reports whether Sync gave up on a photo. c.mu is held.
func (c *Client) isBad(hash string) bool {
	for _, b := range c.meta.BadPhotos {
		if b.Hash == hash {
			return true
		}
	}
	return false
}

// ClearRejected forgets the refused changes, once the UI showed them.
func (c *Client) ClearRejected(ctx context.Context) error {
	return c.update(ctx, func(m *Meta) { m.Rejected = nil })
}

// RetryPhotos makes the next Sync try the bad photos again.
func (c *Client) RetryPhotos(ctx context.Context) error {
	return c.update(ctx, func(m *Meta) { m.BadPhotos = nil })
}

// update changes the meta and saves it.
func (c *Client) update(ctx context.Context, fn func(m *Meta)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.updateLocked(ctx, fn)
}

func (c *Client) updateLocked(ctx context.Context, fn func(m *Meta)) error {
	m := cloneMeta(c.meta)
	fn(&m)
	if err := c.local.SaveMeta(ctx, m); err != nil {
		return fmt.Errorf("save meta: %w", err)
	}
	c.meta = m
	return nil
}

// url returns the API URL of path under the workshop ("" for the
// workshops collection).
func (c *Client) url(path string) string {
	c.mu.Lock()
	server, w := c.meta.Server, c.meta.Workshop
	c.mu.Unlock()
	u := strings.TrimRight(server, "/") + "/api/v1/workshops"
	if w != "" {
		u += "/" + w
	}
	return u + path
}

// ServerOffset returns how far the server's clock is ahead of this
// device's (negative when behind), as the last sync measured it, and
// whether a sync measured it yet. Device time plus the offset is the
// server's time within about half a round trip: the time that shared
// timers use, so that every device shows the same remaining time
// whatever its own clock says.
func (c *Client) ServerOffset() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset, c.known
}

// maxRoundTrip is the longest round trip whose answer still sets the
// offset: beyond it the server's time is too blurred to be worth it.
const maxRoundTrip = 10 * time.Second

// serverTime notes the server's clock, now (Unix ms, 0 when the server
// does not say), from an answer to a request sent at sent: the server
// read its clock about halfway through the round trip.
func (c *Client) serverTime(sent time.Time, now int64) {
	got := c.cfg.Now()
	rtt := got.Sub(sent)
	if now <= 0 || rtt < 0 || rtt > maxRoundTrip {
		return
	}
	mid := sent.Add(rtt / 2)
	c.mu.Lock()
	c.offset, c.known = time.UnixMilli(now).Sub(mid), true
	c.mu.Unlock()
}
