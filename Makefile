# odoo-mcpd build and test entry points. `make test` is what CI runs.
GO        ?= go
BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/odoo-mcpd/odoo-mcpd/daemon.Version=$(VERSION) -X main.version=$(VERSION)
TESTFLAGS ?= -race -count=1 -timeout 25m

.PHONY: all build demo test deps lint vet staticcheck fmt-check bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

demo:
	$(GO) run ./cmd/odoo-mcpd -demo

deps:
	./.ci/deps

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck: deps
	$(BIN)/staticcheck ./...

lint: fmt-check vet staticcheck

# The tenant suite runs a second time with the simulator on Odoo 19 over
# JSON-2, so every tool test covers both protocols.
test: deps lint
	$(GO) test $(TESTFLAGS) ./...
	ODOO_TEST_PROTOCOL=json2 $(GO) test $(TESTFLAGS) ./tenant/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN) dist
