package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/api"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/bleve"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// harness is the platform's HTTP server over a fresh test database, listening
// on a loopback port, with its services built by package platform as in
// production.
type harness struct {
	URL string
	*platform.Services
	IDs    *identity.Service // = Identity
	Srv    *api.Server
	Idx    search.Index // = Search
	Faults *faultyIndex // = Idx
	Log    *audit.Log   // = Audit
	DB     *mongo.Database
}

type apiConfig = api.Config

type harnessOption func(*identity.Config, *apiConfig)

// newHarness starts a server whose identity providers are built by providers
// once the server's base URL is known.
func newHarness(t testing.TB, providers func(baseURL string) []identity.ProviderConfig, opts ...harnessOption) *harness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	icfg := identity.Config{BaseURL: base, Providers: providers(base), Logger: logger}
	acfg := api.Config{BaseURL: base, Logger: logger}
	for _, o := range opts {
		o(&icfg, &acfg)
	}
	bi, err := bleve.OpenMem()
	if err != nil {
		t.Fatalf("bleve.OpenMem: %v", err)
	}
	idx := &faultyIndex{Index: bi}
	t.Cleanup(func() { _ = idx.Close() })
	db := testenv.DB(t)
	svc, err := platform.New(context.Background(), db, platform.Config{Identity: icfg, Search: idx, SingleProcess: true, Logger: logger})
	if err != nil {
		t.Fatalf("platform.New: %v", err)
	}
	ictx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Indexer.Run(ictx) }()
	t.Cleanup(func() { cancel(); <-done })
	svc.Reports.SetMinGroup(1) // small fixtures: the report's figures are checked with every answer shown
	acfg.Services = *svc
	srv := api.New(acfg)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return &harness{URL: base, Services: svc, IDs: svc.Identity, Srv: srv, Idx: idx, Faults: idx, Log: svc.Audit, DB: db}
}

// browser is a cookie-keeping HTTP client that does not follow redirects by
// itself, so that tests can look at every hop.
type browser struct {
	t testing.TB
	c *http.Client
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{
		Jar:           jar,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the response with its body read.
func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL, err)
	}
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) postForm(u string, form url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// location resolves the response's Location header against its request URL.
func location(t testing.TB, resp *http.Response) string {
	t.Helper()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("%s %s: status %d, no Location: %v", resp.Request.Method, resp.Request.URL, resp.StatusCode, err)
	}
	return loc.String()
}

var authRequestIDRe = regexp.MustCompile(`name="authRequestID" value="([^"]+)"`)

// toCallback starts sign-in at provider id and follows the provider's hops
// (including the development provider's sign-in form, filled with email and
// name) until the browser is sent to the platform's callback; it returns that
// callback URL without visiting it.
func (h *harness) toCallback(b *browser, id, returnTo, email, name string) string {
	b.t.Helper()
	u := h.URL + "/auth/" + id + "/login"
	if returnTo != "" {
		u += "?return_to=" + url.QueryEscape(returnTo)
	}
	resp, body := b.get(u)
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("GET %s: status %d, want 302; body %s", u, resp.StatusCode, body)
	}
	next := location(b.t, resp)
	for range 10 {
		if strings.HasPrefix(next, h.URL+"/auth/"+id+"/callback") {
			return next
		}
		resp, body = b.get(next)
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			next = location(b.t, resp)
		case resp.StatusCode == http.StatusOK && authRequestIDRe.MatchString(body):
			m := authRequestIDRe.FindStringSubmatch(body)
			resp, body = b.postForm(next[:strings.Index(next, "?")], url.Values{
				"authRequestID": {m[1]}, "email": {email}, "name": {name},
			}, nil)
			if resp.StatusCode < 300 || resp.StatusCode >= 400 {
				b.t.Fatalf("sign-in form: status %d; body %s", resp.StatusCode, body)
			}
			next = location(b.t, resp)
		default:
			b.t.Fatalf("GET %s: unexpected status %d; body %.300s", next, resp.StatusCode, body)
		}
	}
	b.t.Fatalf("no callback after 10 hops (last %s)", next)
	return ""
}

// signIn runs the whole flow and returns where the platform sent the browser.
func (h *harness) signIn(b *browser, id, returnTo, email, name string) string {
	b.t.Helper()
	cb := h.toCallback(b, id, returnTo, email, name)
	resp, body := b.get(cb)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("callback: status %d, want 303; body %.300s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

type me struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organization *struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Verified bool   `json:"verified"`
	} `json:"organization"`
	Roles     []string `json:"roles"`
	CSRFToken string   `json:"csrfToken"`
}

// me returns GET /api/v1/me, or nil with the status when it is not 200.
func (h *harness) me(b *browser) (*me, int) {
	b.t.Helper()
	resp, body := b.get(h.URL + "/api/v1/me")
	if resp.StatusCode != http.StatusOK {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			b.t.Errorf("GET /api/v1/me: status %d with Content-Type %q, want application/problem+json", resp.StatusCode, ct)
		}
		return nil, resp.StatusCode
	}
	var m me
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		b.t.Fatalf("decode /me: %v; body %s", err, body)
	}
	return &m, resp.StatusCode
}

// faultyIndex is the harness's Bleve index; deletions fail while failDeletes is
// set (the search engine down at the wrong moment).
type faultyIndex struct {
	*bleve.Index
	failDeletes atomic.Bool
}

func (f *faultyIndex) Delete(ctx context.Context, ids ...string) error {
	if f.failDeletes.Load() {
		return errors.New("injected fault: the search index is down")
	}
	return f.Index.Delete(ctx, ids...)
}
