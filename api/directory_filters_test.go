package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/opentomentor/opentomentor/organization"
)

// TestIntegrationDirectoryFilters: GET /api/v1/mentors filters by industry,
// by hours a month (public availability only) and by room left in a program
// (executives, curators and admins only), and counts the industry and hours
// facets; bad values are 400 naming the parameter.
func TestIntegrationDirectoryFilters(t *testing.T) {
	h, op := newAppHarness(t)
	h.putOrgs(t,
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Industry: "logistics", Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Industry: "software", Verified: true},
		organization.Organization{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Industry: "banking", Verified: true},
	)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	_, katReq := h.executive(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	kat := h.signInAs(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de"})
	_, benID := h.approvedMentor(t, op, cura, "ben", "ben@alpenbank.example", "Ben Berg", []string{"de"})
	// Ben offers 8 hours; Ada's 4 are for executives only, so not filterable.
	ben := h.signInAs(t, op, "ben", "ben@alpenbank.example", "Ben Berg")
	for _, m := range []struct {
		who  *person
		edit map[string]any
	}{
		{ben, with(validProfile(t), "availability", map[string]any{"hoursPerMonth": 8})},
		{ada, with(validProfile(t), "visibility", map[string]any{"interests": "public", "availability": "executives", "linkedinUrl": "executives"})},
	} {
		if status, out := m.who.call("PUT", "/api/v1/me/mentor-profile", m.edit); status != http.StatusOK {
			t.Fatalf("edit profile: got %d %v", status, out)
		}
		m.who.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	}
	for _, id := range []string{adaID, benID} {
		if status, out := cura.call("POST", "/api/v1/moderation/applications/"+id+"/decision", map[string]any{"decision": "approve"}); status != http.StatusOK {
			t.Fatalf("approve %s: got %d %v", id, status, out)
		}
	}
	h.sync(t)
	anon := &person{b: newBrowser(t), h: h}

	ids := func(out map[string]any) []string {
		var got []string
		for _, hit := range out["hits"].([]any) {
			got = append(got, hit.(map[string]any)["id"].(string))
		}
		slices.Sort(got)
		return got
	}
	tests := []struct {
		name string
		who  *person
		q    string
		want []string
	}{
		{"no filter", anon, "", []string{adaID, benID}},
		{"industry", anon, "?industry=banking", []string{benID}},
		{"industries OR", anon, "?industry=banking&industry=software", []string{adaID, benID}},
		{"at least 4 hours (public only)", anon, "?minHours=4", []string{benID}},
		{"at least 8 hours", anon, "?minHours=8", []string{benID}},
		{"room in the open program, before any tandem", kat, "?roomIn=open", []string{adaID, benID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call("GET", "/api/v1/mentors"+tt.q, nil)
			if status != http.StatusOK {
				t.Fatalf("GET %s: got %d %v, want 200", tt.q, status, out)
			}
			want := slices.Sorted(slices.Values(tt.want))
			if got := ids(out); !slices.Equal(got, want) {
				t.Errorf("GET %s: got %v, want %v", tt.q, got, want)
			}
		})
	}
	_, all := anon.call("GET", "/api/v1/mentors", nil)
	facets := all["facets"].(map[string]any)
	if got := facets["industry"]; got == nil || got.(map[string]any)["banking"] != 1.0 || got.(map[string]any)["software"] != 1.0 {
		t.Errorf("industry facet: got %v, want banking 1 and software 1", got)
	}
	if got := facets["hours"]; got == nil || len(got.(map[string]any)) != 1 || got.(map[string]any)["8"] != 1.0 {
		t.Errorf("hours facet: got %v, want only 8: 1 (Ada's hours are not public)", got)
	}

	// Once Ada mentors Katharina (capacity 1), she has no room left in the
	// open program.
	if status, out := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": katReq, "mentorProfileId": adaID}); status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("propose: got %d %v", status, out)
	}
	for _, who := range []*person{kat, cura} {
		if status, out := who.call("GET", "/api/v1/mentors?roomIn=open", nil); status != http.StatusOK || !slices.Equal(ids(out), []string{benID}) {
			t.Errorf("room in the open program after Ada's tandem: got %d %v, want only Ben", status, out)
		}
	}

	refusals := []struct {
		name, q string
		who     *person
		status  int
		field   string
	}{
		{"hours not a step", "?minHours=3", anon, http.StatusBadRequest, "minHours"},
		{"hours not a number", "?minHours=lots", anon, http.StatusBadRequest, "minHours"},
		{"unknown program", "?roomIn=no-such-program", kat, http.StatusBadRequest, "roomIn"},
		{"room, a visitor", "?roomIn=open", anon, http.StatusUnauthorized, ""},
		{"room, a mentor", "?roomIn=open", ada, http.StatusForbidden, ""},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.who.call("GET", "/api/v1/mentors"+tt.q, nil)
			if status != tt.status {
				t.Fatalf("GET %s: got %d %v, want %d", tt.q, status, out, tt.status)
			}
			if tt.field != "" && !slices.Contains(fieldsOf(out), tt.field) {
				t.Errorf("GET %s: got fields %v, want %s named", tt.q, fieldsOf(out), tt.field)
			}
		})
	}
}
