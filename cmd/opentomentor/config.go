package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/opentomentor/opentomentor/notify"
)

// Config is read once from the environment and flags (a flag wins over its
// variable), validated, and passed down as plain values.
type Config struct {
	Addr           string // OTM_ADDR
	BaseURL        string // OTM_BASE_URL; derived from Addr when empty
	DataDir        string // OTM_DATA_DIR
	Env            string // OTM_ENV: development | production
	MongoURI       string // OTM_MONGODB_URI
	MeiliURL       string // OTM_MEILISEARCH_URL
	MeiliAPIKey    string // OTM_MEILISEARCH_API_KEY
	ProvidersFile  string // OTM_OIDC_PROVIDERS_FILE
	AdminEmails    []string
	CuratorEmails  []string
	DevIDPPublic   bool     // OTM_DEV_IDP_PUBLIC
	LogFormat      string   // OTM_LOG_FORMAT: text | json
	LogLevel       string   // OTM_LOG_LEVEL: debug | info | warn | error
	TrustedProxies []string // OTM_TRUSTED_PROXIES: IPs/CIDRs whose X-Forwarded-* is trusted
	SignInPolicy   string   // OTM_SIGNIN_POLICY: open | verified-organizations
	SMTPURL        string   // OTM_SMTP_URL: smtp://user:pass@host:587 | smtps://…
	SMTP           *notify.SMTPConfig
	MailFrom       string // OTM_MAIL_FROM
	MailDisabled   bool   // OTM_MAIL_DISABLED
	AllowEmbedded  bool   // OTM_ALLOW_EMBEDDED_DB: OTM_ENV=production without OTM_MONGODB_URI
	MetricsAddr    string // OTM_METRICS_ADDR: serve /metrics there instead of on OTM_ADDR
	// FingerprintKeys (OTM_FINGERPRINT_KEYS): comma-separated base64 keys of
	// at least 16 bytes, oldest first, that key the fingerprints of declared
	// line managers.
	FingerprintKeys [][]byte

	ReadsPerMinute  int // OTM_RATE_LIMIT_READS; -1: no limit
	WritesPerMinute int // OTM_RATE_LIMIT_WRITES; -1: no limit
	// SearchesPerMinute (OTM_RATE_LIMIT_SEARCHES) bounds directory searches;
	// -1: no limit.
	SearchesPerMinute int
	// RetentionDays (OTM_RETENTION_DAYS): days after its evaluation that a
	// cohort keeps its requests, tandems, meetings and feedback; 0: kept.
	RetentionDays int

	SessionIdle     time.Duration // OTM_SESSION_IDLE_TIMEOUT
	SessionAbsolute time.Duration // OTM_SESSION_ABSOLUTE_TIMEOUT
}

// setting describes one configuration item for both flags and environment.
type setting struct {
	env, flag, usage, def string
}

var settings = []setting{
	{"OTM_ADDR", "addr", "listen address host:port", "127.0.0.1:8080"},
	{"OTM_BASE_URL", "base-url", "public base URL (default http://<addr>)", ""},
	{"OTM_DATA_DIR", "data-dir", "directory for the embedded database and search index", "./data"},
	{"OTM_ENV", "env", "development | production", "development"},
	{"OTM_MONGODB_URI", "mongodb-uri", "a real MongoDB (default: embedded)", ""},
	{"OTM_ALLOW_EMBEDDED_DB", "allow-embedded-db", "run OTM_ENV=production on the embedded database (one process only)", "false"},
	{"OTM_MEILISEARCH_URL", "meilisearch-url", "a real Meilisearch (default: embedded)", ""},
	{"OTM_MEILISEARCH_API_KEY", "meilisearch-api-key", "Meilisearch API key", ""},
	{"OTM_OIDC_PROVIDERS_FILE", "oidc-providers-file", "YAML file listing the identity providers (default: development provider)", ""},
	{"OTM_ADMIN_EMAILS", "admin-emails", "comma-separated verified e-mails that get the admin role", ""},
	{"OTM_CURATOR_EMAILS", "curator-emails", "comma-separated verified e-mails that get the curator role", ""},
	{"OTM_DEV_IDP_PUBLIC", "dev-idp-public", "allow the development identity provider on a non-loopback address", "false"},
	{"OTM_LOG_FORMAT", "log-format", "text | json", "text"},
	{"OTM_LOG_LEVEL", "log-level", "debug | info | warn | error", "info"},
	{"OTM_TRUSTED_PROXIES", "trusted-proxies", "comma-separated proxy IPs/CIDRs whose X-Forwarded-* headers are trusted", ""},
	{"OTM_SIGNIN_POLICY", "signin-policy", "open | verified-organizations (only people of verified organizations, and those the configuration or a grant names)", "open"},
	{"OTM_RATE_LIMIT_READS", "rate-limit-reads", "page and API reads a minute per signed-in person, or per client address for visitors; 0: no limit", "1200"},
	{"OTM_RATE_LIMIT_WRITES", "rate-limit-writes", "writes a minute per signed-in person, or per client address for visitors; 0: no limit", "120"},
	{"OTM_RATE_LIMIT_SEARCHES", "rate-limit-searches", "directory searches a minute per signed-in person, or per client address for visitors; 0: no limit", "120"},
	{"OTM_RETENTION_DAYS", "retention-days", "days after its evaluation that a cohort keeps its requests, tandems, meetings and feedback (then deleted; the report's figures stay); 0: kept", "365"},
	{"OTM_SESSION_IDLE_TIMEOUT", "session-idle-timeout", "session idle timeout", "2h"},
	{"OTM_SESSION_ABSOLUTE_TIMEOUT", "session-absolute-timeout", "session absolute timeout", "12h"},
	{"OTM_SMTP_URL", "smtp-url", "where e-mail goes: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (default in development: the /dev/mail mailbox)", ""},
	{"OTM_MAIL_FROM", "mail-from", "the sender of e-mails, e.g. \"OpenToMentor <noreply@opentomentor.example>\"", ""},
	{"OTM_MAIL_DISABLED", "mail-disabled", "send no e-mail at all (the inbox only)", "false"},
	{"OTM_METRICS_ADDR", "metrics-addr", "serve Prometheus metrics (/metrics) on this host:port instead of on OTM_ADDR", ""},
	{"OTM_FINGERPRINT_KEYS", "fingerprint-keys", "comma-separated base64 keys (16+ bytes each, oldest first; add new ones at the end, never remove) that key line-manager fingerprints (default: a key kept in the database)", ""},
}

// registerConfigFlags adds every setting to fs and returns a function that builds
// the Config from flags and the environment once fs has been parsed.
func registerConfigFlags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		vals[s.env] = fs.String(s.flag, def, s.usage+" ($"+s.env+")")
	}
	return func() (Config, error) {
		get := func(env string) string { return strings.TrimSpace(*vals[env]) }
		var errs []error
		cfg := Config{
			Addr:          get("OTM_ADDR"),
			BaseURL:       strings.TrimRight(get("OTM_BASE_URL"), "/"),
			DataDir:       get("OTM_DATA_DIR"),
			Env:           get("OTM_ENV"),
			MongoURI:      get("OTM_MONGODB_URI"),
			MeiliURL:      get("OTM_MEILISEARCH_URL"),
			MeiliAPIKey:   get("OTM_MEILISEARCH_API_KEY"),
			ProvidersFile: get("OTM_OIDC_PROVIDERS_FILE"),
			LogFormat:     get("OTM_LOG_FORMAT"),
			LogLevel:      get("OTM_LOG_LEVEL"),
			SignInPolicy:  get("OTM_SIGNIN_POLICY"),
			SMTPURL:       get("OTM_SMTP_URL"),
			MailFrom:      get("OTM_MAIL_FROM"),
			MetricsAddr:   get("OTM_METRICS_ADDR"),
		}
		var err error
		if cfg.AdminEmails, err = parseEmails("OTM_ADMIN_EMAILS", get("OTM_ADMIN_EMAILS")); err != nil {
			errs = append(errs, err)
		}
		if cfg.CuratorEmails, err = parseEmails("OTM_CURATOR_EMAILS", get("OTM_CURATOR_EMAILS")); err != nil {
			errs = append(errs, err)
		}
		for _, b := range []struct {
			env string
			dst *bool
		}{{"OTM_DEV_IDP_PUBLIC", &cfg.DevIDPPublic}, {"OTM_MAIL_DISABLED", &cfg.MailDisabled}, {"OTM_ALLOW_EMBEDDED_DB", &cfg.AllowEmbedded}} {
			switch strings.ToLower(get(b.env)) {
			case "true", "1", "yes":
				*b.dst = true
			case "false", "0", "no", "":
			default:
				errs = append(errs, fmt.Errorf("%s: %q is not a boolean (use true or false)", b.env, get(b.env)))
			}
		}
		for i, k := range splitList(get("OTM_FINGERPRINT_KEYS")) {
			key, err := base64.StdEncoding.DecodeString(k)
			if err != nil {
				key, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(k, "="))
			}
			if err != nil || len(key) < 16 {
				errs = append(errs, fmt.Errorf("OTM_FINGERPRINT_KEYS: key %d is not base64 of at least 16 bytes (e.g. openssl rand -base64 32)", i+1))
				continue
			}
			cfg.FingerprintKeys = append(cfg.FingerprintKeys, key)
		}
		for _, p := range splitList(get("OTM_TRUSTED_PROXIES")) {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					errs = append(errs, fmt.Errorf("OTM_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p))
					continue
				}
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
		for _, l := range []struct {
			env string
			dst *int
		}{{"OTM_RATE_LIMIT_READS", &cfg.ReadsPerMinute}, {"OTM_RATE_LIMIT_WRITES", &cfg.WritesPerMinute}, {"OTM_RATE_LIMIT_SEARCHES", &cfg.SearchesPerMinute}} {
			v, err := strconv.Atoi(get(l.env))
			if err != nil || v < 0 || v > 1_000_000 {
				errs = append(errs, fmt.Errorf("%s: %q is not a number of requests a minute (0 for no limit)", l.env, get(l.env)))
				continue
			}
			if v == 0 {
				v = -1
			}
			*l.dst = v
		}
		if v, err := strconv.Atoi(get("OTM_RETENTION_DAYS")); err != nil || v < 0 || v > 36500 {
			errs = append(errs, fmt.Errorf("OTM_RETENTION_DAYS: %q is not a number of days (0 to keep cohorts' data)", get("OTM_RETENTION_DAYS")))
		} else {
			cfg.RetentionDays = v
		}
		for _, d := range []struct {
			env string
			dst *time.Duration
		}{{"OTM_SESSION_IDLE_TIMEOUT", &cfg.SessionIdle}, {"OTM_SESSION_ABSOLUTE_TIMEOUT", &cfg.SessionAbsolute}} {
			v, err := time.ParseDuration(get(d.env))
			if err != nil || v < time.Minute {
				errs = append(errs, fmt.Errorf("%s: %q is not a duration of at least 1m (e.g. 2h, 90m)", d.env, get(d.env)))
				continue
			}
			*d.dst = v
		}
		if err := cfg.validate(); err != nil {
			errs = append(errs, err)
		}
		return cfg, errors.Join(errs...)
	}
}

// DevIDP reports whether the built-in development identity provider is on.
func (c Config) DevIDP() bool { return c.ProvidersFile == "" }

func (c *Config) validate() error {
	var errs []error
	switch c.Env {
	case "development", "production":
	default:
		errs = append(errs, fmt.Errorf("OTM_ENV: %q is not one of development, production", c.Env))
	}
	switch c.SignInPolicy {
	case "open", "verified-organizations":
	default:
		errs = append(errs, fmt.Errorf("OTM_SIGNIN_POLICY: %q is not one of open, verified-organizations", c.SignInPolicy))
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("OTM_ADDR: %q is not host:port (e.g. 127.0.0.1:8080): %v", c.Addr, err))
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		errs = append(errs, fmt.Errorf("OTM_ADDR: %q has an invalid port", c.Addr))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			errs = append(errs, fmt.Errorf("OTM_BASE_URL: %q is not an absolute http(s) URL", c.BaseURL))
		case u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
			errs = append(errs, fmt.Errorf("OTM_BASE_URL: %q must be an origin without path, query or fragment", c.BaseURL))
		case c.Env == "production" && u.Scheme != "https":
			errs = append(errs, fmt.Errorf("OTM_BASE_URL: %q must use https when OTM_ENV=production", c.BaseURL))
		}
	} else if c.Env == "production" {
		errs = append(errs, errors.New("OTM_BASE_URL: required when OTM_ENV=production (the public https origin, e.g. https://opentomentor.example)"))
	}
	if c.DataDir == "" && (c.MongoURI == "" || c.MeiliURL == "") {
		errs = append(errs, errors.New("OTM_DATA_DIR: required for the embedded database or search engine"))
	}
	if c.MongoURI != "" {
		if u, err := url.Parse(c.MongoURI); err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
			errs = append(errs, errors.New("OTM_MONGODB_URI: not a mongodb:// or mongodb+srv:// URI"))
		}
	}
	if c.MeiliURL != "" {
		if u, err := url.Parse(c.MeiliURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("OTM_MEILISEARCH_URL: %q is not an absolute http(s) URL", c.MeiliURL))
		}
	}
	if c.ProvidersFile != "" {
		if _, err := os.Stat(c.ProvidersFile); err != nil {
			errs = append(errs, fmt.Errorf("OTM_OIDC_PROVIDERS_FILE: %v", err))
		}
	}
	if c.DevIDP() {
		if c.Env == "production" {
			errs = append(errs, errors.New("OTM_OIDC_PROVIDERS_FILE: required when OTM_ENV=production; the development identity provider, which lets anyone sign in as anyone, never runs in production"))
		} else if err == nil && !isLoopback(host) && !c.DevIDPPublic {
			errs = append(errs, fmt.Errorf("OTM_ADDR: %q is not a loopback address while the development identity provider (anyone can sign in as anyone) is on; configure OTM_OIDC_PROVIDERS_FILE, listen on 127.0.0.1, or set OTM_DEV_IDP_PUBLIC=true if you really mean it", c.Addr))
		}
	}
	if c.Env == "production" && c.MongoURI == "" && !c.AllowEmbedded {
		errs = append(errs, errors.New("OTM_MONGODB_URI: required when OTM_ENV=production; the embedded database serves one process on one machine (set OTM_ALLOW_EMBEDDED_DB=true if that is what you mean)"))
	}
	errs = append(errs, c.validateMail()...)
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("OTM_LOG_FORMAT: %q is not one of text, json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("OTM_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	return errors.Join(errs...)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseEmails(name, s string) ([]string, error) {
	var out []string
	var errs []error
	for _, e := range splitList(s) {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e {
			errs = append(errs, fmt.Errorf("%s: %q is not an e-mail address", name, e))
			continue
		}
		out = append(out, strings.ToLower(e))
	}
	return out, errors.Join(errs...)
}

// validateMail checks the e-mail settings: production sends through SMTP
// (or says it sends nothing); development keeps mail in /dev/mail unless
// an SMTP server is named. It fills c.SMTP.
func (c *Config) validateMail() []error {
	var errs []error
	if c.SMTPURL != "" {
		sc, err := notify.ParseSMTPURL(c.SMTPURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("OTM_SMTP_URL: %v", err))
		}
		c.SMTP = sc // plain smtp:// needs STARTTLS unless the server is on loopback
		if c.MailDisabled {
			errs = append(errs, errors.New("OTM_MAIL_DISABLED: true while OTM_SMTP_URL names a server; choose one"))
		}
	} else if c.Env == "production" && !c.MailDisabled {
		errs = append(errs, errors.New("OTM_SMTP_URL: required when OTM_ENV=production (or set OTM_MAIL_DISABLED=true to send no e-mail)"))
	}
	if c.MailFrom != "" {
		if a, err := mail.ParseAddress(c.MailFrom); err != nil || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@")+1:], ".") {
			errs = append(errs, fmt.Errorf("OTM_MAIL_FROM: %q is not an e-mail address (e.g. OpenToMentor <noreply@opentomentor.example>)", c.MailFrom))
		}
	} else if c.SMTPURL != "" {
		errs = append(errs, errors.New("OTM_MAIL_FROM: required with OTM_SMTP_URL (e.g. OpenToMentor <noreply@opentomentor.example>)"))
	}
	return errs
}

// MailFromOrDefault is the sender: OTM_MAIL_FROM, or a development address.
func (c Config) MailFromOrDefault() string {
	if c.MailFrom != "" {
		return c.MailFrom
	}
	return "OpenToMentor <noreply@opentomentor.invalid>"
}
