package client

import (
	"context"
	"errors"

	"carnet/sync/replica"
)

// ErrNoBlob: the local store has no bytes for that hash.
var ErrNoBlob = errors.New("no such blob on this device")

// Meta is what a device keeps about one workshop beside its records.
type Meta struct {
	Workshop    string        `json:"workshop"`
	Server      string        `json:"server,omitempty"` // base URL; empty: same origin
	Participant string        `json:"participant,omitempty"`
	Secret      string        `json:"secret,omitempty"` // device secret, to join again
	JoinCode    string        `json:"join_code,omitempty"`
	Name        string        `json:"name,omitempty"`
	Token       string        `json:"token,omitempty"` // empty until joined
	Facilitator bool          `json:"facilitator,omitempty"`
	Replica     string        `json:"replica"`          // this device's replica id
	Clock       replica.Clock `json:"clock,omitempty"`  // newest clock issued or seen
	Cursor      string        `json:"cursor,omitempty"` // server cursor pulled up to
	// Rejected lists the changes the server refused, newest last, for the
	// UI, until Client.ClearRejected (at most MaxRejected are kept).
	Rejected []Rejected `json:"rejected,omitempty"`
	// BadPhotos lists photos that can never be uploaded (corrupt on the
	// device, refused by the server): Sync skips them.
	BadPhotos []BadPhoto `json:"bad_photos,omitempty"`
	// Synced is when changes were last synced in full, Unix ms; 0: never.
	Synced int64 `json:"synced,omitempty"`
}

// Rejected is a change, or one field of a grouped change, that the server
// refused. It is stored nowhere and no longer shows in the state: the UI
// shows it so that the user can do it again another way.
type Rejected struct {
	Change  replica.Change `json:"change"`          // as it was pushed
	Field   string         `json:"field,omitempty"` // empty: the whole change
	Code    string         `json:"code"`            // "invalid", "forbidden"
	Message string         `json:"message"`
}

// BadPhoto is a photo that Sync gave up uploading, and why.
type BadPhoto struct {
	_       noEq
	Hash    string `json:"hash"`
	Code    string `json:"code"` // "corrupt" (checked on the device), "missing", or the server's code
	Message string `json:"message"`
}

// Pending is a change waiting in the outbox, with its place in it.
type Pending struct {
	Seq    int64
	Change replica.Change
}

// PendingBlob is a photo waiting to be uploaded.
type PendingBlob struct {
	_    noEq
	Hash string
	Size int64
}

// Local is a device's storage for one workshop. Every method commits before
// it returns: once Write returns nil, the change survives a crash or a
// reload. Implementations: Memory (tests, native tools) and app/localdb
// (IndexedDB in the browser); both pass localtest.Run.
//
// The records hold the state as the server confirmed it; the outbox holds
// the device's changes the server has not answered for yet. State shows the
// outbox merged over the records, so that a change the server refuses
// disappears when it is acknowledged, and one it accepts stays.
type Local interface {
	// Meta returns the workshop's meta, or the zero Meta before any save.
	Meta(ctx context.Context) (Meta, error)
	// SaveMeta replaces the meta.
	SaveMeta(ctx context.Context, m Meta) error

	// Write appends changes (single or grouped) to the outbox and stores
	// blobs, photo bytes by SHA-256 (lowercase hex), queued for upload, in
	// one transaction. A blob already queued or uploaded is not queued again.
	Write(ctx context.Context, changes []replica.Change, blobs map[string][]byte) error
	// Outbox returns up to limit pending changes, oldest first (in Seq
	// order; Seq grows with each change written).
	Outbox(ctx context.Context, limit int) ([]Pending, error)
	// Ack removes the pending changes seqs, which the server answered for,
	// and merges into the records the changes it accepted, in one
	// transaction. Unknown seqs are ignored.
	Ack(ctx context.Context, seqs []int64, accepted []replica.Change) error
	// Pull merges changes from the server (single or grouped) into the
	// records and sets Meta.Cursor to cursor, leaving the rest of Meta as
	// it is, in one transaction.
	Pull(ctx context.Context, changes []replica.Change, cursor string) error
	// State returns all records with the outbox merged over them. A
	// pending change whose kind is not its record's is left out.
	State(ctx context.Context) (*replica.State, error)

	// PendingBlobs lists photos not yet uploaded, oldest first.
	PendingBlobs(ctx context.Context) ([]PendingBlob, error)
	// Blob returns the bytes of a photo kept on the device, ErrNoBlob if none.
	Blob(ctx context.Context, hash string) ([]byte, error)
	// Uploaded marks a photo as on the server (its bytes stay on the device).
	Uploaded(ctx context.Context, hash string) error
}

// RecordReader is an optional capability of a Local: reading one record
// (with the outbox merged over it, as State does) without reading all.
// Client.Write uses it to check changes; without it Write reads State.
type RecordReader interface {
	// Record returns the record, or nil when there is none.
	Record(ctx context.Context, id string) (*replica.Record, error)
}

// Counter is an optional capability of a Local: counting what waits
// without reading it. Without it Status reads the outbox.
type Counter interface {
	// Counts returns the number of pending changes and of photos not yet
	// uploaded.
	Counts(ctx context.Context) (changes, blobs int, err error)
}

// BlobDropper is an optional capability of a Local: forgetting a photo's
// bytes, and its upload if it waits. Sync uses it to drop the bytes of
// photos deleted elsewhere (a participant's data erased by the
// facilitator), so that a phone keeps no copy of them.
type BlobDropper interface {
	// DropBlob forgets the bytes of hash; a hash not held is no error.
	DropBlob(ctx context.Context, hash string) error
}
