package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
)

// loginCookieTTL bounds how long a browser's sign-in binding lives.
const loginCookieTTL = 15 * time.Minute

type providerJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	LoginURL string `json:"loginUrl"`
}

// listProviders answers GET /auth/providers.
func (s *Server) listProviders(c *fiber.Ctx) error {
	ps := s.cfg.Identity.Providers()
	out := make([]providerJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, providerJSON{ID: p.ID, Name: p.Name, LoginURL: "/auth/" + p.ID + "/login"})
	}
	return c.JSON(fiber.Map{"providers": out})
}

// login answers GET /auth/{provider}/login?return_to=…: it starts the code flow
// and binds it to this browser with a short-lived cookie.
func (s *Server) login(c *fiber.Ctx) error {
	authURL, binding, err := s.cfg.Identity.BeginLogin(c.UserContext(), c.Params("provider"),
		c.Query("return_to"), c.Cookies(s.cookieName(loginCookie)))
	if err != nil {
		return err
	}
	s.setCookie(c, loginCookie, binding, loginCookieTTL)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(authURL, fiber.StatusFound)
}

// callback answers GET /auth/{provider}/callback: it completes the flow, starts
// a new session (a fresh token: rotated at every sign-in) and returns the user
// to where they were going.
func (s *Server) callback(c *fiber.Ctx) error {
	res, err := s.cfg.Identity.CompleteLogin(c.UserContext(), c.Params("provider"), identity.CallbackParams{
		State:            c.Query("state"),
		Code:             c.Query("code"),
		Iss:              c.Query("iss"),
		Error:            c.Query("error"),
		ErrorDescription: c.Query("error_description"),
	}, c.Cookies(s.cookieName(loginCookie)))
	if err != nil {
		return err
	}
	// End the session this browser had before, if any.
	if p := otm.PrincipalFromContext(c.UserContext()); p != nil && p.UserID != res.User.ID {
		_, _ = s.cfg.Identity.Logout(c.UserContext(), p, false, "")
	}
	s.setCookie(c, sessionCookie, res.Token, time.Until(res.Session.ExpiresAt))
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.cfg.Pages != nil {
		// E-mails are written in the language the person last used.
		if err := s.cfg.Identity.SetLanguage(c.UserContext(), res.User.ID, s.cfg.Pages.Lang(c)); err != nil {
			s.log.Warn("language not kept", "user", res.User.ID, "err", err)
		}
	}
	if res.FirstSignIn && res.ReturnTo == "/" && s.cfg.Pages != nil {
		// A newcomer who was not heading anywhere: ask what they came for.
		return c.Redirect("/welcome", fiber.StatusSeeOther)
	}
	return c.Redirect(res.ReturnTo, fiber.StatusSeeOther)
}

// logout answers POST /auth/logout (form field or query everywhere=1 ends all
// of the user's sessions). Scripts get 204, or 200 with the provider's logout
// URL; forms are redirected there or home.
func (s *Server) logout(c *fiber.Ctx) error {
	script := c.Get("X-CSRF-Token") != ""
	p := otm.PrincipalFromContext(c.UserContext())
	var endURL string
	if p != nil {
		everywhere := c.FormValue("everywhere") == "1" || c.Query("everywhere") == "1"
		var err error
		endURL, err = s.cfg.Identity.Logout(c.UserContext(), p, everywhere, s.cfg.BaseURL+"/")
		if err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if script {
		if endURL != "" {
			return c.JSON(fiber.Map{"logoutUrl": endURL})
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
	if endURL == "" {
		endURL = "/"
	}
	return c.Redirect(endURL, fiber.StatusSeeOther)
}

// requireUser returns the signed-in principal or EUNAUTHORIZED.
func requireUser(c *fiber.Ctx) (*otm.Principal, error) {
	p := otm.PrincipalFromContext(c.UserContext())
	if p == nil {
		return nil, otm.Errorf(otm.EUNAUTHORIZED, "Sign in first.")
	}
	return p, nil
}

type orgJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Verified bool   `json:"verified"`
}

type meJSON struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Organization *orgJSON `json:"organization"`
	Roles        []string `json:"roles"`
	CSRFToken    string   `json:"csrfToken"`
}

// getMe answers GET /api/v1/me.
func (s *Server) getMe(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	me := meJSON{ID: p.UserID, Email: p.Email, Name: p.Name, Roles: p.Roles, CSRFToken: p.CSRFToken}
	if me.Roles == nil {
		me.Roles = []string{}
	}
	if p.Organization != "" {
		me.Organization = &orgJSON{ID: p.Organization, Name: p.OrgName, Verified: p.OrgVerified}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(me)
}
