package frontend

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/opentomentor/opentomentor/profile"
)

// TestShortlistPages: a curator adds mentors to a request's shortlist from
// the suggestions (one click), is told in the page's language why a mentor
// cannot be on it, writes the notes and sends it; the executive sees the
// cards and notes and picks one; the shortlist shows the pick.
func TestShortlistPages(t *testing.T) {
	e := newPagesEnv(t)
	reqID := e.matchSetup(t)
	e.submitApplication(t, katrin)
	e.decide(t, profile.ProfileIDFor(katrin.UserID), "approve", "")
	e.sync(t)
	maxID, katID, lenaID := profile.ProfileIDFor(maxB.UserID), profile.ProfileIDFor(katrin.UserID), profile.ProfileIDFor(lena.UserID)
	app := e.app(t, cora)
	here := "/match/" + reqID
	r := do(t, app, here, langHeader("en"))
	assertBody(t, r.body, []string{`<h2 id="shortlist-title">Shortlist for the executive</h2>`, "No mentors on the shortlist yet",
		`<input type="hidden" name="add" value="` + maxID + `">`, `Add to the shortlist<span class="visually-hidden">: Max Becker</span>`}, nil)

	// From a mentor's page too: Katrin goes first onto Eva's list.
	r = do(t, app, "/mentors/"+katID, langHeader("en"))
	assertBody(t, r.body, []string{"Shortlist for an executive", `<option value="` + reqID + `">Eva Vorstand</option>`}, nil)
	assertBody(t, do(t, e.app(t, lena), "/mentors/"+katID, langHeader("en")).body, nil, []string{"Shortlist for an executive"})
	assertRedirect(t, send(t, app, http.MethodPost, "/mentors/"+katID+"/shortlist", url.Values{"csrf_token": {cora.CSRFToken}, "request": {reqID}}, nil), here+"?shortlist=saved#shortlist")
	form0 := url.Values{"csrf_token": {cora.CSRFToken}, "mentor": {katID}, "note": {""}, "op": {"remove:0"}}
	assertRedirect(t, send(t, app, http.MethodPost, here+"/shortlist", form0, nil), here+"?shortlist=saved#shortlist")

	add := func(id string, lang string) response {
		return send(t, app, http.MethodPost, here+"/shortlist", url.Values{"csrf_token": {cora.CSRFToken}, "op": {"add"}, "add": {id}}, langHeader(lang))
	}
	assertRedirect(t, add(maxID, "en"), here+"?shortlist=saved#shortlist")
	// Lena works for Eva's organization: refused, said in German.
	r = add(lenaID, "de")
	if r.status != http.StatusConflict {
		t.Fatalf("adding Lena: got %d, want 409; body: %.400s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Mentor:in 2 der Liste:", "dieselbe Organisation"}, nil)
	// One candidate is not sent.
	form := url.Values{"csrf_token": {cora.CSRFToken}, "mentor": {maxID}, "note": {"Knows AI tools"}, "op": {"send"}}
	if r := send(t, app, http.MethodPost, here+"/shortlist", form, langHeader("en")); r.status != http.StatusConflict {
		t.Errorf("sending one: got %d, want 409", r.status)
	}
	assertRedirect(t, add(katID, "en"), here+"?shortlist=saved#shortlist")
	r = do(t, app, here+"?shortlist=saved", langHeader("en"))
	assertBody(t, r.body, []string{"The shortlist is saved.", `name="mentor" value="` + maxID + `"`, `name="mentor" value="` + katID + `"`,
		`value="up:1"`, `value="remove:0"`}, []string{`name="add" value="` + maxID + `"`})
	// A form from before a co-curator's change is refused, not lost.
	stale := url.Values{"csrf_token": {cora.CSRFToken}, "mentor": {maxID}, "note": {""}, "op": {"save"}, "version": {"1"}}
	if r := send(t, app, http.MethodPost, here+"/shortlist", stale, langHeader("en")); r.status != http.StatusConflict {
		t.Errorf("a stale form: got %d, want 409", r.status)
	}
	form = url.Values{"csrf_token": {cora.CSRFToken}, "mentor": {maxID, katID}, "note": {"Knows AI tools", "Insurance and Gen Z"}, "op": {"up:1"}}
	assertRedirect(t, send(t, app, http.MethodPost, here+"/shortlist", form, nil), here+"?shortlist=saved#shortlist")
	form.Set("op", "send")
	form["mentor"], form["note"] = []string{katID, maxID}, []string{"Insurance and Gen Z", "Knows AI tools"}
	assertRedirect(t, send(t, app, http.MethodPost, here+"/shortlist", form, nil), here+"?shortlist=sent#shortlist")

	// Co-curators comment; the executive never sees it.
	assertRedirect(t, send(t, app, http.MethodPost, here+"/shortlist", url.Values{"csrf_token": {cora.CSRFToken}, "op": {"comment"}, "comment": {"Max has more time."}}, nil), here+"?shortlist=commented#shortlist")
	assertBody(t, do(t, app, here, langHeader("en")).body, []string{"Comments for co-curators", "Max has more time.", "Cora"}, nil)
	if r := send(t, app, http.MethodPost, here+"/shortlist", url.Values{"csrf_token": {cora.CSRFToken}, "op": {"comment"}, "comment": {" "}}, langHeader("en")); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an empty comment: got %d, want 422", r.status)
	}

	// The executive may ask for other mentors, saying why; the curators read it.
	ev0 := e.app(t, eva)
	if r := send(t, ev0, http.MethodPost, "/shortlists/"+reqID+"/more", url.Values{"csrf_token": {eva.CSRFToken}, "reason": {""}}, langHeader("en")); r.status != http.StatusUnprocessableEntity {
		t.Errorf("asking for more without a reason: got %d, want 422", r.status)
	}
	assertRedirect(t, send(t, ev0, http.MethodPost, "/shortlists/"+reqID+"/more", url.Values{"csrf_token": {eva.CSRFToken}, "reason": {"Someone closer to sales?"}}, nil), "/shortlists?done=more")
	assertBody(t, do(t, app, here, langHeader("de")).body, []string{"Die Führungskraft bittet um andere Mentor:innen:", "Someone closer to sales?"}, nil)

	// The executive picks Max (the second).
	ev := e.app(t, eva)
	r = do(t, ev, "/shortlists", langHeader("en"))
	assertBody(t, r.body, []string{"Mentors shortlisted for you", "Katrin Weber", "Max Becker", "Knows AI tools", "Insurance and Gen Z",
		`Choose this mentor<span class="visually-hidden">: Max Becker</span>`}, []string{"@", "Max has more time."})
	assertRedirect(t, send(t, ev, http.MethodPost, "/shortlists/"+reqID+"/pick", url.Values{"csrf_token": {eva.CSRFToken}, "mentorProfileId": {maxID}}, nil), "/shortlists?done=picked")
	assertBody(t, do(t, ev, "/shortlists?done=picked", langHeader("de")).body, []string{"Ihre Wahl ist gesendet", "Sie haben gewählt",
		"Sie haben das Programmteam um andere Mentor:innen gebeten."}, []string{"Diese Mentor:in wählen", "Someone closer to sales?"})
	assertBody(t, do(t, app, here, langHeader("en")).body, []string{"Picked by the executive: Max Becker"}, nil)
	// Someone else cannot pick from it.
	if r := send(t, e.app(t, katrin), http.MethodPost, "/shortlists/"+reqID+"/pick", url.Values{"csrf_token": {katrin.CSRFToken}, "mentorProfileId": {maxID}}, nil); r.status != http.StatusNotFound {
		t.Errorf("another person picks: got %d, want 404", r.status)
	}
}
