package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute keeps /api/openapi.json true: every API and
// sign-in route the server registers is described, with its method.
func TestIntegrationOpenAPIDescribesEveryRoute(t *testing.T) {
	h, _ := newAppHarness(t)
	b := newBrowser(t)
	resp, body := b.get(h.URL + "/api/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	param := regexp.MustCompile(`:([a-zA-Z]+)`)
	seen := map[string]bool{}
	for _, r := range h.Srv.App().GetRoutes(true) {
		if r.Method == http.MethodHead || strings.HasSuffix(r.Path, "*") || r.Path == "/" {
			continue
		}
		if !strings.HasPrefix(r.Path, "/api/") && !strings.HasPrefix(r.Path, "/auth/") && r.Path != "/healthz" && r.Path != "/readyz" {
			continue
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + p
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", r.Method, p)
		}
	}
	if len(seen) < 15 {
		t.Errorf("only %d routes checked; the route listing looks wrong", len(seen))
	}
}
