package api

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/profile"
)

// exportMe answers GET /api/v1/me/export: everything about me, as a download.
func (s *Server) exportMe(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ex, err := s.cfg.Accounts.Export(c.UserContext(), p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="opentomentor-export-`+time.Now().UTC().Format("2006-01-02")+`.json"`)
	return c.JSON(ex)
}

// deleteMe answers DELETE /api/v1/me: erases the account everywhere and ends
// every session.
func (s *Server) deleteMe(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Accounts.Delete(c.UserContext(), p); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

// myAudit answers GET /api/v1/me/audit: what was decided about me and why (by
// "the program team": curators are not named to applicants).
func (s *Server) myAudit(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	entries, err := s.cfg.Audit.SeenBy(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	type entryJSON struct {
		At     time.Time `json:"at"`
		Action string    `json:"action"`
		Reason string    `json:"reason,omitempty"`
	}
	out := make([]entryJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, entryJSON{At: e.At, Action: e.Action, Reason: e.Reason})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out})
}

type topicBody struct {
	LabelEN string `json:"labelEn"`
	LabelDE string `json:"labelDe"`
	Core    bool   `json:"core"`
	Order   int    `json:"order"`
}

// putTopic answers PUT /api/v1/admin/topics/{id}.
func (s *Server) putTopic(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body topicBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	t := profile.Topic{ID: c.Params("id"), LabelEN: body.LabelEN, LabelDE: body.LabelDE, Core: body.Core, Order: body.Order}
	if err := s.cfg.Profiles.PutTopic(c.UserContext(), p, t); err != nil {
		return err
	}
	return c.JSON(t)
}

// listOrganizations answers GET /api/v1/admin/organizations.
func (s *Server) listOrganizations(c *fiber.Ctx) error {
	os, err := s.cfg.Identity.Organizations(c.UserContext(), otm.PrincipalFromContext(c.UserContext()))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": os})
}

// patchOrganization answers PATCH /api/v1/admin/organizations/{id}.
func (s *Server) patchOrganization(c *fiber.Ctx) error {
	if _, err := requireUser(c); err != nil {
		return err
	}
	var patch identity.OrgPatch
	if err := input.JSON(c, &patch); err != nil {
		return err
	}
	o, err := s.cfg.UpdateOrganization(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Params("id"), patch)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// listPeople answers GET /api/v1/admin/people?q=&limit=&offset= (admins).
func (s *Server) listPeople(c *fiber.Ctx) error {
	limit, offset, err := input.QueryPaging(c)
	if err != nil {
		return err
	}
	people, total, err := s.cfg.Identity.People(c.UserContext(), otm.PrincipalFromContext(c.UserContext()), c.Query("q"), limit, offset)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": people, "total": total, "limit": limit, "offset": offset})
}

type rolesBody struct {
	Roles []string `json:"roles"`
}

// putPersonRoles answers PUT /api/v1/admin/people/{id}/roles with
// {"roles": [...]}: the person's staff roles (curator, admin), at once.
func (s *Server) putPersonRoles(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body rolesBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	pe, err := s.cfg.Identity.SetStaffRoles(c.UserContext(), p, c.Params("id"), body.Roles)
	if err != nil {
		return err
	}
	return c.JSON(pe)
}

// putGrant answers PUT /api/v1/admin/grants/{email} with {"roles": [...]}:
// staff roles for a person who has not signed in yet (at their first
// sign-in, when their provider vouches for the e-mail).
func (s *Server) putGrant(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body rolesBody
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	email, err := url.PathUnescape(c.Params("email"))
	if err != nil {
		return otm.Invalid("The e-mail address is not valid.", otm.Field("email", otm.RuleEmail, nil, "must be an e-mail address"))
	}
	if err := s.cfg.Identity.GrantStaffRoles(c.UserContext(), p, email, body.Roles); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// createOrganization answers POST /api/v1/admin/organizations with
// {id?, name, domains, industry, group, competitors, verified?}.
func (s *Server) createOrganization(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body struct {
		ID string `json:"id"`
		identity.OrgPatch
	}
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	o, err := s.cfg.Identity.CreateOrganization(c.UserContext(), p, body.ID, body.OrgPatch)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

// mergeOrganization answers POST /api/v1/admin/organizations/{id}/merge with
// {"into": id}: the unverified organization is folded into the verified one.
func (s *Server) mergeOrganization(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body struct {
		Into string `json:"into"`
	}
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	o, err := s.cfg.MergeOrganization(c.UserContext(), p, c.Params("id"), body.Into)
	if err != nil {
		return err
	}
	return c.JSON(o)
}
