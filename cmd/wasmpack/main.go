// Command wasmpack precompresses the built app for app/pwa, which serves
// app.wasm by Accept-Encoding: it writes app.wasm.gz (gzip -9) and
// app.wasm.zst (zstd, best compression, 8 MiB window, which browsers
// accept) next to app.wasm, and prints the three sizes.
//
//	go run ./cmd/wasmpack [-dir web]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"carnet/app/pwa/pack"
)

func main() {
	dir := flag.String("dir", "web", "`folder` holding app.wasm")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: wasmpack [-dir web]")
		os.Exit(2)
	}
	s, err := pack.Precompress(filepath.Join(*dir, "app.wasm"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmpack:", err)
		os.Exit(1)
	}
	fmt.Printf("app.wasm %s raw, %s gzip, %s zstd\n", mb(s.Raw), mb(s.Gzip), mb(s.Zstd))
}

func mb(n int) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
