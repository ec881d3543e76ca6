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

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opentomentor/opentomentor/api"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/tracing"
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

// TestTracing: with a tracer provider installed (what OTEL_EXPORTER_OTLP_*
// does), each request is a server span named by its route template, the
// child of the caller's traceparent, and the trace id is the request id.
func TestTracing(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	if _, err := tracing.Setup(context.Background(), func(string) string { return "" }, "test"); err != nil { // the propagator
		t.Fatal(err)
	}
	t.Cleanup(func() { otel.SetTracerProvider(prev); _ = tp.Shutdown(context.Background()) })
	h := newHarness(t, func(string) []identity.ProviderConfig { return nil })
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, err := http.NewRequest(http.MethodGet, h.URL+"/api/v1/programs/open", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != traceID {
		t.Errorf("X-Request-ID: got %q, want the trace id", got)
	}
	var found bool
	for _, s := range rec.Ended() {
		if s.Name() != "GET /api/v1/programs/:id" {
			continue
		}
		found = true
		if got := s.SpanContext().TraceID().String(); got != traceID {
			t.Errorf("span trace id: got %s, want the caller's %s", got, traceID)
		}
		if got := s.Parent().SpanID().String(); got != "00f067aa0ba902b7" {
			t.Errorf("span parent: got %s, want the caller's span", got)
		}
		attrs := map[string]string{}
		for _, a := range s.Attributes() {
			attrs[string(a.Key)] = a.Value.String()
		}
		if attrs["http.route"] != "/api/v1/programs/:id" || attrs["http.response.status_code"] != "200" {
			t.Errorf("span attributes: got %v", attrs)
		}
	}
	if !found {
		var names []string
		for _, s := range rec.Ended() {
			names = append(names, s.Name())
		}
		t.Errorf("no span named by the route template; got %v", names)
	}
}
