package api

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/tandem"
)

// putFeedback answers PUT /api/v1/me/tandems/{id}/feedback: the caller's
// wrap-up feedback on a tandem of theirs (created or replaced).
func (s *Server) putFeedback(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body tandem.FeedbackInput
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	fb, err := s.cfg.Tandems.GiveFeedback(c.UserContext(), p, c.Params("id"), body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fb)
}

// getFeedback answers GET /api/v1/me/tandems/{id}/feedback: the caller's own
// feedback (404 until given).
func (s *Server) getFeedback(c *fiber.Ctx) error {
	fb, err := s.cfg.Tandems.MyFeedback(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fb)
}

// programReport answers GET /api/v1/moderation/programs/{id}/report (the
// program's curators).
func (s *Server) programReport(c *fiber.Ctx) error {
	r, err := s.cfg.Reports.ProgramReport(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

// programReportCSV answers GET /api/v1/moderation/programs/{id}/report.csv:
// the report as section,metric,value rows, as a download.
func (s *Server) programReportCSV(c *fiber.Ctx) error {
	r, err := s.cfg.Reports.ProgramReport(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	// A byte order mark, so that spreadsheet programs read the free texts'
	// umlauts as UTF-8.
	buf.WriteString("\ufeff")
	if err := r.CSV(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	// The id is a slug (lowercase letters, digits, dashes): safe in the header.
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="opentomentor-`+r.ProgramID+`-report.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
