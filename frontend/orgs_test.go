package frontend

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/opentomentor/opentomentor/identity"
)

func TestOrganizationsPages(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	if err := e.Identity.PutOrganization(ctx, &identity.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true, Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	r := do(t, e.app(t, ada), "/admin/organizations", langHeader("de"))
	if r.status != http.StatusOK {
		t.Fatalf("status: got %d", r.status)
	}
	assertBody(t, r.body, []string{"<h1>Organisationen</h1>", `href="/admin/organizations/hanse"`, "hanse.example", "Neue Organisation", `name="competitors" value="hanse"`}, nil)
	assertNoInlineCode(t, r.body)

	// A new one, competing with Hanse.
	form := url.Values{"csrf_token": {ada.CSRFToken}, "name": {"Südstern Mobility GmbH"}, "domains": {"suedstern.example, suedstern.de"},
		"industry": {"mobility"}, "competitors": {"hanse"}, "verified": {"1"}}
	assertRedirect(t, send(t, e.app(t, ada), http.MethodPost, "/admin/organizations", form, nil), "/admin/organizations?done=saved")
	o, err := e.Identity.Organization(ctx, "suedstern-mobility-gmbh")
	if err != nil || !o.Verified || !slices.Equal(o.Domains, []string{"suedstern.example", "suedstern.de"}) || !slices.Contains(o.Competitors, "hanse") {
		t.Fatalf("created: got %+v (%v)", o, err)
	}
	if hanse, _ := e.Identity.Organization(ctx, "hanse"); !slices.Contains(hanse.Competitors, o.ID) {
		t.Errorf("competition is mutual: Hanse lists %v", hanse.Competitors)
	}

	// Another organization's domain: 409, the form again with the field's message.
	form = url.Values{"csrf_token": {ada.CSRFToken}, "name": {"Hanse Kopie"}, "domains": {"hanse.example"}}
	r = send(t, e.app(t, ada), http.MethodPost, "/admin/organizations", form, langHeader("de"))
	if r.status != http.StatusConflict {
		t.Fatalf("a taken domain: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{"„hanse.example“ ist schon vergeben.", `aria-invalid="true"`, `value="Hanse Kopie"`}, nil)

	// Editing: the form shows the organization, saving changes it.
	r = do(t, e.app(t, ada), "/admin/organizations/hanse", langHeader("en"))
	assertBody(t, r.body, []string{"<h1>Hanse Logistik AG</h1>", `action="/admin/organizations/hanse"`, `value="suedstern-mobility-gmbh" checked`}, []string{`value="hanse"`})
	form = url.Values{"csrf_token": {ada.CSRFToken}, "name": {"Hanse Logistik AG"}, "domains": {"hanse.example"}, "group": {"Hanse Holding"}, "verified": {"1"}}
	assertRedirect(t, send(t, e.app(t, ada), http.MethodPost, "/admin/organizations/hanse", form, nil), "/admin/organizations?done=saved")
	if hanse, _ := e.Identity.Organization(ctx, "hanse"); hanse.Group != "Hanse Holding" || len(hanse.Competitors) != 0 {
		t.Errorf("edited: got %+v, want the group and no competitors", hanse)
	}

	if r := do(t, e.app(t, cora), "/admin/organizations", langHeader("en")); r.status != http.StatusForbidden {
		t.Errorf("a curator: got %d, want 403", r.status)
	}
}
