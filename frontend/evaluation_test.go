package frontend

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/report"
	"github.com/opentomentor/opentomentor/tandem"
)

// runningTandem pairs eva (executive) with maxB (mentor) in the open
// program; both accept. It returns the tandem id.
func (e *pagesEnv) runningTandem(tb testing.TB) string {
	tb.Helper()
	reqID := e.matchSetup(tb)
	ctx := context.Background()
	tn, err := e.Tandems.ProposeTandem(ctx, cora, reqID, profile.ProfileIDFor(maxB.UserID))
	if err != nil {
		tb.Fatalf("ProposeTandem: %v", err)
	}
	for _, p := range []*otm.Principal{maxB, eva} {
		if _, err := e.Tandems.AnswerTandem(ctx, p, tn.ID, tandem.Answer{Accept: true}); err != nil {
			tb.Fatalf("accept: %v", err)
		}
	}
	return tn.ID
}

func feedbackForm(csrf, overall, recommend, text string) url.Values {
	return url.Values{"csrf_token": {csrf}, "overall": {overall}, "fit": {"4"}, "learned": {"5"}, "recommend": {recommend}, "text": {text}}
}

func TestTandemsEndAndFeedback(t *testing.T) {
	e := newPagesEnv(t)
	id := e.runningTandem(t)
	en := langHeader("en")

	// Running: the end form, and a note that feedback comes at the end.
	r := do(t, e.app(t, maxB), "/tandems", en)
	assertBody(t, r.body, []string{"<dt>Program</dt><dd>Open program</dd>", "Running", "End this tandem", `action="/tandems/` + id + `/end"`,
		`name="confirm" value="yes" required`, "When the tandem ends, you will be asked for a short feedback here."},
		[]string{`action="/tandems/` + id + `/feedback"`})
	assertNoInlineCode(t, r.body)

	// Ending needs the confirmation; the reason stays in the form.
	r = send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+id+"/end", url.Values{"csrf_token": {maxB.CSRFToken}, "reason": {"Too little time"}}, en)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("end without confirmation: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{"Tick the box to confirm", ">Too little time</textarea>", `<details class="tandem-end" open>`}, nil)
	if r := send(t, e.app(t, lena), http.MethodPost, "/tandems/"+id+"/end", url.Values{"csrf_token": {lena.CSRFToken}, "confirm": {"yes"}}, en); r.status != http.StatusNotFound {
		t.Errorf("a stranger ending it: got %d, want 404", r.status)
	}
	r = send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+id+"/end", url.Values{"csrf_token": {maxB.CSRFToken}, "confirm": {"yes"}, "reason": {"Too little time"}}, en)
	assertRedirect(t, r, "/tandems?done=ended")
	if tn, err := e.Tandems.Tandem(context.Background(), cora, id); err != nil || tn.EndedBy != "mentor" || tn.EndReason != "Too little time" {
		t.Errorf("ended tandem: got %+v, %v, want ended by the mentor with the reason", tn, err)
	}
	r = do(t, e.app(t, maxB), "/tandems?done=ended", en)
	assertBody(t, r.body, []string{"You ended the tandem.", "You ended it on ", "Your feedback", `action="/tandems/` + id + `/feedback"`,
		"How much could you pass on?"}, []string{`action="/tandems/` + id + `/end"`, "Too little time"})

	// Eva sees who ended it and the feedback form (three 1–5 groups, yes/no, text).
	r = do(t, e.app(t, eva), "/tandems", en)
	assertBody(t, r.body, []string{"Ended by your mentor on ", "Overall, how was the tandem?", "How well did the pairing fit?", "How much did you learn?",
		`<legend>Would you recommend the program to a colleague?</legend>`, `type="radio" id="overall-` + id + `-5" name="overall" value="5" required>`,
		`name="recommend" value="no" required>`, `name="text" rows="4" maxlength="2000"`, "Send feedback", "The other side never sees your answers."}, nil)
	assertNoInlineCode(t, r.body)

	// A missing rating is named; what was typed stays.
	r = send(t, e.app(t, eva), http.MethodPost, "/tandems/"+id+"/feedback", feedbackForm(eva.CSRFToken, "", "yes", "Eye-opening sessions"), en)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("feedback without overall: got %d, want 422; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Some answers need attention.", `id="err-overall-` + id + `"><span class="visually-hidden">`, "Choose a rating from 1 to 5.",
		">Eye-opening sessions</textarea>", `name="fit" value="4" required checked>`, `name="recommend" value="yes" required checked>`}, nil)
	if r := send(t, e.app(t, lena), http.MethodPost, "/tandems/"+id+"/feedback", feedbackForm(lena.CSRFToken, "3", "yes", ""), en); r.status != http.StatusNotFound {
		t.Errorf("a stranger's feedback: got %d, want 404", r.status)
	}
	assertRedirect(t, send(t, e.app(t, eva), http.MethodPost, "/tandems/"+id+"/feedback", feedbackForm(eva.CSRFToken, "4", "yes", "Eye-opening sessions"), en), "/tandems?done=feedback")
	r = do(t, e.app(t, eva), "/tandems?done=feedback", en)
	assertBody(t, r.body, []string{"Thank you! Your feedback is saved.", "Your feedback (you can still change it)", `name="overall" value="4" required checked>`,
		">Eye-opening sessions</textarea>", "Update feedback"}, nil)
	// The mentor answers too; neither sees the other's answers.
	assertRedirect(t, send(t, e.app(t, maxB), http.MethodPost, "/tandems/"+id+"/feedback", feedbackForm(maxB.CSRFToken, "5", "no", "Great questions from the board"), en), "/tandems?done=feedback")
	assertBody(t, do(t, e.app(t, maxB), "/tandems", en).body, []string{"Great questions from the board"}, []string{"Eye-opening sessions"})
	assertBody(t, do(t, e.app(t, eva), "/tandems", en).body, []string{"Eye-opening sessions"}, []string{"Great questions from the board"})

	// German.
	r = do(t, e.app(t, eva), "/tandems", langHeader("de"))
	assertBody(t, r.body, []string{`<html lang="de"`, "Beendet von: Ihre Mentor:in, am ", "Ihr Feedback (Sie können es noch ändern)",
		"Wie war das Tandem insgesamt?", "Wie viel haben Sie gelernt?", "Feedback aktualisieren", "<dt>Programm</dt>"},
		[]string{"Overall, how was the tandem?", "Update feedback"})
}

func TestDashboardPage(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	id := e.runningTandem(t)
	if _, err := e.Tandems.EndTandem(ctx, eva, id, false, "Moved abroad"); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for _, fb := range []struct {
		p  *otm.Principal
		in tandem.FeedbackInput
	}{
		{eva, tandem.FeedbackInput{Overall: 4, Fit: 3, Learned: 5, Recommend: &yes, Text: "=cmd|' /C calc'!A0 <b>bold</b>"}},
		{maxB, tandem.FeedbackInput{Overall: 5, Fit: 4, Learned: 4, Recommend: &no, Text: "Wir hatten viel Spaß."}},
	} {
		if _, err := e.Tandems.GiveFeedback(ctx, fb.p, id, fb.in); err != nil {
			t.Fatalf("GiveFeedback: %v", err)
		}
	}

	r := do(t, e.app(t, cora), "/programs/open/dashboard", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("dashboard: got %d; body: %.600s", r.status, r.body)
	}
	assertBody(t, r.body, []string{"Evaluation of Open program", "Phase: Always open", `href="/api/v1/moderation/programs/open/report.csv"`, "Download CSV",
		"<dt>Tandems proposed</dt>", `<span class="dash-value">1</span> <span class="hint">1 accepted by both</span>`,
		`<span class="dash-value">100 %</span> <span class="hint">2 of 2 possible answers</span>`, `<span class="dash-value">4.5 / 5</span>`,
		`<span class="dash-value">50 %</span>`, // would recommend
		`role="img" aria-labelledby="chart-tandems-title chart-tandems-desc"`, `<title id="chart-tandems-title">Tandems</title>`,
		`<desc id="chart-tandems-desc">Proposed: 1; Accepted by both: 1;`, "Ended early", "Show as a table",
		`<tr><th scope="row">Rated 4</th><td>1</td></tr>`, `<tr><th scope="row">Mentors: overall</th><td>5</td></tr>`,
		"Executives", "=cmd|&#39; /C calc&#39;!A0 &lt;b&gt;bold&lt;/b&gt;", `<title id="chart-shortlists-title">Shortlists (requests)</title>`, "Wir hatten viel Spaß.", "Applications are counted platform-wide, over all time."},
		[]string{"Eva Vorstand", "Max Becker", "Moved abroad", "<b>bold</b>"})
	assertNoInlineCode(t, r.body)
	if strings.Count(r.body, "<svg class=\"chart\"") != 6 || strings.Count(r.body, "<details class=\"dash-table\">") != 6 {
		t.Errorf("got %d charts and %d tables, want 6 of each (shortlists among them)", strings.Count(r.body, "<svg class=\"chart\""), strings.Count(r.body, "<details class=\"dash-table\">"))
	}

	r = do(t, e.app(t, cora), "/programs/open/dashboard", langHeader("de"))
	assertBody(t, r.body, []string{`<html lang="de"`, "Auswertung von Offenes Programm", "CSV herunterladen", "Vorgeschlagene Tandems", `<span class="dash-value">4,5 / 5</span>`,
		"Als Tabelle anzeigen", "Was die Tandems geschrieben haben", "Führungskräfte"}, []string{"Download CSV", "Tandems proposed"})

	// Access: visitors sign in; executives, mentors and curators of other
	// programs are refused; unknown programs are not found.
	admin := &otm.Principal{UserID: "u_amira", Email: "amira@program.example", EmailTrusted: true, Name: "Amira", Roles: []string{otm.RoleAdmin}, CSRFToken: "csrf-amira"}
	if _, err := e.Programs.CreateProgram(ctx, admin, program.ProgramInput{ID: "spring-2027", Name: "Spring cohort 2027", Curators: []string{"other@program.example"}}); err != nil {
		t.Fatalf("CreateProgram: %v", err)
	}
	assertRedirect(t, do(t, e.app(t, nil), "/programs/open/dashboard", nil), "/signin?return_to=%2Fprograms%2Fopen%2Fdashboard")
	for _, tt := range []struct {
		name   string
		who    *otm.Principal
		target string
		status int
		want   string
	}{
		{"executive", eva, "/programs/open/dashboard", http.StatusForbidden, "Only the curators of this program may see its evaluation."},
		{"mentor", maxB, "/programs/open/dashboard", http.StatusForbidden, "Access denied"},
		{"curator of another program (in planning: hidden)", cora, "/programs/spring-2027/dashboard", http.StatusNotFound, "Page not found"},
		{"unknown program", cora, "/programs/nope/dashboard", http.StatusNotFound, "Page not found"},
		{"admin", admin, "/programs/spring-2027/dashboard", http.StatusOK, "Evaluation of Spring cohort 2027"},
	} {
		r := do(t, e.app(t, tt.who), tt.target, langHeader("en"))
		if r.status != tt.status {
			t.Errorf("%s: got %d, want %d", tt.name, r.status, tt.status)
		}
		assertBody(t, r.body, []string{tt.want}, nil)
		if tt.status != http.StatusOK {
			assertBody(t, r.body, nil, []string{"Download CSV", "Wir hatten viel Spaß."})
		}
	}
	r = do(t, e.app(t, eva), "/programs/open/dashboard", langHeader("de"))
	assertBody(t, r.body, []string{"Nur die Kurator:innen dieses Programms dürfen seine Auswertung sehen."}, nil)
}

// TestDashboardWithholdsSmallGroups: with one answer per side (fewer than
// report.MinGroup) the dashboard shows neither ratings nor texts, and says why.
func TestDashboardWithholdsSmallGroups(t *testing.T) {
	e := newPagesEnv(t)
	e.Reports.SetMinGroup(report.MinGroup)
	ctx := context.Background()
	id := e.runningTandem(t)
	if _, err := e.Tandems.EndTandem(ctx, eva, id, false, "Moved abroad"); err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, p := range []*otm.Principal{eva, maxB} {
		if _, err := e.Tandems.GiveFeedback(ctx, p, id, tandem.FeedbackInput{Overall: 2, Fit: 2, Learned: 2, Recommend: &yes, Text: "Nur ich habe das geschrieben."}); err != nil {
			t.Fatalf("GiveFeedback: %v", err)
		}
	}
	r := do(t, e.app(t, cora), "/programs/open/dashboard", langHeader("en"))
	assertBody(t, r.body, []string{`<span class="hint">2 of 2 possible answers</span>`, "Fewer than 3 answers: not shown",
		"Mentors: fewer than 3 answers, so their ratings and words are not shown.", "Executives: fewer than 3 answers"},
		[]string{"Nur ich habe das geschrieben.", "2 / 5"})
	r = do(t, e.app(t, cora), "/programs/open/dashboard", langHeader("de"))
	assertBody(t, r.body, []string{"Weniger als 3 Antworten: nicht gezeigt", "Führungskräfte: weniger als 3 Antworten"},
		[]string{"Nur ich habe das geschrieben."})
}
