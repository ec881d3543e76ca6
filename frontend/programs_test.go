package frontend

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// People of the program tests: an admin and a curator who curates no
// cohort (cora curates the cohorts the tests create).
var (
	ada = &otm.Principal{UserID: "u_ada", SessionID: "s_ada", Email: "ada@platform.example", EmailTrusted: true, Name: "Ada Admin",
		Roles: []string{otm.RoleAdmin}, CSRFToken: "csrf-ada"}
	otto = &otm.Principal{UserID: "u_otto", SessionID: "s_otto", Email: "otto@program.example", EmailTrusted: true, Name: "Otto Other",
		Roles: []string{otm.RoleCurator}, CSRFToken: "csrf-otto"}
)

// cohort is the id of the program the tests create.
const cohort = "leadership-2027"

// newCohort creates the cohort (curated by cora, with all dates) and moves it
// to phase.
func (e *pagesEnv) newCohort(tb testing.TB, phase string) *program.Program {
	tb.Helper()
	ctx := context.Background()
	w := program.DefaultProgramWeights()
	pr, err := e.Programs.CreateProgram(ctx, ada, program.ProgramInput{ID: cohort, Name: "Leadership 2027", Sponsor: "Dr. Anna Schmidt, CHRO",
		Description: "Six months of reverse mentoring for the leadership circle.", Term: "half-year",
		RegistrationOpens: "2027-01-10", RegistrationCloses: "2027-02-15", KickOff: "2027-03-01", WrapUp: "2027-08-31",
		Curators: []string{cora.Email}, Capacity: 1, Weights: &w})
	if err != nil {
		tb.Fatalf("CreateProgram: %v", err)
	}
	e.toPhase(tb, pr.ID, phase)
	pr, err = e.Programs.Program(ctx, ada, pr.ID)
	if err != nil {
		tb.Fatalf("Program: %v", err)
	}
	return pr
}

// toPhase moves a program forward until it is in phase.
func (e *pagesEnv) toPhase(tb testing.TB, id, phase string) {
	tb.Helper()
	ctx := context.Background()
	for {
		pr, err := e.Programs.Program(ctx, ada, id)
		if err != nil {
			tb.Fatalf("Program: %v", err)
		}
		if pr.Phase == phase {
			return
		}
		next := program.Next(pr.Phase)
		if next == "" {
			tb.Fatalf("program %s: phase %s not reached", id, phase)
		}
		if _, err := e.Programs.AdvancePhase(ctx, ada, id, next); err != nil {
			tb.Fatalf("AdvancePhase %s: %v", next, err)
		}
	}
}

// programFormValues is a valid program form.
func programFormValues(csrf string) url.Values {
	return url.Values{
		"csrf_token": {csrf}, "name": {"Spring cohort 2027"}, "id": {""}, "description": {"For the board."},
		"sponsor": {"Jan Vorstand"}, "term": {"quarter"}, "registrationOpens": {"2027-01-01"}, "registrationCloses": {"2027-01-31"},
		"kickOff": {"2027-02-15"}, "wrapUp": {"2027-05-15"}, "curators": {"Cora@Program.example\notto@program.example"}, "capacity": {"2"},
		"weight_topic": {"0.35"}, "weight_language": {"0.1"}, "weight_availability": {"0.15"}, "weight_interests": {"0.15"},
		"weight_timezone": {"0.1"}, "weight_preference": {"0.15"},
	}
}

func TestProgramsList(t *testing.T) {
	e := newPagesEnv(t)
	e.newCohort(t, program.PhaseRegistration)
	if _, err := e.Programs.CreateProgram(context.Background(), ada, program.ProgramInput{ID: "secret-plans", Name: "Secret plans",
		Curators: []string{cora.Email}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		p       *otm.Principal
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "visitor", lang: "en", want: []string{"Reverse-mentoring programs", `href="/programs/open">Open program</a>`,
			`href="/programs/leadership-2027">Leadership 2027</a>`, "Registration open", "Always open", "Dr. Anna Schmidt, CHRO", "Half a year",
			`<time datetime="2027-01-10">10 Jan 2027</time> – <time datetime="2027-02-15">15 Feb 2027</time>`, `href="/programs" aria-current="page">Programs</a>`},
			wantNot: []string{"Secret plans", "New program"}},
		{name: "visitor de", lang: "de", want: []string{"Reverse-Mentoring-Programme", "Registrierung offen", "Immer offen", "Ein halbes Jahr",
			`<time datetime="2027-01-10">10.1.2027</time>`, ">Programme</a>"}, wantNot: []string{"Secret plans", "Registration open"}},
		{name: "executive", p: katrin, lang: "en", want: []string{"Leadership 2027"}, wantNot: []string{"Secret plans", "New program"}},
		{name: "curator of the planned program", p: cora, lang: "en", want: []string{"Leadership 2027", "Secret plans", "Planning"}, wantNot: []string{"New program"}},
		{name: "other curator", p: otto, lang: "en", want: []string{"Leadership 2027"}, wantNot: []string{"Secret plans"}},
		{name: "admin", p: ada, lang: "en", want: []string{"Secret plans", `href="/programs/new">New program</a>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.p), "/programs", langHeader(tt.lang))
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
			open := map[string]string{"en": "Open program", "de": "Offenes Programm"}[tt.lang]
			if i, j := strings.Index(r.body, open), strings.Index(r.body, "Leadership 2027"); i < 0 || j < i {
				t.Errorf("order: got the open program at %d, the cohort at %d; want the open program first", i, j)
			}
		})
	}
	// A program in planning is hidden from visitors and other curators.
	for _, p := range []*otm.Principal{nil, katrin, otto} {
		if r := do(t, e.app(t, p), "/programs/secret-plans", nil); r.status != http.StatusNotFound {
			t.Errorf("planned program as %v: got %d, want 404", p, r.status)
		}
	}
}

func TestProgramCreate(t *testing.T) {
	e := newPagesEnv(t)
	t.Run("access", func(t *testing.T) {
		assertRedirect(t, do(t, e.app(t, nil), "/programs/new", nil), "/signin?return_to=%2Fprograms%2Fnew")
		for _, p := range []*otm.Principal{cora, katrin} {
			if r := do(t, e.app(t, p), "/programs/new", langHeader("en")); r.status != http.StatusForbidden {
				t.Errorf("GET as %s: got %d, want 403", p.Name, r.status)
			} else {
				assertBody(t, r.body, []string{"Only admins can create or delete programs."}, nil)
			}
			if r := send(t, e.app(t, p), http.MethodPost, "/programs", programFormValues(p.CSRFToken), nil); r.status != http.StatusForbidden {
				t.Errorf("POST as %s: got %d, want 403", p.Name, r.status)
			}
		}
	})
	t.Run("form", func(t *testing.T) {
		r := do(t, e.app(t, ada), "/programs/new", langHeader("en"))
		if r.status != http.StatusOK {
			t.Fatalf("status: got %d; body: %.400s", r.status, r.body)
		}
		assertBody(t, r.body, []string{`action="/programs"`, `name="csrf_token" value="csrf-ada"`, `type="date"`, `name="registrationOpens"`,
			`name="kickOff"`, `name="wrapUp"`, `<textarea id="pf-curators" name="curators"`, `name="weight_topic" type="number" min="0" max="1" step="0.05"`,
			`value="0.35"`, "How many of the executive&#39;s topics the mentor teaches.", `name="capacity" type="number" min="1" max="5"`,
			"Create program"}, []string{`name="version"`})
		assertNoInlineCode(t, r.body)
	})
	t.Run("valid", func(t *testing.T) {
		r := send(t, e.app(t, ada), http.MethodPost, "/programs", programFormValues(ada.CSRFToken), nil)
		assertRedirect(t, r, "/programs/spring-cohort-2027?done=created")
		pr, err := e.Programs.Program(context.Background(), ada, "spring-cohort-2027")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"cora@program.example", "otto@program.example"}; !slices.Equal(pr.Curators, want) || pr.Capacity != 2 ||
			pr.Phase != program.PhasePlanning || pr.Weights != program.DefaultProgramWeights() || pr.KickOff != "2027-02-15" {
			t.Errorf("program: got %+v", pr)
		}
		assertBody(t, do(t, e.app(t, ada), "/programs/spring-cohort-2027?done=created", langHeader("en")).body,
			[]string{"The program was created.", "Planning", `aria-current="step"`}, nil)
	})
	invalid := with(programFormValues(ada.CSRFToken), "name", "X", "wrapUp", "2027-01-05", "curators", "cora@program.example\nnot-an-address",
		"weight_topic", "2", "id", "Bad Id")
	for lang, want := range map[string][]string{
		"en": {"Please check these fields; nothing was saved:", `id="err-name"><span class="visually-hidden">Error: </span>Use 3 to 120 characters.`,
			"Must not be before the date above it.", "“not-an-address” is not an e-mail address.", "Topics: enter a number from 0 to 1.",
			"Use 3 to 40 lowercase letters", `<a href="#pf-wrapUp">Wrap-up: Must not be before the date above it.</a>`,
			`value="X"`, `value="Bad Id"`, ">cora@program.example\nnot-an-address</textarea>", `name="weight_topic" type="number" min="0" max="1" step="0.05" class="input-short" value="2"`,
			`aria-invalid="true"`},
		"de": {"Bitte prüfen Sie diese Felder; es wurde nichts gespeichert:", "Verwenden Sie 3 bis 120 Zeichen.", "Darf nicht vor dem Datum darüber liegen.",
			"„not-an-address“ ist keine E-Mail-Adresse."},
	} {
		t.Run("invalid "+lang, func(t *testing.T) {
			r := send(t, e.app(t, ada), http.MethodPost, "/programs", invalid, langHeader(lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, want, nil)
			assertNoInlineCode(t, r.body)
		})
	}
	t.Run("id taken", func(t *testing.T) {
		r := send(t, e.app(t, ada), http.MethodPost, "/programs", programFormValues(ada.CSRFToken), langHeader("en"))
		if r.status != http.StatusConflict {
			t.Fatalf("status: got %d, want 409", r.status)
		}
		assertBody(t, r.body, []string{"A program with this id exists already."}, nil)
	})
	ps, err := e.Programs.Programs(context.Background(), ada)
	if err != nil || len(ps) != 2 {
		t.Errorf("programs: got %d, %v; want the open one and the one created", len(ps), err)
	}
}

func TestProgramEdit(t *testing.T) {
	e := newPagesEnv(t)
	pr := e.newCohort(t, program.PhaseRegistration)
	edit := func(p *otm.Principal, kv ...string) url.Values {
		v := with(programFormValues(p.CSRFToken), "name", "Leadership 2027", "version", "0")
		v.Del("id")
		return with(v, kv...)
	}
	t.Run("curator sees the management section", func(t *testing.T) {
		r := do(t, e.app(t, cora), "/programs/"+cohort, langHeader("en"))
		assertBody(t, r.body, []string{"Manage the program", `action="/programs/leadership-2027"`, `name="version" value="2"`,
			`<li>cora@program.example</li>`, "Only admins change who curates a program.", `href="/match?program=leadership-2027"`,
			`href="/programs/leadership-2027/dashboard"`, `action="/programs/leadership-2027/phase"`, `name="phase" value="matching"`, "Move to Matching"},
			[]string{`<textarea id="pf-curators"`, "Delete the program"})
		assertNoInlineCode(t, r.body)
	})
	for _, p := range []*otm.Principal{otto, katrin, nil} {
		r := do(t, e.app(t, p), "/programs/"+cohort, langHeader("en"))
		assertBody(t, r.body, []string{"Leadership 2027"}, []string{"Manage the program", `name="version"`})
	}
	tests := []struct {
		name         string
		p            *otm.Principal
		form         url.Values
		status       int
		wantCurators []string
		want         []string
	}{
		{name: "other curator", p: otto, form: edit(otto, "version", "2"), status: http.StatusForbidden,
			wantCurators: []string{"cora@program.example"}, want: []string{"You are not a curator of the program “Leadership 2027”."}},
		{name: "stale version", p: cora, form: edit(cora, "version", "1"), status: http.StatusConflict,
			wantCurators: []string{"cora@program.example"}, want: []string{"The program was changed meanwhile"}},
		{name: "curator cannot change curators", p: cora, form: edit(cora, "version", "2", "description", "New words."), status: http.StatusSeeOther,
			wantCurators: []string{"cora@program.example"}},
		{name: "admin changes curators", p: ada, form: edit(ada, "version", "3", "curators", "cora@program.example\notto@program.example"),
			status: http.StatusSeeOther, wantCurators: []string{"cora@program.example", "otto@program.example"}},
		{name: "curator: invalid dates", p: cora, form: edit(cora, "version", "4", "kickOff", ""), status: http.StatusUnprocessableEntity,
			wantCurators: []string{"cora@program.example", "otto@program.example"}, want: []string{"Required once registration opens.", ">For the board.</textarea>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, e.app(t, tt.p), http.MethodPost, "/programs/"+cohort, tt.form, langHeader("en"))
			if r.status != tt.status {
				t.Fatalf("status: got %d, want %d; body: %.600s", r.status, tt.status, r.body)
			}
			if tt.status == http.StatusSeeOther {
				if got, want := r.header.Get("Location"), "/programs/"+cohort+"?done=saved"; got != want {
					t.Errorf("Location: got %q, want %q", got, want)
				}
			}
			assertBody(t, r.body, tt.want, nil)
			got, err := e.Programs.Program(context.Background(), ada, pr.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Curators, tt.wantCurators) {
				t.Errorf("curators: got %v, want %v", got.Curators, tt.wantCurators)
			}
		})
	}
	if got, _ := e.Programs.Program(context.Background(), ada, pr.ID); got.Description != "For the board." || got.Term != "quarter" || got.KickOff != "2027-02-15" {
		t.Errorf("after the edits: got description %q, term %q", got.Description, got.Term)
	}
}

func TestProgramPhase(t *testing.T) {
	e := newPagesEnv(t)
	e.newCohort(t, program.PhasePlanning)
	app := e.app(t, cora)
	send3 := func(p *otm.Principal, phase, lang, confirm string) response {
		return send(t, e.app(t, p), http.MethodPost, "/programs/"+cohort+"/phase", url.Values{"csrf_token": {p.CSRFToken}, "phase": {phase}, "confirm": {confirm}}, langHeader(lang))
	}
	move := func(p *otm.Principal, phase, lang string) response { return send3(p, phase, lang, "") }
	phaseNow := func() string {
		t.Helper()
		pr, err := e.Programs.Program(context.Background(), ada, cohort)
		if err != nil {
			t.Fatal(err)
		}
		return pr.Phase
	}
	// Registration opens on 10 January 2027: moving before that is early,
	// said on the page and confirmed in a second step.
	assertBody(t, do(t, app, "/programs/"+cohort, langHeader("en")).body, []string{"Registration open is planned to start on 10 Jan 2027: moving now is early.", "Move to Registration open…"}, nil)
	for lang, want := range map[string][]string{
		"en": {"Move to Registration open now?", "Registration open is planned to start on 10 Jan 2027", `name="confirm" value="yes"`, "Yes, move to Registration open now", "Cancel"},
		"de": {"Jetzt zu „Registrierung offen“ wechseln?", "am 10.1.2027 beginnen", "Ja, jetzt zu „Registrierung offen“ wechseln", "Abbrechen"},
	} {
		r := move(cora, program.PhaseRegistration, lang)
		if r.status != http.StatusOK {
			t.Fatalf("early move without confirmation (%s): got %d, want 200 asking to confirm", lang, r.status)
		}
		assertBody(t, r.body, want, nil)
		if got := phaseNow(); got != program.PhasePlanning {
			t.Fatalf("after asking to confirm: phase %s, want still planning", got)
		}
	}
	assertRedirect(t, send3(cora, program.PhaseRegistration, "en", "yes"), "/programs/"+cohort+"?done=phase")
	assertBody(t, do(t, app, "/programs/"+cohort+"?done=phase", langHeader("en")).body,
		[]string{"The program is now in its phase “Registration open”.", `<li class="phase-step is-current" aria-current="step">`}, nil)

	for lang, want := range map[string]string{
		"en": "Phases go one step at a time: the next phase is “Matching”.",
		"de": "Phasen gehen nur Schritt für Schritt: Die nächste Phase ist „Matching“.",
	} {
		r := move(cora, program.PhaseRunning, lang)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("skip a phase: got %d, want 422", r.status)
		}
		assertBody(t, r.body, []string{want}, nil)
	}
	if r := move(otto, program.PhaseMatching, "en"); r.status != http.StatusForbidden {
		t.Errorf("other curator: got %d, want 403", r.status)
	}
	if pr, _ := e.Programs.Program(context.Background(), ada, cohort); pr.Phase != program.PhaseRegistration {
		t.Fatalf("phase: got %s, want registration", pr.Phase)
	}
	e.toPhase(t, cohort, program.PhaseRunning)
	// Wrap-up ends every running tandem: never in one click.
	for lang, want := range map[string][]string{
		"en": {"Move to Wrap-up and end all running tandems", "Every running tandem of this program ends"},
		"de": {"Zu „Abschluss“ wechseln und alle laufenden Tandems beenden", "Alle laufenden Tandems dieses Programms enden"},
	} {
		r := move(cora, program.PhaseWrapUp, lang)
		if r.status != http.StatusOK || phaseNow() != program.PhaseRunning {
			t.Fatalf("wrap-up without confirmation (%s): got %d, phase %s; want 200 and still running", lang, r.status, phaseNow())
		}
		assertBody(t, r.body, append(want, `class="btn btn-danger"`), nil)
	}
	assertRedirect(t, send3(cora, program.PhaseWrapUp, "en", "yes"), "/programs/"+cohort+"?done=phase")
	if got := phaseNow(); got != program.PhaseWrapUp {
		t.Errorf("after confirming: phase %s, want wrap-up", got)
	}

	// A program without dates cannot open registration: the fields say why.
	if _, err := e.Programs.CreateProgram(context.Background(), ada, program.ProgramInput{ID: "no-dates", Name: "No dates yet"}); err != nil {
		t.Fatal(err)
	}
	r := send(t, e.app(t, ada), http.MethodPost, "/programs/no-dates/phase", url.Values{"csrf_token": {ada.CSRFToken}, "phase": {"registration"}}, langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("no dates: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{"fill in the fields marked below first", "Required once registration opens."}, nil)
	// Admins may delete it while in planning.
	assertBody(t, do(t, e.app(t, ada), "/programs/no-dates", langHeader("en")).body, []string{`action="/programs/no-dates/delete"`}, nil)
	if r := send(t, e.app(t, cora), http.MethodPost, "/programs/no-dates/delete", url.Values{"csrf_token": {cora.CSRFToken}}, nil); r.status != http.StatusForbidden {
		t.Errorf("delete as curator: got %d, want 403", r.status)
	}
	assertRedirect(t, send(t, e.app(t, ada), http.MethodPost, "/programs/no-dates/delete", url.Values{"csrf_token": {ada.CSRFToken}}, nil), "/programs?done=deleted")
}

func TestProgramPublicPage(t *testing.T) {
	e := newPagesEnv(t)
	e.newCohort(t, program.PhaseRegistration)
	cta := `href="/request?program=leadership-2027"`
	tests := []struct {
		name    string
		p       *otm.Principal
		lang    string
		want    []string
		wantNot []string
	}{
		{name: "visitor", lang: "en", want: []string{"<h1>Leadership 2027</h1>", "Six months of reverse mentoring", "Dr. Anna Schmidt, CHRO",
			"Registration is open", cta, "Sign in to ask for a reverse mentor", `aria-current="step"`, "Timeline",
			`<li class="phase-step is-done">`, "Executives send their requests for a reverse mentor."}, wantNot: []string{"Manage the program"}},
		{name: "executive de", p: katrin, lang: "de", want: []string{"Die Registrierung ist offen", cta, "Nach einem Reverse Mentor fragen", "Ablauf"}},
		{name: "mentor (anyone may ask)", p: lena, lang: "en", want: []string{cta}},
		{name: "curator", p: cora, lang: "en", want: []string{"Manage the program", cta}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, e.app(t, tt.p), "/programs/"+cohort, langHeader(tt.lang))
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
	e.toPhase(t, cohort, program.PhaseMatching)
	for _, p := range []*otm.Principal{nil, katrin} {
		assertBody(t, do(t, e.app(t, p), "/programs/"+cohort, langHeader("en")).body, []string{"Requests are closed."}, []string{cta, "Registration is open"})
	}
	// The open program always takes requests.
	assertBody(t, do(t, e.app(t, katrin), "/programs/open", langHeader("en")).body, []string{`href="/request"`, "Ask for a reverse mentor"}, []string{"Timeline"})
}

func TestRequestProgram(t *testing.T) {
	e := newPagesEnv(t)
	e.newCohort(t, program.PhaseRegistration)
	app := e.app(t, katrin)
	ctx := context.Background()

	r := do(t, app, "/request?program="+cohort, langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("status: got %d; body: %.400s", r.status, r.body)
	}
	assertBody(t, r.body, []string{`action="/request?program=leadership-2027"`, `name="program" value="leadership-2027"`,
		`formaction="/request/submit?program=leadership-2027"`, `href="/programs/leadership-2027"><strong>Leadership 2027</strong></a>`,
		"Open for requests", `href="/request?program=leadership-2027" aria-current="page">Leadership 2027</a>`, `href="/request">Open program</a>`}, nil)
	assertNoInlineCode(t, r.body)

	// Saving (the program in the form field only) goes to the cohort, not the open program.
	form := with(validRequest(katrin.CSRFToken), "program", cohort)
	assertRedirect(t, send(t, app, http.MethodPost, "/request", form, nil), "/request?program=leadership-2027&done=saved")
	assertRedirect(t, send(t, app, http.MethodPost, "/request/submit?program="+cohort, validRequest(katrin.CSRFToken), nil),
		"/request?program=leadership-2027&done=submitted")
	if req, err := e.Tandems.MyRequest(ctx, katrin, cohort); err != nil || req.Status != tandem.RequestSubmitted || req.ProgramID != cohort {
		t.Fatalf("cohort request: got %+v, %v", req, err)
	}
	if _, err := e.Tandems.MyRequest(ctx, katrin, ""); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("open request: got %v, want none", err)
	}
	assertBody(t, do(t, app, "/request", langHeader("en")).body, []string{"My requests",
		`href="/request?program=leadership-2027">Leadership 2027</a> <span class="muted">· With the curators</span>`}, nil)

	// Withdrawn and sent again: the button takes it back from the curators.
	assertBody(t, do(t, app, "/request?program="+cohort, langHeader("en")).body,
		[]string{`formaction="/request/withdraw?program=leadership-2027" formnovalidate>Withdraw the request</button>`}, nil)
	assertRedirect(t, send(t, app, http.MethodPost, "/request/withdraw?program="+cohort, url.Values{"csrf_token": {katrin.CSRFToken}}, nil),
		"/request?program=leadership-2027&done=withdrawn")
	assertBody(t, do(t, app, "/request?program="+cohort+"&done=withdrawn", langHeader("de")).body,
		[]string{"Ihre Anfrage wurde zurückgezogen"}, []string{"Anfrage zurückziehen"})
	if req, err := e.Tandems.MyRequest(ctx, katrin, cohort); err != nil || req.Status != tandem.RequestWithdrawn {
		t.Fatalf("after withdrawing: got %+v, %v, want withdrawn", req, err)
	}
	assertRedirect(t, send(t, app, http.MethodPost, "/request/submit?program="+cohort, validRequest(katrin.CSRFToken), nil),
		"/request?program=leadership-2027&done=submitted")

	// Matching closes requests: the page shows the request read-only, and a post saves nothing.
	e.toPhase(t, cohort, program.PhaseMatching)
	for lang, want := range map[string][]string{
		"en": {"This program takes no requests now", "Leadership 2027 is in its phase “Matching”", "I want to understand how my young colleagues use AI tools at work.", "Half a year"},
		"de": {"Dieses Programm nimmt gerade keine Anfragen an", "Leadership 2027 ist in der Phase „Matching“", "Ein halbes Jahr"},
	} {
		r := do(t, app, "/request?program="+cohort, langHeader(lang))
		if r.status != http.StatusOK {
			t.Fatalf("%s: got %d", lang, r.status)
		}
		assertBody(t, r.body, want, []string{`id="request-form"`, `formaction=`})
	}
	for lang, want := range map[string]string{
		"en": "Nothing was saved: Leadership 2027 is in its phase “Matching”",
		"de": "Es wurde nichts gespeichert: Leadership 2027 ist in der Phase „Matching“",
	} {
		r := send(t, app, http.MethodPost, "/request?program="+cohort, with(validRequest(katrin.CSRFToken), "term", "year"), langHeader(lang))
		if r.status != http.StatusConflict {
			t.Fatalf("post in matching: got %d, want 409; body: %.400s", r.status, r.body)
		}
		assertBody(t, r.body, []string{want}, []string{`id="request-form"`})
	}
	if req, _ := e.Tandems.MyRequest(ctx, katrin, cohort); req.Content.Term != "half-year" {
		t.Errorf("term: got %q, want half-year (nothing saved)", req.Content.Term)
	}
	// A program in planning, or none, is not found.
	if _, err := e.Programs.CreateProgram(ctx, ada, program.ProgramInput{ID: "secret-plans", Name: "Secret plans"}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/request?program=secret-plans", "/request?program=nope"} {
		if r := do(t, app, target, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", target, r.status)
		}
	}
	if r := send(t, app, http.MethodPost, "/request?program=secret-plans", validRequest(katrin.CSRFToken), nil); r.status != http.StatusNotFound {
		t.Errorf("POST to a planned program: got %d, want 404", r.status)
	}
}

func TestRequestPreferProgram(t *testing.T) {
	e := newPagesEnv(t)
	ids := e.approvedMentors(t, 2)
	e.newCohort(t, program.PhaseRegistration)
	app := e.app(t, katrin)

	r := do(t, app, "/mentors/"+ids[0]+"?program="+cohort, langHeader("en"))
	assertBody(t, r.body, []string{`<select id="prefer-program" name="program">`, `<option value="open">Open program</option>`,
		`<option value="leadership-2027" selected>Leadership 2027</option>`, `<label for="prefer-program">Add to my request for</label>`}, nil)
	assertNoInlineCode(t, r.body)

	r = send(t, app, http.MethodPost, "/request/prefer", url.Values{"csrf_token": {katrin.CSRFToken}, "mentor": {ids[0]}, "program": {cohort}}, nil)
	assertRedirect(t, r, "/mentors/"+ids[0]+"?done=added&program="+cohort)
	req, err := e.Tandems.MyRequest(context.Background(), katrin, cohort)
	if err != nil || len(req.Content.Preferences) != 1 || req.Content.Preferences[0].MentorProfileID != ids[0] {
		t.Fatalf("cohort request: got %+v, %v", req, err)
	}
	r = do(t, app, "/mentors/"+ids[0]+"?done=added&program="+cohort, langHeader("en"))
	assertBody(t, r.body, []string{"Added to your request (1 of 5).", "<strong>Leadership 2027</strong>: Choice 1 of 1.",
		`href="/request?program=leadership-2027#prefs"`, `<input type="hidden" name="program" value="open">`, "Add to my request for Open program"},
		[]string{`<select id="prefer-program"`})

	// Once matching begins, only the open program takes mentors.
	e.toPhase(t, cohort, program.PhaseMatching)
	r = send(t, app, http.MethodPost, "/request/prefer", url.Values{"csrf_token": {katrin.CSRFToken}, "mentor": {ids[1]}, "program": {cohort}}, nil)
	assertRedirect(t, r, "/mentors/"+ids[1]+"?done=closed&program="+cohort)
	for lang, want := range map[string]string{
		"en": "This program takes no requests now, so the mentor was not added.",
		"de": "Dieses Programm nimmt gerade keine Anfragen an; die Mentor:in wurde nicht hinzugefügt.",
	} {
		r = do(t, app, "/mentors/"+ids[1]+"?done=closed&program="+cohort, langHeader(lang))
		assertBody(t, r.body, []string{want, "notice-warn"}, []string{`<select id="prefer-program"`, "Leadership 2027"})
	}
	if req, _ := e.Tandems.MyRequest(context.Background(), katrin, cohort); len(req.Content.Preferences) != 1 {
		t.Errorf("cohort preferences: got %d, want 1 (nothing added)", len(req.Content.Preferences))
	}
}

func TestMatchProgram(t *testing.T) {
	e := newPagesEnv(t)
	openReq := e.matchSetup(t) // eva's request to the open program
	e.newCohort(t, program.PhaseRegistration)
	form := with(validRequest(katrin.CSRFToken), "program", cohort)
	assertRedirect(t, send(t, e.app(t, katrin), http.MethodPost, "/request/submit", form, nil), "/request?program=leadership-2027&done=submitted")
	cohortReq := e.requestID(t, katrin.UserID, cohort)
	app := e.app(t, cora)

	r := do(t, app, "/match", langHeader("en"))
	assertBody(t, r.body, []string{`<select id="match-program" name="program">`, `<option value="" selected>All my programs</option>`,
		`<option value="leadership-2027">Leadership 2027 · Registration open</option>`, `href="/match/` + openReq + `"`, `href="/match/` + cohortReq + `"`,
		"<td>Leadership 2027</td>", "<td>Open program</td>", `href="/match/assignment">Cohort assignment: Open program</a>`},
		[]string{"Cohort assignment: Leadership 2027"})
	assertNoInlineCode(t, r.body)

	r = do(t, app, "/match?program="+cohort, langHeader("en"))
	assertBody(t, r.body, []string{`<option value="leadership-2027" selected>`, "Submitted requests in Leadership 2027", `href="/match/` + cohortReq + `"`,
		"Leadership 2027 is in its phase “Registration open”: tandems can be proposed in the matching and running phases only."},
		[]string{`href="/match/` + openReq + `"`, `href="/match/assignment`})
	// Another curator does not curate the cohort.
	if r := do(t, e.app(t, otto), "/match?program="+cohort, nil); r.status != http.StatusForbidden {
		t.Errorf("other curator: got %d, want 403", r.status)
	}
	assertBody(t, do(t, e.app(t, otto), "/match", langHeader("en")).body, []string{openReq}, []string{cohortReq, "Leadership 2027"})

	// In registration the assignment says why it cannot run, in both languages.
	for lang, want := range map[string]string{
		"en": "Leadership 2027 is in its phase “Registration open”",
		"de": "Leadership 2027 ist in der Phase „Registrierung offen“",
	} {
		r := do(t, app, "/match/assignment?program="+cohort, langHeader(lang))
		if r.status != http.StatusConflict {
			t.Fatalf("assignment in registration: got %d, want 409; body: %.400s", r.status, r.body)
		}
		assertBody(t, r.body, []string{want}, []string{`name="from" value="assignment"`})
	}
	r = do(t, app, "/match/"+cohortReq, langHeader("en"))
	assertBody(t, r.body, []string{"Program:", `href="/programs/leadership-2027">Leadership 2027</a>`, "tandems can be proposed in the matching and running phases only"},
		[]string{"Propose tandem</button>"})
	maxID := profile.ProfileIDFor(maxB.UserID)
	r = send(t, app, http.MethodPost, "/match/"+cohortReq+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID}}, langHeader("en"))
	if r.status != http.StatusConflict {
		t.Fatalf("propose in registration: got %d, want 409", r.status)
	}
	assertBody(t, r.body, []string{"The tandem was not proposed.", "Leadership 2027 is in its phase “Registration open”"}, nil)

	// In matching the cohort's assignment runs for the cohort only, and proposing from it comes back to it.
	e.toPhase(t, cohort, program.PhaseMatching)
	r = do(t, app, "/match/assignment?program="+cohort, langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("assignment: got %d; body: %.400s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Katrin Weber", `name="program" value="leadership-2027"`, `href="/match?program=leadership-2027"`}, []string{"Eva Vorstand"})
	r = send(t, app, http.MethodPost, "/match/"+cohortReq+"/propose", url.Values{"csrf_token": {cora.CSRFToken}, "mentorProfileId": {maxID},
		"from": {"assignment"}, "program": {cohort}}, nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/match/assignment?program=leadership-2027&proposed=t_") {
		t.Fatalf("propose: got %d, Location %q", r.status, r.header.Get("Location"))
	}
	assertBody(t, do(t, app, r.header.Get("Location"), langHeader("en")).body, []string{"Tandem proposed to Max Becker (with Katrin Weber)."}, nil)
}

func TestProgramsFollow(t *testing.T) {
	e := newPagesEnv(t)
	follow := func(p *otm.Principal, on, lang string) response {
		t.Helper()
		form := url.Values{"follow": {on}}
		if p != nil {
			form.Set("csrf_token", p.CSRFToken)
		}
		return send(t, e.app(t, p), http.MethodPost, "/programs/follow", form, langHeader(lang))
	}
	// Visitors see no button and are sent to sign in.
	assertBody(t, do(t, e.app(t, nil), "/programs", langHeader("en")).body, nil, []string{"Follow programs", `action="/programs/follow"`})
	if r := follow(nil, "on", "en"); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "/signin") {
		t.Errorf("visitor following: got %d → %q, want a redirect to sign in", r.status, r.header.Get("Location"))
	}
	tests := []struct {
		on, lang, redirect string
		want               []string
		following          bool
	}{
		{"on", "en", "/programs?done=followed", []string{"You follow the programs now.", "Stop following"}, true},
		{"on", "de", "/programs?done=followed", []string{"Sie folgen jetzt den Programmen.", "Nicht mehr folgen"}, true},
		{"off", "en", "/programs?done=unfollowed", []string{"You no longer follow the programs.", "Follow programs"}, false},
		{"off", "de", "/programs?done=unfollowed", []string{"Sie folgen den Programmen nicht mehr.", "Programmen folgen"}, false},
	}
	for _, tt := range tests {
		assertRedirect(t, follow(katrin, tt.on, tt.lang), tt.redirect)
		assertBody(t, do(t, e.app(t, katrin), tt.redirect, langHeader(tt.lang)).body, tt.want, nil)
		if got, err := e.Programs.Following(context.Background(), katrin); err != nil || got != tt.following {
			t.Errorf("follow=%s: Following = %v, %v; want %v", tt.on, got, err, tt.following)
		}
	}
	// Another value is refused, naming the choice, and nothing changes.
	if r := follow(katrin, "maybe", "en"); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("follow=maybe: got %d, want a 4xx refusal", r.status)
	}
	if got, _ := e.Programs.Following(context.Background(), katrin); got {
		t.Error("follow=maybe: Katrin follows, want not")
	}
	// Without the form's token nothing changes.
	r := send(t, e.app(t, katrin), http.MethodPost, "/programs/follow", url.Values{"follow": {"on"}}, langHeader("en"))
	if r.status != http.StatusForbidden {
		t.Errorf("without a CSRF token: got %d, want 403", r.status)
	}
	if got, _ := e.Programs.Following(context.Background(), katrin); got {
		t.Error("without a CSRF token: Katrin follows, want not")
	}
}
