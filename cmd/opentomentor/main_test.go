package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/search"
)

// startProgram boots the whole platform on port 0 with its embedded database
// in a temporary directory, and closes it when the test ends.
func startProgram(t *testing.T, demo bool, env map[string]string) *Program {
	t.Helper()
	var d *DemoOptions
	if demo {
		d = &DemoOptions{}
	}
	return startProgramEnv(t, d, env)
}

// startProgramWith boots the platform with the given demo options.
func startProgramWith(t *testing.T, demo *DemoOptions) *Program {
	t.Helper()
	return startProgramEnv(t, demo, nil)
}

func startProgramEnv(t *testing.T, demo *DemoOptions, env map[string]string) *Program {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	fs := newFlagSet()
	build := registerConfigFlags(fs, getenv)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	cfg, err := build()
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	p := &Program{Config: cfg, Logger: logger, Getenv: getenv, Demo: demo}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
}

func TestIntegrationProgramReady(t *testing.T) {
	p := startProgram(t, true, nil)
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if status := getJSON(t, p.BaseURL+"/readyz", &ready); status != http.StatusOK || ready.Status != "ready" {
		t.Fatalf("GET /readyz: got %d %+v, want 200 ready", status, ready)
	}
	if got := ready.Checks["database"]; got != "ok" {
		t.Errorf("database check: got %q, want ok", got)
	}
	var health map[string]string
	if status := getJSON(t, p.BaseURL+"/healthz", &health); status != http.StatusOK {
		t.Errorf("GET /healthz: got %d, want 200", status)
	}
	var provs struct {
		Providers []struct{ ID, Name string } `json:"providers"`
	}
	getJSON(t, p.BaseURL+"/auth/providers", &provs)
	if len(provs.Providers) != 1 || provs.Providers[0].ID != devProviderID {
		t.Errorf("providers: got %+v, want the development provider only", provs.Providers)
	}
	// The database going away makes the platform unready, with the reason.
	if err := p.store.Client.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	var prob struct {
		Status int               `json:"status"`
		Detail string            `json:"detail"`
		Checks map[string]string `json:"checks"`
	}
	if status := getJSON(t, p.BaseURL+"/readyz", &prob); status != http.StatusServiceUnavailable || !strings.Contains(prob.Detail, "database") {
		t.Errorf("GET /readyz with the database gone: got %d %+v, want 503 naming the database", status, prob)
	}
	if prob.Checks["database"] != "unavailable" {
		t.Errorf("database check with the database gone: got %q, want unavailable (no error text)", prob.Checks["database"])
	}
}

func TestConfigValidation(t *testing.T) {
	providers := filepath.Join(t.TempDir(), "providers.yaml")
	if err := os.WriteFile(providers, []byte("providers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // substring; "" means valid
	}{
		{"defaults", nil, nil, ""},
		{"flag wins over env", map[string]string{"OTM_ADDR": "nonsense"}, []string{"--addr", "127.0.0.1:9000"}, ""},
		{"bad env", map[string]string{"OTM_ENV": "staging"}, nil, "OTM_ENV"},
		{"bad addr", map[string]string{"OTM_ADDR": "localhost"}, nil, "OTM_ADDR"},
		{"base URL with path", map[string]string{"OTM_BASE_URL": "https://x.example/app"}, nil, "OTM_BASE_URL"},
		{"base URL not http", map[string]string{"OTM_BASE_URL": "ftp://x.example"}, nil, "OTM_BASE_URL"},
		{"production needs providers", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example"}, nil, "never runs in production"},
		{"production needs https", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "http://x.example", "OTM_OIDC_PROVIDERS_FILE": providers}, nil, "must use https"},
		{"production needs mail", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example", "OTM_OIDC_PROVIDERS_FILE": providers}, nil, "OTM_SMTP_URL: required"},
		{"production needs MongoDB", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example", "OTM_OIDC_PROVIDERS_FILE": providers,
			"OTM_MAIL_DISABLED": "true"}, nil, "OTM_MONGODB_URI: required"},
		{"production on the embedded database when said", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example", "OTM_OIDC_PROVIDERS_FILE": providers,
			"OTM_MAIL_DISABLED": "true", "OTM_ALLOW_EMBEDDED_DB": "true"}, nil, ""},
		{"bad embedded bool", map[string]string{"OTM_ALLOW_EMBEDDED_DB": "sure"}, nil, "OTM_ALLOW_EMBEDDED_DB"},
		{"production valid", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example", "OTM_OIDC_PROVIDERS_FILE": providers,
			"OTM_MONGODB_URI": "mongodb://mongo.example:27017/opentomentor", "OTM_SMTP_URL": "smtps://otm:secret@mail.example", "OTM_MAIL_FROM": "OpenToMentor <noreply@x.example>"}, nil, ""},
		{"production without mail when said", map[string]string{"OTM_ENV": "production", "OTM_BASE_URL": "https://x.example", "OTM_OIDC_PROVIDERS_FILE": providers,
			"OTM_MONGODB_URI": "mongodb://mongo.example:27017/opentomentor", "OTM_MAIL_DISABLED": "true"}, nil, ""},
		{"bad SMTP URL", map[string]string{"OTM_SMTP_URL": "mail.example:587", "OTM_MAIL_FROM": "noreply@x.example"}, nil, "OTM_SMTP_URL"},
		{"SMTP without sender", map[string]string{"OTM_SMTP_URL": "smtp://mail.example"}, nil, "OTM_MAIL_FROM: required"},
		{"bad sender", map[string]string{"OTM_SMTP_URL": "smtp://mail.example", "OTM_MAIL_FROM": "noreply"}, nil, "OTM_MAIL_FROM"},
		{"SMTP and disabled", map[string]string{"OTM_SMTP_URL": "smtp://mail.example", "OTM_MAIL_FROM": "noreply@x.example", "OTM_MAIL_DISABLED": "true"}, nil, "choose one"},
		{"bad mail bool", map[string]string{"OTM_MAIL_DISABLED": "perhaps"}, nil, "OTM_MAIL_DISABLED"},
		{"dev IdP on a public address", map[string]string{"OTM_ADDR": "0.0.0.0:8080"}, nil, "not a loopback address"},
		{"dev IdP public when asked", map[string]string{"OTM_ADDR": "0.0.0.0:8080", "OTM_DEV_IDP_PUBLIC": "true"}, nil, ""},
		{"public address with real providers", map[string]string{"OTM_ADDR": "0.0.0.0:8080", "OTM_OIDC_PROVIDERS_FILE": providers}, nil, ""},
		{"missing providers file", map[string]string{"OTM_OIDC_PROVIDERS_FILE": "/nonexistent.yaml"}, nil, "OTM_OIDC_PROVIDERS_FILE"},
		{"bad admin e-mail", map[string]string{"OTM_ADMIN_EMAILS": "a@b.example, not-an-email"}, nil, "OTM_ADMIN_EMAILS"},
		{"bad bool", map[string]string{"OTM_DEV_IDP_PUBLIC": "maybe"}, nil, "OTM_DEV_IDP_PUBLIC"},
		{"bad mongo URI", map[string]string{"OTM_MONGODB_URI": "postgres://x"}, nil, "OTM_MONGODB_URI"},
		{"bad meili URL", map[string]string{"OTM_MEILISEARCH_URL": "meili"}, nil, "OTM_MEILISEARCH_URL"},
		{"bad log format", map[string]string{"OTM_LOG_FORMAT": "xml"}, nil, "OTM_LOG_FORMAT"},
		{"bad proxy", map[string]string{"OTM_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, nil, "OTM_TRUSTED_PROXIES"},
		{"bad read limit", map[string]string{"OTM_RATE_LIMIT_READS": "lots"}, nil, "OTM_RATE_LIMIT_READS"},
		{"negative write limit", map[string]string{"OTM_RATE_LIMIT_WRITES": "-5"}, nil, "OTM_RATE_LIMIT_WRITES"},
		{"limits off", map[string]string{"OTM_RATE_LIMIT_READS": "0", "OTM_RATE_LIMIT_WRITES": "0"}, nil, ""},
		{"bad idle timeout", map[string]string{"OTM_SESSION_IDLE_TIMEOUT": "5s"}, nil, "OTM_SESSION_IDLE_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlagSet()
			build := registerConfigFlags(fs, func(k string) string { return tt.env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := build()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("got no error, want one mentioning %q (config %+v)", tt.wantErr, cfg)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("got error %q, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestRunRejectsBadCommandLine(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"serve", "--no-such-flag"}, "not defined"},
		{[]string{"serve", "extra"}, "unexpected arguments"},
		{[]string{"--env", "staging"}, "OTM_ENV"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err := run(context.Background(), tt.args, func(string) string { return "" }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q): got %v, want an error mentioning %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestIntegrationReindexAndCheck(t *testing.T) {
	dir := t.TempDir()
	fs := newFlagSet()
	build := registerConfigFlags(fs, func(string) string { return "" })
	if err := fs.Parse([]string{"--addr", "127.0.0.1:0", "--data-dir", dir}); err != nil {
		t.Fatal(err)
	}
	cfg, err := build()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	p := &Program{Config: cfg, Logger: logger, Demo: &DemoOptions{Mentors: 40}}
	if err := p.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// While the platform runs, the embedded index is locked: the command says so at once.
	if err := reindex(ctx, cfg, logger, true); err == nil || !strings.Contains(err.Error(), "still running") {
		t.Errorf("check-index while running: got %v, want an error saying the platform still runs", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, check := range []bool{true, false, true} {
		if err := reindex(ctx, cfg, logger, check); err != nil {
			t.Errorf("reindex(check=%v): %v", check, err)
		}
	}
	// Drift is found and reported: remove a public document behind the platform's back.
	idx, err := openIndex(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(ctx, search.Query{Limit: 1})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search: %v %v", res, err)
	}
	if err := idx.Delete(ctx, res.Hits[0].ID); err != nil {
		t.Fatal(err)
	}
	_ = idx.Close()
	if err := reindex(ctx, cfg, logger, true); err == nil || !strings.Contains(err.Error(), "missing 1") {
		t.Errorf("check-index after drift: got %v, want it to report 1 missing", err)
	}
	if err := reindex(ctx, cfg, logger, false); err != nil {
		t.Fatal(err)
	}
	if err := reindex(ctx, cfg, logger, true); err != nil {
		t.Errorf("check-index after reindex: %v", err)
	}
}

func TestIntegrationDemoSeedsMentorsAndRequests(t *testing.T) {
	p := startProgramWith(t, &DemoOptions{Mentors: 25, Mentees: 5})
	curator := &otm.Principal{UserID: "u_test_curator", Name: "Test Curator", Roles: []string{otm.RoleCurator}}
	jonas := &otm.Principal{UserID: "u_test_jonas", Name: "Jonas Becker", Email: "jonas.becker@opentomentor.example", EmailTrusted: true, Roles: []string{otm.RoleCurator}}
	for _, tt := range []struct {
		name    string
		who     *otm.Principal
		program string
		want    int
	}{
		{"the cohorts' curator, every program", jonas, "", 5},
		{"the cohorts' curator, the matching cohort", jonas, demoCohortMatching, 2},
		{"another curator: the open program only", curator, "", 3},
	} {
		reqs, err := p.Tandems.Requests(context.Background(), tt.who, tt.program)
		if err != nil || len(reqs) != tt.want {
			t.Errorf("seeded mentee requests, %s: got %d (%v), want %d", tt.name, len(reqs), err, tt.want)
		}
	}
	progs, err := p.Programs.Programs(context.Background(), nil)
	if err != nil || len(progs) != 3 || progs[0].ID != program.OpenProgram {
		t.Errorf("demo programs for visitors: got %v (%v), want the open program and two cohorts", progs, err)
	}
	for _, pr := range progs {
		want := map[string]string{program.OpenProgram: program.PhaseOpen, demoCohortMatching: program.PhaseMatching, demoCohortRegistration: program.PhaseRegistration}[pr.ID]
		if pr.Phase != want {
			t.Errorf("demo program %s: got phase %s, want %s", pr.ID, pr.Phase, want)
		}
	}
	// The personas' organizations keep their competitor pairs.
	for id, rival := range map[string]string{"hanse-logistik": "suedstern-mobility", "alpenbank": "bergmann-versicherung"} {
		if o, err := p.Identity.Organization(context.Background(), id); err != nil || !slices.Contains(o.Competitors, rival) {
			t.Errorf("organization %s: got %+v (%v), want %s among its competitors", id, o, err, rival)
		}
	}
	if _, err := p.Assignments.Assign(context.Background(), jonas, demoCohortMatching); err != nil {
		t.Errorf("cohort assignment of the demo cohort: %v", err)
	}
	queue, total, err := p.Profiles.Queue(context.Background(), curator, "submitted", 50, 0)
	if err != nil || total != demoPending || len(queue) != demoPending {
		t.Errorf("pending applications: got %d (%v), want %d", total, err, demoPending)
	}
	var res struct {
		Total int `json:"total"`
	}
	getJSON(t, p.BaseURL+"/api/v1/mentors?limit=1", &res)
	if res.Total < 20 || res.Total > 25 { // paused synthetic mentors stay out of the directory
		t.Errorf("directory total: got %d, want 20–25 of 25 seeded", res.Total)
	}
}

// TestIntegrationBusyAddress: a second instance on an address in use exits
// with an error naming the address, at once.
func TestIntegrationBusyAddress(t *testing.T) {
	p := startProgram(t, false, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, []string{"serve", "--addr", p.Addr, "--data-dir", t.TempDir()}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), p.Addr) {
		t.Errorf("second instance on %s: got %v, want an error naming the address", p.Addr, err)
	}
	if ctx.Err() != nil {
		t.Error("the second instance did not give up before the deadline")
	}
}

// TestIntegrationServeFailureEnds: when serving stops on its own after
// start (the listener fails), Done closes and Failed names the address, so
// that the process ends instead of running on serving nothing.
func TestIntegrationServeFailureEnds(t *testing.T) {
	p := startProgram(t, false, nil)
	if err := p.Failed(); err != nil {
		t.Fatalf("Failed before any failure: got %v, want nil", err)
	}
	if err := p.ln.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed within 10 s after the listener failed")
	}
	if err := p.Failed(); err == nil || !strings.Contains(err.Error(), p.Addr) {
		t.Errorf("Failed: got %v, want an error naming %s", err, p.Addr)
	}
}
