# Switchboard — build, run and test. Needs only Go (see go.mod for the version).
#
#   make run            build and start the PBX (data under ./data, https://localhost:8443/)
#   make test           every test (unit, simulator scenarios; MySQL ones when
#                       SWITCHBOARD_TEST_MYSQL_DSN is set), race detector on the
#                       concurrent packages
#   make test-asterisk  the scenario tests against a real Asterisk 22
#                       (SWITCHBOARD_ASTERISK=/path/to/sbin/asterisk)
#   make bench          benchmarks
#   make lint           gofmt + go vet
#   make build          ./bin/switchboard

GO       ?= go
BIN      ?= bin/switchboard
DATA_DIR ?= ./data
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
LDFLAGS  := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# The race detector costs 5-10x CPU; on a 2-core box it runs only where
# goroutines meet: the ARI client and call core, the simulator, the portal,
# the binary's lifecycle and the clock. The rest runs without it.
RACE_PKGS ?= $(shell $(GO) list ./ari/... ./integration/sim/... ./portal/... ./cmd/... ./internal/... 2>/dev/null)
TEST_TIMEOUT ?= 10m

.PHONY: run build test test-race test-asterisk bench lint clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/switchboard

run: build
	./$(BIN) serve -data_dir $(DATA_DIR)

test:
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) --no-print-directory test-race

# -race needs cgo and a C compiler; without them it says so and is skipped.
test-race:
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1; then \
		echo "$(GO) test -race -timeout $(TEST_TIMEOUT) <concurrent packages>"; \
		$(GO) test -race -timeout $(TEST_TIMEOUT) $(RACE_PKGS); \
	else \
		echo "make test-race: skipped, the race detector needs cgo and a C compiler (apt-get install gcc)"; \
	fi

test-asterisk:
	@if [ -z "$$SWITCHBOARD_ASTERISK" ]; then \
		echo "make test-asterisk: set SWITCHBOARD_ASTERISK to an Asterisk 22 binary, e.g."; \
		echo "  SWITCHBOARD_ASTERISK=/usr/sbin/asterisk make test-asterisk"; \
		exit 2; \
	fi
	@if [ ! -x "$$SWITCHBOARD_ASTERISK" ]; then \
		echo "make test-asterisk: SWITCHBOARD_ASTERISK=$$SWITCHBOARD_ASTERISK is not an executable file"; \
		exit 2; \
	fi
	$(GO) test -count=1 -timeout 30m ./integration/... ./asterisk-conf/... ./provision/... ./ari/feature/... ./ari/ami/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 20m ./...

lint:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin
