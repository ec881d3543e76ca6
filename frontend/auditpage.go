package frontend

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
)

// auditPageSize is how many entries one page of /admin/audit lists.
const auditPageSize = 50

// auditPageView is GET /admin/audit: the audit log for admins.
type auditPageView struct {
	Actor, Subject, Action, From, To string
	Errors                           map[string]string
	Total                            int
	Rows                             []auditRow
	CSVURL, PrevURL, NextURL         string
}

type auditRow struct {
	At, Actor, Action, Subject, Reason, Details string
	// ActorURL and SubjectURL filter the log by this actor or subject, so
	// nobody has to copy an id into the filters.
	ActorURL, SubjectURL string
}

// auditPage answers GET /admin/audit (?actor=&subject=&action=&from=&to=&page=):
// admins see every entry, curators those of the programs they curate.
func (f *Frontend) auditPage(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if d.Principal == nil {
		return toSignIn(c, d.Here)
	}
	// Admins read everything; curators the entries of their programs.
	var programs []string
	if !d.Principal.HasRole(otm.RoleAdmin) {
		ids, err := f.cfg.Programs.CuratedIDs(c.UserContext(), d.Principal)
		if err != nil {
			return f.fail(c, err, d.Here, "")
		}
		if len(ids) == 0 {
			return f.RenderError(c, http.StatusForbidden, f.translate(d.Lang, "audit.err.adminOnly"))
		}
		programs = ids
	}
	page, ok := queryPage(c, 2000)
	if !ok {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "error.badPage"))
	}
	v := &auditPageView{Actor: strings.TrimSpace(c.Query("actor")), Subject: strings.TrimSpace(c.Query("subject")),
		Action: strings.TrimSpace(c.Query("action")), From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")), Errors: map[string]string{}}
	filter := audit.Filter{Actor: v.Actor, Subject: v.Subject, Action: v.Action, Programs: programs}
	day := func(key, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			v.Errors[key] = f.ruleText(c.UserContext(), d.Lang, otm.RuleDate, nil, "")
		}
		return t
	}
	filter.From = day("from", v.From)
	if to := day("to", v.To); !to.IsZero() {
		filter.To = to.AddDate(0, 0, 1)
	}
	q := url.Values{}
	for k, val := range map[string]string{"actor": v.Actor, "subject": v.Subject, "action": v.Action, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	d.Title = f.translate(d.Lang, "audit.title")
	d.Audit = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	if len(v.Errors) > 0 {
		return f.render(c, http.StatusUnprocessableEntity, "audit", d)
	}
	entries, total, err := f.cfg.Audit.Find(c.UserContext(), filter, auditPageSize, (page-1)*auditPageSize)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	v.Total = total
	for _, e := range entries {
		reason, details := f.auditDetails(d.Lang, e)
		row := auditRow{At: formatTime(d.Lang, e.At), Actor: f.auditActor(d.Lang, e), Action: f.auditAction(d.Lang, e.Action),
			Subject: strings.TrimSpace(e.SubjectType + " " + e.SubjectID), Reason: reason, Details: details}
		if e.ActorID != "" && e.ActorID != "system" {
			row.ActorURL = "/admin/audit?" + url.Values{"actor": {e.ActorID}}.Encode()
		}
		if e.SubjectID != "" {
			row.SubjectURL = "/admin/audit?" + url.Values{"subject": {e.SubjectID}}.Encode()
		}
		v.Rows = append(v.Rows, row)
	}
	v.CSVURL = "/api/v1/admin/audit.csv"
	if len(q) > 0 {
		v.CSVURL += "?" + q.Encode()
	}
	v.PrevURL, v.NextURL = pagerLinks("/admin/audit", q, page, auditPageSize, total)
	return f.render(c, http.StatusOK, "audit", d)
}
