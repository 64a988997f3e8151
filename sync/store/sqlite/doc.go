// Package sqlite is the embedded store of the sync server: a store.Store in
// one SQLite file (modernc.org/sqlite, pure Go, through database/sql), the
// default of `carnet serve`.
//
// The file is in WAL mode with synchronous=FULL, foreign keys on and a busy
// timeout. Every write runs in one BEGIN IMMEDIATE transaction on a single
// writer connection; reads run on a small pool of other connections at the
// same time. The schema is versioned with PRAGMA user_version and migrated
// forward by Open.
//
// Records are kept merged, one row per (workshop, record, field) with its
// winning value, clock and seq: the per-workshop sequence number of the write
// that made it win, which is what a cursor counts. The merge rule
// (replica.Wins) runs inside the upsert, so a change that loses writes
// nothing. Blobs are kept in the database too, by workshop and hash; a
// partial upload keeps its writes as parts until CompleteBlob assembles them.
package sqlite
