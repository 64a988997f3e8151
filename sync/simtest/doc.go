// Package simtest holds the end-to-end properties of Carnet's sync, in its
// tests: simulated phones (client.Client over client.Memory, with skewed
// clocks) syncing through the real server (sync/server over SQLite) on
// loopback, directly or through a proxy that cuts connections after random
// byte counts. Every run logs its seed; CARNET_SEED=<seed> replays it.
package simtest
