package frontend

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/httperr"
)

// orgsView is GET /admin/organizations (the list with a form for a new one)
// and GET /admin/organizations/:id (one organization's form).
type orgsView struct {
	Rows    []orgRow
	Form    orgForm
	Editing bool // the form edits Form.ID; else it creates
	Errors  map[string]string
	Message string
	// MergeInto lists the verified organizations an unverified one (being
	// edited) can be merged into; MergeError says why a merge was refused.
	MergeInto  []named
	MergeError string
}

type orgRow struct {
	ID, Name, Domains, Industry, Group, Competitors, Source string
	Verified                                                bool
}

type orgForm struct {
	ID, Name, Domains, Industry, Group string
	Verified                           bool
	Competitors                        []roleChoice // every other organization, ticked when it competes
}

// orgsPage answers GET /admin/organizations (admins).
func (f *Frontend) orgsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, d.Here, "orgs.err.adminOnly"); !ok {
		return err
	}
	switch c.Query("done") {
	case "saved":
		d.Notice = f.translate(d.Lang, "orgs.done")
	case "merged":
		d.Notice = f.translate(d.Lang, "orgs.merged")
	}
	return f.renderOrgs(c, http.StatusOK, d, "", orgForm{Verified: true}, nil)
}

// orgPage answers GET /admin/organizations/:id (admins): its form.
func (f *Frontend) orgPage(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, d.Here, "orgs.err.adminOnly"); !ok {
		return err
	}
	o, err := f.cfg.Identity.Organization(c.UserContext(), c.Params("id"))
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	form := orgForm{ID: o.ID, Name: o.Name, Domains: strings.Join(o.Domains, ", "), Industry: o.Industry, Group: o.Group, Verified: o.Verified}
	return f.renderOrgs(c, http.StatusOK, d, o.ID, form, o.Competitors)
}

// renderOrgs renders the list (editing "") or one organization's form with
// competitors ticked, and err's field errors.
func (f *Frontend) renderOrgs(c *fiber.Ctx, status int, d *pageData, editing string, form orgForm, competitors []string, errs ...error) error {
	all, err := f.cfg.Identity.Organizations(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, d.Here, "")
	}
	names := map[string]string{}
	for _, o := range all {
		names[o.ID] = o.Name
	}
	v := &orgsView{Form: form, Editing: editing != "", Errors: map[string]string{}}
	for _, o := range all {
		if editing == "" {
			var rivals []string
			for _, id := range o.Competitors {
				rivals = append(rivals, names[id])
			}
			v.Rows = append(v.Rows, orgRow{ID: o.ID, Name: o.Name, Domains: strings.Join(o.Domains, ", "), Industry: o.Industry,
				Group: o.Group, Competitors: strings.Join(rivals, ", "), Source: o.Source, Verified: o.Verified})
		}
		if o.ID != editing {
			v.Form.Competitors = append(v.Form.Competitors, roleChoice{ID: "rival-" + o.ID, Value: o.ID, Label: o.Name, Checked: slices.Contains(competitors, o.ID)})
			if editing != "" && !form.Verified && o.Verified {
				v.MergeInto = append(v.MergeInto, named{Code: o.ID, Name: o.Name})
			}
		}
	}
	for _, e := range errs {
		for _, fe := range otm.ErrorFields(e) {
			key, _, _ := strings.Cut(fe.Field, "[")
			if _, dup := v.Errors[key]; !dup {
				v.Errors[key] = f.fieldText(c.UserContext(), d.Lang, fe)
			}
		}
		v.Message = f.translate(d.Lang, "orgs.err.summary")
	}
	d.Title = f.translate(d.Lang, "orgs.title")
	if editing != "" {
		d.Title = form.Name
	}
	d.Orgs = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "orgs", d)
}

// orgSave answers POST /admin/organizations (create) and
// POST /admin/organizations/:id (edit): name, domains, industry, group,
// competitors, verified.
func (f *Frontend) orgSave(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, "/admin/organizations", "orgs.err.adminOnly"); !ok {
		return err
	}
	fm := readForm(c)
	form := orgForm{ID: strings.TrimSpace(c.Params("id")), Name: fm.get("name"), Domains: fm.get("domains"),
		Industry: fm.get("industry"), Group: fm.get("group"), Verified: fm.on("verified")}
	domains, competitors := splitList(form.Domains), fm.all("competitors")
	if competitors == nil {
		competitors = []string{}
	}
	patch := identity.OrgPatch{Name: &form.Name, Domains: &domains, Industry: &form.Industry, Group: &form.Group,
		Competitors: &competitors, Verified: &form.Verified}
	var err error
	if form.ID == "" {
		_, err = f.cfg.Identity.CreateOrganization(c.UserContext(), d.Principal, "", patch)
	} else {
		_, err = f.cfg.UpdateOrganization(c.UserContext(), d.Principal, form.ID, patch)
	}
	if err != nil {
		if code := otm.ErrorCode(err); code != otm.EINVALID && code != otm.ECONFLICT {
			return f.fail(c, err, "/admin/organizations", "")
		}
		return f.renderOrgs(c, httperr.FormStatus(err), d, form.ID, form, competitors, err)
	}
	return c.Redirect("/admin/organizations?done=saved", http.StatusSeeOther)
}

// orgMerge answers POST /admin/organizations/:id/merge (into=): the
// unverified organization is folded into the verified one.
func (f *Frontend) orgMerge(c *fiber.Ctx) error {
	d := f.newPage(c, "people")
	if ok, err := f.requireAdminPage(c, d, "/admin/organizations", "orgs.err.adminOnly"); !ok {
		return err
	}
	id := c.Params("id")
	if _, err := f.cfg.MergeOrganization(c.UserContext(), d.Principal, id, readForm(c).get("into")); err != nil {
		if code := otm.ErrorCode(err); code != otm.EINVALID && code != otm.ECONFLICT {
			return f.fail(c, err, "/admin/organizations", "")
		}
		o, lerr := f.cfg.Identity.Organization(c.UserContext(), id)
		if lerr != nil {
			return f.fail(c, lerr, "/admin/organizations", "")
		}
		form := orgForm{ID: o.ID, Name: o.Name, Domains: strings.Join(o.Domains, ", "), Industry: o.Industry, Group: o.Group, Verified: o.Verified}
		d.Notice, d.NoticeWarn = f.errorText(c.UserContext(), d.Lang, err), true
		return f.renderOrgs(c, httperr.FormStatus(err), d, o.ID, form, o.Competitors)
	}
	return c.Redirect("/admin/organizations?done=merged", http.StatusSeeOther)
}
