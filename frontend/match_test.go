package frontend

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/organization"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
)

// People of the matching tests: an executive of Acme (lena's organization)
// and a mentor of another organization.
var (
	eva = &otm.Principal{UserID: "u_eva", SessionID: "s_eva", Email: "eva@acme.example", EmailTrusted: true, Name: "Eva Vorstand",
		Organization: "org-acme", OrgName: "Acme AG", OrgVerified: true, Roles: []string{otm.RoleMentee}, CSRFToken: "csrf-eva"}
	maxB = &otm.Principal{UserID: "u_max", SessionID: "s_max", Email: "maxB@beta.example", EmailTrusted: true, Name: "Max Becker",
		Organization: "org-beta", OrgName: "Beta GmbH", OrgVerified: true, Roles: []string{otm.RoleMentor}, CSRFToken: "csrf-maxB"}
)

// matchSetup publishes lena and maxB as mentors and submits eva's request; it
// returns the request id.
func (e *pagesEnv) matchSetup(tb testing.TB) string {
	tb.Helper()
	for _, p := range []*otm.Principal{lena, maxB} {
		e.submitApplication(tb, p)
		e.decide(tb, profile.ProfileIDFor(p.UserID), "approve", "")
	}
	e.sync(tb)
	r := send(tb, e.app(tb, eva), http.MethodPost, "/request/submit", validRequest(eva.CSRFToken), nil)
	if r.status != http.StatusSeeOther {
		tb.Fatalf("submit request: got %d, want 303; body: %.600s", r.status, r.body)
	}
	return e.requestID(tb, eva.UserID, program.OpenProgram)
}

// requestID is the id of a person's request to a program.
func (e *pagesEnv) requestID(tb testing.TB, userID, programID string) string {
	tb.Helper()
	id, err := e.Tandems.RequestID(context.Background(), userID, programID)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

func TestMatchAccess(t *testing.T) {
	e := newPagesEnv(t)
	assertRedirect(t, do(t, e.app(t, nil), "/match", nil), "/signin?return_to=%2Fmatch")
	assertRedirect(t, do(t, e.app(t, nil), "/tandems", nil), "/signin?return_to=%2Ftandems")
	for _, target := range []string{"/match", "/match/assignment", "/match/mr_x_open"} {
		r := do(t, e.app(t, lena), target, langHeader("en"))
		if r.status != http.StatusForbidden {
			t.Fatalf("GET %s as mentor: got %d, want 403", target, r.status)
		}
		assertBody(t, r.body, []string{"Only curators may match"}, []string{`href="/match"`})
	}
	r := send(t, e.app(t, lena), http.MethodPost, "/match/mr_x_open/propose", url.Values{"csrf_token": {lena.CSRFToken}, "mentorProfileId": {"mp_x"}}, nil)
	if r.status != http.StatusForbidden {
		t.Fatalf("POST propose as mentor: got %d, want 403", r.status)
	}
	// Nav: mentors see "My tandems", curators "Matching".
	assertBody(t, do(t, e.app(t, lena), "/", langHeader("en")).body, []string{`href="/tandems"`, "My tandems"}, []string{`href="/match"`})
	assertBody(t, do(t, e.app(t, cora), "/", langHeader("en")).body, []string{`href="/match"`, ">Matching</a>"}, nil)
}

func TestMatchWorkspace(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	lenaID, maxID := profile.ProfileIDFor(lena.UserID), profile.ProfileIDFor(maxB.UserID)
	app := e.app(t, cora)

	r := do(t, app, "/match", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/match: got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Matching workspace", `href="/match/` + reqID + `"`, "Eva Vorstand", "Acme AG", "Half a year",
		`href="/match/assignment"`, `aria-current="page">Matching</a>`}, nil)
	assertNoInlineCode(t, r.body)

	r = do(t, app, "/match/"+reqID, langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/match/id: got %d; body: %.600s", r.status, r.body)
	}
	sug, exc, _ := strings.Cut(r.body, "Excluded mentors")
	assertBody(t, sug, []string{"I want to understand how my young colleagues use AI tools at work.", "Hybrid", "Sailing",
		"Suggested mentors", "Max Becker", "Beta GmbH", "Propose tandem", `name="mentorProfileId" value="` + maxID + `"`,
		`action="/match/` + reqID + `/propose"`, `name="csrf_token" value="csrf-cora"`, "<th scope=\"row\">Topics</th>",
		"<th scope=\"row\">Languages</th>", "Contribution",
		// The reasons fold away (only the best suggestion's open), and each
		// Propose button says whom it proposes.
		`<details class="match-why" open>`, "<summary>Why Max Becker fits</summary>",
		`Propose tandem<span class="visually-hidden">: Max Becker</span></button>`}, []string{`value="` + lenaID + `"`})
	assertBody(t, exc, []string{"Lena Hoffmann", "Same organization"}, nil)
	assertNoInlineCode(t, r.body)

	// The excluded mentor cannot be proposed: the rule is shown.
	r = send(t, app, http.MethodPost, "/match/"+reqID+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {lenaID}}, langHeader("en"))
	if r.status != http.StatusConflict {
		t.Fatalf("propose excluded: got %d, want 409; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"The tandem was not proposed.", `<strong class="match-rule">Same organization</strong>:`}, nil)

	// The cohort assignment pairs eva with maxB.
	r = do(t, app, "/match/assignment", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/match/assignment: got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Cohort assignment", "Eva Vorstand", "Max Becker", `name="from" value="assignment"`}, nil)
	// A large cohort (here: every cohort) is computed in the background:
	// the page shows the progress and reloads itself until it is done.
	e.Assignments.SetInlinePairs(-1)
	for _, lang := range []string{"en", "de"} {
		r = do(t, app, "/match/assignment", langHeader(lang))
		if r.status != http.StatusAccepted {
			t.Fatalf("/match/assignment (%s) while computing: got %d, want 202; body: %.600s", lang, r.status, r.body)
		}
		want := map[string][]string{
			"en": {"Computing the assignment", "(requests: 1, candidate mentors: 2): 0 % done."},
			"de": {"Die Zuordnung wird berechnet", "(Anfragen: 1, mögliche Mentor:innen: 2): 0 % erledigt."},
		}[lang]
		assertBody(t, r.body, append(want, `<meta http-equiv="refresh" content="3">`, `href="/match/assignment"`), []string{"Max Becker", `name="from"`})
	}
	if _, err := e.Assignments.RunJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = do(t, app, "/match/assignment", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/match/assignment after the job: got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Eva Vorstand", "Max Becker", `name="from" value="assignment"`}, []string{`http-equiv="refresh"`})
	e.Assignments.SetInlinePairs(0)

	// Proposing maxB works and shows the flash.
	r = send(t, app, http.MethodPost, "/match/"+reqID+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID}}, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("propose: got %d, want 303; body: %.600s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/match/"+reqID+"?proposed=t_") {
		t.Fatalf("Location: got %q", loc)
	}
	assertBody(t, do(t, app, loc, langHeader("en")).body, []string{"Tandem proposed to Max Becker (with Eva Vorstand)."}, nil)

	// Now the request is paired: the list says so and the request offers no
	// further proposals.
	assertBody(t, do(t, app, "/match", langHeader("en")).body, []string{`<span class="status-badge">Tandem proposed</span>`}, nil)
	assertBody(t, do(t, app, "/match/"+reqID, langHeader("en")).body, []string{"already has a proposed or running tandem"}, []string{"Propose tandem</button>"})
	assertBody(t, do(t, app, "/match", langHeader("de")).body, []string{"Tandem vorgeschlagen"}, nil)

	// A second proposal of the same mentor exceeds their capacity.
	r = send(t, app, http.MethodPost, "/match/"+reqID+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID}, "from": {"assignment"}}, langHeader("en"))
	if r.status != http.StatusConflict {
		t.Fatalf("second propose: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{`<strong class="match-rule">Capacity reached</strong>:`, "Cohort assignment"}, nil)
}

func TestMatchGerman(t *testing.T) {
	e := newPagesEnv(t)
	if err := e.Identity.PutOrganization(context.Background(), &organization.Organization{ID: "org-acme", Name: "Acme AG", Competitors: []string{}}); err != nil {
		t.Fatal(err)
	}
	reqID := e.matchSetup(t)
	r := do(t, e.app(t, cora), "/match/"+reqID, langHeader("de"))
	if r.status != http.StatusOK {
		t.Fatalf("got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{`<html lang="de"`, "Anfrage von Eva Vorstand", "Vorgeschlagene Mentor:innen", "Tandem vorschlagen",
		"Ausgeschlossene Mentor:innen", "Gleiche Organisation", "Ein halbes Jahr", "Beitrag", `<th scope="row">Themen</th>`,
		// Explanations and refusals in German, with topic and language names.
		"gewünschten Themen (KI &amp; Daten, Digitale Kompetenzen)", "gemeinsame Sprachen: Deutsch, Englisch",
		"Mentor:in und Führungskraft arbeiten für dieselbe Organisation (Acme AG)."},
		[]string{"Propose tandem", "Same organization", "Suggested mentors", "teaches", "requested topics", "shared languages", "work for the same organization", "digital-skills)"})
	r = do(t, e.app(t, cora), "/match", langHeader("de"))
	assertBody(t, r.body, []string{"Matching-Arbeitsbereich", "Kohorten-Zuordnung", "Eva Vorstand"}, nil)
}

func TestTandemsPage(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	maxID := profile.ProfileIDFor(maxB.UserID)
	tandem, err := e.Tandems.ProposeTandem(context.Background(), cora, reqID, maxID)
	if err != nil {
		t.Fatalf("ProposeTandem: %v", err)
	}

	r := do(t, e.app(t, maxB), "/tandems", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/tandems: got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Eva Vorstand", "Acme AG", "Your mentee", "Half a year", "Proposed", "Not answered yet",
		`action="/tandems/` + tandem.ID + `/accept"`, `action="/tandems/` + tandem.ID + `/decline"`,
		"Only the curators see your reason", `name="csrf_token" value="csrf-maxB"`, `aria-current="page">My tandems</a>`}, nil)
	assertNoInlineCode(t, r.body)

	// Max accepts.
	r = send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+tandem.ID+"/accept", url.Values{"csrf_token": {maxB.CSRFToken}}, nil)
	assertRedirect(t, r, "/tandems?done=accepted")
	r = do(t, e.app(t, maxB), "/tandems?done=accepted", langHeader("en"))
	assertBody(t, r.body, []string{"You accepted the tandem.", "Accepted"}, []string{`/accept"`})

	// Eva sees maxB and declines with a reason only curators see.
	r = do(t, e.app(t, eva), "/tandems", langHeader("en"))
	// The proposed mentor's name leads to the profile, with the headline;
	// declining folds away beside Accept.
	assertBody(t, r.body, []string{`<a href="/mentors/` + maxID + `">Max Becker</a>`, "Beta GmbH", "Your mentor", `/accept"`,
		`<p class="tandem-headline">`, `<details class="tandem-decline">`, "<summary>Decline…</summary>",
		`class="badge tandem-status tandem-status-proposed"`}, nil)
	r = send(t, e.app(t, eva), http.MethodPost, "/tandems/"+tandem.ID+"/decline", url.Values{"csrf_token": {eva.CSRFToken}, "reason": {"Secret scheduling trouble"}}, nil)
	assertRedirect(t, r, "/tandems?done=declined")
	assertBody(t, do(t, e.app(t, eva), "/tandems?done=declined", langHeader("en")).body, []string{"You declined the tandem.", "Declined"}, nil)
	r = do(t, e.app(t, maxB), "/tandems", langHeader("en"))
	assertBody(t, r.body, []string{"Declined"}, []string{"Secret scheduling trouble", `/accept"`})
	if got, err := e.Tandems.Tandem(context.Background(), cora, tandem.ID); err != nil || got.DeclineReason != "Secret scheduling trouble" {
		t.Errorf("Tandem: got %+v, %v", got, err)
	}

	// Answering again is a conflict; a stranger gets 404.
	r = send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+tandem.ID+"/accept", url.Values{"csrf_token": {maxB.CSRFToken}}, langHeader("en"))
	if r.status != http.StatusConflict {
		t.Fatalf("answer again: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{"can no longer be accepted"}, nil)
	r = send(t, e.app(t, lena), http.MethodPost, "/tandems/"+tandem.ID+"/accept", url.Values{"csrf_token": {lena.CSRFToken}}, nil)
	if r.status != http.StatusNotFound {
		t.Fatalf("stranger: got %d, want 404", r.status)
	}
}

// TestMatchProposeSelected: the assignment's pairs are selected (all by
// default) and proposed at once; a pair the rules refuse is listed with why
// while the others are proposed; nothing selected is refused.
func TestMatchProposeSelected(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	app := e.app(t, cora)
	maxID, lenaID := profile.ProfileIDFor(maxB.UserID), profile.ProfileIDFor(lena.UserID)
	r := do(t, app, "/match/assignment", langHeader("en"))
	assertBody(t, r.body, []string{`<form id="assign-bulk" method="post" action="/match/assignment/propose"`,
		`name="pair" value="` + reqID + ` ` + maxID + `" form="assign-bulk"`, "Propose the selected pairs"}, nil)
	post := func(pairs ...string) response {
		return send(t, app, http.MethodPost, "/match/assignment/propose", url.Values{"csrf_token": {cora.CSRFToken}, "pair": pairs}, langHeader("en"))
	}
	if r := post(); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Select between 1 and 500 pairs") {
		t.Errorf("nothing selected: got %d, want 422 saying so", r.status)
	}
	// Lena works for Eva's organization: refused, with the rule.
	r = post(reqID + " " + lenaID)
	if r.status != http.StatusConflict {
		t.Fatalf("an excluded pair: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{"0 of 1 selected pairs proposed; refused:", "Same organization"}, nil)
	assertRedirect(t, post(reqID+" "+maxID), "/match/assignment?proposedCount=1")
	assertBody(t, do(t, app, "/match/assignment?proposedCount=1", langHeader("en")).body, []string{"Tandems proposed: 1."}, nil)
	if ts, err := e.Tandems.ProgramTandems(context.Background(), cora, "open"); err != nil || len(ts) != 1 || ts[0].MentorProfileID != maxID {
		t.Errorf("tandems after proposing: got %v, %v; want Eva with Max", ts, err)
	}
	if r := send(t, e.app(t, lena), http.MethodPost, "/match/assignment/propose", url.Values{"csrf_token": {lena.CSRFToken}, "pair": {reqID + " " + maxID}}, nil); r.status != http.StatusForbidden {
		t.Errorf("a mentor proposing: got %d, want 403", r.status)
	}
}

// TestMatchAssignmentExplains: a pair lists its alternatives, each with its
// own Propose button, and a request left without a mentor says why, in the
// page's language (Katrin's request fits Max too, but Max goes to Eva, whom
// no one else may mentor; Lena is then Katrin's only one).
func TestMatchAssignmentExplains(t *testing.T) {
	e := newPagesEnv(t)
	e.matchSetup(t)
	if r := send(t, e.app(t, katrin), http.MethodPost, "/request/submit", validRequest(katrin.CSRFToken), nil); r.status != http.StatusSeeOther {
		t.Fatalf("Katrin's request: got %d, want 303; body: %.600s", r.status, r.body)
	}
	katrinReq := e.requestID(t, katrin.UserID, program.OpenProgram)
	maxID, lenaID := profile.ProfileIDFor(maxB.UserID), profile.ProfileIDFor(lena.UserID)
	app := e.app(t, cora)
	r := do(t, app, "/match/assignment", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("/match/assignment: got %d; body: %.600s", r.status, r.body)
	}
	// Both requests are paired; Katrin's pair names the other mentor as its
	// alternative, given to Eva's request.
	assertBody(t, r.body, []string{`<details class="match-alts">`, "Alternatives for Katrin Weber (1)",
		`action="/match/` + katrinReq + `/propose"`, "Propose instead<span class=\"visually-hidden\">: Katrin Weber → ",
		"(given to another request)"}, nil)
	// Once Max mentors Katrin, no one may mentor Eva: Lena works for her
	// organization and Max has no capacity left; the page says so (German).
	if r := send(t, app, http.MethodPost, "/match/"+katrinReq+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID}}, nil); r.status != http.StatusSeeOther {
		t.Fatalf("propose Katrin → Max: got %d, want 303; body: %.600s", r.status, r.body)
	}
	r = do(t, app, "/match/assignment", langHeader("de"))
	assertBody(t, r.body, []string{"Nicht zugeordnete Anfragen", "Eva Vorstand",
		"Keine Mentor:in ist möglich: Die Regeln schließen alle 2 Kandidat:innen aus, die meisten wegen „Kapazität erreicht“."},
		[]string{`value="` + lenaID + `"`})
}

// TestDirectoryRoomInProgram: an executive filters the directory by room left
// in a program; once Max has a tandem there (capacity 1), he is left out and
// the count says so; a mentor gets no such filter.
func TestDirectoryRoomInProgram(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	maxID := profile.ProfileIDFor(maxB.UserID)
	r := do(t, e.app(t, eva), "/mentors", langHeader("en"))
	assertBody(t, r.body, []string{`<legend>Room left in</legend>`,
		`<label for="facet-room-open">Open program <span class="count">(2)</span></label>`}, nil)
	if r := send(t, e.app(t, cora), http.MethodPost, "/match/"+reqID+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID}}, nil); r.status != http.StatusSeeOther {
		t.Fatalf("propose Eva → Max: got %d, want 303", r.status)
	}
	r = do(t, e.app(t, eva), "/mentors?room=open", langHeader("de"))
	assertBody(t, r.body, []string{"1 Mentor:in gefunden", "Lena Hoffmann", `id="facet-room-open" name="room" value="open" checked`,
		`<label for="facet-room-open">Offenes Programm <span class="count">(1)</span></label>`}, []string{"Max Becker"})
	r = do(t, e.app(t, lena), "/mentors", langHeader("en"))
	assertBody(t, r.body, []string{"Max Becker"}, []string{`name="room"`})
	if r := do(t, e.app(t, lena), "/mentors?room=open", langHeader("en")); r.status != http.StatusBadRequest {
		t.Errorf("a mentor filtering by room: got %d, want 400", r.status)
	}
}
