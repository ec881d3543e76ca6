package frontend

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/notify"
)

// mailPageView is one of the e-mail pages: the settings
// (/account/notifications), an unsubscribe link (/unsubscribe/:token) or the
// development mailbox (/dev/mail).
type mailPageView struct {
	Prefs   *mailPrefsView
	Unsub   *unsubView
	DevMail *devMailView
}

type mailPrefsView struct {
	Enabled bool
	Rows    []mailPrefRow
	Errors  []string
}

type mailPrefRow struct {
	Type, Label, Mode string
	Required          bool
	Modes             []mailModeChoice
}

type mailModeChoice struct {
	Value, Label string
	Selected     bool
}

type unsubView struct {
	Token, Types string
	Done         bool
}

type devMailView struct {
	To    string
	Items []devMailItem
}

type devMailItem struct {
	ID, To, Subject, Date, Text, HTMLURL string
}

// SetDevMailbox shows the development mailbox at /dev/mail (development
// mode only; call before Register).
func (f *Frontend) SetDevMailbox(b *notify.DevMailbox) { f.devMail = b }

// mailPrefsPage answers GET /account/notifications.
func (f *Frontend) mailPrefsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "account")
	if d.Principal == nil {
		return toSignIn(c, "/account/notifications")
	}
	p, err := f.cfg.Notify.MyPreferences(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	if c.Query("done") == "1" {
		d.Notice = f.translate(d.Lang, "mailprefs.saved")
	}
	return f.renderMailPrefs(c, http.StatusOK, d, p.Modes, nil)
}

// mailPrefsSave answers POST /account/notifications (mode.<type> per type).
func (f *Frontend) mailPrefsSave(c *fiber.Ctx) error {
	d := f.newPage(c, "account")
	if d.Principal == nil {
		return toSignIn(c, "/account/notifications")
	}
	modes := map[string]string{}
	for _, t := range notify.Types {
		if v := c.FormValue("mode." + t); v != "" {
			modes[t] = v
		}
	}
	if _, err := f.cfg.Notify.SetPreferences(c.UserContext(), d.Principal, modes); err != nil {
		if otm.ErrorCode(err) != otm.EINVALID && otm.ErrorCode(err) != otm.ECONFLICT {
			return f.fail(c, err, d.Here, "")
		}
		cur, perr := f.cfg.Notify.MyPreferences(c.UserContext(), d.Principal)
		if perr != nil {
			return f.fail(c, perr, d.Here, "")
		}
		for t, m := range modes {
			cur.Modes[t] = m
		}
		return f.renderMailPrefs(c, http.StatusUnprocessableEntity, d, cur.Modes, err)
	}
	return c.Redirect("/account/notifications?done=1", http.StatusSeeOther)
}

func (f *Frontend) renderMailPrefs(c *fiber.Ctx, status int, d *pageData, modes map[string]string, failure error) error {
	v := &mailPrefsView{Enabled: f.cfg.Notify.MailEnabled()}
	curates := d.Principal.HasRole(otm.RoleCurator)
	if !curates && f.cfg.Programs != nil {
		curates, _ = f.cfg.Programs.CuratesAny(c.UserContext(), d.Principal) // a failure only hides two rows
	}
	for _, t := range notify.Types {
		if (t == notify.TypeApplicationSubmitted || t == notify.TypeReminderStalled || t == notify.TypeReminderCurator) && !curates {
			continue // for curators only
		}
		row := mailPrefRow{Type: t, Label: f.translate(d.Lang, "mailprefs.type."+t), Mode: modes[t], Required: slices.Contains(notify.Required, t)}
		for _, m := range notify.Modes {
			if m == notify.ModeOff && row.Required {
				continue
			}
			row.Modes = append(row.Modes, mailModeChoice{Value: m, Label: f.translate(d.Lang, "mailprefs.mode."+m), Selected: m == row.Mode})
		}
		v.Rows = append(v.Rows, row)
	}
	if failure != nil {
		if fields := otm.ErrorFields(failure); len(fields) > 0 {
			for _, fe := range fields {
				v.Errors = append(v.Errors, f.fieldText(c.UserContext(), d.Lang, fe))
			}
		} else {
			v.Errors = append(v.Errors, f.errorText(c.UserContext(), d.Lang, failure))
		}
	}
	d.Title = f.translate(d.Lang, "mailprefs.title")
	d.Mail = &mailPageView{Prefs: v}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "mail", d)
}

// unsubscribePage answers GET /unsubscribe/:token: what the link stops, and
// a button (mail scanners follow links; only the POST changes anything).
func (f *Frontend) unsubscribePage(c *fiber.Ctx) error {
	d := f.newPage(c, "")
	u, err := f.cfg.Notify.ParseUnsubscribe(c.Params("token"))
	if err != nil {
		return f.RenderFailure(c, http.StatusBadRequest, err)
	}
	return f.renderUnsub(c, d, c.Params("token"), u, false)
}

// unsubscribe answers POST /unsubscribe/:token, from the page's button or a
// mail program's one-click request (RFC 8058: body
// List-Unsubscribe=One-Click, no cookies, no CSRF token: the signed link is
// the authority, and it can only switch its own types off).
func (f *Frontend) unsubscribe(c *fiber.Ctx) error {
	d := f.newPage(c, "")
	u, _, err := f.cfg.Notify.Unsubscribe(c.UserContext(), c.Params("token"))
	if err != nil {
		status := http.StatusBadRequest
		if otm.ErrorCode(err) != otm.EINVALID {
			status = http.StatusServiceUnavailable
		}
		return f.RenderFailure(c, status, err)
	}
	return f.renderUnsub(c, d, c.Params("token"), u, true)
}

func (f *Frontend) renderUnsub(c *fiber.Ctx, d *pageData, token string, u *notify.Unsubscription, done bool) error {
	labels := make([]string, 0, len(u.Types))
	for _, t := range u.Types {
		labels = append(labels, f.translate(d.Lang, "mailprefs.type."+t))
	}
	d.Title = f.translate(d.Lang, "unsub.title")
	d.Mail = &mailPageView{Unsub: &unsubView{Token: url.PathEscape(token), Types: strings.Join(labels, ", "), Done: done}}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return f.render(c, http.StatusOK, "mail", d)
}

// devMailPage answers GET /dev/mail[?to=]: the development mailbox, newest
// first (development mode only).
func (f *Frontend) devMailPage(c *fiber.Ctx) error {
	d := f.newPage(c, "")
	to := strings.TrimSpace(c.Query("to"))
	list, err := f.devMail.List(c.UserContext(), to, 200)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	v := &devMailView{To: to}
	for _, m := range list {
		v.Items = append(v.Items, devMailItem{ID: m.ID, To: m.To, Subject: m.Subject, Date: formatTime(d.Lang, m.Date), Text: m.Text,
			HTMLURL: "/dev/mail/html?id=" + url.QueryEscape(m.ID)})
	}
	d.Title = f.translate(d.Lang, "devmail.title")
	d.Mail = &mailPageView{DevMail: v}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusOK, "mail", d)
}

// devMailHTML answers GET /dev/mail/html?id=: one kept e-mail's HTML body,
// sandboxed (no scripts, no same-origin access).
func (f *Frontend) devMailHTML(c *fiber.Ctx) error {
	m, err := f.devMail.Get(c.UserContext(), c.Query("id"))
	if err != nil {
		return f.fail(c, err, "/dev/mail", "")
	}
	if m == nil {
		return f.RenderError(c, http.StatusNotFound, "")
	}
	c.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.SendString(m.HTML)
}
