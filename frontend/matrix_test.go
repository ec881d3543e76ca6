package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/program"
)

// pageMatrixWho are the columns of pageMatrix, in the order requests are sent.
var pageMatrixWho = []string{"anonymous", "no role", "mentor", "mentee", "curator of this program", "curator of another program", "admin"}

// pageMatrix is who may do what on the pages: for every page route, the
// status each identity gets, in the order of pageMatrixWho (303 for a
// visitor is the way to sign in; for the signed-in a redirect after a form).
// Forms are sent with the person's CSRF token and no other field, so an
// allowed form mostly stops at validation. Path parameters name the fixture's
// objects (TestPageAuthorizationMatrix); rows run top to bottom, each left to
// right. A page route missing from the table fails the test, as does a row
// naming no route. OTM_MATRIX_PRINT=1 prints the rows as observed.
var pageMatrix = map[string]string{
	"GET /static/*": "200 200 200 200 200 200 200",
	"GET /":         "200 200 200 200 200 200 200",
	"GET /signin":   "200 200 200 200 200 200 200",
	// 303 for a visitor: to sign in
	"GET /account":                 "303 200 200 200 200 200 200",
	"GET /lang/:lang":              "303 303 303 303 303 303 303",
	"GET /welcome":                 "303 200 200 200 200 200 200",
	"GET /notifications":           "303 200 200 200 200 200 200",
	"GET /notifications/bell":      "204 200 200 200 200 200 200",
	"GET /notifications/open":      "303 404 404 404 404 404 404",
	"GET /account/notifications":   "303 200 200 200 200 200 200",
	"GET /unsubscribe/:token":      "400 400 400 400 400 400 400",
	"GET /admin/people":            "303 403 403 403 403 403 200",
	"GET /admin/organizations":     "303 403 403 403 403 403 200",
	"GET /admin/organizations/:id": "303 403 403 403 403 403 404",
	"GET /admin/audit":             "303 403 403 403 200 200 200",
	"GET /apply":                   "303 200 200 200 200 200 200",
	"GET /curate":                  "303 403 403 403 403 403 200",
	"GET /curate/:id":              "303 403 403 403 403 403 200",
	"GET /programs":                "200 200 200 200 200 200 200",
	"GET /programs/new":            "303 403 403 403 403 403 200",
	"GET /programs/:id":            "200 200 200 200 200 200 200",
	"GET /mentors":                 "200 200 200 200 200 200 200",
	"GET /mentors/:id":             "200 200 200 200 200 200 200",
	"GET /request":                 "303 200 200 200 200 200 200",
	"GET /match":                   "303 403 403 403 200 403 200",
	"GET /match/assignment":        "303 403 403 403 200 403 200",
	// another program's request is as unknown as a missing one
	"GET /match/:id":                      "303 403 403 403 200 404 200",
	"GET /tandems":                        "303 200 200 200 200 200 200",
	"GET /tandems/:id":                    "303 404 200 200 404 404 404",
	"GET /programs/:id/dashboard":         "303 403 403 403 200 403 200",
	"POST /notifications/read":            "303 303 303 303 303 303 303",
	"POST /account/notifications":         "303 422 422 422 422 422 422",
	"POST /unsubscribe/:token":            "400 400 400 400 400 400 400",
	"POST /admin/people/grant":            "303 403 403 403 403 403 422",
	"POST /admin/people/:id/roles":        "303 403 403 403 403 403 404",
	"POST /admin/organizations":           "303 403 403 403 403 403 422",
	"POST /admin/organizations/:id":       "303 403 403 403 403 403 404",
	"POST /admin/organizations/:id/merge": "303 403 403 403 403 403 404",
	"POST /apply":                         "303 303 422 303 303 303 303",
	"POST /apply/submit":                  "303 422 422 422 422 422 422",
	"POST /apply/withdraw":                "303 303 303 303 303 303 303",
	"POST /apply/preview":                 "303 200 200 200 200 200 200",
	"POST /apply/photo":                   "303 422 422 422 422 422 422", // the matrix sends no file
	"POST /apply/photo/delete":            "303 303 303 303 303 303 303",
	"POST /curate/:id/decision":           "303 403 403 403 403 403 400",
	"POST /curate/:id/comments":           "303 403 403 403 403 403 422",
	"POST /account/line-managers":         "303 303 303 303 303 303 303",
	"POST /programs":                      "303 403 403 403 403 403 422",
	"POST /programs/follow":               "303 400 400 400 400 400 400",
	"POST /programs/:id":                  "303 403 403 403 409 403 409",
	"POST /programs/:id/phase":            "303 403 403 403 422 403 422",
	"POST /programs/:id/delete":           "303 403 403 403 403 403 409",
	"POST /request":                       "303 303 303 422 303 303 303",
	"POST /request/submit":                "303 422 422 422 422 422 422",
	"POST /request/withdraw":              "303 409 409 303 409 409 409",
	"POST /request/prefer":                "303 400 400 400 400 400 400",
	"POST /match/assignment/propose":      "303 403 403 403 403 403 422", // no program in the form: the open program's, which only its curators (cora) and admins may
	"POST /match/:id/propose":             "303 403 403 403 422 404 422",
	"POST /match/:id/shortlist":           "303 403 403 403 303 404 303", // an empty list is saved
	"GET /shortlists":                     "303 200 200 200 200 200 200", // one's own (none here)
	"POST /shortlists/:id/pick":           "303 404 404 404 404 404 404", // no shortlist sent for the fixture's request
	"POST /shortlists/:id/more":           "303 404 404 404 404 404 404",
	"POST /mentors/:id/shortlist":         "303 403 403 403 404 404 404", // the matrix names no request
	// the pair accepts: later rows see a running tandem
	"POST /tandems/:id/accept":  "303 404 303 303 404 404 404",
	"POST /tandems/:id/decline": "303 404 409 409 404 404 404",
	// the form needs its confirmation first (422 for any id: nothing shows)
	"POST /tandems/:id/end":      "303 422 422 422 422 422 422",
	"POST /tandems/:id/feedback": "303 404 409 409 404 404 404",
	"POST /tandems/:id/cadence":  "303 404 422 422 404 404 404",
	"POST /tandems/:id/meetings": "303 404 422 422 404 404 404",
	// last: it erases whoever may send it (here the form lacks its confirmation)
	"POST /account/delete": "303 422 422 422 422 422 422",
}

// TestPageAuthorizationMatrix sends every page route as each kind of person
// and compares the statuses with pageMatrix (the API's routes have their own
// matrix in package api).
func TestPageAuthorizationMatrix(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	nora := &otm.Principal{UserID: "u_nora", SessionID: "s_nora", Email: "nora@insure.example", EmailTrusted: true, Name: "Nora Neu", CSRFToken: "csrf-nora"}
	pia := &otm.Principal{UserID: "u_pia", SessionID: "s_pia", Email: "pia@program.example", EmailTrusted: true, Name: "Pia Programm", CSRFToken: "csrf-pia"}
	otto := &otm.Principal{UserID: "u_otto", SessionID: "s_otto", Email: "otto@program.example", EmailTrusted: true, Name: "Otto Other", CSRFToken: "csrf-otto"}
	w := program.DefaultProgramWeights()
	for id, curator := range map[string]string{"spring-2027": pia.Email, "autumn-2027": otto.Email} {
		if _, err := e.Programs.CreateProgram(ctx, ada, program.ProgramInput{ID: id, Name: "Cohort " + id, Sponsor: "Dr. Anna Schmidt", Term: "half-year",
			Description: "Six months of reverse mentoring.", RegistrationOpens: "2027-01-10", RegistrationCloses: "2027-02-15", KickOff: "2027-03-01",
			WrapUp: "2027-08-31", Curators: []string{curator}, Capacity: 1, Weights: &w}); err != nil {
			t.Fatal(err)
		}
		e.toPhase(t, id, program.PhaseRegistration)
	}
	e.matchSetup(t) // lena and maxB approved mentors; eva's request to the open program
	form := with(validRequest(eva.CSRFToken), "program", "spring-2027")
	if r := send(t, e.app(t, eva), http.MethodPost, "/request/submit", form, nil); r.status != http.StatusSeeOther {
		t.Fatalf("eva's cohort request: got %d", r.status)
	}
	e.toPhase(t, "spring-2027", program.PhaseMatching)
	req := e.requestID(t, eva.UserID, "spring-2027")
	tk, err := e.Tandems.ProposeTandem(ctx, pia, req, "mp_max")
	if err != nil {
		t.Fatal(err)
	}
	mentorOf := *maxB // the mentor of the fixture's tandem
	people := []*otm.Principal{nil, nora, &mentorOf, eva, pia, otto, ada}
	params := map[string]string{
		"/static/":                 "app.css",
		"/lang/:lang":              "/lang/de",
		"/notifications/open":      "/notifications/open",
		"/unsubscribe/:token":      "/unsubscribe/not-a-token",
		"/admin/people/:id":        "/admin/people/" + nora.UserID,
		"/admin/organizations/:id": "/admin/organizations/org-acme",
		"/curate/:id":              "/curate/mp_max",
		"/programs/:id":            "/programs/spring-2027",
		"/mentors/:id":             "/mentors/mp_max",
		"/match/:id":               "/match/" + req,
		"/tandems/:id":             "/tandems/" + tk.ID,
		"/shortlists/:id":          "/shortlists/" + req,
	}
	param := regexp.MustCompile(`:[a-zA-Z]+|\*`)
	var routes []string
	seen := map[string]bool{}
	for _, r := range newTestApp(t, e.f, nil).GetRoutes(true) {
		key := r.Method + " " + r.Path
		if r.Method == http.MethodHead || seen[key] {
			continue
		}
		seen[key] = true
		routes = append(routes, key)
	}
	// Deleting the account last: it erases whoever may send it.
	if i := slices.Index(routes, "POST /account/delete"); i >= 0 {
		routes = append(slices.Delete(routes, i, i+1), "POST /account/delete")
	}
	var printed strings.Builder
	for _, key := range routes {
		method, path, _ := strings.Cut(key, " ")
		u := path
		if param.MatchString(path) {
			best := ""
			for p := range params {
				if strings.HasPrefix(path, strings.TrimSuffix(p, "*")) && len(p) > len(best) {
					best = p
				}
			}
			if best == "" {
				t.Errorf("%s: no fixture object for its parameter; add one to params", key)
				continue
			}
			u = params[best] + path[len(best):]
			if strings.HasSuffix(path, "*") {
				u = "/static/" + params[best]
			}
		}
		if q, ok := pageMatrixQuery[key]; ok {
			u += q
		}
		got := make([]string, len(people))
		for i, p := range people {
			app := newTestApp(t, e.f, p)
			var r response
			if method == http.MethodGet {
				r = do(t, app, u, langHeader("en"))
			} else {
				form := url.Values{}
				if p != nil {
					form.Set("csrf_token", p.CSRFToken)
				}
				r = send(t, app, method, u, form, map[string]string{"Origin": testBaseURL})
			}
			got[i] = strconv.Itoa(r.status)
			if r.status >= 500 {
				t.Errorf("%s %s as %s: %d", method, u, pageMatrixWho[i], r.status)
			}
		}
		fmt.Fprintf(&printed, "\t%q: %q,\n", key, strings.Join(got, " "))
		want, ok := pageMatrix[key]
		switch {
		case !ok:
			t.Errorf("%s has no row in pageMatrix; add one (got %s)", key, strings.Join(got, " "))
		case want != strings.Join(got, " "):
			for i, w := range strings.Fields(want) {
				if i < len(got) && got[i] != w {
					t.Errorf("%s as %s (%s): got %s, want %s", method, pageMatrixWho[i], u, got[i], w)
				}
			}
		}
	}
	for key := range pageMatrix {
		if !seen[key] {
			t.Errorf("pageMatrix row %q names no route", key)
		}
	}
	if os.Getenv("OTM_MATRIX_PRINT") != "" {
		t.Logf("observed rows:\n%s", printed.String())
	}
}

// pageMatrixQuery adds a query to the routes that act in a program.
var pageMatrixQuery = map[string]string{
	"GET /request":          "?program=spring-2027",
	"GET /match":            "?program=spring-2027",
	"GET /match/assignment": "?program=spring-2027",
	"GET /admin/audit":      "?program=spring-2027",
}
