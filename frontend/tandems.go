package frontend

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/moderation"
)

type tandemItem struct {
	ID, OtherName, OtherOrg, OtherRole   string
	Topics                               []string
	Term, Status, StatusLabel            string
	MyAccepted, OtherAccepted, CanAnswer bool
	AcceptURL, DeclineURL                string
	Reason, Error                        string
}

// tandemsView is "My tandems".
type tandemsView struct {
	Items []tandemItem
	Error string
}

// tandemNotices are the flash messages after an answer (?done=).
var tandemNotices = map[string]string{"accepted": "tandems.done.accepted", "declined": "tandems.done.declined"}

// tandemState is a failed answer to show again.
type tandemState struct{ id, reason, msg string }

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

func (f *Frontend) renderTandems(c *fiber.Ctx, status int, d *pageData, st tandemState) error {
	lang := d.Lang
	ts, err := f.cfg.Moderation.MyTandems(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, "/tandems", "")
	}
	v := &tandemsView{}
	for _, t := range ts {
		side := t.Side(d.Principal.UserID)
		it := tandemItem{ID: t.ID, Topics: f.topicLabels(t.Topics, lang), Term: f.termLabel(lang, t.Term), Status: t.Status,
			StatusLabel: f.translate(lang, "tandems.status."+t.Status),
			AcceptURL:   "/tandems/" + pathID(t.ID) + "/accept", DeclineURL: "/tandems/" + pathID(t.ID) + "/decline"}
		switch t.Status {
		case moderation.TandemProposed, moderation.TandemActive, moderation.TandemDeclined, moderation.TandemEnded:
		default:
			it.StatusLabel = t.Status
		}
		if side == "mentor" {
			it.OtherName, it.OtherOrg, it.OtherRole = t.MenteeName, t.MenteeOrg, f.translate(lang, "tandems.role.mentee")
			it.MyAccepted, it.OtherAccepted = t.MentorAccepted, t.MenteeAccepted
		} else {
			it.OtherName, it.OtherOrg, it.OtherRole = t.MentorName, t.MentorOrg, f.translate(lang, "tandems.role.mentor")
			it.MyAccepted, it.OtherAccepted = t.MenteeAccepted, t.MentorAccepted
		}
		it.CanAnswer = t.Status == moderation.TandemProposed && !it.MyAccepted
		if st.id == t.ID {
			it.Reason, it.Error = st.reason, st.msg
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

func (f *Frontend) tandemAccept(c *fiber.Ctx) error  { return f.tandemAnswer(c, true) }
func (f *Frontend) tandemDecline(c *fiber.Ctx) error { return f.tandemAnswer(c, false) }

// tandemAnswer answers POST /tandems/:id/accept and /tandems/:id/decline (reason=).
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
	if _, err := f.cfg.Moderation.AnswerTandem(c.UserContext(), d.Principal, id, accept, reason); err != nil {
		st := tandemState{id: id, reason: reason}
		status := http.StatusConflict
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			status = http.StatusUnprocessableEntity
			st.msg = f.translate(d.Lang, "tandems.err.reason")
		case otm.ECONFLICT:
			st.msg = f.translate(d.Lang, "tandems.err.conflict")
		default:
			return f.fail(c, err, "/tandems", "")
		}
		return f.renderTandems(c, status, d, st)
	}
	done := "accepted"
	if !accept {
		done = "declined"
	}
	return c.Redirect("/tandems?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}
