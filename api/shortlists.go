package api

import (
	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/shortlist"
)

// shortlistBody is PUT …/mentee-requests/{id}/shortlist.
type shortlistBody struct {
	Candidates []shortlist.Candidate `json:"candidates"`
	// Version is the list's version the curator edited (optional): a list
	// changed since is refused (409, rule changed).
	Version int64 `json:"version"`
}

// pickBody is POST /api/v1/me/shortlists/{id}/pick.
type pickBody struct {
	MentorProfileID string `json:"mentorProfileId"`
}

// getShortlist answers GET /api/v1/moderation/mentee-requests/{id}/shortlist.
func (s *Server) getShortlist(c *fiber.Ctx) error {
	sl, err := s.cfg.Shortlists.Get(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sl)
}

// putShortlist answers PUT /api/v1/moderation/mentee-requests/{id}/shortlist.
func (s *Server) putShortlist(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body shortlistBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	sl, err := s.cfg.Shortlists.Put(c.UserContext(), p, c.Params("id"), body.Candidates, body.Version)
	if err != nil {
		return err
	}
	return c.JSON(sl)
}

// sendShortlist answers POST /api/v1/moderation/mentee-requests/{id}/shortlist/send.
func (s *Server) sendShortlist(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	sl, err := s.cfg.Shortlists.Send(c.UserContext(), p, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sl)
}

// myShortlists answers GET /api/v1/me/shortlists.
func (s *Server) myShortlists(c *fiber.Ctx) error {
	items, err := s.cfg.Shortlists.Mine(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": items})
}

// pickShortlist answers POST /api/v1/me/shortlists/{id}/pick: the proposed
// tandem, accepted by the executive, for the mentor to answer.
func (s *Server) pickShortlist(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body pickBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	t, err := s.cfg.Shortlists.Pick(c.UserContext(), p, c.Params("id"), body.MentorProfileID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

// commentShortlist answers POST /api/v1/moderation/mentee-requests/{id}/shortlist/comments.
func (s *Server) commentShortlist(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body commentBody // as an application's comment
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	sl, err := s.cfg.Shortlists.Comment(c.UserContext(), p, c.Params("id"), body.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sl)
}

// moreBody is POST /api/v1/me/shortlists/{id}/more.
type moreBody struct {
	Reason string `json:"reason"`
}

// askForMore answers POST /api/v1/me/shortlists/{id}/more: the executive
// asks the curators for other candidates (204).
func (s *Server) askForMore(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body moreBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	if err := s.cfg.Shortlists.AskForMore(c.UserContext(), p, c.Params("id"), body.Reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
