package api

import (
	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/assignment"
	"github.com/opentomentor/opentomentor/cadence"
	"github.com/opentomentor/opentomentor/tandem"
)

type proposeBody struct {
	MenteeRequestID string `json:"menteeRequestId"`
	MentorProfileID string `json:"mentorProfileId"`
}

// curatorTandemJSON adds what only curators see: the decline and end reasons.
type curatorTandemJSON struct {
	tandem.Tandem
	DeclineReason string `json:"declineReason,omitempty"`
	EndReason     string `json:"endReason,omitempty"`
}

// proposeTandem answers POST /api/v1/moderation/tandems.
func (s *Server) proposeTandem(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body proposeBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	t, err := s.cfg.Tandems.ProposeTandem(c.UserContext(), p, body.MenteeRequestID, body.MentorProfileID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(curatorTandemJSON{Tandem: *t})
}

// getTandem answers GET /api/v1/moderation/tandems/{id}.
func (s *Server) getTandem(c *fiber.Ctx) error {
	t, err := s.cfg.Tandems.Tandem(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(curatorTandemJSON{Tandem: *t, DeclineReason: t.DeclineReason, EndReason: t.EndReason})
}

// myTandems answers GET /api/v1/me/tandems.
func (s *Server) myTandems(c *fiber.Ctx) error {
	ts, err := s.cfg.Tandems.MyTandems(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": ts})
}

type declineBody struct {
	Reason string `json:"reason"`
}

// userAndReason returns the signed-in caller and the optional {reason} of
// the request body.
func userAndReason(c *fiber.Ctx) (*otm.Principal, string, error) {
	p, err := requireUser(c)
	if err != nil {
		return nil, "", err
	}
	var body declineBody
	if len(c.Body()) > 0 {
		if err := input.JSON(c, &body); err != nil {
			return nil, "", err
		}
	}
	return p, body.Reason, nil
}

// answerTandem answers POST …/accept ({"shareContact": true} shares my
// e-mail address with my partner) and POST …/decline ({"reason"}, for the
// curators); what does not apply to the answer is ignored.
func (s *Server) answerTandem(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := requireUser(c)
		if err != nil {
			return err
		}
		var body struct {
			Reason       string `json:"reason"`
			ShareContact bool   `json:"shareContact"`
		}
		if len(c.Body()) > 0 {
			if err := input.JSON(c, &body); err != nil {
				return err
			}
		}
		t, err := s.cfg.Tandems.AnswerTandem(c.UserContext(), p, c.Params("id"), tandem.Answer{Accept: accept, Reason: body.Reason, ShareContact: body.ShareContact})
		if err != nil {
			return err
		}
		return c.JSON(t)
	}
}

// cohortAssignment answers GET /api/v1/moderation/assignment?program=: an
// optimal proposed assignment of every open request of a program (nothing is
// proposed). A large cohort is computed in the background: 202 with
// {status: queued|running, progress} until it is done, then 200.
func (s *Server) cohortAssignment(c *fiber.Ctx) error {
	a, err := s.cfg.Assignments.Assign(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if a.Status != assignment.Done {
		c.Status(fiber.StatusAccepted) // a large cohort: computing, ask again
	}
	return c.JSON(a)
}

// putCadence answers PUT /api/v1/me/tandems/{id}/cadence.
func (s *Server) putCadence(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body cadence.Cadence
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	t, err := s.cfg.Tandems.SetCadence(c.UserContext(), p, c.Params("id"), body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
}

type meetingBody struct {
	Date  string `json:"date"`
	Notes string `json:"notes"`
}

// addMeeting answers POST /api/v1/me/tandems/{id}/meetings.
func (s *Server) addMeeting(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body meetingBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	m, err := s.cfg.Tandems.AddMeeting(c.UserContext(), p, c.Params("id"), body.Date, body.Notes)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(m)
}

// listMeetings answers GET /api/v1/me/tandems/{id}/meetings (the pair only).
func (s *Server) listMeetings(c *fiber.Ctx) error {
	ms, err := s.cfg.Tandems.Meetings(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": ms})
}

// tandemCalendar answers GET /api/v1/me/tandems/{id}/calendar.ics.
func (s *Server) tandemCalendar(c *fiber.Ctx) error {
	ics, err := s.cfg.Tandems.Calendar(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="opentomentor-tandem.ics"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(ics)
}

// endTandem answers POST /api/v1/me/tandems/{id}/end (either side) and
// POST /api/v1/moderation/tandems/{id}/end (curators of its program), with an
// optional {reason} that only curators see.
func (s *Server) endTandem(curator bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, reason, err := userAndReason(c)
		if err != nil {
			return err
		}
		t, err := s.cfg.Tandems.EndTandem(c.UserContext(), p, c.Params("id"), curator, reason)
		if err != nil {
			return err
		}
		if curator {
			return c.JSON(curatorTandemJSON{Tandem: *t, DeclineReason: t.DeclineReason, EndReason: t.EndReason})
		}
		return c.JSON(t)
	}
}
