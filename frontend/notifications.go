package frontend

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/opentomentor/opentomentor/notify"
)

// notifyVariants names the argument that selects a message's text variant
// ("notify.<type>.<value>.title").
var notifyVariants = map[string]string{
	notify.TypeApplicationDecided: "decision",
	notify.TypeTandemAnswered:     "answer",
	notify.TypeTandemEnded:        "by",
	notify.TypeTandemRunning:      "intro",
}

// Describe returns a notification's title and text in the request's
// language (the API's GET /api/v1/me/notifications uses it too).
func (f *Frontend) Describe(c *fiber.Ctx, m notify.Message) (title, body string) {
	return f.describe(c.UserContext(), f.Lang(c), m)
}

func (f *Frontend) describe(ctx context.Context, lang string, m notify.Message) (title, body string) {
	key := "notify." + m.Type
	if arg, ok := notifyVariants[m.Type]; ok {
		if v := str(m.Args[arg]); v != "" && f.hasKey(key+"."+v+".title") {
			key += "." + v
		}
	}
	if !f.hasKey(key + ".title") {
		f.log.Warn("frontend: notification without text", "type", m.Type)
		return m.Type, ""
	}
	return f.expand(ctx, lang, m.Type, f.translate(lang, key+".title"), m.Args), f.expand(ctx, lang, m.Type, f.translate(lang, key+".body"), m.Args)
}

// inboxView is GET /notifications.
type inboxView struct {
	Items  []inboxItem
	Unread int
}

type inboxItem struct {
	ID, Title, Body, At, OpenURL string
	Unread                       bool
}

// notificationsPage answers GET /notifications: my inbox, newest first.
func (f *Frontend) notificationsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "notifications")
	if d.Principal == nil {
		return toSignIn(c, "/notifications")
	}
	items, unread, err := f.cfg.Notify.Inbox(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	v := &inboxView{Unread: unread}
	for _, m := range items {
		title, body := f.describe(c.UserContext(), d.Lang, m)
		v.Items = append(v.Items, inboxItem{ID: m.ID, Title: title, Body: body, At: formatTime(d.Lang, m.CreatedAt),
			OpenURL: "/notifications/open?id=" + url.QueryEscape(m.ID), Unread: m.ReadAt == nil})
	}
	d.Title = f.translate(d.Lang, "inbox.title")
	d.Inbox = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusOK, "notifications", d)
}

// notificationOpen answers GET /notifications/open?id=: marks the message
// read and goes to its link.
func (f *Frontend) notificationOpen(c *fiber.Ctx) error {
	d := f.newPage(c, "notifications")
	if d.Principal == nil {
		return toSignIn(c, "/notifications")
	}
	id := c.Query("id")
	items, _, err := f.cfg.Notify.Inbox(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, "/notifications", "")
	}
	for _, m := range items {
		if m.ID != id {
			continue
		}
		if _, err := f.cfg.Notify.MarkRead(c.UserContext(), d.Principal, []string{id}, false); err != nil {
			return f.fail(c, err, "/notifications", "")
		}
		to := safeReturnTo(m.Link)
		if to == "" {
			to = "/notifications"
		}
		return c.Redirect(to, http.StatusSeeOther)
	}
	return f.RenderError(c, http.StatusNotFound, f.translate(d.Lang, "inbox.notFound"))
}

// notificationsRead answers POST /notifications/read: marks all read.
func (f *Frontend) notificationsRead(c *fiber.Ctx) error {
	d := f.newPage(c, "notifications")
	if d.Principal == nil {
		return toSignIn(c, "/notifications")
	}
	if _, err := f.cfg.Notify.MarkRead(c.UserContext(), d.Principal, nil, true); err != nil {
		return f.fail(c, err, "/notifications", "")
	}
	return c.Redirect("/notifications", http.StatusSeeOther)
}

// notificationsBell answers GET /notifications/bell: the header's inbox link
// with the unread count, for htmx to refresh it without a reload.
func (f *Frontend) notificationsBell(c *fiber.Ctx) error {
	d := f.newPage(c, "")
	c.Set(fiber.HeaderCacheControl, "no-store")
	if d.Principal == nil {
		return c.SendStatus(http.StatusNoContent)
	}
	return f.renderPartial(c, http.StatusOK, "notifications", "bell", d)
}
