package api_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
	"github.com/opentomentor/opentomentor/organization"
)

// matrixWho are the columns of authzMatrix, in the order the requests are sent.
var matrixWho = []string{"anonymous", "no role", "mentor", "mentee", "curator of this program", "curator of another program", "admin"}

// authzMatrix is who may do what: for every route the server registers, the
// status each identity gets, in the order of matrixWho. Writes are sent with
// the body {} (so an allowed write mostly stops at validation: 400 proves the
// request passed the access checks); path parameters name the fixture's own
// objects (see TestIntegrationAuthorizationMatrix). Requests run top to bottom,
// each row left to right, so a row's later cells see what its earlier ones did
// (a tandem ended by its curator answers 409 to the admin). A route missing
// from the table fails the test; so does a row naming no route.
//
// Reading it: 401 = sign-in needed, 403 = no right for this kind of request,
// 404 = the object is not visible to this person (never "it exists, but…").
// OTM_MATRIX_PRINT=1 prints the rows as observed, to review before pasting.
var authzMatrix = map[string]string{
	"GET /healthz":                 "200 200 200 200 200 200 200",
	"GET /readyz":                  "200 200 200 200 200 200 200",
	"GET /auth/providers":          "200 200 200 200 200 200 200",
	"GET /auth/:provider/login":    "302 302 302 302 302 302 302",
	"GET /auth/:provider/callback": "401 401 401 401 401 401 401",
	"GET /api/v1/me":               "401 200 200 200 200 200 200",
	"GET /api/v1/topics":           "200 200 200 200 200 200 200",
	// own objects only: 404 = "you have none"
	"GET /api/v1/me/mentor-profile":           "401 404 200 404 404 404 404",
	"GET /api/v1/me/audit":                    "401 200 200 200 200 200 200",
	"GET /api/v1/programs":                    "200 200 200 200 200 200 200",
	"GET /api/v1/programs/:id":                "200 200 200 200 200 200 200",
	"GET /api/v1/me/mentee-requests":          "401 200 200 200 200 200 200",
	"GET /api/v1/me/mentee-request":           "401 404 404 200 404 404 404",
	"GET /api/v1/me/tandems":                  "401 200 200 200 200 200 200",
	"GET /api/v1/me/tandems/:id/meetings":     "401 404 409 409 404 404 404",
	"GET /api/v1/me/tandems/:id/calendar.ics": "401 404 409 409 404 404 404",
	"GET /api/v1/me/tandems/:id/feedback":     "401 404 404 404 404 404 404",
	"GET /api/v1/me/export":                   "401 200 200 200 200 200 200",
	"GET /api/v1/me/line-managers":            "401 200 200 200 200 200 200",
	"GET /api/v1/mentors":                     "200 200 200 200 200 200 200",
	"GET /api/v1/mentors/:id":                 "200 200 200 200 200 200 200",
	"GET /api/v1/mentors/:id/photo":           "404 404 404 404 404 404 404", // no photo in the fixture; TestIntegrationPhoto has who sees one
	"GET /api/v1/moderation/mentee-requests":  "401 403 403 403 200 403 200",
	// another program's objects are as unknown as missing ones (404, not 403)
	"GET /api/v1/moderation/mentee-requests/:id":             "401 403 403 403 200 404 200",
	"GET /api/v1/moderation/mentee-requests/:id/suggestions": "401 403 403 403 200 404 200",
	"GET /api/v1/moderation/mentee-requests/:id/shortlist":   "401 403 403 403 200 404 200",
	"GET /api/v1/me/shortlists":                              "401 200 200 200 200 200 200", // one's own (none here)
	"GET /api/v1/moderation/tandems":                         "401 403 403 403 200 403 200",
	"GET /api/v1/moderation/assignment":                      "401 403 403 403 200 403 200",
	"GET /api/v1/moderation/tandems/:id":                     "401 403 403 403 200 404 200",
	"GET /api/v1/moderation/programs/:id/report":             "401 403 403 403 200 403 200",
	"GET /api/v1/moderation/programs/:id/report.csv":         "401 403 403 403 200 403 200",
	"GET /api/v1/moderation/applications":                    "401 403 403 403 403 403 200",
	"GET /api/v1/moderation/applications/:id":                "401 403 403 403 403 403 200",
	"GET /api/v1/moderation/applications/:id/audit":          "401 403 403 403 403 403 200",
	"GET /api/v1/me/notifications":                           "401 200 200 200 200 200 200",
	"GET /api/v1/me/notification-preferences":                "401 200 200 200 200 200 200",
	"GET /api/v1/me/program-follow":                          "401 200 200 200 200 200 200",
	"GET /api/v1/admin/organizations":                        "401 403 403 403 403 403 200",
	"GET /api/v1/admin/people":                               "401 403 403 403 403 403 200",
	"GET /api/v1/admin/audit":                                "401 403 403 403 200 403 200",
	"GET /api/v1/admin/audit.csv":                            "401 403 403 403 200 403 200",
	"GET /api/openapi.json":                                  "200 200 200 200 200 200 200",
	// unknown API paths, any method
	"GET /api/*":                              "404 404 404 404 404 404 404",
	"POST /unsubscribe/:token":                "400 400 400 400 400 400 400",
	"POST /api/v1/me/mentor-profile/submit":   "401 404 409 404 404 404 404",
	"POST /api/v1/me/mentor-profile/withdraw": "401 404 200 404 404 404 404",
	"POST /api/v1/me/mentee-request/submit":   "401 404 404 409 404 404 404",
	"POST /api/v1/me/mentee-request/withdraw": "401 404 404 409 404 404 404",
	// the pair accepts: the tandem runs, so later rows answer 409 where they need another status
	"POST /api/v1/me/tandems/:id/accept": "401 404 200 200 404 404 404",
	// the fixture's request has no shortlist sent: 404 for everyone, its
	// executive too; a list of fewer than two is saved but not sent (409)
	"POST /api/v1/me/shortlists/:id/pick":                            "401 404 404 404 404 404 404",
	"POST /api/v1/me/shortlists/:id/more":                            "401 404 404 404 404 404 404",
	"PUT /api/v1/moderation/mentee-requests/:id/shortlist":           "401 403 403 403 200 404 200",
	"POST /api/v1/moderation/mentee-requests/:id/shortlist/send":     "401 403 403 403 409 404 409",
	"POST /api/v1/moderation/mentee-requests/:id/shortlist/comments": "401 403 403 403 400 404 400", // the matrix sends no text
	"POST /api/v1/me/tandems/:id/decline":                            "401 404 409 409 404 404 404",
	"POST /api/v1/me/tandems/:id/end":                                "401 404 200 409 404 404 404",
	"POST /api/v1/me/tandems/:id/meetings":                           "401 404 409 409 404 404 404",
	"POST /api/v1/moderation/tandems":                                "401 403 403 403 400 400 400",
	"POST /api/v1/moderation/tandems/:id/end":                        "401 403 403 403 409 404 409",
	"POST /api/v1/moderation/programs/:id/phase":                     "401 403 403 403 400 403 400",
	"POST /api/v1/moderation/applications/:id/decision":              "401 403 403 403 403 403 400",
	"POST /api/v1/moderation/applications/:id/comments":              "401 403 403 403 403 403 400",
	"POST /api/v1/me/notifications/read":                             "401 400 400 400 400 400 400",
	"POST /api/v1/admin/programs":                                    "401 403 403 403 403 403 400",
	"POST /api/v1/admin/organizations":                               "401 403 403 403 403 403 400",
	"POST /api/v1/admin/organizations/:id/merge":                     "401 403 403 403 403 403 400",
	"POST /api/*":                            "404 404 404 404 404 404 404",
	"PUT /api/v1/me/mentor-profile":          "401 200 200 200 200 200 200",
	"PUT /api/v1/me/mentor-profile/pause":    "401 200 200 200 200 200 200",
	"PUT /api/v1/me/mentor-profile/photo":    "401 400 400 400 400 400 400", // the matrix's body is no image
	"DELETE /api/v1/me/mentor-profile/photo": "401 200 200 200 200 200 200",
	// spring-2027 is in matching: no new requests (409 phase) for anyone
	"PUT /api/v1/me/mentee-request":           "401 409 409 409 409 409 409",
	"PUT /api/v1/me/tandems/:id/cadence":      "401 404 409 409 404 404 404",
	"PUT /api/v1/me/tandems/:id/feedback":     "401 404 409 409 404 404 404",
	"PUT /api/v1/me/line-managers":            "401 200 200 200 200 200 200",
	"PUT /api/v1/moderation/programs/:id":     "401 403 403 403 403 403 400",
	"PUT /api/v1/me/notification-preferences": "401 400 400 400 400 400 400",
	"PUT /api/v1/me/program-follow":           "401 400 400 400 400 400 400",
	"PUT /api/v1/admin/topics/:id":            "401 403 403 403 403 403 400",
	"PUT /api/v1/admin/people/:id/roles":      "401 403 403 403 403 403 200",
	"PUT /api/v1/admin/grants/:email":         "401 403 403 403 403 403 204",
	"PUT /api/*":                              "404 404 404 404 404 404 404",
	"DELETE /api/v1/admin/programs/:id":       "401 403 403 403 403 403 409",
	"DELETE /api/*":                           "404 404 404 404 404 404 404",
	"CONNECT /api/*":                          "404 404 404 404 404 404 404",
	"OPTIONS /api/*":                          "404 404 404 404 404 404 404",
	"TRACE /api/*":                            "404 404 404 404 404 404 404",
	"PATCH /api/v1/admin/organizations/:id":   "401 403 403 403 403 403 200",
	"PATCH /api/*":                            "404 404 404 404 404 404 404",
	// run last but one: erases whoever sends it
	"DELETE /api/v1/me": "401 204 204 204 204 204 204",
	"POST /auth/logout": "303 204 204 204 204 204 204",
}

// matrixParams gives the fixture's object for each path parameter, by the
// route's prefix (the longest prefix wins).
func matrixParams(f matrixFixture) map[string]string {
	return map[string]string{
		"/auth/:provider":                        "op",
		"/unsubscribe/:token":                    "not-a-token",
		"/api/v1/programs/:id":                   "spring-2027",
		"/api/v1/me/tandems/:id":                 f.tandem,
		"/api/v1/me/shortlists/:id":              f.request,
		"/api/v1/mentors/:id":                    f.mentorProfile,
		"/api/v1/moderation/mentee-requests/:id": f.request,
		"/api/v1/moderation/tandems/:id":         f.tandem,
		"/api/v1/moderation/programs/:id":        "spring-2027",
		"/api/v1/moderation/applications/:id":    f.mentorProfile,
		"/api/v1/admin/topics/:id":               "digital-skills",
		"/api/v1/admin/programs/:id":             "autumn-2027",
		"/api/v1/admin/organizations/:id":        "hanse",
		"/api/v1/admin/people/:id":               f.noRole,
		"/api/v1/admin/grants/:email":            "someone@hanse.example",
	}
}

// matrixQuery adds a query to the routes that act in a program other than
// the open one: the mentee's request and the curators' program views.
var matrixQuery = map[string]string{
	"GET /api/v1/me/mentee-request":           "?program=spring-2027",
	"PUT /api/v1/me/mentee-request":           "?program=spring-2027",
	"POST /api/v1/me/mentee-request/submit":   "?program=spring-2027",
	"POST /api/v1/me/mentee-request/withdraw": "?program=spring-2027",
	"GET /api/v1/moderation/mentee-requests":  "?program=spring-2027",
	"GET /api/v1/moderation/tandems":          "?program=spring-2027",
	"GET /api/v1/moderation/assignment":       "?program=spring-2027",
	"GET /api/v1/admin/audit":                 "?program=spring-2027",
	"GET /api/v1/admin/audit.csv":             "?program=spring-2027",
}

type matrixFixture struct{ tandem, mentorProfile, request, noRole string }

// TestIntegrationAuthorizationMatrix sends every route of the server as each
// kind of person and compares the statuses with authzMatrix.
func TestIntegrationAuthorizationMatrix(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(ic *identity.Config, _ *apiConfig) { ic.AdminEmails = []string{"amira@platform.example"} })
	h.putOrgs(t,
		organization.Organization{ID: "hanse", Name: "Hanse Logistik AG", Domains: []string{"hanse.example"}, Verified: true},
		organization.Organization{ID: "nordlicht", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht.example"}, Verified: true},
	)
	admin := h.signInAs(t, op, "amira", "amira@platform.example", "Amira Admin")
	pia, otto := h.twoPrograms(t, op, admin)
	nora := h.signInAs(t, op, "nora", "nora@hanse.example", "Nora Noroles")
	ada, mp := h.approvedMentor(t, op, admin, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	h.sync(t)
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	kat.must("PUT", "/api/v1/me/mentee-request?program=spring-2027", validRequest(), http.StatusOK)
	req := kat.must("POST", "/api/v1/me/mentee-request/submit?program=spring-2027", nil, http.StatusOK)
	pia.must("POST", "/api/v1/moderation/programs/spring-2027/phase", map[string]any{"phase": "matching"}, http.StatusOK)
	tk := pia.must("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req["id"], "mentorProfileId": mp}, http.StatusCreated)
	f := matrixFixture{tandem: str(tk["id"]), mentorProfile: mp, request: str(req["id"]), noRole: nora.me.ID}
	people := []*person{{b: newBrowser(t), h: h}, nora, ada, kat, pia, otto, admin}

	params := matrixParams(f)
	param := regexp.MustCompile(`:[a-zA-Z]+`)
	var routes []string
	seen := map[string]bool{}
	for _, r := range h.Srv.App().GetRoutes(true) {
		key := r.Method + " " + r.Path
		if r.Method == http.MethodHead || seen[key] {
			continue
		}
		seen[key] = true
		routes = append(routes, key)
	}
	// Account deletion and sign-out last: they end who sends them.
	for _, last := range []string{"DELETE /api/v1/me", "POST /auth/logout"} {
		if i := slices.Index(routes, last); i >= 0 {
			routes = append(slices.Delete(routes, i, i+1), last)
		}
	}
	var printed strings.Builder
	for _, key := range routes {
		method, path, _ := strings.Cut(key, " ")
		u := path
		if param.MatchString(path) {
			prefix, best := "", ""
			for p := range params {
				if strings.HasPrefix(path, p) && len(p) > len(prefix) {
					prefix, best = p, params[p]
				}
			}
			if prefix == "" {
				t.Errorf("%s: no fixture object for its parameter; add one to matrixParams", key)
				continue
			}
			u = prefix[:strings.LastIndex(prefix, ":")] + best + path[len(prefix):]
		}
		if q, ok := matrixQuery[key]; ok {
			u += q
		}
		if strings.HasSuffix(u, "*") {
			u = strings.TrimSuffix(u, "*") + "matrix-probe"
		}
		var body any
		if method != http.MethodGet && method != http.MethodDelete {
			body = map[string]any{}
		}
		got := make([]string, len(people))
		for i, p := range people {
			status, _ := p.call(method, u, body)
			got[i] = strconv.Itoa(status)
			if status >= 500 {
				t.Errorf("%s %s as %s: %d", method, u, matrixWho[i], status)
			}
		}
		fmt.Fprintf(&printed, "\t%q: %q,\n", key, strings.Join(got, " "))
		want, ok := authzMatrix[key]
		switch {
		case !ok:
			t.Errorf("%s has no row in authzMatrix; add one (got %s)", key, strings.Join(got, " "))
		case want != strings.Join(got, " "):
			for i, w := range strings.Fields(want) {
				if i < len(got) && got[i] != w {
					t.Errorf("%s as %s (%s): got %s, want %s", method, matrixWho[i], u, got[i], w)
				}
			}
		}
	}
	for key := range authzMatrix {
		if !seen[key] {
			t.Errorf("authzMatrix row %q names no route of the server", key)
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d routes found; the route listing looks wrong", len(seen))
	}
	if os.Getenv("OTM_MATRIX_PRINT") != "" {
		t.Logf("observed rows:\n%s", printed.String())
	}
}
