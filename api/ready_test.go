package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/opentomentor/opentomentor/api"
	"github.com/opentomentor/opentomentor/identity"
)

// TestReadyz: ready while the database answers; degraded (still 200: writes
// queue in the outbox) while only the search engine is down; 503 when the
// database is down. Never an error text or a host for the caller.
func TestReadyz(t *testing.T) {
	secret := errors.New("dial tcp 10.0.3.7:7700: connect: connection refused")
	ok := func(context.Context) error { return nil }
	down := func(context.Context) error { return secret }
	tests := []struct {
		name         string
		db, search   func(context.Context) error
		status       int
		wantStatus   string
		dbState      string
		searchState  string
		detailNaming string
	}{
		{"all up", ok, ok, http.StatusOK, "ready", "ok", "ok", ""},
		{"search down", ok, down, http.StatusOK, "degraded", "ok", "unavailable", ""},
		{"database down", down, ok, http.StatusServiceUnavailable, "", "unavailable", "ok", "database"},
		{"both down", down, down, http.StatusServiceUnavailable, "", "unavailable", "unavailable", "database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(string) []identity.ProviderConfig { return nil }, func(_ *identity.Config, c *apiConfig) {
				c.ReadyChecks = []api.Check{{Name: "database", Check: tt.db}, {Name: "search", Check: tt.search, Optional: true}}
			})
			resp, body := newBrowser(t).get(h.URL + "/readyz")
			if resp.StatusCode != tt.status {
				t.Fatalf("status: got %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if strings.Contains(body, "10.0.3.7") || strings.Contains(body, "refused") {
				t.Errorf("body shows the dependency's error: %s", body)
			}
			var out struct {
				Status any               `json:"status"`
				Detail string            `json:"detail"`
				Checks map[string]string `json:"checks"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if tt.wantStatus != "" && out.Status != tt.wantStatus {
				t.Errorf("status field: got %v, want %s", out.Status, tt.wantStatus)
			}
			if out.Checks["database"] != tt.dbState || out.Checks["search"] != tt.searchState {
				t.Errorf("checks: got %v, want database %s, search %s", out.Checks, tt.dbState, tt.searchState)
			}
			if !strings.Contains(out.Detail, tt.detailNaming) {
				t.Errorf("detail: got %q, want it to name %q", out.Detail, tt.detailNaming)
			}
		})
	}
}

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRequestID: a well-formed X-Request-ID (or a traceparent's trace id)
// is the request's id: echoed, and on the request's log line; anything
// else gets a new id.
func TestRequestID(t *testing.T) {
	logs := &lockedBuffer{}
	h := newHarness(t, func(string) []identity.ProviderConfig { return nil }, func(_ *identity.Config, c *apiConfig) {
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	tests := []struct {
		name, header, traceparent, want string
	}{
		{"the caller's id", "abc-123", "", "abc-123"},
		{"a traceparent", "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"an id with a space: a new one", "abc 123", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, h.URL+"/healthz", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set("X-Request-ID", tt.header)
			}
			if tt.traceparent != "" {
				req.Header.Set("Traceparent", tt.traceparent)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			got := resp.Header.Get("X-Request-ID")
			if tt.want != "" && got != tt.want {
				t.Errorf("X-Request-ID: got %q, want %q", got, tt.want)
			}
			if tt.want == "" && (len(got) != 16 || strings.Contains(got, " ")) {
				t.Errorf("X-Request-ID: got %q, want a new 16-hex id", got)
			}
			var line string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "msg=request") && strings.Contains(l, "path=/healthz") && strings.Contains(l, "requestId="+got) {
					line = l
				}
			}
			if line == "" {
				t.Errorf("no request log line with requestId=%s in:\n%s", got, logs.String())
			}
		})
	}
}
