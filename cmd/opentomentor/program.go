package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/opentomentor/opentomentor/api"
	"github.com/opentomentor/opentomentor/frontend"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/identity/devidp"
	"github.com/opentomentor/opentomentor/internal/demo"
	"github.com/opentomentor/opentomentor/internal/tracing"
	"github.com/opentomentor/opentomentor/metrics"
	"github.com/opentomentor/opentomentor/mongostore"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/reminder"
	"github.com/opentomentor/opentomentor/search"
	"github.com/opentomentor/opentomentor/search/bleve"
	"github.com/opentomentor/opentomentor/search/meili"
)

// devProviderID is the id of the built-in development identity provider.
const devProviderID = "dev"

// Program is the whole platform: Run starts it, Close stops it. An end-to-end
// test can run it on port 0.
type Program struct {
	Config Config
	Demo   *DemoOptions // nil unless running "demo"
	Logger *slog.Logger
	Getenv func(string) string

	// Set by Run.
	BaseURL string
	Addr    string
	*platform.Services

	seededNow bool // the demo filled database and index together in this run
	ln        net.Listener
	store     *mongostore.Store
	server    *api.Server
	devIDP    *devidp.Provider
	mailer    *notify.Mailer
	holder    string // this process's name on database leases
	leases    []*mongostore.Lease
	// Metrics is what /metrics shows (OTM_METRICS_ADDR, else OTM_ADDR).
	Metrics     *metrics.Registry
	MetricsAddr string // set by Run when OTM_METRICS_ADDR is
	metricsSrv  *http.Server
	// traceShutdown flushes the traces (a no-op when tracing is off).
	traceShutdown func(context.Context) error
	// DevMail keeps e-mails in development without OTM_SMTP_URL (/dev/mail).
	DevMail *notify.DevMailbox
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closing atomic.Bool
	done    chan struct{} // closed when serving stopped on its own (Failed says why)
	failed  error
}

// Run starts the platform and returns once it serves requests.
func (p *Program) Run(ctx context.Context) (err error) {
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.Getenv == nil {
		p.Getenv = func(string) string { return "" }
	}
	defer func() {
		if err != nil {
			_ = p.Close()
		}
	}()
	cfg := p.Config
	p.ln, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("OTM_ADDR: listen on %s: %w", cfg.Addr, err)
	}
	p.Addr = p.ln.Addr().String()
	p.BaseURL = cfg.BaseURL
	if p.BaseURL == "" {
		p.BaseURL = "http://" + baseHost(p.Addr)
	}

	var providers []identity.ProviderConfig
	if cfg.DevIDP() {
		secret := randomSecret()
		p.devIDP, err = devidp.New(devidp.Config{
			Issuer: p.BaseURL + "/devidp",
			Clients: []devidp.Client{{
				ID: "opentomentor", Secret: secret,
				RedirectURIs:           []string{p.BaseURL + "/auth/" + devProviderID + "/callback"},
				PostLogoutRedirectURIs: []string{p.BaseURL + "/"},
			}},
			Personas: demo.Personas(),
			Logger:   p.Logger.With("component", "devidp"),
		})
		if err != nil {
			return fmt.Errorf("development identity provider: %w", err)
		}
		providers = []identity.ProviderConfig{{
			ID: devProviderID, Name: "Development sign-in", Issuer: p.devIDP.Issuer(),
			ClientID: "opentomentor", ClientSecret: secret, Scopes: []string{"openid", "email", "profile"},
			TrustEmails: true, // it vouches for anything: that is what development mode means
		}}
		p.Logger.Warn("the development identity provider is on: anyone who reaches it can sign in as anyone", "issuer", p.devIDP.Issuer())
	} else {
		providers, err = identity.LoadProvidersFile(cfg.ProvidersFile, p.Getenv)
		if err != nil {
			return fmt.Errorf("OTM_OIDC_PROVIDERS_FILE: %w", err)
		}
		for _, pc := range providers {
			if pc.AllowHTTP && cfg.Env == "production" {
				return fmt.Errorf("OTM_OIDC_PROVIDERS_FILE: provider %q: allowHTTP is refused when OTM_ENV=production", pc.ID)
			}
		}
	}

	// Traces when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set.
	if p.traceShutdown, err = tracing.Setup(ctx, p.Getenv, buildVersion()); err != nil {
		return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	host, _ := os.Hostname()
	p.holder = host + "-" + randomSecret()[:8] // this process, as the holder of database leases
	p.store, err = mongostore.Open(ctx, mongostore.Config{URI: cfg.MongoURI, DataDir: cfg.DataDir, Logger: p.Logger})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	idx, err := openIndex(ctx, cfg)
	if err != nil {
		return err
	}
	p.Services, err = platform.New(ctx, p.store.DB, platform.Config{
		Identity: identity.Config{BaseURL: p.BaseURL, Providers: providers, AdminEmails: cfg.AdminEmails, CuratorEmails: cfg.CuratorEmails,
			SessionIdle: cfg.SessionIdle, SessionAbsolute: cfg.SessionAbsolute,
			VerifiedOrganizationsOnly: cfg.SignInPolicy == "verified-organizations"},
		Search: idx, SingleProcess: p.store.Embedded, Logger: p.Logger, MigrationLease: p.lease("migrations", time.Minute), FingerprintKeys: cfg.FingerprintKeys,
		Retention: time.Duration(cfg.RetentionDays) * 24 * time.Hour,
	})
	if err != nil {
		_ = idx.Close()
		return err
	}
	if n, err := p.Identity.ReconcileSessionRoles(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	} else if n > 0 {
		p.Logger.Info("roles of live sessions updated to the configuration", "sessions", n)
	}
	if !p.store.Embedded {
		// Several replicas may run against one MongoDB: one indexer at a
		// time, which looks at the outbox every 2 s for the changes other
		// replicas wrote (its own wake it at once); a standby takes over
		// within the lease's 30 s.
		p.Indexer.Interval = 2 * time.Second
		p.Indexer.RefillEvery = time.Minute // a wiped Meilisearch is refilled
		p.Indexer.Lease = p.lease("search-indexer", 30*time.Second)
	}
	if !cfg.MailDisabled {
		// Before anything happens (the demo's cohort steps too): every
		// notification is queued as an e-mail from now on.
		if err := p.Notify.EnableMail(ctx); err != nil {
			return fmt.Errorf("database: %w", err)
		}
	}
	if p.Demo != nil {
		start := time.Now()
		if p.seededNow, err = demo.Seed(ctx, p.Services, *p.Demo, p.Logger.With("component", "demo")); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		p.Logger.Info("demo data ready", "took", time.Since(start).Round(time.Millisecond).String())
	}

	p.indexIDs(ctx)

	pages, err := frontend.New(frontend.Config{
		DevMode: cfg.DevIDP(),
		Providers: func() []frontend.Provider {
			var out []frontend.Provider
			for _, pi := range p.Identity.Providers() {
				out = append(out, frontend.Provider{ID: pi.ID, Name: pi.Name})
			}
			return out
		},
		Logger:   p.Logger.With("component", "frontend"),
		Services: *p.Services,
	})
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if err := p.startMail(ctx, pages); err != nil {
		return err
	}
	// Every lease this process may hold, before the workers start (the
	// metrics show them).
	fanLease, remindLease, sweepLease := p.lease("fanout", time.Minute), p.lease("reminders", 5*time.Minute), p.lease("sweep", 10*time.Minute)
	assignLease := p.lease("assignments", time.Minute)
	if err := p.startMetrics(); err != nil {
		return err
	}
	var limits fiber.Storage
	if !p.store.Embedded {
		// Replicas count sign-in attempts together.
		kv, err := mongostore.NewKV(ctx, p.store.DB, "rate_limits")
		if err != nil {
			return fmt.Errorf("database: %w", err)
		}
		limits = kv
	}
	srvCfg := api.Config{
		RateLimitStorage:  limits,
		ReadsPerMinute:    cfg.ReadsPerMinute,
		WritesPerMinute:   cfg.WritesPerMinute,
		SearchesPerMinute: cfg.SearchesPerMinute,
		BaseURL:           p.BaseURL,
		Services:          *p.Services,
		Pages:             pages,
		ReadyChecks: []api.Check{
			{Name: "database", Check: p.store.Ping},
			{Name: "search", Check: p.Search.Ping, Optional: true},
		},
		TrustedProxies: cfg.TrustedProxies,
		Logger:         p.Logger,
		Metrics:        p.Metrics,
		ServeMetrics:   cfg.MetricsAddr == "",
	}
	if p.devIDP != nil {
		srvCfg.DevIDP, srvCfg.DevIDPPath = p.devIDP.Handler(), "/devidp"
	}
	p.server = api.New(srvCfg)

	bg, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.done = make(chan struct{})
	if p.mailer != nil {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.mailer.Run(bg)
		}()
	}
	p.wg.Add(3)
	go func() {
		defer p.wg.Done()
		// Events' notifications are delivered after the response.
		p.Notify.RunCourier(bg)
	}()
	go func() {
		defer p.wg.Done()
		p.Notify.NewFanOut(notify.FanOutConfig{Logger: p.Logger.With("component", "fanout"),
			Lease: fanLease}).Run(bg)
	}()
	go func() {
		defer p.wg.Done()
		reminder.New(p.store.DB, reminder.Config{Tandems: p.Tandems, Programs: p.Programs, Inbox: p.Notify,
			Staff: p.Identity, Applications: p.Profiles, Logger: p.Logger.With("component", "reminders"),
			Lease: remindLease}).Run(bg)
	}()
	if p.store.Embedded {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := p.Reports.Warm(bg); err != nil && bg.Err() == nil {
				p.Logger.Warn("reports not warmed; the first report reads its data", "err", err)
			}
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.Assignments.Run(bg, assignLease, p.Logger.With("component", "assignments"))
	}()
	p.wg.Add(3)
	fresh := idxFresh(p.Search) && !p.seededNow
	go func() {
		defer p.wg.Done()
		if fresh {
			// A new (or replaced) index: fill it from the database first.
			start := time.Now()
			n, err := p.Indexer.Rebuild(bg)
			if err != nil {
				p.Logger.Error("search index rebuild failed; the indexer keeps syncing changes", "err", err)
			} else if n > 0 {
				p.Logger.Info("search index rebuilt", "public", n, "took", time.Since(start).Round(time.Millisecond).String())
			}
		}
		p.Indexer.Run(bg)
	}()
	go func() {
		defer p.wg.Done()
		err := p.server.Serve(p.ln)
		if p.closing.Load() {
			return
		}
		// Serving ended without Close: the listener failed. Say so and let
		// the process end (Done), rather than run on serving nothing.
		if err == nil || errors.Is(err, http.ErrServerClosed) {
			err = errors.New("the listener closed")
		}
		p.failed = fmt.Errorf("serving on %s stopped: %w", p.Addr, err)
		close(p.done)
	}()
	go func() {
		defer p.wg.Done()
		p.sweep(bg, sweepLease)
	}()
	if !p.store.Embedded {
		// Topics an admin changes on another replica.
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.Profiles.RunTopicRefresh(bg, 3*time.Second)
		}()
	}
	return nil
}

// startMail queues every notification as an e-mail and prepares the worker
// that sends them (under a database lease: one replica sends at a time):
// through OTM_SMTP_URL, or into the development mailbox. Nothing with
// OTM_MAIL_DISABLED.
func (p *Program) startMail(ctx context.Context, pages *frontend.Frontend) error {
	cfg := p.Config
	if cfg.MailDisabled {
		p.Logger.Info("e-mail is off (OTM_MAIL_DISABLED): notifications stay in the inbox")
		return nil
	}
	var transport notify.Transport
	if cfg.SMTP != nil {
		transport = notify.NewSMTP(*cfg.SMTP)
	} else {
		p.DevMail = p.Notify.DevMailbox()
		pages.SetDevMailbox(p.DevMail)
		transport = p.DevMail
		p.Logger.Info("e-mail is kept in the development mailbox", "url", p.BaseURL+"/dev/mail")
	}
	p.mailer = p.Notify.NewMailer(notify.MailerConfig{Transport: transport, Renderer: pages, Contacts: p.Identity,
		From: cfg.MailFromOrDefault(), BaseURL: p.BaseURL, Logger: p.Logger.With("component", "mailer"),
		Lease: p.lease("mailer", time.Minute)})
	return nil
}

// openIndex opens Meilisearch when configured, else the embedded engine.
func openIndex(ctx context.Context, cfg Config) (search.Index, error) {
	if cfg.MeiliURL != "" {
		idx, err := meili.Open(ctx, meili.Config{URL: cfg.MeiliURL, APIKey: cfg.MeiliAPIKey})
		if err != nil {
			return nil, fmt.Errorf("OTM_MEILISEARCH_URL: %w", err)
		}
		return idx, nil
	}
	idx, err := bleve.Open(filepath.Join(cfg.DataDir, "search", "mentors"))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return idx, nil
}

// idxFresh reports whether the index was just created and needs a rebuild.
func idxFresh(idx search.Index) bool {
	f, ok := idx.(interface{ Fresh() bool })
	return ok && f.Fresh()
}

// sweep, at start and then every 5 minutes, removes expired sessions and
// sign-in attempts, finishes ending the tandems of programs past their
// wrap-up, delivers the notifications events left (platform.Services.Sweep),
// and indexes new collections of the embedded database.
func (p *Program) sweep(ctx context.Context, lease *mongostore.Lease) {
	// One replica sweeps at a time (the work is idempotent, but need not
	// run on all of them); the first sweep at start delivers what the last
	// run left undelivered.
	mongostore.RunLeased(ctx, lease, 5*time.Minute, nil, p.Logger, "sweep", func(ctx context.Context) error {
		err := p.Services.Sweep(ctx)
		p.indexIDs(ctx) // collections created since
		return err
	})
}

// lease returns the database lease name held by this process (and shows
// it in the metrics). Call it before the workers start.
func (p *Program) lease(name string, ttl time.Duration) *mongostore.Lease {
	l := mongostore.NewLease(p.store.DB, name, p.holder, ttl)
	p.leases = append(p.leases, l)
	return l
}

// indexIDs gives the embedded database's collections the _id index its
// look-ups use (mongostore.Store.IndexIDs); without it each scans.
func (p *Program) indexIDs(ctx context.Context) {
	if n, err := p.store.IndexIDs(ctx); err != nil && ctx.Err() == nil {
		p.Logger.Warn("embedded database: _id indexes not made", "err", err)
	} else if n > 0 {
		p.Logger.Info("embedded database: _id indexes made", "collections", n)
	}
}

// Close stops serving (waiting up to 10 s for requests in flight), then the
// background work, then the database.
func (p *Program) Close() error {
	p.closing.Store(true)
	var errs []error
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if p.server != nil {
		if err := p.server.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err) // a listener that failed earlier is closed already
		}
	}
	if p.metricsSrv != nil {
		if err := p.metricsSrv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if p.ln != nil {
		// Shutdown closes the listener only once Serve has taken it up; a
		// Close right after Run must not leave Serve waiting in Accept.
		_ = p.ln.Close()
	}
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
	if p.devIDP != nil {
		errs = append(errs, p.devIDP.Close())
	}
	if p.Services != nil && p.Search != nil {
		errs = append(errs, p.Search.Close())
	}
	if p.store != nil {
		errs = append(errs, p.store.Close(ctx))
	}
	if p.traceShutdown != nil {
		errs = append(errs, p.traceShutdown(ctx))
	}
	return errors.Join(errs...)
}

// baseHost turns a listen address into a host:port a browser can reach.
func baseHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// Done is closed when the platform stopped serving on its own (the listener
// failed); Failed then says why. Close does not close it.
func (p *Program) Done() <-chan struct{} { return p.done }

// Failed returns why serving stopped on its own, nil before.
func (p *Program) Failed() error {
	select {
	case <-p.done:
		return p.failed
	default:
		return nil
	}
}

// startMetrics registers what /metrics shows besides the HTTP requests:
// the queues that must drain and the leases this replica holds; and, with
// OTM_METRICS_ADDR, serves /metrics there (else the API serves it).
func (p *Program) startMetrics() error {
	p.Metrics = metrics.New(p.Logger.With("component", "metrics"))
	p.Metrics.Gauges([]metrics.Desc{
		{Name: "otm_mail_queue_depth", Help: "E-mails waiting to be sent (the outbox)."},
		{Name: "otm_mail_queue_oldest_seconds", Help: "Age of the oldest e-mail waiting."},
		{Name: "otm_notify_fanout_jobs", Help: "Messages to many people still being fanned out."},
	}, func(ctx context.Context) ([]float64, error) {
		q, err := p.Notify.Queued(ctx)
		return []float64{float64(q.Mail), q.OldestMail.Seconds(), float64(q.FanOutJobs)}, err
	})
	p.Metrics.Gauges([]metrics.Desc{
		{Name: "otm_search_queue_depth", Help: "Profile changes the search index has not seen yet."},
		{Name: "otm_search_queue_oldest_seconds", Help: "Age of the oldest change the search index has not seen."},
	}, func(ctx context.Context) ([]float64, error) {
		n, age, err := p.Profiles.IndexQueue(ctx)
		return []float64{float64(n), age.Seconds()}, err
	})
	pool := p.store.Pool
	p.Metrics.Gauge("otm_db_connections_open", "Database connections open.", nil, func(context.Context) (float64, error) { return float64(pool.Open()), nil })
	p.Metrics.Gauge("otm_db_connections_in_use", "Database connections checked out now.", nil, func(context.Context) (float64, error) { return float64(pool.InUse()), nil })
	p.Metrics.Counter("otm_db_connection_wait_seconds_total", "Time spent waiting for a database connection.", func() float64 {
		_, waited := pool.Waited()
		return waited.Seconds()
	})
	p.Metrics.Counter("otm_db_connection_checkouts_total", "Database connections checked out.", func() float64 {
		n, _ := pool.Waited()
		return float64(n)
	})
	for _, l := range p.leases {
		p.Metrics.Gauge("otm_lease_held", "1 while this replica holds the lease of a background job.", map[string]string{"lease": l.Name()},
			func(ctx context.Context) (float64, error) {
				held, err := l.HeldHere(ctx)
				if held {
					return 1, err
				}
				return 0, err
			})
	}
	if p.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", p.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("OTM_METRICS_ADDR: listen on %s: %w", p.Config.MetricsAddr, err)
	}
	p.MetricsAddr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.Metrics.Handler())
	// Go's profiles, for measuring a running platform (bench/README.md);
	// only on this internal listener, never on OTM_ADDR.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	p.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = p.metricsSrv.Serve(ln) }()
	return nil
}

// buildVersion is the module version the binary was built from ("devel"
// from a work tree).
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}
