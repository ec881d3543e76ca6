package frontend

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/linemanager"
)

// lineManagersView is the account page's "Line managers" section: the
// declared chain as masked hints (only fingerprints are stored, so the
// addresses cannot be shown again) and the form that replaces it.
type lineManagersView struct {
	Hints     []string
	UpdatedAt *time.Time
	Max       int
	Text      string   // the textarea as sent, after a refused save
	Errors    []string // localized, one per offending line
}

// lineEntry is an address typed in the textarea and the line it is on.
type lineEntry struct {
	Line  int
	Email string
}

// lineEntries splits the textarea: one address per line (commas and
// semicolons separate too); blank lines are skipped.
func lineEntries(text string) []lineEntry {
	var out []lineEntry
	for i, line := range strings.Split(text, "\n") {
		for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' }) {
			if e := strings.TrimSpace(part); e != "" {
				out = append(out, lineEntry{Line: i + 1, Email: e})
			}
		}
	}
	return out
}

// fillLineManagers completes the section with the stored declaration and,
// after a save, the notice.
func (f *Frontend) fillLineManagers(c *fiber.Ctx, d *pageData, av *accountView) error {
	if f.cfg.Profiles == nil {
		return nil
	}
	if av.LineManagers == nil {
		av.LineManagers = &lineManagersView{}
	}
	lv := av.LineManagers
	lv.Max = linemanager.Max
	lm, err := f.cfg.LineManagers.Mine(c.UserContext(), d.Principal)
	if err != nil {
		return err
	}
	lv.Hints, lv.UpdatedAt = nil, lm.UpdatedAt
	for _, m := range lm.Managers {
		lv.Hints = append(lv.Hints, m.Hint)
	}
	if c.Method() == http.MethodGet && c.Query("done") == "line-managers" {
		d.Notice = f.translate(d.Lang, "lineManagers.done")
	}
	return nil
}

var emailsIndex = regexp.MustCompile(`^emails\[(\d+)\]$`)

// accountLineManagers answers POST /account/line-managers (emails: one
// address per line): replaces the declared chain and goes back to the
// account page; refused input shows the form again, with an error per line.
func (f *Frontend) accountLineManagers(c *fiber.Ctx) error {
	d := f.newPage(c, "account")
	p := d.Principal
	if p == nil {
		return toSignIn(c, "/account")
	}
	text := readForm(c).get("emails")
	entries := lineEntries(text)
	emails := make([]string, len(entries))
	for i, e := range entries {
		emails[i] = e.Email
	}
	_, err := f.cfg.LineManagers.Set(c.UserContext(), p, emails)
	if err == nil {
		return c.Redirect("/account?done=line-managers#line-managers", http.StatusSeeOther)
	}
	if otm.ErrorCode(err) != otm.EINVALID {
		return f.fail(c, err, "/account", "")
	}
	lv := &lineManagersView{Text: text}
	for _, fe := range otm.ErrorFields(err) {
		m := emailsIndex.FindStringSubmatch(fe.Field)
		if m == nil {
			lv.Errors = append(lv.Errors, f.translate(d.Lang, "lineManagers.err.tooMany", linemanager.Max))
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if i >= len(entries) {
			continue
		}
		e := entries[i]
		key := "lineManagers.err.invalid"
		if fe.Rule == otm.RuleSelf {
			key = "lineManagers.err.own"
		}
		lv.Errors = append(lv.Errors, f.translate(d.Lang, key, e.Line, e.Email))
	}
	if len(lv.Errors) == 0 {
		lv.Errors = []string{f.translate(d.Lang, "lineManagers.err.summary")}
	}
	return f.renderAccountOrFail(c, http.StatusUnprocessableEntity, d, &accountView{LineManagers: lv})
}
