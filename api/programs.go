package api

import (
	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/program"
)

// listPrograms answers GET /api/v1/programs: the programs the caller may see
// (visitors: every program past planning, public fields only).
func (s *Server) listPrograms(c *fiber.Ctx) error {
	ps, err := s.cfg.Programs.Programs(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": ps})
}

// getProgram answers GET /api/v1/programs/{id}.
func (s *Server) getProgram(c *fiber.Ctx) error {
	pr, err := s.cfg.Programs.Program(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(pr)
}

// createProgram answers POST /api/v1/admin/programs.
func (s *Server) createProgram(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body program.ProgramInput
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	pr, err := s.cfg.Programs.CreateProgram(c.UserContext(), p, body)
	if err != nil {
		return err
	}
	c.Location("/api/v1/programs/" + pr.ID)
	return c.Status(fiber.StatusCreated).JSON(pr)
}

type programUpdateBody struct {
	program.ProgramInput
	Version int64 `json:"version"`
}

// updateProgram answers PUT /api/v1/moderation/programs/{id} (admins and the
// program's curators); version, when given, must be the current one.
func (s *Server) updateProgram(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body programUpdateBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	pr, err := s.cfg.Programs.UpdateProgram(c.UserContext(), p, c.Params("id"), body.ProgramInput, body.Version)
	if err != nil {
		return err
	}
	return c.JSON(pr)
}

type phaseBody struct {
	Phase string `json:"phase"`
}

// advanceProgram answers POST /api/v1/moderation/programs/{id}/phase with
// {phase}: the next phase.
func (s *Server) advanceProgram(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body phaseBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	pr, err := s.cfg.Programs.AdvancePhase(c.UserContext(), p, c.Params("id"), body.Phase)
	if err != nil {
		return err
	}
	return c.JSON(pr)
}

// deleteProgram answers DELETE /api/v1/admin/programs/{id} (planning only).
func (s *Server) deleteProgram(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Programs.DeleteProgram(c.UserContext(), p, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// programTandems answers GET /api/v1/moderation/tandems?program= (curators of
// the program; "" is the open program).
func (s *Server) programTandems(c *fiber.Ctx) error {
	ts, err := s.cfg.Tandems.ProgramTandems(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("program"))
	if err != nil {
		return err
	}
	out := make([]curatorTandemJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, curatorTandemJSON{Tandem: t, DeclineReason: t.DeclineReason, EndReason: t.EndReason})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out})
}

// myProgramFollow answers GET /api/v1/me/program-follow: {following}, whether
// the caller hears when a cohort opens its registration.
func (s *Server) myProgramFollow(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	on, err := s.cfg.Programs.Following(c.UserContext(), p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"following": on})
}

// putProgramFollow answers PUT /api/v1/me/program-follow {following: bool}.
func (s *Server) putProgramFollow(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body struct {
		Following *bool `json:"following"`
	}
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	if body.Following == nil {
		return otm.Invalid("Say whether to follow the programs.", otm.Field("following", otm.RuleRequired, nil, "true or false"))
	}
	if err := s.cfg.Programs.Follow(c.UserContext(), p, *body.Following); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"following": *body.Following})
}
