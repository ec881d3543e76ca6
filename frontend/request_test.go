package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/tandem"
)

// validRequest is a complete mentee request as the form posts it.
func validRequest(csrf string) url.Values {
	return url.Values{
		"csrf_token":      {csrf},
		"goals":           {"I want to understand how my young colleagues use AI tools at work."},
		"topics":          {"ai-data", "digital-skills"},
		"languages":       {"de", "en"},
		"languages_other": {""},
		"term":            {"half-year"},
		"format":          {"hybrid"},
		"interests":       {"Sailing, Jazz"},
	}
}

// approvedMentors publishes n mentors and returns their profile ids.
func (e *pagesEnv) approvedMentors(tb testing.TB, n int) []string {
	tb.Helper()
	var ids []string
	for i := 1; i <= n; i++ {
		p := &otm.Principal{UserID: fmt.Sprintf("u_m%d", i), SessionID: fmt.Sprintf("s_m%d", i), Email: fmt.Sprintf("m%d@beta.example", i), EmailTrusted: true,
			Name: fmt.Sprintf("Mentor Number%d", i), Roles: []string{otm.RoleMentor}, CSRFToken: "csrf-m"}
		form := with(validForm(p.CSRFToken), "headline", fmt.Sprintf("Headline of mentor %d about AI", i))
		r := send(tb, e.app(tb, p), http.MethodPost, "/apply/submit", form, nil)
		assertRedirect(tb, r, "/apply?done=submitted")
		id := profile.ProfileIDFor(p.UserID)
		e.decide(tb, id, "approve", "")
		ids = append(ids, id)
	}
	e.sync(tb)
	return ids
}

// prefIDs returns the preferred mentors of katrin's request.
func (e *pagesEnv) prefIDs(tb testing.TB) []string {
	tb.Helper()
	req, err := e.Tandems.MyRequest(context.Background(), katrin, "")
	if err != nil {
		tb.Fatalf("MyRequest: %v", err)
	}
	var ids []string
	for _, p := range req.Content.Preferences {
		ids = append(ids, p.MentorProfileID)
	}
	return ids
}

func TestRequestAccess(t *testing.T) {
	e := newPagesEnv(t)
	t.Run("visitor goes to sign in", func(t *testing.T) {
		assertRedirect(t, do(t, e.app(t, nil), "/request", nil), "/signin?return_to=%2Frequest")
		r := send(t, e.app(t, nil), http.MethodPost, "/request/prefer", url.Values{"mentor": {"mp_x"}}, nil)
		assertRedirect(t, r, "/signin?return_to=%2Fmentors%2Fmp_x")
	})
	t.Run("anyone signed in may ask, a mentor too", func(t *testing.T) {
		r := do(t, e.app(t, lena), "/request", langHeader("en"))
		if r.status != http.StatusOK {
			t.Fatalf("status: got %d, want 200", r.status)
		}
		assertBody(t, r.body, []string{`href="/request" aria-current="page">My request</a>`, `action="/request"`}, []string{"Access denied"})
	})
	tests := []struct {
		lang    string
		want    []string
		wantNot []string
	}{
		{lang: "en", want: []string{
			"My request for a reverse mentor", "Not started", `href="/request" aria-current="page">My request</a>`,
			"Only you and the curators see this request. Mentors never learn who preferred them unless a tandem is proposed.",
			`action="/request"`, `formaction="/request/submit"`, `name="csrf_token" value="csrf-katrin"`,
			`<label for="topic-digital-skills">Digital skills</label>`, `<label for="lang-de">German</label>`, `name="languages_other"`,
			`<input type="radio" id="term-half-year" name="term" value="half-year"><label for="term-half-year">Half a year</label>`,
			`<input type="radio" id="format-remote" name="format" value="remote" checked>`, "0 of 2000 characters",
			`data-counter-for="f-goals"`, "You have not chosen any mentors yet", "Send to the curators", ">Save<"}},
		{lang: "de", want: []string{
			"Meine Anfrage nach einem Reverse Mentor", `aria-current="page">Anfrage</a>`,
			"Nur Sie und die Kurator:innen sehen diese Anfrage. Mentor:innen erfahren nie, wer sie bevorzugt hat, außer ein Tandem wird vorgeschlagen.",
			"Ein Quartal", "Ein halbes Jahr", "Ein Jahr", "Vor Ort", "Digitale Kompetenzen", `<label for="lang-de">Deutsch</label>`,
			"An die Kurator:innen senden", "Speichern", "Noch nicht begonnen"}, wantNot: []string{"Half a year"}},
	}
	for _, tt := range tests {
		t.Run("executive "+tt.lang, func(t *testing.T) {
			r := do(t, e.app(t, katrin), "/request", langHeader(tt.lang))
			if r.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, tt.want, tt.wantNot)
			assertNoInlineCode(t, r.body)
		})
	}
}

func TestRequestSaveInvalid(t *testing.T) {
	e := newPagesEnv(t)
	form := with(validRequest(katrin.CSRFToken), "term", "decade", "interests", "Sailing, Jazz, Chess")
	for lang, want := range map[string][]string{
		"en": {`<p class="field-error" id="err-term"><span class="visually-hidden">Error: </span>Choose how long the tandem should run.</p>`,
			`<a href="#term-quarter">How long should the tandem run?: Choose how long the tandem should run.</a>`,
			"Please check these fields; nothing was saved:",
			`>I want to understand how my young colleagues use AI tools at work.</textarea>`, `value="Sailing, Jazz, Chess"`,
			`id="topic-ai-data" name="topics" value="ai-data" checked`, `id="format-hybrid" name="format" value="hybrid" checked`},
		"de": {"Wählen Sie, wie lange das Tandem laufen soll.", `value="Sailing, Jazz, Chess"`},
	} {
		t.Run(lang, func(t *testing.T) {
			r := send(t, e.app(t, katrin), http.MethodPost, "/request", form, langHeader(lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, want, nil)
			assertNoInlineCode(t, r.body)
		})
	}
	r := send(t, e.app(t, katrin), http.MethodPost, "/request", with(validRequest(katrin.CSRFToken), "goals", "Too short"), langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("short goals: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{`id="err-goals"><span class="visually-hidden">Error: </span>Say in at least 20 characters what you want to learn.`,
		`aria-invalid="true"`, ">Too short</textarea>"}, nil)
	if _, err := e.Tandems.MyRequest(context.Background(), katrin, ""); otm.ErrorCode(err) != otm.ENOTFOUND {
		t.Errorf("MyRequest: got err %v, want ENOTFOUND (nothing saved)", err)
	}
}

func TestRequestSaveAndSubmit(t *testing.T) {
	e := newPagesEnv(t)
	app := e.app(t, katrin)

	// Sending an incomplete request saves the draft but does not send it.
	r := send(t, app, http.MethodPost, "/request/submit", url.Values{"csrf_token": {katrin.CSRFToken}, "goals": {"How does my team use TikTok for hiring?"}}, langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit incomplete: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{"Your request was saved, but it is not complete enough to send yet:", "Choose at least one topic.",
		"Choose how long the tandem should run.", "Draft"}, nil)

	r = send(t, app, http.MethodPost, "/request", validRequest(katrin.CSRFToken), nil)
	assertRedirect(t, r, "/request?done=saved")
	r = do(t, app, "/request?done=saved", langHeader("en"))
	assertBody(t, r.body, []string{"Your request was saved.", `status-badge">Draft<`, `id="term-half-year" name="term" value="half-year" checked`,
		`value="Sailing, Jazz"`, `id="lang-en" name="languages" value="en" checked`}, nil)

	r = send(t, app, http.MethodPost, "/request/submit", validRequest(katrin.CSRFToken), nil)
	assertRedirect(t, r, "/request?done=submitted")
	req, err := e.Tandems.MyRequest(context.Background(), katrin, "")
	if err != nil || req.Status != tandem.RequestSubmitted {
		t.Fatalf("MyRequest: got %v, %v; want submitted", req, err)
	}
	for lang, want := range map[string][]string{
		"en": {"Thank you! Your request is with the curators.", `status-badge">With the curators<`, "Changes you save go to the curators directly."},
		"de": {`status-badge">Bei den Kurator:innen<`},
	} {
		r = do(t, app, "/request?done=submitted", langHeader(lang))
		assertBody(t, r.body, want, []string{`formaction="/request/submit"`})
	}
	// Saving again keeps it with the curators.
	r = send(t, app, http.MethodPost, "/request", with(validRequest(katrin.CSRFToken), "term", "year"), nil)
	assertRedirect(t, r, "/request?done=saved")
	if req, _ := e.Tandems.MyRequest(context.Background(), katrin, ""); req.Status != tandem.RequestSubmitted || req.Content.Term != "year" {
		t.Errorf("after saving again: got status %q term %q, want submitted, year", req.Status, req.Content.Term)
	}
}

func TestRequestPrefer(t *testing.T) {
	e := newPagesEnv(t)
	ids := e.approvedMentors(t, 6)
	app := e.app(t, katrin)
	prefer := func(id string) response {
		return send(t, app, http.MethodPost, "/request/prefer", url.Values{"csrf_token": {katrin.CSRFToken}, "mentor": {id}}, nil)
	}

	// Everyone signed in sees the button (anyone may ask); visitors do not.
	assertBody(t, do(t, e.app(t, nil), "/mentors/"+ids[0], nil).body, nil, []string{"Add to my request", "/request/prefer"})
	assertBody(t, do(t, e.app(t, lena), "/mentors/"+ids[0], nil).body, []string{"Add to my request"}, nil)
	r := do(t, app, "/mentors/"+ids[0], langHeader("en"))
	assertBody(t, r.body, []string{`action="/request/prefer"`, `name="mentor" value="mp_m1"`, `name="csrf_token" value="csrf-katrin"`, "Add to my request"}, nil)
	assertNoInlineCode(t, r.body)

	// The first one creates the draft.
	assertRedirect(t, prefer(ids[0]), "/mentors/mp_m1?done=added")
	if got := e.prefIDs(t); !slices.Equal(got, ids[:1]) {
		t.Fatalf("preferences: got %v, want %v", got, ids[:1])
	}
	r = do(t, app, "/mentors/mp_m1?done=added", langHeader("en"))
	assertBody(t, r.body, []string{"Added to your request (1 of 5).", "In your request", "Choice 1 of 1.", `href="/request#prefs"`},
		[]string{`action="/request/prefer"`})
	assertRedirect(t, prefer(ids[0]), "/mentors/mp_m1?done=already")
	assertBody(t, do(t, app, "/mentors/mp_m1?done=already", langHeader("en")).body, []string{"This mentor is already in your request."}, nil)

	for i := 1; i < 5; i++ {
		assertRedirect(t, prefer(ids[i]), "/mentors/"+ids[i]+"?done=added")
	}
	assertBody(t, do(t, app, "/mentors/mp_m2?done=added", langHeader("de")).body, []string{"Zu Ihrer Anfrage hinzugefügt (5 von 5).", "In Ihrer Anfrage"}, nil)

	// A sixth is refused.
	assertRedirect(t, prefer(ids[5]), "/mentors/mp_m6?done=full")
	r = do(t, app, "/mentors/mp_m6?done=full", langHeader("en"))
	assertBody(t, r.body, []string{"notice-warn", "Your request already lists 5 mentors, the most it can have.",
		"Your request already lists 5 mentors. Remove one to add this mentor."}, []string{`action="/request/prefer"`})
	if got := e.prefIDs(t); !slices.Equal(got, ids[:5]) {
		t.Fatalf("preferences: got %v, want %v", got, ids[:5])
	}
	if r := prefer("mp_nobody"); r.status != http.StatusNotFound {
		t.Errorf("prefer unknown mentor: got %d, want 404", r.status)
	}

	// The request page lists them in order, with names and headlines.
	r = do(t, app, "/request", langHeader("en"))
	assertBody(t, r.body, []string{`<a href="/mentors/mp_m1">Mentor Number1</a>`, "Headline of mentor 3 about AI",
		`name="pref_id" value="mp_m5"`, "Choice 5", `value="up:1"`, `value="remove:0"`, "Move up", "Remove"},
		[]string{`value="up:0"`, "Add more mentors"})
	assertNoInlineCode(t, r.body)

	// Move up and remove post the whole form.
	form := func(action string, prefs ...string) url.Values {
		v := validRequest(katrin.CSRFToken)
		for _, id := range prefs {
			v.Add("pref_id", id)
			v.Add("pref_note", "note for "+id)
		}
		v.Set("action", action)
		return v
	}
	r = send(t, app, http.MethodPost, "/request", form("up:2", ids[:5]...), nil)
	assertRedirect(t, r, "/request?done=moved#prefs")
	want := []string{"mp_m1", "mp_m3", "mp_m2", "mp_m4", "mp_m5"}
	if got := e.prefIDs(t); !slices.Equal(got, want) {
		t.Fatalf("after move up: got %v, want %v", got, want)
	}
	r = send(t, app, http.MethodPost, "/request", form("remove:0", want...), nil)
	assertRedirect(t, r, "/request?done=removed#prefs")
	want = want[1:]
	if got := e.prefIDs(t); !slices.Equal(got, want) {
		t.Fatalf("after remove: got %v, want %v", got, want)
	}
	req, _ := e.Tandems.MyRequest(context.Background(), katrin, "")
	if req.Content.Preferences[0].Note != "note for mp_m3" {
		t.Errorf("note: got %q, want it to move with its mentor", req.Content.Preferences[0].Note)
	}
	assertBody(t, do(t, app, "/request?done=removed", langHeader("en")).body,
		[]string{"The mentor was removed from your request.", ">note for mp_m3</textarea>", "Add more mentors"}, nil)
	if r := send(t, app, http.MethodPost, "/request", form("remove:9", want...), nil); r.status != http.StatusBadRequest {
		t.Errorf("remove out of range: got %d, want 400", r.status)
	}

	// A mentor who leaves the directory is shown as gone and can be removed.
	mp4 := &otm.Principal{UserID: "u_m4", SessionID: "s_m4", Email: "m4@beta.example", EmailTrusted: true, Name: "Mentor Number4", Roles: []string{otm.RoleMentor}, CSRFToken: "csrf-m"}
	assertRedirect(t, send(t, e.app(t, mp4), http.MethodPost, "/apply/withdraw", url.Values{"csrf_token": {"csrf-m"}, "confirm": {"yes"}}, nil), "/apply?done=withdrawn")
	assertBody(t, do(t, app, "/request", langHeader("en")).body, []string{"This mentor is no longer in the directory."}, []string{"Mentor Number4"})
	r = send(t, app, http.MethodPost, "/request", form("", want...), langHeader("en"))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("save with a gone mentor: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{`id="err-pref-2"><span class="visually-hidden">Error: </span>This mentor is no longer in the directory. Remove them to save.`,
		`<a href="#pref-2">Choice 3: `}, nil)
	r = send(t, app, http.MethodPost, "/request", form("remove:2", want...), nil)
	assertRedirect(t, r, "/request?done=removed#prefs")
	if got, w := e.prefIDs(t), []string{"mp_m3", "mp_m2", "mp_m5"}; !slices.Equal(got, w) {
		t.Errorf("after removing the gone mentor: got %v, want %v", got, w)
	}
}
