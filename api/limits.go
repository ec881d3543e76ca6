package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	otm "github.com/opentomentor/opentomentor"
)

// Default request limits a minute (Config.ReadsPerMinute, WritesPerMinute):
// generous for a person clicking through pages (assets do not count), and for
// an office's visitors behind one address, while one client cannot flood the
// platform alone.
const (
	DefaultReadsPerMinute  = 1200
	DefaultWritesPerMinute = 120
	// DefaultSearchesPerMinute bounds directory searches (API and page): a
	// person typing a query gets a result per pause, a scraper from one
	// address gets 429s after two a second.
	DefaultSearchesPerMinute = 120
)

// requestLimiter bounds requests a minute: a signed-in person's on their own,
// everyone else's per client address; reads (GET, HEAD) and writes apart.
// Beyond the limit it answers 429 with Retry-After. The counters live in
// Config.RateLimitStorage (shared by the replicas against MongoDB). Static
// assets are not counted.
func (s *Server) requestLimiter() fiber.Handler {
	who := func(c *fiber.Ctx) string {
		if p := otm.PrincipalFromContext(c.UserContext()); p != nil && p.UserID != "" {
			return "u:" + p.UserID
		}
		return "ip:" + c.IP()
	}
	mk := func(n, def int, kind string) fiber.Handler {
		switch {
		case n < 0:
			return nil
		case n == 0:
			n = def
		}
		return limiter.New(limiter.Config{
			Max:          n,
			Expiration:   time.Minute,
			Storage:      s.cfg.RateLimitStorage,
			KeyGenerator: func(c *fiber.Ctx) string { return kind + ":" + who(c) },
			LimitReached: func(c *fiber.Ctx) error {
				return otm.Refuse(otm.ETOOMANY, otm.RuleRateLimit, nil, "Too many requests. Please wait a minute and try again.")
			},
		})
	}
	reads := mk(s.cfg.ReadsPerMinute, DefaultReadsPerMinute, "read")
	writes := mk(s.cfg.WritesPerMinute, DefaultWritesPerMinute, "write")
	searches := mk(s.cfg.SearchesPerMinute, DefaultSearchesPerMinute, "search")
	return func(c *fiber.Ctx) error {
		l := writes
		if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
			l = reads
			if p := c.Path(); searches != nil && (p == "/api/v1/mentors" || p == "/mentors") {
				return searches(c) // in its own, smaller bucket

			}
		}
		if l == nil || strings.HasPrefix(c.Path(), "/static/") {
			return c.Next()
		}
		return l(c)
	}
}
