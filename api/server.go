// Package api is the HTTP layer: the Fiber application, its middleware, the
// sign-in routes, the JSON API under /api/v1 with problem+json errors, and the
// OpenAPI document. Handlers stay thin: they parse, authorize and call services.
package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/internal/reqid"
	"github.com/opentomentor/opentomentor/internal/tracing"
	"github.com/opentomentor/opentomentor/metrics"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/profile/photo"
)

// Pages is the web front end as the server uses it.
type Pages interface {
	Register(r fiber.Router)
	// RenderFailure renders the error page for err with status, in the
	// visitor's language (from err's rule, never its English message).
	RenderFailure(c *fiber.Ctx, status int, err error) error
	// Describe returns a notification's title and text in the request's
	// language.
	Describe(c *fiber.Ctx, m notify.Message) (title, body string)
	// Lang returns the request's language (kept at sign-in for e-mails).
	Lang(c *fiber.Ctx) string
}

// Check is a named readiness check.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
	// Optional: the platform serves without it (degraded), so a failure
	// does not take the replica out of the load balancer. The search
	// engine is optional: writes queue in the outbox while it is down.
	Optional bool
}

// Config wires the server.
type Config struct {
	// Metrics counts and times every request by route template (nil: no
	// metrics); with ServeMetrics the server also answers GET /metrics
	// (else another listener does: OTM_METRICS_ADDR).
	Metrics      *metrics.Registry
	ServeMetrics bool
	// Services are the platform's services (see package platform); a nil
	// Profiles turns the application, program, request and tandem routes off.
	platform.Services
	BaseURL        string
	Pages          Pages
	DevIDP         http.Handler // the development OpenID Provider, mounted under DevIDPPath; nil when off
	DevIDPPath     string       // e.g. "/devidp"
	ReadyChecks    []Check
	TrustedProxies []string
	Logger         *slog.Logger
	// LoginsPerMinute bounds sign-in starts per client IP (each stores a
	// pending attempt); 0 means 30, negative means no limit (benchmarks).
	LoginsPerMinute int
	// ReadsPerMinute and WritesPerMinute bound requests per signed-in person,
	// or per client IP for visitors (requestLimiter): 0 means the default
	// (DefaultReadsPerMinute, DefaultWritesPerMinute), negative no limit.
	ReadsPerMinute, WritesPerMinute int
	// SearchesPerMinute bounds directory searches (the costliest reads) the
	// same way: 0 means DefaultSearchesPerMinute, negative no limit.
	SearchesPerMinute int
	// RateLimitStorage holds the rate limit's counters (nil: this process's
	// memory). Several replicas share one (the database), so that the limit
	// holds across them.
	RateLimitStorage fiber.Storage
}

// Server is the HTTP server.
type Server struct {
	app    *fiber.App
	cfg    Config
	log    *slog.Logger
	secure bool // the base URL is https: Secure cookies with the __Host- prefix
}

// Cookie names; with https they carry the __Host- prefix.
const (
	sessionCookie = "otm_session"
	loginCookie   = "otm_login"
)

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, log: reqid.Logger(cfg.Logger), secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	s.app = fiber.New(fiber.Config{
		AppName:                 "OpenToMentor",
		DisableStartupMessage:   true,
		Immutable:               true, // values from c.Query/c.Params may outlive the handler
		ErrorHandler:            s.handleError,
		BodyLimit:               photo.MaxBytes + 64<<10, // a photo upload; JSON bodies are held to input.MaxJSONBody
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            30 * time.Second,
		IdleTimeout:             120 * time.Second,
		EnableTrustedProxyCheck: true, // X-Forwarded-* only from configured proxies
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
	})
	s.routes()
	return s
}

// maxSmallBody bounds the body of every request but a photo upload, before
// anything parses it (a form of many tiny fields costs far more to parse
// than its size).
const maxSmallBody = 256 << 10

// photoUploads are the routes whose bodies may be as large as a photo.
var photoUploads = map[string]bool{"PUT /api/v1/me/mentor-profile/photo": true, "POST /apply/photo": true}

// smallBodies refuses a body larger than maxSmallBody outside photoUploads:
// 413 naming the body.
func smallBodies(c *fiber.Ctx) error {
	if len(c.Body()) > maxSmallBody && !photoUploads[c.Method()+" "+c.Path()] {
		return input.TooLarge(maxSmallBody)
	}
	return c.Next()
}

func proxyHeader(trusted []string) string {
	if len(trusted) > 0 {
		return fiber.HeaderXForwardedFor
	}
	return ""
}

// App returns the Fiber application (for tests).
func (s *Server) App() *fiber.App { return s.app }

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

func (s *Server) cookieName(base string) string {
	if s.secure {
		return "__Host-" + base
	}
	return base
}

func (s *Server) routes() {
	app := s.app
	if s.cfg.Metrics != nil {
		app.Use(s.cfg.Metrics.Middleware())
	}
	app.Use(tracing.Middleware(metrics.RouteOf)) // a no-op tracer unless OTEL_* asks for traces
	app.Use(s.requestLog)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.ErrorContext(c.UserContext(), "panic", "path", c.Path(), "panic", e)
	}}))
	app.Use(s.securityHeaders)
	app.Use(smallBodies)

	app.Get("/healthz", s.healthz)
	app.Post("/unsubscribe/:token", s.oneClickUnsubscribe)
	app.Get("/readyz", s.readyz)
	if s.cfg.Metrics != nil && s.cfg.ServeMetrics {
		app.Get("/metrics", adaptor.HTTPHandler(s.cfg.Metrics.Handler()))
	}
	if s.cfg.DevIDP != nil {
		h := adaptor.HTTPHandler(detachRequest(s.cfg.DevIDP))
		app.All(s.cfg.DevIDPPath, h)
		app.All(s.cfg.DevIDPPath+"/*", h)
	}
	app.Use(s.authenticate)
	app.Use(s.requestLimiter())
	app.Use(CSRF(s.cfg.BaseURL))

	auth := app.Group("/auth")
	auth.Get("/providers", s.listProviders)
	auth.Post("/logout", s.logout)
	auth.Get("/:provider/login", s.loginLimiter(), s.login)
	auth.Get("/:provider/callback", s.callback)

	v1 := app.Group("/api/v1")
	v1.Get("/me", s.getMe)
	if s.cfg.Profiles != nil {
		v1.Get("/topics", s.listTopics)
		v1.Get("/me/mentor-profile", s.getMyProfile)
		v1.Put("/me/mentor-profile", s.putMyProfile)
		v1.Post("/me/mentor-profile/submit", s.submitMyProfile)
		v1.Post("/me/mentor-profile/withdraw", s.withdrawMyProfile)
		v1.Put("/me/mentor-profile/pause", s.pauseMyProfile)
		v1.Put("/me/mentor-profile/photo", s.putMyPhoto)
		v1.Delete("/me/mentor-profile/photo", s.deleteMyPhoto)
		v1.Get("/me/audit", s.myAudit)
		v1.Get("/programs", s.listPrograms)
		v1.Get("/programs/:id", s.getProgram)
		v1.Get("/me/mentee-requests", s.myRequests)
		v1.Get("/me/shortlists", s.myShortlists)
		v1.Post("/me/shortlists/:id/pick", s.pickShortlist)
		v1.Post("/me/shortlists/:id/more", s.askForMore)
		v1.Get("/me/mentee-request", s.getMyRequest)
		v1.Put("/me/mentee-request", s.putMyRequest)
		v1.Post("/me/mentee-request/submit", s.submitMyRequest)
		v1.Post("/me/mentee-request/withdraw", s.withdrawMyRequest)
		v1.Get("/me/tandems", s.myTandems)
		v1.Post("/me/tandems/:id/accept", s.answerTandem(true))
		v1.Post("/me/tandems/:id/decline", s.answerTandem(false))
		v1.Post("/me/tandems/:id/end", s.endTandem(false))
		v1.Put("/me/tandems/:id/cadence", s.putCadence)
		v1.Post("/me/tandems/:id/meetings", s.addMeeting)
		v1.Get("/me/tandems/:id/meetings", s.listMeetings)
		v1.Get("/me/tandems/:id/calendar.ics", s.tandemCalendar)
		v1.Put("/me/tandems/:id/feedback", s.putFeedback)
		v1.Get("/me/tandems/:id/feedback", s.getFeedback)
		v1.Get("/me/export", s.exportMe)
		v1.Get("/me/line-managers", s.getMyLineManagers)
		v1.Put("/me/line-managers", s.putMyLineManagers)
		v1.Delete("/me", s.deleteMe)
		v1.Get("/mentors", s.listMentors)
		v1.Get("/mentors/:id", s.getMentor)
		v1.Get("/mentors/:id/photo", s.getMentorPhoto)
		mod := v1.Group("/moderation")
		mod.Get("/mentee-requests", s.listRequests)
		mod.Get("/mentee-requests/:id", s.getRequest)
		mod.Get("/mentee-requests/:id/suggestions", s.suggestRequest)
		mod.Get("/mentee-requests/:id/shortlist", s.getShortlist)
		mod.Put("/mentee-requests/:id/shortlist", s.putShortlist)
		mod.Post("/mentee-requests/:id/shortlist/send", s.sendShortlist)
		mod.Post("/mentee-requests/:id/shortlist/comments", s.commentShortlist)
		mod.Post("/tandems", s.proposeTandem)
		mod.Get("/tandems", s.programTandems)
		mod.Get("/assignment", s.cohortAssignment)
		mod.Get("/tandems/:id", s.getTandem)
		mod.Post("/tandems/:id/end", s.endTandem(true))
		mod.Put("/programs/:id", s.updateProgram)
		mod.Post("/programs/:id/phase", s.advanceProgram)
		mod.Get("/programs/:id/report", s.programReport)
		mod.Get("/programs/:id/report.csv", s.programReportCSV)
		mod.Get("/applications", s.listApplications)
		mod.Get("/applications/:id", s.getApplication)
		mod.Get("/applications/:id/audit", s.applicationAudit)
		mod.Post("/applications/:id/decision", s.decideApplication)
		mod.Post("/applications/:id/comments", s.commentApplication)
		v1.Get("/me/notifications", s.myNotifications)
		v1.Post("/me/notifications/read", s.readNotifications)
		v1.Get("/me/notification-preferences", s.myMailPreferences)
		v1.Put("/me/notification-preferences", s.putMailPreferences)
		v1.Get("/me/program-follow", s.myProgramFollow)
		v1.Put("/me/program-follow", s.putProgramFollow)
		adm := v1.Group("/admin")
		adm.Put("/topics/:id", s.putTopic)
		adm.Post("/programs", s.createProgram)
		adm.Delete("/programs/:id", s.deleteProgram)
		adm.Get("/organizations", s.listOrganizations)
		adm.Post("/organizations", s.createOrganization)
		adm.Patch("/organizations/:id", s.patchOrganization)
		adm.Post("/organizations/:id/merge", s.mergeOrganization)
		adm.Get("/people", s.listPeople)
		adm.Put("/people/:id/roles", s.putPersonRoles)
		adm.Put("/grants/:email", s.putGrant)
		adm.Get("/audit", s.listAudit)
		adm.Get("/audit.csv", s.auditCSV)
	}
	app.Get("/api/openapi.json", s.openAPI)
	app.All("/api/*", func(c *fiber.Ctx) error {
		return otm.Errorf(otm.ENOTFOUND, "No such API route: %s %s.", c.Method(), c.Path())
	})

	if s.cfg.Pages != nil {
		s.cfg.Pages.Register(app)
	}
	app.Use(func(c *fiber.Ctx) error {
		return otm.Errorf(otm.ENOTFOUND, "This page does not exist.")
	})
}

// detachRequest copies what the fasthttp adaptor hands over as strings that
// alias fasthttp's reusable buffers, so that a handler which keeps them (the
// development provider keeps auth requests in memory) never sees them
// overwritten by the next request on the connection.
func detachRequest(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.RequestURI = strings.Clone(r.RequestURI)
		r2.Method = strings.Clone(r.Method)
		r2.Host = strings.Clone(r.Host)
		r2.RemoteAddr = strings.Clone(r.RemoteAddr)
		if u, err := url.ParseRequestURI(r2.RequestURI); err == nil {
			r2.URL = u
		} else {
			http.Error(w, "bad request URI", http.StatusBadRequest)
			return
		}
		r2.Header = make(http.Header, len(r.Header))
		for k, vs := range r.Header {
			cp := make([]string, len(vs))
			for i, v := range vs {
				cp[i] = strings.Clone(v)
			}
			r2.Header[strings.Clone(k)] = cp
		}
		h.ServeHTTP(w, r2)
	})
}

// loginLimiter refuses more than LoginsPerMinute sign-in starts a minute from
// one client IP with 429.
func (s *Server) loginLimiter() fiber.Handler {
	n := s.cfg.LoginsPerMinute
	if n < 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	if n == 0 {
		n = 30
	}
	return limiter.New(limiter.Config{
		Max:        n,
		Expiration: time.Minute,
		Storage:    s.cfg.RateLimitStorage,
		LimitReached: func(c *fiber.Ctx) error {
			return otm.Refuse(otm.ETOOMANY, otm.RuleRateLimit, nil, "Too many sign-in attempts from your network. Please wait a minute and try again.")
		},
	})
}

// requestLog writes one structured line per request.
func (s *Server) requestLog(c *fiber.Ctx) error {
	start := time.Now()
	rid := reqid.Pick(c.Get("X-Request-ID"), c.Get("Traceparent"))
	c.Locals("requestID", rid)
	c.SetUserContext(reqid.With(c.UserContext(), rid))
	c.Set("X-Request-ID", rid)
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("ip", c.IP()))
	return nil
}

// securityHeaders sets a strict CSP and the usual hardening headers. The
// development provider's own pages get a CSP that allows their inline styles.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.cfg.DevIDP != nil && strings.HasPrefix(c.Path(), s.cfg.DevIDPPath+"/") {
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'")
	} else {
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	}
	if s.secure {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// authenticate puts the session's principal, if any, on the request context.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token := c.Cookies(s.cookieName(sessionCookie))
	if token == "" || strings.HasPrefix(c.Path(), "/static/") {
		return c.Next()
	}
	p, err := s.cfg.Identity.Authenticate(c.UserContext(), token)
	switch otm.ErrorCode(err) {
	case "":
		c.SetUserContext(otm.NewContextWithPrincipal(c.UserContext(), p))
	case otm.EUNAUTHORIZED:
		s.clearCookie(c, sessionCookie)
	default:
		return err
	}
	return c.Next()
}

// CSRF requires the session's synchronizer token on every state-changing
// request made with a session: X-CSRF-Token from scripts, csrf_token from forms.
// A cross-site Origin (not baseURL) is refused outright. The server runs it
// after resolving the session; page tests run it too.
func CSRF(baseURL string) fiber.Handler {
	return func(c *fiber.Ctx) error { return csrf(c, baseURL) }
}

func csrf(c *fiber.Ctx, baseURL string) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), "/unsubscribe/") {
		// RFC 8058 one-click: posted by mail programs, without cookies or a
		// token; the signed link is the authority and only switches off.
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" && o != baseURL {
		return otm.Refuse(otm.EFORBIDDEN, otm.RuleCrossSite, nil, "Cross-site request refused.")
	}
	p := otm.PrincipalFromContext(c.UserContext())
	if p == nil {
		return c.Next() // nothing to forge; handlers refuse anonymous writes
	}
	token := c.Get("X-CSRF-Token")
	if token == "" {
		token = c.FormValue("csrf_token")
	}
	if !identity.CheckCSRF(p, token) {
		return otm.Refuse(otm.EFORBIDDEN, otm.RuleCSRF, nil, "Missing or invalid CSRF token. Reload the page and try again.")
	}
	return c.Next()
}

func (s *Server) setCookie(c *fiber.Ctx, base, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     s.cookieName(base),
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		Secure:   s.secure,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, base string) {
	c.Cookie(&fiber.Cookie{
		Name: s.cookieName(base), Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		Secure: s.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 while every required dependency answers ("ready", or
// "degraded" when an optional one does not), else 503 naming the missing
// dependency. It names checks and their state only: the errors (hosts,
// addresses) go to the log, never to the caller.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	checks := fiber.Map{}
	var failed []string
	status := "ready"
	for _, ch := range s.cfg.ReadyChecks {
		if err := ch.Check(ctx); err != nil {
			s.log.WarnContext(c.UserContext(), "readiness check failed", "check", ch.Name, "optional", ch.Optional, "err", err)
			checks[ch.Name] = "unavailable"
			if ch.Optional {
				status = "degraded"
			} else {
				failed = append(failed, ch.Name)
			}
			continue
		}
		checks[ch.Name] = "ok"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if len(failed) > 0 {
		return problem(c, fiber.StatusServiceUnavailable, otm.EUNAVAILABLE,
			"Not ready: "+strings.Join(failed, ", ")+" unreachable.", nil, fiber.Map{"checks": checks})
	}
	return c.JSON(fiber.Map{"status": status, "checks": checks})
}

// wantsJSON reports whether the error should be problem+json rather than a page.
func wantsJSON(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/api/") || p == "/auth/providers" || p == "/readyz" ||
		c.Get("X-CSRF-Token") != "" || strings.Contains(c.Get(fiber.HeaderAccept), "json")
}

// handleError is the one place errors become responses: problem+json for
// the API, the error page for pages, both with the status of package httperr.
// Internal errors are logged with the request id and shown as "Internal
// error." only.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	return handleError(c, err, s.cfg.Pages, s.log)
}

// ErrorHandler returns the server's error handler for an app of its own
// (page tests run the pages behind it); pages may be nil.
func ErrorHandler(pages Pages, log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error { return handleError(c, err, pages, log) }
}

func handleError(c *fiber.Ctx, err error, pages Pages, log *slog.Logger) error {
	status, code, msg, internal := httperr.Of(err)
	if internal {
		log.ErrorContext(c.UserContext(), "internal error", "path", c.Path(), "err", err)
		msg = "Internal error."
	}
	if wantsJSON(c) || pages == nil {
		return problem(c, status, code, msg, err, nil)
	}
	return pages.RenderFailure(c, status, err)
}

// problem writes an RFC 9457 problem document.
func problem(c *fiber.Ctx, status int, code, detail string, err error, extra fiber.Map) error {
	fields := otm.ErrorFields(err)
	body := fiber.Map{
		"type":   "about:blank",
		"title":  http.StatusText(status),
		"status": status,
		"detail": detail,
		"code":   code,
	}
	if rid, ok := c.Locals("requestID").(string); ok {
		body["requestId"] = rid
	}
	if len(fields) > 0 {
		body["errors"] = fields
	}
	if rule, args := otm.ErrorRule(err); rule != "" {
		body["rule"] = rule
		if len(args) > 0 {
			body["args"] = args
		}
	}
	for k, v := range extra {
		body[k] = v
	}
	c.Status(status)
	if err := c.JSON(body); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return nil
}
