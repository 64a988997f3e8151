# Carnet: `make run` serves the app on http://localhost:8080, `make test`
# runs every test. `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Flags of `make run`: `make run RUNFLAGS='--addr 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem'`.
RUNFLAGS ?= --addr 127.0.0.1:8080 --data ./data --web ./web
# How long `make test` fuzzes each fuzz target.
FUZZTIME ?= 10s
# Extra flags for the native tests, e.g. TESTFLAGS=-short or TESTFLAGS='-run TestServe'.
TESTFLAGS ?=
BENCHFLAGS ?= -run='^$$' -bench=. -benchmem

WASM_ENV := GOOS=js GOARCH=wasm
# No inlining in Carnet's own packages: hundreds of inlined copies of small
# UI helpers cost about 37 KB of gzip in app.wasm, and its budget is 1.25x
# a go-app hello world. go-app and the standard library build as usual.
WASM_FLAGS := -trimpath -ldflags="-s -w" -gcflags='carnet/...=-l'
# go_js_wasm_exec, which runs wasm test binaries with Node.js.
WASM_PATH = $(shell $(GO) env GOROOT)/lib/wasm:$(PATH)

.PHONY: help run build server wasm test vet test-native test-wasm fuzz bench clean

help: ## list the targets
	@echo 'Usage: make <target>'
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: build ## build everything and serve on http://localhost:8080 with ./data
	./bin/carnet serve $(RUNFLAGS)

build: wasm server ## build the wasm app (web/app.wasm) and the server (bin/carnet)

server: ## build the server into bin/carnet
	$(GO) build -trimpath -ldflags="-X main.version=$(VERSION)" -o bin/carnet ./cmd/carnet

# The wasm is built into bin/ and replaces web/app.wasm only when it
# changed, so that an unchanged app is not compressed again.
wasm: ## build the app into web/app.wasm, precompressed (.gz, .zst)
	@if [ ! -d cmd/carnet-app ]; then \
		echo 'wasm: no cmd/carnet-app yet: the server will serve its plain page'; \
		exit 0; \
	fi; \
	mkdir -p bin; \
	echo "$(WASM_ENV) $(GO) build $(WASM_FLAGS) -o web/app.wasm ./cmd/carnet-app"; \
	$(WASM_ENV) $(GO) build $(WASM_FLAGS) -o bin/app.wasm.new ./cmd/carnet-app; \
	if cmp -s bin/app.wasm.new web/app.wasm; then rm bin/app.wasm.new; else mv bin/app.wasm.new web/app.wasm; fi; \
	if [ -d cmd/wasmpack ] && ! [ web/app.wasm.gz -nt web/app.wasm -a web/app.wasm.zst -nt web/app.wasm ]; then \
		echo '$(GO) run ./cmd/wasmpack -dir web'; \
		$(GO) run ./cmd/wasmpack -dir web; \
	fi

test: wasm vet test-native test-wasm fuzz ## build the app, vet, run every test with -race, the wasm tests, brief fuzzing

vet: ## go vet, natively and for js/wasm
	$(GO) vet ./...
	@if [ -d cmd/carnet-app ]; then \
		pkgs=$$($(WASM_ENV) $(GO) list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' ./cmd/carnet-app | grep '^carnet/' || true); \
		echo "$(WASM_ENV) $(GO) vet" $$pkgs; \
		$(WASM_ENV) $(GO) vet $$pkgs; \
	fi

# The browser tests use the web/ that `make wasm` just built, and say so
# loudly here when they will skip for want of Chromium.
test-native: ## go test -race -count=1 ./... (browser tests need web/app.wasm: make wasm)
	@if [ -z "$${CARNET_CHROMIUM:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then \
		echo '*****************************************************************'; \
		echo '*** No Chromium found: the browser tests (app/e2e) will SKIP. ***'; \
		echo '*** apt-get install chromium, or set CARNET_CHROMIUM.          ***'; \
		echo '*****************************************************************'; \
	fi
	CARNET_E2E_WEB=$(CURDIR)/web $(GO) test -race -count=1 $(TESTFLAGS) ./...

# A package has wasm-side tests when one of its test files builds only for
# js/wasm: a `//go:build js && wasm` line (or js, or wasm alone), or a name
# ending in _js_test.go or _wasm_test.go.
test-wasm: ## run the wasm-side tests under Node.js (go_js_wasm_exec)
	@pkgs=$$( { grep -rlE --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata \
			'^//go:build +(js|wasm|js *&& *wasm|wasm *&& *js) *$$' . || true; \
		find . -path ./.git -prune -o \( -name '*_js_test.go' -o -name '*_wasm_test.go' \) -print; } \
		| xargs -r -n1 dirname | sort -u); \
	if [ -z "$$pkgs" ]; then echo 'test-wasm: no package has wasm-side tests'; exit 0; fi; \
	echo "$(WASM_ENV) $(GO) test -count=1" $$pkgs; \
	PATH="$(WASM_PATH)" $(WASM_ENV) $(GO) test -count=1 $$pkgs

fuzz: ## fuzz each fuzz target for FUZZTIME (10s)
	@files=$$(grep -rl --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata '^func Fuzz' . || true); \
	if [ -z "$$files" ]; then echo 'fuzz: no fuzz targets'; exit 0; fi; \
	for f in $$files; do \
		dir=$$(dirname $$f); \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "$(GO) test -run='^\$$' -fuzz='^$$name\$$' -fuzztime=$(FUZZTIME) $$dir"; \
			$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$dir; \
		done; \
	done

bench: wasm ## run the benchmarks and write docs/benchmarks.md (raw output: docs/bench-raw.txt)
	GO=$(GO) $(GO) run ./cmd/benchreport

clean: ## remove what the build makes (bin/, web/app.wasm*); ./data is kept
	rm -rf bin web/app.wasm web/app.wasm.gz web/app.wasm.zst
