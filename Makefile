# Waypost build targets. `make test` is the test command CI runs.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s

.PHONY: build test test-race lint bench fmt tidy-check

build:
	CGO_ENABLED=0 $(GO) build -o bin/waypost ./cmd/waypost

test:
	$(GO) test -count=1 $(PKGS)

test-race:
	$(GO) test -race -count=1 $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool -modfile=tools/go.mod staticcheck $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy-check:
	$(GO) mod tidy -diff
