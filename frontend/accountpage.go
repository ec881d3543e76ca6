package frontend

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
)

// accountView is what the account page adds to the shell: the decisions
// about the user and the account deletion form.
type accountView struct {
	HasDecisions bool // the audit log is there
	Decisions    []auditView

	CanDelete bool
	// ConfirmWithEmail tells that the user confirms by typing their e-mail
	// address (else their name, for accounts without one).
	ConfirmWithEmail bool
	Confirm          bool
	Typed            string
	Errors           map[string]string
	Message          string
	ReauthURL        string // sign in again, then come back here to delete

	// LineManagers is the declared line-management chain (with
	// Config.Profiles); see linemanagers.go.
	LineManagers *lineManagersView
}

// fillAccount completes av with the decisions about the user.
func (f *Frontend) fillAccount(c *fiber.Ctx, d *pageData, av *accountView) error {
	p := d.Principal
	av.CanDelete = f.cfg.Accounts != nil
	av.ConfirmWithEmail = p.Email != ""
	if err := f.fillLineManagers(c, d, av); err != nil {
		return err
	}
	if f.cfg.Audit == nil {
		return nil
	}
	av.HasDecisions = true
	entries, err := f.cfg.Audit.SeenBy(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		// This section lists what happened to the application (the other
		// entries the person sees concern tandems and their account).
		if !strings.HasPrefix(e.Action, "application.") {
			continue
		}
		// The applicant learns what was decided and why; which curator did it
		// stays with the program team.
		actor := f.translate(d.Lang, "account.decisions.byTeam")
		if e.ActorID == p.UserID {
			actor = f.translate(d.Lang, "account.decisions.byYou")
		}
		av.Decisions = append(av.Decisions, auditView{At: e.At, Actor: actor, Action: f.auditAction(d.Lang, e.Action), Reason: f.auditReason(d.Lang, e.Reason)})
	}
	return nil
}

// accountDelete answers POST /account/delete: with the confirmation box ticked
// and the user's e-mail address typed, it erases the account and goes to the
// landing page; otherwise it shows the form again and deletes nothing.
func (f *Frontend) accountDelete(c *fiber.Ctx) error {
	d := f.newPage(c, "account")
	p := d.Principal
	if p == nil {
		return toSignIn(c, "/account")
	}
	fm := readForm(c)
	av := &accountView{Confirm: fm.on("confirm"), Typed: fm.get("confirm_email")}
	want := p.Email
	if want == "" {
		want = p.Name
	}
	errs := map[string]string{}
	if !av.Confirm {
		errs["confirm"] = f.translate(d.Lang, "account.delete.err.confirm")
	}
	if typed := strings.TrimSpace(av.Typed); typed == "" || want == "" || !strings.EqualFold(typed, strings.TrimSpace(want)) {
		if p.Email != "" {
			errs["email"] = f.translate(d.Lang, "account.delete.err.email")
		} else {
			errs["email"] = f.translate(d.Lang, "account.delete.err.name")
		}
	}
	if len(errs) > 0 {
		av.Errors = errs
		av.Message = f.translate(d.Lang, "account.delete.err.summary")
		return f.renderAccountOrFail(c, http.StatusUnprocessableEntity, d, av)
	}
	if err := f.cfg.Accounts.Delete(c.UserContext(), p); err != nil {
		if rule, _ := otm.ErrorRule(err); rule == otm.RuleRecentSignIn {
			av.Message, av.ReauthURL = f.errorText(c.UserContext(), d.Lang, err), "/signin?return_to="+url.QueryEscape("/account#delete")
			return f.renderAccountOrFail(c, http.StatusForbidden, d, av)
		}
		if otm.ErrorCode(err) == otm.EUNAVAILABLE {
			av.Message = f.translate(d.Lang, "account.delete.err.unavailable")
			return f.renderAccountOrFail(c, http.StatusServiceUnavailable, d, av)
		}
		return f.fail(c, err, "/account", "")
	}
	return c.Redirect("/?deleted=1", http.StatusSeeOther)
}

func (f *Frontend) renderAccountOrFail(c *fiber.Ctx, status int, d *pageData, av *accountView) error {
	if err := f.renderAccount(c, status, d, av); err != nil {
		return f.fail(c, err, "/account", "")
	}
	return nil
}
