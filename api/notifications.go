package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/api/input"
	"github.com/opentomentor/opentomentor/notify"
)

type notificationJSON struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Args      map[string]any `json:"args,omitempty"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	Link      string         `json:"link"`
	CreatedAt time.Time      `json:"createdAt"`
	ReadAt    *time.Time     `json:"readAt"`
}

// myNotifications answers GET /api/v1/me/notifications: my inbox, newest
// first, with title and text in my language, and how many are unread.
func (s *Server) myNotifications(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	items, unread, err := s.cfg.Notify.Inbox(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := make([]notificationJSON, 0, len(items))
	for _, m := range items {
		n := notificationJSON{ID: m.ID, Type: m.Type, Args: m.Args, Title: m.Type, Link: m.Link, CreatedAt: m.CreatedAt, ReadAt: m.ReadAt}
		if s.cfg.Pages != nil {
			n.Title, n.Body = s.cfg.Pages.Describe(c, m)
		}
		out = append(out, n)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out, "unread": unread})
}

// readNotifications answers POST /api/v1/me/notifications/read with
// {"ids": [...]} or {"all": true}.
func (s *Server) readNotifications(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body struct {
		IDs []string `json:"ids"`
		All bool     `json:"all"`
	}
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	unread, err := s.cfg.Notify.MarkRead(c.UserContext(), p, body.IDs, body.All)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": unread})
}

// myMailPreferences answers GET /api/v1/me/notification-preferences:
// {modes: {type: immediate|daily|off}, required: [types], enabled}.
func (s *Server) myMailPreferences(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	prefs, err := s.cfg.Notify.MyPreferences(c.UserContext(), p)
	if err != nil {
		return err
	}
	return s.mailPreferences(c, prefs)
}

// putMailPreferences answers PUT /api/v1/me/notification-preferences
// {modes: {type: mode}}: the types named change, the others stay.
func (s *Server) putMailPreferences(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var body struct {
		Modes map[string]string `json:"modes"`
	}
	if err := input.JSON(c, &body); err != nil {
		return err
	}
	if body.Modes == nil {
		return otm.Invalid("Name the modes to change.", otm.Field("modes", otm.RuleRequired, nil, "an object of type: mode"))
	}
	prefs, err := s.cfg.Notify.SetPreferences(c.UserContext(), p, body.Modes)
	if err != nil {
		return err
	}
	return s.mailPreferences(c, prefs)
}

func (s *Server) mailPreferences(c *fiber.Ctx, prefs *notify.Preferences) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"modes": prefs.Modes, "required": notify.Required, "enabled": s.cfg.Notify.MailEnabled()})
}

// oneClickUnsubscribe answers POST /unsubscribe/:token with the body
// List-Unsubscribe=One-Click (RFC 8058), posted by mail programs without a
// session: the signed token switches off the types it names. Other posts
// (the pages' button) go on to the pages. 400 for a token this platform did
// not sign.
func (s *Server) oneClickUnsubscribe(c *fiber.Ctx) error {
	if c.FormValue("List-Unsubscribe") != "One-Click" && s.cfg.Pages != nil {
		return c.Next()
	}
	if _, _, err := s.cfg.Notify.Unsubscribe(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusOK)
}
