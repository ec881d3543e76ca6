package frontend

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/opentomentor/opentomentor/organization"
)

func TestOrganizationsPages(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	if err := e.Identity.PutOrganization(ctx, &organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true, Competitors: []string{}}); err != nil {
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

	// An organization created at a sign-in is merged into Hanse.
	if err := e.Identity.PutOrganization(ctx, &organization.Organization{ID: "hanse-mail-example", Name: "hanse-mail.example", Domains: []string{"hanse-mail.example"}, Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	r = do(t, e.app(t, ada), "/admin/organizations/hanse-mail-example", langHeader("de"))
	assertBody(t, r.body, []string{"In eine bestätigte Organisation überführen", `<option value="hanse">Hanse Logistik AG</option>`}, []string{`<option value="hanse-mail-example"`})
	assertRedirect(t, send(t, e.app(t, ada), http.MethodPost, "/admin/organizations/hanse-mail-example/merge",
		url.Values{"csrf_token": {ada.CSRFToken}, "into": {"hanse"}}, nil), "/admin/organizations?done=merged")
	if hanse, _ := e.Identity.Organization(ctx, "hanse"); !slices.Contains(hanse.Domains, "hanse-mail.example") {
		t.Errorf("after the merge: Hanse has %v, want the merged domain", hanse.Domains)
	}
	// A verified organization is not merged.
	r = send(t, e.app(t, ada), http.MethodPost, "/admin/organizations/hanse/merge", url.Values{"csrf_token": {ada.CSRFToken}, "into": {"suedstern-mobility-gmbh"}}, langHeader("en"))
	if r.status != http.StatusConflict {
		t.Errorf("merging a verified organization: got %d, want 409", r.status)
	}

	if r := do(t, e.app(t, cora), "/admin/organizations", langHeader("en")); r.status != http.StatusForbidden {
		t.Errorf("a curator: got %d, want 403", r.status)
	}
}
