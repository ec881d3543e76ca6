package frontend

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/httperr"
)

// peoplePageSize is how many people one page of /admin/people lists.
const peoplePageSize = 50

// peopleView is GET /admin/people: the people who signed in, with the staff
// roles admins give.
type peopleView struct {
	Query      string
	Total      int
	Rows       []personRow
	PrevURL    string
	NextURL    string
	Error      string // a refused change, translated
	ErrorFor   string // the person it concerns
	GrantError string
	GrantEmail string
}

type personRow struct {
	ID, Name, Email, Organization, LastSignIn string
	Roles                                     []string // localized, every role held
	Staff                                     []roleChoice
	Self                                      bool
}

type roleChoice struct {
	ID, Value, Label string
	Checked          bool
	Configured       bool // from OTM_ADMIN_EMAILS/OTM_CURATOR_EMAILS: shown, not changeable here
}

// peoplePage answers GET /admin/people (?q=&page=&done=roles|grant): admins only.
func (f *Frontend) peoplePage(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, d.Here, "people.err.adminOnly"); !ok {
		return err
	}
	switch c.Query("done") {
	case "roles":
		d.Notice = f.translate(d.Lang, "people.done.roles")
	case "grant":
		d.Notice = f.translate(d.Lang, "people.done.grant")
	}
	return f.renderPeople(c, http.StatusOK, d, &peopleView{})
}

func (f *Frontend) renderPeople(c *fiber.Ctx, status int, d *pageData, v *peopleView) error {
	page, ok := queryPage(c, 2000)
	if !ok {
		return f.RenderError(c, http.StatusBadRequest, f.translate(d.Lang, "error.badPage"))
	}
	v.Query = strings.TrimSpace(c.Query("q"))
	people, total, err := f.cfg.Identity.People(c.UserContext(), d.Principal, v.Query, peoplePageSize, (page-1)*peoplePageSize)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	v.Total = total
	for _, pe := range people {
		v.Rows = append(v.Rows, f.personRow(d, pe))
	}
	q := url.Values{}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	v.PrevURL, v.NextURL = pagerLinks("/admin/people", q, page, peoplePageSize, total)
	d.Title = f.translate(d.Lang, "people.title")
	d.People = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "people", d)
}

func (f *Frontend) personRow(d *pageData, pe identity.Person) personRow {
	r := personRow{ID: pe.ID, Name: pe.Name, Email: pe.Email, Organization: pe.Organization,
		LastSignIn: formatTime(d.Lang, pe.LastSignIn), Self: pe.ID == d.Principal.UserID}
	for _, role := range pe.Roles {
		r.Roles = append(r.Roles, f.translate(d.Lang, "role."+role))
	}
	for _, role := range identity.StaffRoles {
		r.Staff = append(r.Staff, roleChoice{ID: "role-" + role + "-" + pe.ID, Value: role, Label: f.translate(d.Lang, "role."+role),
			Checked: slices.Contains(pe.Roles, role), Configured: slices.Contains(pe.Configured, role)})
	}
	return r
}

// peopleRoles answers POST /admin/people/:id/roles (roles=curator, roles=admin):
// the person's staff roles.
func (f *Frontend) peopleRoles(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, "/admin/people", "people.err.adminOnly"); !ok {
		return err
	}
	fm := readForm(c)
	if _, err := f.cfg.Identity.SetStaffRoles(c.UserContext(), d.Principal, c.Params("id"), fm.all("roles")); err != nil {
		if code := otm.ErrorCode(err); code != otm.ECONFLICT && code != otm.EINVALID {
			return f.fail(c, err, "/admin/people", "")
		}
		return f.renderPeople(c, httperr.FormStatus(err), d, &peopleView{Error: f.errorText(c.UserContext(), d.Lang, err), ErrorFor: c.Params("id")})
	}
	return c.Redirect(withParam(backTo(fm.get("back"), "/admin/people"), "done", "roles"), http.StatusSeeOther)
}

// peopleGrant answers POST /admin/people/grant (email=, roles=): staff roles
// for someone who has not signed in yet.
func (f *Frontend) peopleGrant(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, "/admin/people", "people.err.adminOnly"); !ok {
		return err
	}
	fm := readForm(c)
	email := strings.TrimSpace(fm.get("email"))
	if err := f.cfg.Identity.GrantStaffRoles(c.UserContext(), d.Principal, email, fm.all("roles")); err != nil {
		if otm.ErrorCode(err) != otm.EINVALID {
			return f.fail(c, err, "/admin/people", "")
		}
		return f.renderPeople(c, httperr.FormStatus(err), d, &peopleView{GrantError: f.errorText(c.UserContext(), d.Lang, err), GrantEmail: email})
	}
	return c.Redirect("/admin/people?done=grant", http.StatusSeeOther)
}

// backTo returns a safe local return address from a form, else def.
func backTo(s, def string) string {
	if to := safeReturnTo(s); to != "" && strings.HasPrefix(to, "/admin/people") {
		return to
	}
	return def
}
