package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"gopkg.in/yaml.v3"
)

// ProviderConfig is one identity provider as the providers file describes it.
type ProviderConfig struct {
	ID              string   `yaml:"id"`
	Name            string   `yaml:"name"`
	Issuer          string   `yaml:"issuer"`
	ClientID        string   `yaml:"clientID"`
	ClientSecretEnv string   `yaml:"clientSecretEnv"`
	Scopes          []string `yaml:"scopes"`
	PKCE            *bool    `yaml:"pkce"`
	// TokenAuthStyle is how the client authenticates at the token endpoint:
	// "auto" (default), "basic" (client_secret_basic) or "post" (client_secret_post).
	TokenAuthStyle string `yaml:"tokenAuthStyle"`
	// AcceptedIssuers are the issuer values accepted in ID tokens and in the RFC 9207
	// iss parameter, when they differ from the discovered issuer (LinkedIn's
	// "https://www.linkedin.com/oauth"). An entry may contain "{tenantid}": the
	// token's tid claim is put in its place and must be in AllowedTenants
	// (Microsoft Entra multi-tenant).
	AcceptedIssuers []string `yaml:"acceptedIssuers"`
	AllowedTenants  []string `yaml:"allowedTenants"`
	// Organization is the organization this issuer vouches for, if any.
	Organization string `yaml:"organization"`
	// EmailDomains maps verified e-mail domains to organization names; the
	// provider is trusted to verify addresses in these domains.
	EmailDomains map[string]string `yaml:"emailDomains"`
	// TrustEmails says the provider's email_verified can be trusted for any
	// domain (e.g. Google). Only e-mails a provider is trusted for can receive
	// roles from OTM_ADMIN_EMAILS, OTM_CURATOR_EMAILS or role grants: otherwise
	// any company's identity provider could claim an admin's address.
	TrustEmails bool `yaml:"trustEmails"`

	// AllowHTTP accepts an http issuer that is not on loopback (a local
	// container network); never in production.
	AllowHTTP bool `yaml:"allowHTTP"`

	// ClientSecret is read from ClientSecretEnv; never from the file.
	ClientSecret string `yaml:"-"`
}

// UsesPKCE reports whether the provider gets a PKCE challenge (default true).
func (p ProviderConfig) UsesPKCE() bool { return p.PKCE == nil || *p.PKCE }

type providersFile struct {
	Providers []ProviderConfig `yaml:"providers"`
}

var providerIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// LoadProvidersFile reads and validates the identity providers file. Secrets are
// read from the environment through getenv. Errors name the provider and field.
func LoadProvidersFile(path string, getenv func(string) string) ([]ProviderConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("identity providers file: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(io.LimitReader(f, 1<<20))
	dec.KnownFields(true)
	var pf providersFile
	if err := dec.Decode(&pf); err != nil {
		return nil, fmt.Errorf("identity providers file %s: %w", path, err)
	}
	if len(pf.Providers) == 0 {
		return nil, fmt.Errorf("identity providers file %s: no providers listed", path)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range pf.Providers {
		p := &pf.Providers[i]
		where := fmt.Sprintf("providers[%d]", i)
		if p.ID != "" {
			where = fmt.Sprintf("provider %q", p.ID)
		}
		bad := func(field, msg string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s: %s", where, field, fmt.Sprintf(msg, args...)))
		}
		if !providerIDRe.MatchString(p.ID) {
			bad("id", "%q must be 1-40 lowercase letters, digits or dashes", p.ID)
		} else if seen[p.ID] {
			bad("id", "duplicate")
		}
		seen[p.ID] = true
		if p.Name == "" {
			p.Name = p.ID
		}
		if u, err := url.Parse(p.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && (p.AllowHTTP || isLoopbackHost(u.Hostname())))) {
			bad("issuer", "%q must be an https URL (http only on loopback or with allowHTTP)", p.Issuer)
		}
		if p.ClientID == "" {
			bad("clientID", "required")
		}
		if p.ClientSecretEnv != "" {
			p.ClientSecret = getenv(p.ClientSecretEnv)
			if p.ClientSecret == "" {
				bad("clientSecretEnv", "the variable %s is empty or not set", p.ClientSecretEnv)
			}
		} else if !p.UsesPKCE() {
			bad("clientSecretEnv", "required when pkce is false (a public client needs PKCE)")
		}
		if len(p.Scopes) == 0 {
			p.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
		} else if !slices.Contains(p.Scopes, oidc.ScopeOpenID) {
			bad("scopes", "must include openid")
		}
		switch p.TokenAuthStyle {
		case "", "auto", "basic", "post":
		default:
			bad("tokenAuthStyle", "%q is not one of auto, basic, post", p.TokenAuthStyle)
		}
		for _, iss := range p.AcceptedIssuers {
			if strings.Contains(iss, "{tenantid}") && len(p.AllowedTenants) == 0 {
				bad("allowedTenants", "required when an accepted issuer contains {tenantid}")
			}
		}
		for d := range p.EmailDomains {
			if !strings.Contains(d, ".") || strings.ContainsAny(d, "@ /") {
				bad("emailDomains", "%q is not a domain", d)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("identity providers file %s: %w", path, err)
	}
	return pf.Providers, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// provider is a configured identity provider whose discovery happens lazily, on
// first use, and is retried with backoff so a provider down at start-up does not
// stop the platform.
type provider struct {
	cfg         ProviderConfig
	redirectURL string
	httpClient  *http.Client

	mu        sync.Mutex
	disc      *discovered
	lastErr   error
	nextRetry time.Time
	backoff   time.Duration
}

type discovered struct {
	oidc            *oidc.Provider
	issuer          string
	endSession      string
	issParamSupport bool
	oauth2          oauth2.Config
}

type discoveryDoc struct {
	Issuer                                 string   `json:"issuer"`
	AuthorizationEndpoint                  string   `json:"authorization_endpoint"`
	TokenEndpoint                          string   `json:"token_endpoint"`
	UserinfoEndpoint                       string   `json:"userinfo_endpoint"`
	JWKSURI                                string   `json:"jwks_uri"`
	EndSessionEndpoint                     string   `json:"end_session_endpoint"`
	IDTokenSigningAlgs                     []string `json:"id_token_signing_alg_values_supported"`
	AuthorizationResponseIssParamSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// discover returns the provider's metadata, fetching it on first use.
func (p *provider) discover(ctx context.Context) (*discovered, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disc != nil {
		return p.disc, nil
	}
	if time.Now().Before(p.nextRetry) {
		return nil, fmt.Errorf("identity provider %s unavailable (retrying after %s): %w", p.cfg.ID, p.nextRetry.Format(time.RFC3339), p.lastErr)
	}
	d, err := p.fetchDiscovery(ctx)
	if err != nil {
		if p.backoff == 0 {
			p.backoff = time.Second
		} else if p.backoff < time.Minute {
			p.backoff *= 2
		}
		p.lastErr = err
		p.nextRetry = time.Now().Add(p.backoff)
		return nil, fmt.Errorf("identity provider %s unavailable: %w", p.cfg.ID, err)
	}
	p.disc, p.lastErr, p.backoff = d, nil, 0
	return d, nil
}

func (p *provider) fetchDiscovery(ctx context.Context) (*discovered, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	wellKnown := strings.TrimSuffix(p.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wellKnown, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovery %s: %s", wellKnown, resp.Status)
	}
	var doc discoveryDoc
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("discovery %s: %w", wellKnown, err)
	}
	if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" || doc.JWKSURI == "" {
		return nil, fmt.Errorf("discovery %s: authorization, token or jwks endpoint missing", wellKnown)
	}
	// The discovered issuer must be the configured one, unless the configuration
	// says which other issuer values to accept (LinkedIn, Entra multi-tenant).
	if strings.TrimSuffix(doc.Issuer, "/") != strings.TrimSuffix(p.cfg.Issuer, "/") && len(p.cfg.AcceptedIssuers) == 0 {
		return nil, fmt.Errorf("discovery %s: issuer %q does not match the configured issuer %q", wellKnown, doc.Issuer, p.cfg.Issuer)
	}
	pc := oidc.ProviderConfig{
		IssuerURL:   doc.Issuer,
		AuthURL:     doc.AuthorizationEndpoint,
		TokenURL:    doc.TokenEndpoint,
		UserInfoURL: doc.UserinfoEndpoint,
		JWKSURL:     doc.JWKSURI,
		Algorithms:  doc.IDTokenSigningAlgs,
	}
	op := pc.NewProvider(oidc.ClientContext(context.Background(), p.httpClient))
	style := oauth2.AuthStyleAutoDetect
	switch p.cfg.TokenAuthStyle {
	case "basic":
		style = oauth2.AuthStyleInHeader
	case "post":
		style = oauth2.AuthStyleInParams
	}
	return &discovered{
		oidc:            op,
		issuer:          doc.Issuer,
		endSession:      doc.EndSessionEndpoint,
		issParamSupport: doc.AuthorizationResponseIssParamSupported,
		oauth2: oauth2.Config{
			ClientID:     p.cfg.ClientID,
			ClientSecret: p.cfg.ClientSecret,
			Endpoint:     oauth2.Endpoint{AuthURL: doc.AuthorizationEndpoint, TokenURL: doc.TokenEndpoint, AuthStyle: style},
			RedirectURL:  p.redirectURL,
			Scopes:       p.cfg.Scopes,
		},
	}, nil
}

// issuerAccepted reports whether iss is an issuer this provider may speak for.
// tid is the token's tenant claim, used for "{tenantid}" templates.
func (p *provider) issuerAccepted(d *discovered, iss, tid string) bool {
	if iss == "" {
		return false
	}
	if len(p.cfg.AcceptedIssuers) == 0 {
		if iss == d.issuer {
			return true
		}
		// Google's ID tokens may name the issuer without its scheme.
		return d.issuer == "https://accounts.google.com" && iss == "accounts.google.com"
	}
	for _, a := range p.cfg.AcceptedIssuers {
		if !strings.Contains(a, "{tenantid}") {
			if iss == a {
				return true
			}
			continue
		}
		if tid == "" || !slices.Contains(p.cfg.AllowedTenants, tid) {
			continue
		}
		if iss == strings.ReplaceAll(a, "{tenantid}", tid) {
			return true
		}
	}
	return false
}
