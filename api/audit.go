package api

import (
	"encoding/csv"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
)

// auditCSVMax bounds the rows of one CSV download.
const auditCSVMax = 10000

// auditQuery reads the audit view's filters: admins read everything,
// curators the entries of the programs they curate. Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID naming the parameter.
func (s *Server) auditQuery(c *fiber.Ctx) (audit.Filter, error) {
	p, err := requireUser(c)
	if err != nil {
		return audit.Filter{}, err
	}
	var programs []string
	if !p.HasRole(otm.RoleAdmin) {
		if programs, err = s.cfg.Programs.CuratedIDs(c.UserContext(), p); err != nil {
			return audit.Filter{}, err
		}
		if len(programs) == 0 {
			return audit.Filter{}, otm.Refuse(otm.EFORBIDDEN, otm.RuleRole, otm.Args{"roles": []string{otm.RoleAdmin, otm.RoleCurator}},
				"Only admins and the curators of a program read the audit log.")
		}
	}
	var fe otm.Problems
	f := audit.Filter{Actor: strings.TrimSpace(c.Query("actor")), Subject: strings.TrimSpace(c.Query("subject")), Action: strings.TrimSpace(c.Query("action"))}
	for _, q := range []struct {
		name string
		v    string
	}{{"actor", f.Actor}, {"subject", f.Subject}, {"action", f.Action}} {
		if n := len(q.v); n > 200 {
			fe.Add(q.name, otm.RuleMaxLength, otm.Args{"max": 200, "length": n}, "at most 200 characters")
		}
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(c.Query(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			fe.Add(name, otm.RuleDate, nil, "must be a date YYYY-MM-DD")
		}
		return d
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fe.Add("to", otm.RuleDateOrder, nil, "must not be before from")
	}
	f.Programs = programs
	if id := strings.TrimSpace(c.Query("program")); id != "" {
		if programs != nil && !slices.Contains(programs, id) {
			return audit.Filter{}, otm.Refuse(otm.EFORBIDDEN, otm.RuleProgramCurator, nil, "You are not a curator of this program.")
		}
		f.Programs = []string{id}
	}
	return f, fe.Err("A filter is not valid.")
}

// listAudit answers GET /api/v1/admin/audit?actor=&subject=&action=&from=&to=&limit=&offset=
// (admins): the log, newest first.
func (s *Server) listAudit(c *fiber.Ctx) error {
	f, err := s.auditQuery(c)
	if err != nil {
		return err
	}
	limit, offset, err := input.QueryPaging(c)
	if err != nil {
		return err
	}
	var fe otm.Problems
	check.Paging(&fe, &limit, offset, 50, 200)
	if err := fe.Err("A query parameter is not valid."); err != nil {
		return err
	}
	items, total, err := s.cfg.Audit.Find(c.UserContext(), f, limit, offset)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": items, "total": total, "limit": limit, "offset": offset})
}

// auditCSV answers GET /api/v1/admin/audit.csv with the same filters: up to
// auditCSVMax entries, newest first, spreadsheet-safe.
func (s *Server) auditCSV(c *fiber.Ctx) error {
	f, err := s.auditQuery(c)
	if err != nil {
		return err
	}
	items, _, err := s.cfg.Audit.Find(c.UserContext(), f, auditCSVMax, 0)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csv.NewWriter(c.Response().BodyWriter())
	_ = w.Write([]string{"at", "actorId", "actorName", "action", "subjectType", "subjectId", "subjectUserId", "reason", "details"})
	for _, e := range items {
		row := []string{e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorName, e.Action, e.SubjectType, e.SubjectID, e.SubjectUserID, e.Reason, e.Details}
		for i := range row {
			row[i] = check.SpreadsheetCell(row[i])
		}
		_ = w.Write(row)
	}
	w.Flush()
	return w.Error()
}
