package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
)

func getText(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// TestIntegrationMetrics: /metrics counts and times requests by route
// template (not by raw path), and shows the queues and the leases; with
// OTM_METRICS_ADDR it is served there and not on the main port.
func TestIntegrationMetrics(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		separate bool
	}{
		{"on the main port", nil, false},
		{"on OTM_METRICS_ADDR", map[string]string{"OTM_METRICS_ADDR": "127.0.0.1:0"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startProgram(t, false, tt.env)
			for _, path := range []string{"/api/v1/programs/open", "/api/v1/programs/nope", "/readyz", "/no/such/page"} {
				getText(t, p.BaseURL+path)
			}
			url := p.BaseURL + "/metrics"
			if tt.separate {
				if status, _ := getText(t, url); status != http.StatusNotFound {
					t.Errorf("/metrics on the main port with OTM_METRICS_ADDR: got %d, want 404", status)
				}
				url = "http://" + p.MetricsAddr + "/metrics"
			}
			status, body := getText(t, url)
			if status != http.StatusOK {
				t.Fatalf("GET %s: got %d", url, status)
			}
			want := []string{
				`otm_http_requests_total{method="GET",route="/api/v1/programs/:id",status="200"} 1`,
				`otm_http_requests_total{method="GET",route="/api/v1/programs/:id",status="404"} 1`,
				`otm_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
				`otm_http_requests_total{method="GET",route="(unmatched)",status="404"} `,
				`otm_http_request_duration_seconds_bucket{method="GET",route="/api/v1/programs/:id",le="+Inf"} 2`,
				"otm_mail_queue_depth ", "otm_mail_queue_oldest_seconds ", "otm_notify_fanout_jobs ", "otm_search_queue_depth ",
				`otm_lease_held{lease="mailer"}`, `otm_lease_held{lease="sweep"}`, "go_goroutines ",
				"otm_db_connections_open 1", "otm_db_connections_in_use ", "otm_db_connection_wait_seconds_total ", "otm_db_connection_checkouts_total ",
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("/metrics lacks %q", w)
				}
			}
			for _, raw := range []string{`route="/api/v1/programs/open"`, `route="/no/such/page"`} {
				if strings.Contains(body, raw) {
					t.Errorf("/metrics has a raw path label %s", raw)
				}
			}
		})
	}
}

func TestIntegrationHealthcheck(t *testing.T) {
	p := startProgram(t, false, nil)
	var out strings.Builder
	env := map[string]string{"OTM_ADDR": p.Addr}
	if err := run(context.Background(), []string{"healthcheck"}, func(k string) string { return env[k] }, &out, io.Discard); err != nil {
		t.Fatalf("healthcheck of a running platform: %v", err)
	}
	if got := strings.TrimSpace(out.String()); got != "ready" {
		t.Errorf("healthcheck printed %q, want ready", got)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	env["OTM_ADDR"] = closed
	if err := run(context.Background(), []string{"healthcheck"}, func(k string) string { return env[k] }, io.Discard, io.Discard); err == nil {
		t.Error("healthcheck with nothing listening: got nil, want an error")
	}
}

// TestIntegrationSearchEngineDownAtStart: with Meilisearch unreachable the
// platform starts all the same; /readyz is 200 "degraded" (writes queue in
// the outbox), and the directory answers 503 problem+json.
func TestIntegrationSearchEngineDownAtStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	p := startProgram(t, false, map[string]string{"OTM_MEILISEARCH_URL": down, "OTM_MEILISEARCH_API_KEY": "a-test-key-0123456789"})
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if status := getJSON(t, p.BaseURL+"/readyz", &ready); status != http.StatusOK || ready.Status != "degraded" || ready.Checks["search"] != "unavailable" {
		t.Errorf("GET /readyz: got %d %+v, want 200 degraded with search unavailable", status, ready)
	}
	resp, err := http.Get(p.BaseURL + "/api/v1/mentors?q=data")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("GET /api/v1/mentors: got %d %s, want 503 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestIntegrationTracesGoToTheOTLPEndpoint: with OTEL_EXPORTER_OTLP_ENDPOINT
// set, request spans reach the collector (OTLP over HTTP, protobuf).
func TestIntegrationTracesGoToTheOTLPEndpoint(t *testing.T) {
	var posts atomic.Int64
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(collector.Close)
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
	p := startProgram(t, false, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL, "OTEL_SERVICE_NAME": "otm-test"})
	getText(t, p.BaseURL+"/api/v1/programs/open")
	if err := p.traceShutdown(context.Background()); err != nil { // flushes the batch
		t.Fatalf("flush: %v", err)
	}
	if posts.Load() == 0 {
		t.Error("no traces reached the OTLP endpoint")
	}
}
