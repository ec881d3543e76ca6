# OpenToMentor — make targets (see README.md).
GO ?= go
PKGS := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run demo test test-short lint build bench

run:            ## run the platform on its embedded defaults
	$(GO) run ./cmd/opentomentor serve

demo:           ## run it with demo organizations and personas
	$(GO) run ./cmd/opentomentor demo

test:           ## all tests, race detector on (browser tests need chromium)
	$(GO) test -race -count=1 $(PKGS)

test-short:     ## quick tests without the browser and the race detector
	$(GO) test -short -count=1 $(PKGS)

lint:           ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

build:          ## release binary without FerretDB's PostgreSQL handler
	CGO_ENABLED=0 $(GO) build -tags ferretdb_no_postgresql -trimpath -ldflags='-s -w' -o bin/opentomentor ./cmd/opentomentor

bench:          ## benchmarks
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)
