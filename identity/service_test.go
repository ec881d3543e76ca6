package identity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/organization"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func mustService(t *testing.T, cfg Config) *Service {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:1"
	}
	s, err := NewService(testenv.DB(t), cfg)
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s
}

func mustSession(t *testing.T, s *Service, u *User) string {
	t.Helper()
	if err := s.store.putUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.createSession(context.Background(), u, "op")
	if err != nil {
		t.Fatalf("createSession: %v", err)
	}
	return token
}

func TestIntegrationSessionTimeouts(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // activity after each step
		final time.Duration
		want  string // "" = still signed in, else error code
	}{
		{"fresh", nil, 0, ""},
		{"active every hour for 11h", []time.Duration{time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour}, 0, ""},
		{"idle just under 2h", nil, 2*time.Hour - time.Minute, ""},
		{"idle over 2h", nil, 2*time.Hour + time.Minute, otm.EUNAUTHORIZED},
		{"active but past 12h", []time.Duration{time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour, time.Hour}, 30 * time.Minute, otm.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := testenv.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
			s := mustService(t, Config{Now: clock.Now})
			token := mustSession(t, s, &User{ID: "u_test", Email: "a@b.example", Name: "A", Roles: []string{}})
			ctx := context.Background()
			for i, d := range tt.steps {
				clock.Add(d)
				if _, err := s.Authenticate(ctx, token); err != nil {
					t.Fatalf("activity %d: %v", i, err)
				}
			}
			clock.Add(tt.final)
			p, err := s.Authenticate(ctx, token)
			if got := otm.ErrorCode(err); got != tt.want {
				t.Fatalf("Authenticate: got code %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "" && (p == nil || p.UserID != "u_test") {
				t.Errorf("principal: got %+v, want u_test", p)
			}
			if tt.want != "" {
				// An expired session is gone, not just refused.
				if _, err := s.store.getSession(ctx, hashToken(token)); otm.ErrorCode(err) != otm.ENOTFOUND {
					t.Errorf("expired session still stored: %v", err)
				}
			}
		})
	}
}

func TestIntegrationAuthenticateRejectsJunk(t *testing.T) {
	s := mustService(t, Config{})
	for _, token := range []string{"", "short", strings.Repeat("x", 43), strings.Repeat("y", 500)} {
		if _, err := s.Authenticate(context.Background(), token); otm.ErrorCode(err) != otm.EUNAUTHORIZED {
			t.Errorf("Authenticate(%.10q…): got %v, want EUNAUTHORIZED", token, err)
		}
	}
}

func TestIntegrationEndAllSessions(t *testing.T) {
	s := mustService(t, Config{})
	u := &User{ID: "u_many", Email: "m@b.example", Name: "M", Roles: []string{}}
	other := mustSession(t, s, &User{ID: "u_other", Email: "o@b.example", Name: "O", Roles: []string{}})
	tokens := []string{mustSession(t, s, u), mustSession(t, s, u), mustSession(t, s, u)}
	if err := s.EndAllSessions(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	for i, tok := range tokens {
		if _, err := s.Authenticate(context.Background(), tok); otm.ErrorCode(err) != otm.EUNAUTHORIZED {
			t.Errorf("session %d after EndAllSessions: got %v, want EUNAUTHORIZED", i, err)
		}
	}
	if _, err := s.Authenticate(context.Background(), other); err != nil {
		t.Errorf("another user's session ended too: %v", err)
	}
}

func TestIntegrationSweep(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	s := mustService(t, Config{Now: clock.Now})
	ctx := context.Background()
	old := mustSession(t, s, &User{ID: "u_old", Email: "o@b.example", Name: "O", Roles: []string{}})
	if err := s.store.insertLoginAttempt(ctx, &loginAttempt{ID: "la-old", ExpiresAt: clock.Now().Add(loginAttemptTTL)}); err != nil {
		t.Fatal(err)
	}
	clock.Add(3 * time.Hour)
	fresh := mustSession(t, s, &User{ID: "u_new", Email: "n@b.example", Name: "N", Roles: []string{}})
	if err := s.Sweep(ctx); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if _, err := s.store.getSession(ctx, hashToken(old)); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("idle session survived the sweep: %v", err)
	}
	if _, err := s.store.getSession(ctx, hashToken(fresh)); err != nil {
		t.Errorf("fresh session swept: %v", err)
	}
	if _, err := s.store.takeLoginAttempt(ctx, "la-old"); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("expired login attempt survived the sweep: %v", err)
	}
}

func TestIntegrationOrganizationAndRoles(t *testing.T) {
	db := testenv.DB(t)
	log := audit.New(db)
	s, err := NewService(db, Config{
		BaseURL:       "http://127.0.0.1:1",
		AdminEmails:   []string{"boss@acme.example"},
		CuratorEmails: []string{"cura@acme.example", "boss@acme.example"},
		Audit:         log,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.PutOrganization(ctx, &organization.Organization{ID: "mapped", Name: "Mapped AG", Domains: []string{"mapped.example"}, Verified: true, Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantRolesByEmail(ctx, "yp@mapped.example", []string{otm.RoleMentor}); err != nil {
		t.Fatal(err)
	}
	issuerOrg := &provider{cfg: ProviderConfig{ID: "acme", Organization: "Acme AG"}}
	plain := &provider{cfg: ProviderConfig{ID: "plain", TrustEmails: true, EmailDomains: map[string]string{"contoso.example": "Contoso GmbH"}}}
	partner := &provider{cfg: ProviderConfig{ID: "partner", EmailDomains: map[string]string{"partner.example": "Partner AG"}}}
	tests := []struct {
		name      string
		p         *provider
		email     string
		verified  bool
		wantOrg   string
		wantOrgOK bool
		wantRoles []string
	}{
		{"issuer vouches", issuerOrg, "x@anything.example", false, "acme-ag", true, nil},
		{"domain in provider config", plain, "a@contoso.example", true, "contoso-gmbh", true, nil},
		{"domain mapped by admin", plain, "yp@mapped.example", true, "mapped", true, []string{otm.RoleMentor}},
		{"unknown company domain: created, unverified", plain, "n@neu-firma.example", true, "neu-firma-example", false, nil},
		{"unverified e-mail: no organization", plain, "n@neu-firma.example", false, "", false, nil},
		{"freemail: no organization", plain, "someone@gmail.com", true, "", false, nil},
		{"curator by verified e-mail", plain, "cura@acme.example", true, "acme-example", false, []string{otm.RoleCurator}},
		{"curator list ignores unverified e-mail", plain, "cura@acme.example", false, "", false, nil},
		{"admin and curator", plain, "boss@acme.example", true, "acme-example", false, []string{otm.RoleCurator, otm.RoleAdmin}},
		{"a partner's provider cannot claim the admin's address", partner, "boss@acme.example", true, "acme-example", false, nil},
		{"nor a role grant or a verified membership for another domain", partner, "yp@mapped.example", true, "mapped", false, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &idClaims{Issuer: "https://op.example", Subject: "sub-" + tt.name, Email: tt.email, Name: "N " + string(rune('A'+i))}
			if tt.verified {
				c.EmailVerified = []byte("true")
			}
			u, err := s.upsertUser(ctx, tt.p, c)
			if err != nil {
				t.Fatalf("upsertUser: %v", err)
			}
			if u.OrganizationID != tt.wantOrg || u.OrgVerified != tt.wantOrgOK {
				t.Errorf("organization: got %q verified=%v, want %q verified=%v", u.OrganizationID, u.OrgVerified, tt.wantOrg, tt.wantOrgOK)
			}
			if strings.Join(u.Roles, ",") != strings.Join(tt.wantRoles, ",") {
				t.Errorf("roles: got %v, want %v", u.Roles, tt.wantRoles)
			}
		})
	}
	// An admin-kept organization is never overwritten by a sign-in.
	o, err := s.Organization(ctx, "mapped")
	if err != nil || o.Name != "Mapped AG" {
		t.Errorf("mapped organization: got %+v, %v", o, err)
	}
	// Removing an e-mail from the admin list revokes the role at next sign-in.
	s.cfg.AdminEmails = nil
	c := &idClaims{Issuer: "https://op.example", Subject: "sub-admin and curator", Email: "boss@acme.example", Name: "Boss", EmailVerified: []byte("true")}
	u, err := s.upsertUser(ctx, plain, c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(u.Roles, ",") != otm.RoleCurator {
		t.Errorf("roles after leaving the admin list: got %v, want [curator]", u.Roles)
	}
	// Every role change is audited with its reason.
	entries, err := log.ByUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Action+":"+e.Details+":"+e.Reason)
	}
	want := "role.grant:curator:why.env_curator,role.grant:admin:why.env_admin,role.revoke:admin:why.env_removed"
	if strings.Join(got, ",") != want {
		t.Errorf("audit: got %v, want %s", got, want)
	}
}

func TestLoadProvidersFile(t *testing.T) {
	env := map[string]string{"OTM_ACME_SECRET": "s1", "OTM_LINKEDIN_SECRET": "s2", "OTM_ENTRA_SECRET": "s3"}
	ps, err := LoadProvidersFile("testdata/providers.yaml", func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("LoadProvidersFile: %v", err)
	}
	if len(ps) != 3 {
		t.Fatalf("providers: got %d, want 3", len(ps))
	}
	if ps[0].ClientSecret != "s1" || !ps[0].UsesPKCE() || ps[0].Organization != "Acme AG" {
		t.Errorf("acme: got %+v", ps[0])
	}
	if ps[1].UsesPKCE() || ps[1].TokenAuthStyle != "post" {
		t.Errorf("linkedin: got pkce=%v style=%q, want false/post", ps[1].UsesPKCE(), ps[1].TokenAuthStyle)
	}
	if len(ps[2].Scopes) != 3 {
		t.Errorf("entra default scopes: got %v", ps[2].Scopes)
	}

	bad := []struct {
		name, yaml, want string
	}{
		{"empty", "providers: []\n", "no providers"},
		{"unknown key", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n    secret: inline\n", "field secret not found"},
		{"bad id", "providers:\n  - id: A B\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n", "id"},
		{"duplicate id", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n  - id: a\n    issuer: https://b.example\n    clientID: c\n    clientSecretEnv: S\n", "duplicate"},
		{"http issuer", "providers:\n  - id: a\n    issuer: http://a.example\n    clientID: c\n    clientSecretEnv: S\n", "issuer"},
		{"no client id", "providers:\n  - id: a\n    issuer: https://a.example\n    clientSecretEnv: S\n", "clientID"},
		{"secret variable unset", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: UNSET\n", "UNSET"},
		{"public client without PKCE", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    pkce: false\n", "pkce"},
		{"no openid scope", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n    scopes: [email]\n", "openid"},
		{"tenant template without allow-list", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n    acceptedIssuers: [\"https://x/{tenantid}/v2.0\"]\n", "allowedTenants"},
		{"bad auth style", "providers:\n  - id: a\n    issuer: https://a.example\n    clientID: c\n    clientSecretEnv: S\n    tokenAuthStyle: jwt\n", "tokenAuthStyle"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadProvidersFile(path, func(k string) string {
				if k == "S" {
					return "secret"
				}
				return ""
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestOrgID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme AG", "acme-ag"},
		{"Südstern Mobility GmbH", "suedstern-mobility-gmbh"},
		{"  Straße & Co. ", "strasse-co"},
		{"nordlicht-digital.example", "nordlicht-digital-example"},
		{"!!!", "org"},
	}
	for _, tt := range tests {
		if got := OrgID(tt.in); got != tt.want {
			t.Errorf("OrgID(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUserIDStable(t *testing.T) {
	a, b := UserID("https://a.example", "1"), UserID("https://b.example", "1")
	if a == b || a != UserID("https://a.example", "1") || !strings.HasPrefix(a, "u_") {
		t.Errorf("UserID: got %q and %q", a, b)
	}
}

func TestExampleProvidersFileLoads(t *testing.T) {
	ps, err := LoadProvidersFile("../deploy/providers.example.yaml", func(string) string { return "secret" })
	if err != nil {
		t.Fatalf("deploy/providers.example.yaml: %v", err)
	}
	if len(ps) != 6 {
		t.Errorf("providers: got %d, want 6", len(ps))
	}
}

func TestComposeProvidersFileLoads(t *testing.T) {
	ps, err := LoadProvidersFile("../deploy/compose-providers.yaml", func(string) string { return "secret" })
	if err != nil || len(ps) != 1 || !ps[0].AllowHTTP {
		t.Fatalf("deploy/compose-providers.yaml: got %+v, %v", ps, err)
	}
}

func TestIntegrationReconcileSessionRoles(t *testing.T) {
	db := testenv.DB(t)
	cfg := Config{BaseURL: "http://127.0.0.1:1", AdminEmails: []string{"boss@acme.example"},
		Providers: []ProviderConfig{{ID: "op", TrustEmails: true}}}
	s, err := NewService(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &User{ID: "u_boss", Email: "boss@acme.example", EmailVerified: true, Name: "Boss", Roles: []string{otm.RoleMentee, otm.RoleAdmin}}
	if err := s.store.putUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.createSession(ctx, u, "op")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReconcileSessionRoles(ctx); err != nil || n != 0 {
		t.Fatalf("unchanged configuration: got %d changed, %v", n, err)
	}
	// The admin list loses the address (a restart with new configuration).
	s2, err := NewService(db, Config{BaseURL: cfg.BaseURL, Providers: cfg.Providers})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s2.ReconcileSessionRoles(ctx); err != nil || n != 1 {
		t.Fatalf("after removal: got %d changed, %v; want 1", n, err)
	}
	p, err := s2.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if p.HasRole(otm.RoleAdmin) || !p.HasRole(otm.RoleMentee) {
		t.Errorf("session roles: got %v, want mentee without admin", p.Roles)
	}
}

// TestIntegrationReconcileNeedsVerifiedEmail: a restart does not give a
// configured role to a session whose e-mail was not verified at sign-in.
func TestIntegrationReconcileNeedsVerifiedEmail(t *testing.T) {
	db := testenv.DB(t)
	s, err := NewService(db, Config{BaseURL: "http://127.0.0.1:1", AdminEmails: []string{"boss@acme.example"},
		Providers: []ProviderConfig{{ID: "op", TrustEmails: true}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &User{ID: "u_fake", Email: "boss@acme.example", EmailVerified: false, Roles: []string{}}
	if err := s.store.putUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.createSession(ctx, u, "op")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReconcileSessionRoles(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Authenticate(ctx, token); err != nil || p.HasRole(otm.RoleAdmin) {
		t.Errorf("unverified e-mail after a restart: got %v (%v), want no admin role", p, err)
	}
}

// TestIntegrationForgetIDTokens: the migration removes the raw ID tokens that
// sessions of earlier versions kept; the sessions stay valid.
func TestIntegrationForgetIDTokens(t *testing.T) {
	ctx := context.Background()
	s := mustService(t, Config{})
	u := &User{ID: "u_ada", Email: "ada@nordlicht.example", Name: "Ada"}
	token := mustSession(t, s, u)
	if _, err := s.store.sessions.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "idToken", Value: "eyJhbGciOi.old.token"}}}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.ForgetIDTokens(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.store.sessions.CountDocuments(ctx, bson.D{{Key: "idToken", Value: bson.D{{Key: "$exists", Value: true}}}}); err != nil || n != 0 {
		t.Errorf("sessions with an ID token: got %d (%v), want 0", n, err)
	}
	if p, err := s.Authenticate(ctx, token); err != nil || p.UserID != u.ID {
		t.Errorf("session after the migration: got %v, %v, want Ada signed in", p, err)
	}
}
