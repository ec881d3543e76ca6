package frontend

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/profile"
)

// queueStatuses are the review board's tabs, the default first. Drafts are
// their authors' alone (profile.Service.Application): no tab.
var queueStatuses = []string{
	profile.StatusSubmitted, profile.StatusChangesRequested, profile.StatusRejected,
	profile.StatusWithdrawn,
}

// queuePageSize is the number of applications per queue page.
const queuePageSize = 20

type queueTab struct {
	Status, Label, URL string
	Count              int
	Current            bool
}

type queueItem struct {
	ID, URL, Name, Organization, Headline string
	Revision                              bool
	SubmittedAt                           time.Time
}

// queueView is the review board.
type queueView struct {
	Status, StatusLabel string
	Tabs                []queueTab
	Items               []queueItem
	Total, Page, Pages  int
	PrevURL, NextURL    string
}

func queueURL(status string, page int) string {
	u := "/curate"
	q := url.Values{}
	if status != profile.StatusSubmitted {
		q.Set("status", status)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// requireCuratorPage answers for pages only curators may see: visitors go to
// sign in, others get the 403 page. It returns done=true when it answered.
func (f *Frontend) requireCuratorPage(c *fiber.Ctx, d *pageData, returnTo string) (bool, error) {
	if d.Principal == nil {
		return true, toSignIn(c, returnTo)
	}
	if !isCurator(d.Principal) {
		return true, f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, "curate.forbidden"))
	}
	return false, nil
}

// decisionNotices are the flash messages after a decision (?done=).
var decisionNotices = map[string]string{
	profile.DecisionApprove:        "curate.done.approve",
	profile.DecisionRequestChanges: "curate.done.request_changes",
	profile.DecisionReject:         "curate.done.reject",
}

// curateQueue answers GET /curate?status=&page=.
func (f *Frontend) curateQueue(c *fiber.Ctx) error {
	d := f.newPage(c, "curate")
	if done, err := f.requireCuratorPage(c, d, d.Here); done {
		return err
	}
	status := c.Query("status", profile.StatusSubmitted)
	if !slices.Contains(queueStatuses, status) {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "curate.badStatus"))
	}
	page, ok := queryPage(c, 100000/queuePageSize)
	if !ok {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "error.badPage"))
	}
	ctx := c.UserContext()
	v := &queueView{Status: status, StatusLabel: f.translate(d.Lang, "status."+status), Page: page}
	for _, s := range queueStatuses {
		tab := queueTab{Status: s, Label: f.translate(d.Lang, "status."+s), URL: queueURL(s, 1), Current: s == status}
		if s == status {
			items, total, err := f.cfg.Profiles.Queue(ctx, d.Principal, s, queuePageSize, (page-1)*queuePageSize)
			if err != nil {
				return f.fail(c, err, d.Here, "")
			}
			tab.Count, v.Total = total, total
			for _, e := range items {
				v.Items = append(v.Items, queueItem{ID: e.ID, URL: "/curate/" + pathID(e.ID), Name: e.Name, Organization: e.OrgName,
					Headline: e.Headline, Revision: e.Revision, SubmittedAt: e.SubmittedAt})
			}
		} else {
			_, total, err := f.cfg.Profiles.Queue(ctx, d.Principal, s, 1, 0)
			if err != nil {
				return f.fail(c, err, d.Here, "")
			}
			tab.Count = total
		}
		v.Tabs = append(v.Tabs, tab)
	}
	v.Pages = max(1, (v.Total+queuePageSize-1)/queuePageSize)
	if page > 1 {
		v.PrevURL = queueURL(status, page-1)
	}
	if page < v.Pages {
		v.NextURL = queueURL(status, page+1)
	}
	f.decisionNotice(c, d)
	d.Title = f.translate(d.Lang, "curate.title")
	d.Queue = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusOK, "curate", d)
}

// diffRow is one field of an application, compared between the published
// version and the one under review.
type diffRow struct {
	Label     string
	Old, New  string
	Multiline bool
	List      bool
	// For lists: what stays, what the revision adds and removes.
	Kept, Added, Removed []string
	OldList, NewList     []string
	Changed              bool
}

// commentView is an internal comment.
type commentView struct {
	Author string
	Text   string
	At     time.Time
}

// auditView is one audit entry.
type auditView struct {
	At     time.Time
	Actor  string
	Action string
	Reason string
}

// reviewView is one application for curators.
type reviewView struct {
	ID, Name, Email, Organization string
	OrgVerified                   bool
	Status, StatusLabel           string
	Revision                      bool // a revision of a published application
	HasPublished                  bool
	Rows                          []diffRow
	SubmittedAt                   time.Time
	LastDecision                  string // localized, with reason, of the last decision
	LastReason                    string
	PublicURL                     string

	CanDecide bool
	Own       bool
	Version   int64
	Decisions []option
	Reason    string
	Errors    map[string]string
	Message   string

	Comments     []commentView
	CommentText  string
	CommentError string

	Audit    []auditView
	HasAudit bool

	QueueURL, PrevURL, NextURL string
}

// auditActions are the localized names of audit actions.
var auditActions = map[string]string{
	audit.ActionApplicationSubmit:         "audit.submit",
	audit.ActionApplicationApprove:        "audit.approve",
	audit.ActionApplicationReject:         "audit.reject",
	audit.ActionApplicationRequestChanges: "audit.request_changes",
	audit.ActionApplicationWithdraw:       "audit.withdraw",
	audit.ActionApplicationComment:        "audit.comment",
	audit.ActionRoleGrant:                 "audit.roleGrant",
	audit.ActionRoleRevoke:                "audit.roleRevoke",
	audit.ActionAccountDelete:             "audit.accountDelete",
}

func (f *Frontend) auditAction(lang, action string) string {
	if key, ok := auditActions[action]; ok {
		return f.translate(lang, key)
	}
	// Program, tandem, request and organization actions: "audit.a.<action>".
	if key := "audit.a." + action; f.hasKey(key) {
		return f.translate(lang, key)
	}
	return action
}

// auditReason shows a reason the platform wrote (a key, see audit.Why*) in
// lang and a person's own words as typed.
func (f *Frontend) auditReason(lang, reason string) string {
	if key := "audit." + reason; strings.HasPrefix(reason, "why.") && f.hasKey(key) {
		return f.translate(lang, key)
	}
	return reason
}

// auditDetails translates the roles of a role change and the phases of a
// phase change; other details are data (names, ids) and stay as they are.
func (f *Frontend) auditDetails(lang string, e audit.Entry) (reason, details string) {
	reason, details = f.auditReason(lang, e.Reason), e.Details
	switch {
	case strings.HasPrefix(e.Action, "role."):
		var roles []string
		for _, r := range strings.Split(details, ",") {
			if key := "role." + r; f.hasKey(key) {
				r = f.translate(lang, key)
			}
			roles = append(roles, r)
		}
		details = strings.Join(roles, ", ")
	case e.Action == "program.phase":
		if from, to, ok := strings.Cut(e.Reason, " → "); ok {
			reason = f.translate(lang, "programs.phase."+from) + " → " + f.translate(lang, "programs.phase."+to)
		}
	}
	return reason, details
}

// auditActor names who acted: a person by name, the platform as itself.
func (f *Frontend) auditActor(lang string, e audit.Entry) string {
	switch {
	case e.ActorID == "system":
		return f.translate(lang, "audit.actor.system")
	case e.ActorName != "":
		return e.ActorName
	}
	return f.translate(lang, "audit.unknownActor")
}

// diffRows compares the published version (nil: none) with the draft.
func (f *Frontend) diffRows(lang string, pub *profile.Content, cur profile.Content) []diffRow {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	var rows []diffRow
	text := func(label, o, n string, multiline bool) {
		r := diffRow{Label: label, New: n, Multiline: multiline}
		if pub != nil {
			r.Old, r.Changed = o, o != n
		}
		rows = append(rows, r)
	}
	list := func(label string, o, n []string) {
		r := diffRow{Label: label, List: true, NewList: n}
		if pub != nil {
			r.OldList = o
			for _, x := range n {
				if slices.Contains(o, x) {
					r.Kept = append(r.Kept, x)
				} else {
					r.Added = append(r.Added, x)
				}
			}
			for _, x := range o {
				if !slices.Contains(n, x) {
					r.Removed = append(r.Removed, x)
				}
			}
			r.Changed = len(r.Added) > 0 || len(r.Removed) > 0
		} else {
			r.Kept = n
		}
		rows = append(rows, r)
	}
	var old profile.Content
	if pub != nil {
		old = *pub
	}
	hours := func(c profile.Content) string {
		s := ""
		if c.Availability.HoursPerMonth > 0 {
			s = t("card.hours", c.Availability.HoursPerMonth)
		}
		if c.Availability.Paused {
			if s != "" {
				s += " · "
			}
			s += t("review.paused")
		}
		return s
	}
	yesNo := func(b bool) string {
		if b {
			return t("review.yes")
		}
		return t("review.no")
	}
	vis := func(v string) string {
		if v == "" {
			return ""
		}
		return t("vis." + v)
	}
	text(t("apply.f.headline"), old.Headline, cur.Headline, false)
	text(t("apply.f.bio"), old.Bio, cur.Bio, true)
	list(t("apply.f.topics"), f.topicLabels(old.Topics, lang), f.topicLabels(cur.Topics, lang))
	list(t("apply.f.skills"), old.Skills, cur.Skills)
	list(t("apply.f.languages"), languageNames(old.Languages, lang), languageNames(cur.Languages, lang))
	text(t("apply.f.country"), countryName(old.Country, lang), countryName(cur.Country, lang), false)
	text(t("apply.f.hours"), hours(old), hours(cur), false)
	text(t("apply.f.visAvailability"), vis(old.Visibility.Availability), vis(cur.Visibility.Availability), false)
	list(t("apply.f.interests"), old.Interests, cur.Interests)
	text(t("apply.f.visInterests"), vis(old.Visibility.Interests), vis(cur.Visibility.Interests), false)
	text(t("apply.f.linkedin"), old.LinkedInURL, cur.LinkedInURL, false)
	text(t("apply.f.visLinkedIn"), vis(old.Visibility.LinkedInURL), vis(cur.Visibility.LinkedInURL), false)
	text(t("apply.f.showPicture"), yesNo(old.ShowPicture), yesNo(cur.ShowPicture), false)
	return rows
}

// reviewState is what a curator typed into the review page's forms.
type reviewState struct {
	Decision, Reason string
	Errors           map[string]string
	Message          string
	CommentText      string
	CommentError     string
}

// decisionNotice says which decision was just taken (?done=&id=), naming the
// application as stored, never as the URL says.
func (f *Frontend) decisionNotice(c *fiber.Ctx, d *pageData) {
	key, ok := decisionNotices[c.Query("done")]
	if !ok || c.Query("id") == "" {
		return
	}
	if pr, err := f.cfg.Profiles.Application(c.UserContext(), d.Principal, c.Query("id")); err == nil {
		d.Notice = f.translate(d.Lang, key, pr.Name)
	}
}

// curateDetail answers GET /curate/:id.
func (f *Frontend) curateDetail(c *fiber.Ctx) error {
	d := f.newPage(c, "curate")
	if done, err := f.requireCuratorPage(c, d, d.Here); done {
		return err
	}
	f.decisionNotice(c, d)
	return f.renderReview(c, http.StatusOK, d, c.Params("id"), reviewState{})
}

// renderReview loads application id and renders its review page with st.
func (f *Frontend) renderReview(c *fiber.Ctx, status int, d *pageData, id string, st reviewState) error {
	ctx := c.UserContext()
	lang := d.Lang
	here := "/curate/" + pathID(id)
	pr, err := f.cfg.Profiles.Application(ctx, d.Principal, id)
	if err != nil {
		msg := ""
		if otm.ErrorCode(err) == otm.EFORBIDDEN {
			msg = f.translate(lang, "curate.forbidden")
		}
		return f.fail(c, err, here, msg)
	}
	v := &reviewView{
		ID: pr.ID, Name: pr.Name, Organization: pr.OrgName, OrgVerified: pr.OrgVerified,
		Status: pr.Status, StatusLabel: f.translate(lang, "status."+pr.Status),
		Revision: pr.PendingRevision(), HasPublished: pr.Published != nil,
		Version: pr.Version, Own: pr.OwnerID == d.Principal.UserID,
		Reason: st.Reason, Errors: st.Errors, Message: st.Message,
		CommentText: st.CommentText, CommentError: st.CommentError,
	}
	if d.Principal.HasRole(otm.RoleCurator) {
		v.Email = pr.Email
	}
	if pr.SubmittedAt != nil {
		v.SubmittedAt = *pr.SubmittedAt
	}
	if pr.Public() {
		v.PublicURL = "/mentors/" + pathID(pr.ID)
	}
	var pub *profile.Content
	if v.Revision {
		pub = pr.Published
	}
	v.Rows = f.diffRows(lang, pub, pr.Draft)
	if dec := pr.Decision; dec != nil {
		v.LastDecision = f.translate(lang, "audit."+dec.Decision)
		v.LastReason = dec.Reason
	}
	v.CanDecide = pr.Status == profile.StatusSubmitted && !v.Own
	for _, dec := range []string{profile.DecisionApprove, profile.DecisionRequestChanges, profile.DecisionReject} {
		v.Decisions = append(v.Decisions, option{ID: "decision-" + strings.ReplaceAll(dec, "_", "-"), Value: dec,
			Label: f.translate(lang, "review.decision."+dec), Checked: st.Decision == dec})
	}
	for i := len(pr.Comments) - 1; i >= 0; i-- {
		cm := pr.Comments[i]
		v.Comments = append(v.Comments, commentView{Author: cm.AuthorName, Text: cm.Text, At: cm.At})
	}
	if f.cfg.Audit != nil {
		v.HasAudit = true
		entries, err := f.cfg.Audit.BySubject(ctx, pr.ID)
		if err != nil {
			return f.fail(c, err, here, "")
		}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			v.Audit = append(v.Audit, auditView{At: e.At, Actor: f.auditActor(lang, e), Action: f.auditAction(lang, e.Action), Reason: f.auditReason(lang, e.Reason)})
		}
	}
	// Neighbours in the queue of its status, for j/k.
	v.QueueURL = queueURL(profile.StatusSubmitted, 1)
	if slices.Contains(queueStatuses, pr.Status) {
		v.QueueURL = queueURL(pr.Status, 1)
		items, _, err := f.cfg.Profiles.Queue(ctx, d.Principal, pr.Status, 200, 0)
		if err == nil {
			for i, e := range items {
				if e.ID != pr.ID {
					continue
				}
				if i > 0 {
					v.PrevURL = "/curate/" + pathID(items[i-1].ID)
				}
				if i+1 < len(items) {
					v.NextURL = "/curate/" + pathID(items[i+1].ID)
				}
			}
		}
	}
	d.Title = f.translate(lang, "review.title", pr.Name)
	d.Review = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "review", d)
}

// curateDecide answers POST /curate/:id/decision.
func (f *Frontend) curateDecide(c *fiber.Ctx) error {
	d := f.newPage(c, "curate")
	id := c.Params("id")
	here := "/curate/" + pathID(id)
	if done, err := f.requireCuratorPage(c, d, here); done {
		return err
	}
	fm := readForm(c)
	st := reviewState{Decision: fm.get("decision"), Reason: fm.get("reason")}
	version, err := strconv.ParseInt(strings.TrimSpace(fm.get("version")), 10, 64)
	if err != nil || version < 0 {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "review.err.version"))
	}
	pr, err := f.cfg.Profiles.Decide(c.UserContext(), d.Principal, id, st.Decision, st.Reason, version)
	if err != nil {
		t := func(key string, args ...any) string { return f.translate(d.Lang, key, args...) }
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			st.Errors = map[string]string{}
			for _, fe := range otm.ErrorFields(err) {
				switch fe.Field {
				case "decision":
					st.Errors["decision"] = t("review.err.decision")
				case "reason":
					if fe.Rule == otm.RuleMaxLength {
						st.Errors["reason"] = t("review.err.reasonLong")
					} else {
						st.Errors["reason"] = t("review.err.reason")
					}
				}
			}
			st.Message = t("review.err.summary")
		case otm.ECONFLICT:
			st.Message = t("review.err.conflict")
		case otm.EFORBIDDEN:
			st.Message = t("review.err.own")
		default:
			return f.fail(c, err, here, "")
		}
		return f.renderReview(c, status, d, id, st)
	}
	// On to the next application waiting for a decision, if there is one;
	// else back to the (empty) queue.
	q := url.Values{"done": {st.Decision}, "id": {pr.ID}}
	next := "/curate"
	if items, _, err := f.cfg.Profiles.Queue(c.UserContext(), d.Principal, profile.StatusSubmitted, 2, 0); err == nil {
		for _, it := range items {
			if it.ID != pr.ID {
				next = "/curate/" + pathID(it.ID)
				break
			}
		}
	}
	return c.Redirect(next+"?"+q.Encode(), http.StatusSeeOther)
}

// curateComment answers POST /curate/:id/comments.
func (f *Frontend) curateComment(c *fiber.Ctx) error {
	d := f.newPage(c, "curate")
	id := c.Params("id")
	here := "/curate/" + pathID(id)
	if done, err := f.requireCuratorPage(c, d, here); done {
		return err
	}
	text := readForm(c).get("text")
	if _, err := f.cfg.Profiles.AddComment(c.UserContext(), d.Principal, id, text); err != nil {
		st := reviewState{CommentText: text}
		status := httperr.FormStatus(err)
		switch otm.ErrorCode(err) {
		case otm.EINVALID:
			st.CommentError = f.translate(d.Lang, "review.err.comment")
		case otm.ECONFLICT:
			st.CommentError = f.translate(d.Lang, "review.err.commentConflict")
		default:
			return f.fail(c, err, here, "")
		}
		return f.renderReview(c, status, d, id, st)
	}
	return c.Redirect(here+"#comments", http.StatusSeeOther)
}
