package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestMiddlewareLabelsByRouteTemplate(t *testing.T) {
	r := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	app := fiber.New()
	app.Use(r.Middleware())
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("home") })
	app.Get("/people/:id", func(c *fiber.Ctx) error {
		if c.Params("id") == "gone" {
			return c.SendStatus(http.StatusNotFound)
		}
		return c.SendString(c.Params("id"))
	})
	app.Get("/static/*", func(c *fiber.Ctx) error { return c.SendString("file") })
	app.Use(func(c *fiber.Ctx) error { return c.SendStatus(http.StatusNotFound) }) // the catch-all 404
	r.Gauge("otm_test_depth", "a queue", nil, func(context.Context) (float64, error) { return 7, nil })
	r.Gauge("otm_test_broken", "a queue that cannot be read", nil, func(context.Context) (float64, error) { return 0, errors.New("down") })

	for _, path := range []string{"/", "/people/ada", "/people/kat", "/people/gone", "/people/ada/", "/static/app.css", "/nope", "/people"} {
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	tests := []struct {
		line string
		want bool
	}{
		{`otm_http_requests_total{method="GET",route="/",status="200"} 1`, true},
		{`otm_http_requests_total{method="GET",route="/people/:id",status="200"} 3`, true},
		{`otm_http_requests_total{method="GET",route="/people/:id",status="404"} 1`, true},
		{`otm_http_requests_total{method="GET",route="/static/*",status="200"} 1`, true},
		{`otm_http_requests_total{method="GET",route="(unmatched)",status="404"} 2`, true},
		{`otm_http_request_duration_seconds_count{method="GET",route="/people/:id"} 4`, true},
		{"otm_test_depth 7", true},
		{"otm_test_broken", false},
		{`route="/people/ada"`, false},
		{`route="/nope"`, false},
	}
	for _, tt := range tests {
		if got := strings.Contains(body, tt.line); got != tt.want {
			t.Errorf("/metrics has %q: got %v, want %v", tt.line, got, tt.want)
		}
	}
}
