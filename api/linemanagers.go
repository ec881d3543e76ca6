package api

import (
	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
)

type lineManagersBody struct {
	Emails []string `json:"emails"`
}

// getMyLineManagers answers GET /api/v1/me/line-managers: my declared
// line-management chain, as masked hints.
func (s *Server) getMyLineManagers(c *fiber.Ctx) error {
	lm, err := s.cfg.LineManagers.Mine(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(lm)
}

// putMyLineManagers answers PUT /api/v1/me/line-managers {emails}: replaces
// my declared chain (an empty list removes it).
func (s *Server) putMyLineManagers(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body lineManagersBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	lm, err := s.cfg.LineManagers.Set(c.UserContext(), p, body.Emails)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(lm)
}
