// Package server is Carnet's sync server: the HTTP side of PROTOCOL.md
// (create, join, sync, resumable photo blobs, server-sent events, exports),
// with its tokens, rights, limits and compression.
//
// A Server is an http.Handler. It serves /api/v1/... from a store.Store and
// hands every other path to the app's handler. It keeps no state of its own
// beyond caches, rate limits and live event streams, so that several servers
// can share one store (PostgreSQL) when the store implements store.Watcher.
//
// Tokens are not stored: they are derived from each workshop's secret with
// HMAC-SHA256, so a token opens one workshop only and names who holds it.
package server
