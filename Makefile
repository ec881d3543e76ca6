# OpenToMentor — make targets (see README.md).
GO ?= go
PKGS := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run demo test test-short test-deploy lint build bench

run:            ## run the platform on its embedded defaults
	$(GO) run ./cmd/opentomentor serve

demo:           ## run it with demo organizations and personas
	$(GO) run ./cmd/opentomentor demo

test:           ## all tests, race detector on; then the browser tests (they need chromium) without it; and the deployment's
	$(GO) test -race -count=1 $(PKGS)
	$(GO) test -count=1 -timeout 20m -run 'TestBrowser' ./cmd/opentomentor
	$(MAKE) test-deploy

test-deploy:    ## the Kubernetes manifests, decoded strictly into the API types (a module of its own)
	cd deploy/k8s && $(GO) vet ./... && $(GO) test -count=1 ./...

test-short:     ## quick tests without the browser and the race detector
	$(GO) test -short -count=1 $(PKGS)

lint:           ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	cd deploy/k8s && $(GO) run $(STATICCHECK) ./...

build:          ## release binary without FerretDB's PostgreSQL handler
	CGO_ENABLED=0 $(GO) build -tags ferretdb_no_postgresql -trimpath -ldflags='-s -w' -o bin/opentomentor ./cmd/opentomentor

bench:          ## benchmarks
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)
