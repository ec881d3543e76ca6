package frontend

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

type tandemItem struct {
	ID, OtherName, OtherOrg, OtherRole   string
	OtherURL, OtherHeadline              string // the mentor's public profile and headline (for the executive)
	OtherContact, MyEmail                string // the partner's shared address; mine, offered at accepting
	Topics                               []string
	Term, Status, StatusLabel            string
	ProgramName, StateNote               string // the program; who ended or declined it, and when
	MyAccepted, OtherAccepted, CanAnswer bool
	AcceptURL, DeclineURL                string
	Reason, Error                        string
	CSRF                                 string // for the forms of partial templates
	PageURL                              string // the tandem's page (meetings, calendar) once it ran

	// Ending early: the form while the tandem is proposed or running and
	// the program's phase allows it.
	CanEnd              bool
	EndURL              string
	EndReason, EndError string
	EndConfirmed        bool

	// Feedback: the form while it may be given (Feedback holds the saved or
	// entered answers), else the saved answers, else a note.
	FeedbackForm  bool
	FeedbackURL   string
	Feedback      *feedbackView
	FeedbackNote  string
	FeedbackError string
}

// feedbackView is a feedback form's answers (saved, or entered again after
// an error) with their error messages.
type feedbackView struct {
	Saved     bool
	Ratings   []ratingGroup
	Recommend string // "yes" | "no" | ""
	RecErr    string
	Text      string
	TextErr   string
	Updated   string // when the saved answers were last changed
	// Read-only view of saved answers.
	RecommendLabel string
}

// ratingGroup is one 1–5 question.
type ratingGroup struct {
	Name, Key, Legend, Hint string // Key is unique on the page (ids)
	Value                   int
	Error                   string
	Options                 []int
}

// tandemsView is "My tandems".
type tandemsView struct {
	Items []tandemItem
	Error string
}

// tandemNotices are the flash messages after an action (?done=).
var tandemNotices = map[string]string{"accepted": "tandems.done.accepted", "declined": "tandems.done.declined",
	"ended": "eval.done.ended", "feedback": "eval.done.feedback"}

// tandemState is a failed action to show again on the tandem it concerns.
type tandemState struct {
	id, kind, msg string // kind: answer | end | feedback
	reason        string
	confirmed     bool
	feedback      *tandem.FeedbackInput
	recommend     string
	fieldErrs     map[string]string
}

// tandemsPage answers GET /tandems.
func (f *Frontend) tandemsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	if d.Principal == nil {
		return toSignIn(c, d.Here)
	}
	if key, ok := tandemNotices[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	return f.renderTandems(c, http.StatusOK, d, tandemState{})
}

// evalDate formats the day of t for lang.
func evalDate(lang string, t *time.Time) string {
	if t == nil {
		return ""
	}
	if lang == "de" {
		return t.UTC().Format("2.1.2006")
	}
	return t.UTC().Format("2 Jan 2006")
}

// stateNote says who ended or declined t, from side's point of view.
func (f *Frontend) stateNote(lang string, t *tandem.Tandem, side string) string {
	other := "eval.by.mentor"
	if side == tandem.SideMentor {
		other = "eval.by.mentee"
	}
	switch t.Status {
	case tandem.TandemDeclined:
		if t.DeclinedBy == side {
			return f.translate(lang, "eval.state.declinedByYou")
		}
		return f.translate(lang, "eval.state.declinedBy", f.translate(lang, other))
	case tandem.TandemEnded:
		on := evalDate(lang, t.EndedAt)
		switch t.EndedBy {
		case side:
			return f.translate(lang, "eval.state.endedByYou", on)
		case "program":
			return f.translate(lang, "eval.state.endedAtWrapUp", on)
		case "curator":
			return f.translate(lang, "eval.state.endedByCurators", on)
		default:
			return f.translate(lang, "eval.state.endedBy", f.translate(lang, other), on)
		}
	}
	return ""
}

func (f *Frontend) renderTandems(c *fiber.Ctx, status int, d *pageData, st tandemState) error {
	lang := d.Lang
	ctx := c.UserContext()
	ts, err := f.cfg.Tandems.MyTandems(ctx, d.Principal)
	if err != nil {
		return f.fail(c, err, "/tandems", "")
	}
	programs := map[string]*program.Program{}
	programOf := func(id string) *program.Program {
		if pr, ok := programs[id]; ok {
			return pr
		}
		pr, err := f.cfg.Programs.Program(ctx, d.Principal, id)
		if err != nil {
			pr = nil // shown without the program's name; no action depends on a program we cannot read
		}
		programs[id] = pr
		return pr
	}
	v := &tandemsView{}
	for i := range ts {
		t := &ts[i]
		side := t.Side(d.Principal.UserID)
		base := "/tandems/" + pathID(t.ID)
		it := tandemItem{ID: t.ID, Topics: f.topicLabels(t.Topics, lang), Term: f.termLabel(lang, t.Term), Status: t.Status,
			StatusLabel: f.translate(lang, "tandems.status."+t.Status),
			AcceptURL:   base + "/accept", DeclineURL: base + "/decline", EndURL: base + "/end", FeedbackURL: base + "/feedback",
			CSRF: d.Principal.CSRFToken}
		switch t.Status {
		case tandem.TandemProposed, tandem.TandemActive, tandem.TandemDeclined, tandem.TandemEnded:
		default:
			it.StatusLabel = t.Status
		}
		if side == tandem.SideMentor {
			it.OtherName, it.OtherOrg, it.OtherRole = t.MenteeName, t.MenteeOrg, f.translate(lang, "tandems.role.mentee")
			it.MyAccepted, it.OtherAccepted = t.MentorAccepted, t.MenteeAccepted
		} else {
			it.OtherName, it.OtherOrg, it.OtherRole = t.MentorName, t.MentorOrg, f.translate(lang, "tandems.role.mentor")
			it.MyAccepted, it.OtherAccepted = t.MenteeAccepted, t.MentorAccepted
			// Who is proposed: the mentor's public profile, while it is public.
			if t.Status == tandem.TandemProposed || t.Status == tandem.TandemActive {
				if doc, err := f.mentorDoc(c, t.MentorProfileID); err == nil && doc != nil {
					it.OtherURL, it.OtherHeadline = "/mentors/"+pathID(doc.ID), doc.Headline
				}
			}
		}
		it.CanAnswer = t.Status == tandem.TandemProposed && !it.MyAccepted
		it.OtherContact, it.MyEmail = t.PartnerContact, d.Principal.Email
		if t.Status == tandem.TandemActive || (t.Status == tandem.TandemEnded && t.ActivatedAt != nil) {
			it.PageURL = tandemURL(t.ID)
		}
		it.StateNote = f.stateNote(lang, t, side)
		pr := programOf(t.ProgramID)
		if pr != nil {
			it.ProgramName = f.programName(lang, pr)
		}
		it.CanEnd = t.Status == tandem.TandemActive && pr != nil && pr.Allows(program.CanEnd) // a proposal is declined, not ended
		if err := f.fillFeedback(c, d, t, side, pr, &it, st); err != nil {
			return f.fail(c, err, "/tandems", "")
		}
		if st.id == t.ID {
			switch st.kind {
			case "answer":
				it.Reason, it.Error = st.reason, st.msg
			case "end":
				it.EndReason, it.EndError, it.EndConfirmed = st.reason, st.msg, st.confirmed
			case "feedback":
				it.FeedbackError = st.msg
			}
		}
		v.Items = append(v.Items, it)
	}
	if st.msg != "" && st.id == "" {
		v.Error = st.msg
	}
	d.Title = f.translate(lang, "tandems.title")
	d.Tandems = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "tandems", d)
}

// fillFeedback sets the feedback part of it: the form (with the saved or
// entered answers) while feedback is possible, else the saved answers or a
// note saying when feedback opens.
func (f *Frontend) fillFeedback(c *fiber.Ctx, d *pageData, t *tandem.Tandem, side string, pr *program.Program, it *tandemItem, st tandemState) error {
	if t.ActivatedAt == nil {
		return nil // never ran: nothing to evaluate
	}
	lang := d.Lang
	it.FeedbackForm = pr != nil && tandem.FeedbackAllowed(t, pr)
	var saved *tandem.Feedback
	if t.Status == tandem.TandemEnded {
		fb, err := f.cfg.Tandems.MyFeedback(c.UserContext(), d.Principal, t.ID)
		switch otm.ErrorCode(err) {
		case "":
			saved = fb
		case otm.ENOTFOUND:
		default:
			return err
		}
	}
	if !it.FeedbackForm {
		switch {
		case saved != nil:
		case t.Status == tandem.TandemActive:
			it.FeedbackNote = f.translate(lang, "eval.fb.note.running")
		case pr != nil && pr.Phase != program.PhaseWrapUp && pr.Phase != program.PhaseEvaluated && pr.ID != program.OpenProgram:
			it.FeedbackNote = f.translate(lang, "eval.fb.note.atWrapUp")
		default:
			it.FeedbackNote = f.translate(lang, "eval.fb.note.closed")
		}
		if saved == nil {
			return nil
		}
	}
	fv := &feedbackView{}
	in := tandem.FeedbackInput{}
	if saved != nil {
		fv.Saved, fv.Updated = true, formatTime(lang, saved.UpdatedAt)
		rec := saved.Recommend
		in = tandem.FeedbackInput{Overall: saved.Overall, Fit: saved.Fit, Learned: saved.Learned, Recommend: &rec, Text: saved.Text}
	}
	errs := map[string]string{}
	if st.id == t.ID && st.kind == "feedback" && st.feedback != nil {
		in, errs = *st.feedback, st.fieldErrs
	}
	learned := "eval.fb.learned.mentee"
	if side == tandem.SideMentor {
		learned = "eval.fb.learned.mentor"
	}
	for _, q := range []struct {
		name, legend, hint string
		v                  int
	}{
		{"overall", "eval.fb.overall", "eval.fb.overall.hint", in.Overall},
		{"fit", "eval.fb.fit", "eval.fb.fit.hint", in.Fit},
		{"learned", learned, learned + ".hint", in.Learned},
	} {
		fv.Ratings = append(fv.Ratings, ratingGroup{Name: q.name, Key: q.name + "-" + t.ID, Legend: f.translate(lang, q.legend),
			Hint: f.translate(lang, q.hint), Value: q.v, Error: errs[q.name], Options: []int{1, 2, 3, 4, 5}})
	}
	switch {
	case st.id == t.ID && st.kind == "feedback":
		fv.Recommend = st.recommend
	case in.Recommend != nil && *in.Recommend:
		fv.Recommend = "yes"
	case in.Recommend != nil:
		fv.Recommend = "no"
	}
	if fv.Recommend != "" {
		fv.RecommendLabel = f.translate(lang, "eval.fb."+fv.Recommend)
	}
	fv.RecErr, fv.Text, fv.TextErr = errs["recommend"], in.Text, errs["text"]
	it.Feedback = fv
	return nil
}

func (f *Frontend) tandemAccept(c *fiber.Ctx) error  { return f.tandemAnswer(c, true) }
func (f *Frontend) tandemDecline(c *fiber.Ctx) error { return f.tandemAnswer(c, false) }

// tandemAnswer answers POST /tandems/:id/accept (share_contact=yes shares
// my e-mail address with my partner) and /tandems/:id/decline (reason=).
func (f *Frontend) tandemAnswer(c *fiber.Ctx, accept bool) error {
	d := f.newPage(c, "tandems")
	if d.Principal == nil {
		return toSignIn(c, "/tandems")
	}
	id := c.Params("id")
	reason := ""
	if !accept {
		reason = readForm(c).get("reason")
	}
	share := accept && readForm(c).get("share_contact") == "yes"
	if _, err := f.cfg.Tandems.AnswerTandem(c.UserContext(), d.Principal, id, tandem.Answer{Accept: accept, Reason: reason, ShareContact: share}); err != nil {
		return f.tandemRefused(c, d, tandemState{id: id, kind: "answer", reason: reason}, err, "tandems.err.conflict")
	}
	done := "accepted"
	if !accept {
		done = "declined"
	}
	return c.Redirect("/tandems?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}

// tandemEnd answers POST /tandems/:id/end (confirm=yes, reason= for the
// curators only): either side ends a proposed or running tandem early.
func (f *Frontend) tandemEnd(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	if d.Principal == nil {
		return toSignIn(c, "/tandems")
	}
	id := c.Params("id")
	form := readForm(c)
	st := tandemState{id: id, kind: "end", reason: form.get("reason"), confirmed: form.get("confirm") == "yes"}
	if !st.confirmed {
		st.msg = f.translate(d.Lang, "eval.err.confirmEnd")
		return f.renderTandems(c, http.StatusUnprocessableEntity, d, st)
	}
	if _, err := f.cfg.Tandems.EndTandem(c.UserContext(), d.Principal, id, false, st.reason); err != nil {
		return f.tandemRefused(c, d, st, err, "eval.err.endConflict")
	}
	return c.Redirect("/tandems?"+url.Values{"done": {"ended"}}.Encode(), http.StatusSeeOther)
}

// tandemRefused shows /tandems again after the service refused an answer or
// an end: 422 for a bad reason, 409 with conflictKey's message otherwise.
func (f *Frontend) tandemRefused(c *fiber.Ctx, d *pageData, st tandemState, err error, conflictKey string) error {
	status := httperr.FormStatus(err)
	switch otm.ErrorCode(err) {
	case otm.EINVALID:
		st.msg = f.translate(d.Lang, "tandems.err.reason")
	case otm.ECONFLICT:
		st.msg = f.translate(d.Lang, conflictKey)
	default:
		return f.fail(c, err, "/tandems", "")
	}
	return f.renderTandems(c, status, d, st)
}

// feedbackMessages are the localized messages of the feedback fields.
var feedbackMessages = map[string]string{"overall": "eval.err.rating", "fit": "eval.err.rating", "learned": "eval.err.rating",
	"recommend": "eval.err.recommend", "text": "eval.err.text"}

// tandemFeedback answers POST /tandems/:id/feedback (overall, fit, learned
// 1–5, recommend yes|no, text): the caller's wrap-up feedback.
func (f *Frontend) tandemFeedback(c *fiber.Ctx) error {
	d := f.newPage(c, "tandems")
	if d.Principal == nil {
		return toSignIn(c, "/tandems")
	}
	id := c.Params("id")
	form := readForm(c)
	rating := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(form.get(name)))
		if err != nil {
			return 0 // refused by the service, naming the field
		}
		return n
	}
	in := tandem.FeedbackInput{Overall: rating("overall"), Fit: rating("fit"), Learned: rating("learned"), Text: form.get("text")}
	rec := form.get("recommend")
	switch rec {
	case "yes", "no":
		b := rec == "yes"
		in.Recommend = &b
	default:
		rec = ""
	}
	if _, err := f.cfg.Tandems.GiveFeedback(c.UserContext(), d.Principal, id, in); err != nil {
		st := tandemState{id: id, kind: "feedback", feedback: &in, recommend: rec, fieldErrs: map[string]string{}}
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			st.msg = f.translate(d.Lang, "eval.err.feedback")
			for _, fe := range otm.ErrorFields(err) {
				if key, ok := feedbackMessages[fe.Field]; ok {
					st.fieldErrs[fe.Field] = f.translate(d.Lang, key)
				}
			}
		case otm.ECONFLICT:
			st.msg = f.translate(d.Lang, "eval.err.feedbackClosed")
		default:
			return f.fail(c, err, "/tandems", "")
		}
		return f.renderTandems(c, status, d, st)
	}
	return c.Redirect("/tandems?"+url.Values{"done": {"feedback"}}.Encode(), http.StatusSeeOther)
}
