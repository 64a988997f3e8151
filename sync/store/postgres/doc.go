// Package postgres is the shared store of the sync server: a store.Store in
// a PostgreSQL database (pgx, through a pgxpool.Pool), for any number of
// stateless `carnet serve` behind a load balancer. It also implements
// store.Watcher: each server hears, through LISTEN/NOTIFY, of the writes
// the others make, and relays them to its event streams.
//
// The schema is versioned in the table carnet_schema and migrated forward
// by Open, under an advisory lock so that servers started together migrate
// once. Records are kept merged, one row per (workshop, record, field) with
// its winning value (bytea: the exact JSON bytes, compared byte by byte),
// clock (text in the "C" collation) and seq: the per-workshop sequence
// number of the write that made it win, which is what a cursor counts. The
// merge rule (replica.Wins) runs inside the upsert, so a change that loses
// writes nothing.
//
// Every write that moves a workshop's cursor runs in one transaction that
// first locks the workshop's row (SELECT ... FOR NO KEY UPDATE): writers
// of one workshop, on any server, run one after the other, and the cursor
// they publish never goes backwards. The same transaction sends
// NOTIFY carnet_cursor, '<workshop> <cursor>', delivered to every listener
// when it commits.
//
// Blobs are kept in the database too (bytea, stored uncompressed: photos
// are compressed already), by workshop and hash; a partial upload keeps its
// writes as parts, so that it resumes after a restart or on another
// server, until CompleteBlob assembles them.
//
// The tests run against a real PostgreSQL: see the pgtest package.
package postgres
