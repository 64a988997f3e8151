// Package client is the device side of Carnet's sync protocol
// (../shared/PROTOCOL.md, version 1): a Client keeps one workshop on one
// device, stamps the device's changes with its hybrid logical clock,
// commits them to the device's storage before saying they are saved, and
// syncs them through the server: join, push and pull rounds, resumable
// photo uploads, retries with backoff.
//
// It talks to storage through Local (Memory here; IndexedDB in
// app/localdb) and to the network through Doer (NetHTTP natively;
// window.fetch in the browser, Fetch), so that it builds for js/wasm
// without net/http. localtest holds the conformance suite every Local
// passes.
package client
