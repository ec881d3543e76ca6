// Package metrics is what an operator runs the platform by, in the
// Prometheus format: HTTP requests by route template (never the raw path:
// ids would make every profile a series of its own), status and duration;
// the depth and age of the queues that must drain (e-mail, fan-out, search
// index); which background jobs this replica holds the lease of; and the
// Go runtime and process.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Unmatched is the route label of requests no route matched.
const Unmatched = "(unmatched)"

// Registry holds the platform's metrics.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	log      *slog.Logger
}

// New returns a registry with the HTTP metrics and the Go and process
// collectors.
func New(log *slog.Logger) *Registry {
	if log == nil {
		log = slog.Default()
	}
	r := &Registry{reg: prometheus.NewRegistry(), log: log}
	r.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "otm_http_requests_total",
		Help: "HTTP requests by method, route template and status."}, []string{"method", "route", "status"})
	r.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "otm_http_request_duration_seconds",
		Help:    "HTTP request duration by method and route template.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"})
	r.reg.MustRegister(r.requests, r.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Middleware counts and times every request by its route template. Put it
// first: it sees the final status, also of errors and panics handled later.
func (r *Registry) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		route := RouteOf(c)
		status := c.Response().StatusCode()
		r.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
		r.duration.WithLabelValues(c.Method(), route).Observe(time.Since(start).Seconds())
		return err
	}
}

// RouteOf is the template of the route that answered c, or Unmatched. A
// request no route matched ends at a middleware (app.Use), whose path is a
// prefix: a route without parameters or wildcards is the template only when
// it is the request's path itself.
func RouteOf(c *fiber.Ctx) string {
	rt := c.Route()
	if rt == nil || rt.Path == "" {
		return Unmatched
	}
	if strings.ContainsAny(rt.Path, ":*") {
		return rt.Path
	}
	path := c.Path()
	if path != "/" {
		path = strings.TrimRight(path, "/")
	}
	if !strings.EqualFold(rt.Path, path) {
		return Unmatched
	}
	return rt.Path
}

// Gauge adds a gauge read at every scrape by read (a lease). A failing
// read leaves the gauge out of that scrape and is logged.
func (r *Registry) Gauge(name, help string, labels prometheus.Labels, read func(context.Context) (float64, error)) {
	r.Gauges([]Desc{{Name: name, Help: help, Labels: labels}}, func(ctx context.Context) ([]float64, error) {
		v, err := read(ctx)
		return []float64{v}, err
	})
}

// Desc names one gauge of Gauges.
type Desc struct {
	Name, Help string
	Labels     prometheus.Labels
}

// Gauges adds gauges that one read gives together at every scrape (a
// queue's depth and age from one look), in the order of descs. A failing
// read leaves them out of that scrape and is logged.
func (r *Registry) Gauges(descs []Desc, read func(context.Context) ([]float64, error)) {
	g := &gaugeSet{read: read, log: r.log}
	for _, d := range descs {
		g.descs = append(g.descs, prometheus.NewDesc(d.Name, d.Help, nil, d.Labels))
	}
	r.reg.MustRegister(g)
}

type gaugeSet struct {
	descs []*prometheus.Desc
	read  func(context.Context) ([]float64, error)
	log   *slog.Logger
}

func (g *gaugeSet) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range g.descs {
		ch <- d
	}
}

func (g *gaugeSet) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	vs, err := g.read(ctx)
	if err != nil || len(vs) != len(g.descs) {
		g.log.Warn("metrics: gauges could not be read", "gauge", g.descs[0].String(), "err", err)
		return
	}
	for i, d := range g.descs {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, vs[i])
	}
}

// Counter adds a counter read at every scrape (a total kept elsewhere).
func (r *Registry) Counter(name, help string, read func() float64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, read))
}

// Handler serves the metrics (GET /metrics).
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(r.log.Handler(), slog.LevelWarn)})
}
