package identity

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

func TestIntegrationSetStaffRoles(t *testing.T) {
	ctx := context.Background()
	s := mustService(t, Config{AdminEmails: []string{"conf@platform.example"}, Providers: []ProviderConfig{{ID: "op", TrustEmails: true}}})
	ben := &User{ID: "u_ben", ProviderID: "op", Email: "ben@platform.example", EmailVerified: true, Name: "Ben", Roles: []string{otm.RoleAdmin, otm.RoleMentor}}
	token := mustSession(t, s, ben)
	p := &otm.Principal{UserID: ben.ID, Name: ben.Name, Roles: ben.Roles}

	tests := []struct {
		name  string
		roles []string
		code  string
		rule  string
		want  []string
	}{
		{"the last admin keeps the role", []string{otm.RoleCurator}, otm.ECONFLICT, otm.RuleLastAdmin, nil},
		{"a curator too", []string{otm.RoleAdmin, otm.RoleCurator, otm.RoleCurator}, "", "", []string{otm.RoleAdmin, otm.RoleCurator, otm.RoleMentor}},
		{"mentor is not given by admins", []string{otm.RoleMentor}, otm.EINVALID, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe, err := s.SetStaffRoles(ctx, p, ben.ID, tt.roles)
			if got := otm.ErrorCode(err); got != tt.code {
				t.Fatalf("got %q (%v), want %q", got, err, tt.code)
			}
			if rule, _ := otm.ErrorRule(err); rule != tt.rule {
				t.Errorf("got rule %q, want %q", rule, tt.rule)
			}
			if tt.want == nil {
				return
			}
			got := slices.Sorted(slices.Values(pe.Roles))
			if !slices.Equal(got, tt.want) {
				t.Errorf("roles: got %v, want %v", got, tt.want)
			}
			sp, err := s.Authenticate(ctx, token)
			if err != nil || !slices.Equal(slices.Sorted(slices.Values(sp.Roles)), tt.want) {
				t.Errorf("session roles: got %v (%v), want %v", sp, err, tt.want)
			}
		})
	}
	// With another admin, Ben may give up his.
	if err := s.store.putUser(ctx, &User{ID: "u_other", Email: "other@platform.example", Roles: []string{otm.RoleAdmin}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStaffRoles(ctx, p, ben.ID, nil); err != nil {
		t.Errorf("giving up admin with another admin left: got %v", err)
	}
	// An account whose e-mail nobody vouches for gets no role by e-mail.
	if err := s.store.putUser(ctx, &User{ID: "u_typed", ProviderID: "op", Email: "typed@x.example", EmailVerified: false}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStaffRoles(ctx, p, "u_typed", []string{otm.RoleCurator}); otm.ErrorCode(err) != otm.ECONFLICT {
		t.Errorf("an unverified e-mail: got %v, want ECONFLICT", err)
	} else if rule, _ := otm.ErrorRule(err); rule != otm.RuleUntrustedEmail {
		t.Errorf("an unverified e-mail: got rule %q, want untrusted_email", rule)
	}
	// Not an admin: refused.
	if _, err := s.SetStaffRoles(ctx, &otm.Principal{UserID: "u_x", Roles: []string{otm.RoleCurator}}, ben.ID, nil); otm.ErrorCode(err) != otm.EFORBIDDEN {
		t.Errorf("a curator setting roles: got %v, want EFORBIDDEN", err)
	}
}

// Admins who give up their admin roles at the same moment never leave the
// platform without one: the last to count keeps theirs.
func TestIntegrationLastAdminConcurrent(t *testing.T) {
	ctx := context.Background()
	s := mustService(t, Config{Providers: []ProviderConfig{{ID: "op", TrustEmails: true}}})
	const n = 4
	var ps []*otm.Principal
	for i := range n {
		u := &User{ID: fmt.Sprintf("u_admin%d", i), ProviderID: "op", Email: fmt.Sprintf("admin%d@platform.example", i), EmailVerified: true,
			Name: fmt.Sprintf("Admin %d", i), Roles: []string{otm.RoleAdmin}}
		if err := s.store.putUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, &otm.Principal{UserID: u.ID, Name: u.Name, Roles: u.Roles})
	}
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.SetStaffRoles(ctx, p, p.UserID, nil)
			}()
		}
		wg.Wait()
		admins, err := s.otherAdmins(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if admins < 1 {
			t.Fatalf("round %d: got %d admins left (errors %v), want at least 1", round, admins, errs)
		}
		for i, err := range errs {
			if err != nil {
				if rule, _ := otm.ErrorRule(err); rule != otm.RuleLastAdmin {
					t.Errorf("round %d, admin %d: got %v, want nil or last_admin", round, i, err)
				}
			}
		}
		// Everyone an admin again for the next round.
		for _, p := range ps {
			if _, err := s.store.setUserRole(ctx, p.UserID, otm.RoleAdmin, true); err != nil {
				t.Fatal(err)
			}
		}
	}
}
