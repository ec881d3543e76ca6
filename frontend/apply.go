package frontend

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/profile"
)

// applyForm is the application form as the user typed it, so that a form
// re-rendered after an error shows exactly what they sent.
type applyForm struct {
	Headline, Bio     string
	Topics            []string // ticked topic ids
	Skills, Interests string   // comma-separated
	Languages         []string // ticked common languages
	OtherLanguages    string   // further ISO 639-1 codes, comma-separated
	Country           string
	Hours             string
	Paused            bool
	LinkedIn          string
	ShowPicture       bool
	VisInterests      string
	VisAvailability   string
	VisLinkedIn       string
	VisPhoto          string
}

// newApplyForm is the form of someone who has not applied yet, with the
// service's default visibilities.
func newApplyForm() applyForm {
	return applyForm{VisInterests: profile.VisExecutives, VisAvailability: profile.VisPublic, VisLinkedIn: profile.VisExecutives, VisPhoto: profile.VisExecutives}
}

// formFromContent fills the form from a stored application.
func formFromContent(c profile.Content) applyForm {
	a := applyForm{
		Headline: c.Headline, Bio: c.Bio, Topics: slices.Clone(c.Topics),
		Skills: strings.Join(c.Skills, ", "), Interests: strings.Join(c.Interests, ", "),
		Country: c.Country, Paused: c.Availability.Paused, LinkedIn: c.LinkedInURL, ShowPicture: c.ShowPicture,
		VisInterests: c.Visibility.Interests, VisAvailability: c.Visibility.Availability, VisLinkedIn: c.Visibility.LinkedInURL, VisPhoto: c.Visibility.Photo,
	}
	if c.Availability.HoursPerMonth > 0 {
		a.Hours = strconv.Itoa(c.Availability.HoursPerMonth)
	}
	var other []string
	for _, l := range c.Languages {
		if slices.Contains(commonLanguages, l) {
			a.Languages = append(a.Languages, l)
		} else {
			other = append(other, l)
		}
	}
	a.OtherLanguages = strings.Join(other, ", ")
	return a
}

// readApplyForm reads the posted form.
func readApplyForm(fm form) applyForm {
	return applyForm{
		Headline: fm.get("headline"), Bio: fm.get("bio"), Topics: fm.all("topics"),
		Skills: fm.get("skills"), Interests: fm.get("interests"),
		Languages: fm.all("languages"), OtherLanguages: fm.get("languages_other"),
		Country: fm.get("country"), Hours: strings.TrimSpace(fm.get("hours")), Paused: fm.on("paused"),
		LinkedIn: fm.get("linkedin"), ShowPicture: fm.on("show_picture"),
		VisInterests: fm.get("vis_interests"), VisAvailability: fm.get("vis_availability"), VisLinkedIn: fm.get("vis_linkedin"), VisPhoto: fm.get("vis_photo"),
	}
}

// content returns the form as the service's Content; hoursOK is false when
// the hours are not a whole number (they are sent as 0 then).
func (a applyForm) content() (c profile.Content, hoursOK bool) {
	hours, hoursOK := 0, true
	if a.Hours != "" {
		n, err := strconv.Atoi(a.Hours)
		if err != nil {
			hoursOK = false
		} else {
			hours = n
		}
	}
	langs := append(slices.Clone(a.Languages), splitList(a.OtherLanguages)...)
	return profile.Content{
		Headline: a.Headline, Bio: a.Bio, Topics: a.Topics,
		Skills: splitList(a.Skills), Languages: langs, Country: a.Country,
		Availability: profile.Availability{HoursPerMonth: hours, Paused: a.Paused},
		Interests:    splitList(a.Interests), LinkedInURL: a.LinkedIn, ShowPicture: a.ShowPicture,
		Visibility: profile.Visibility{Interests: a.VisInterests, Availability: a.VisAvailability, LinkedInURL: a.VisLinkedIn, Photo: a.VisPhoto},
	}, hoursOK
}

// option is a checkbox, radio or select option.
type option struct {
	ID, Value, Label string
	Checked          bool
}

// fieldErr is a field's message for the error summary; Anchor is the id of
// the control to jump to.
type fieldErr struct {
	Key, Anchor, Label, Message string
}

// applyLimits are the field limits the form explains.
type applyLimits struct {
	HeadlineMin, HeadlineMax, BioMin, BioMax, MaxTopics, MaxSkills, SkillMax int
	MaxLanguages, MaxInterests, InterestMax, HoursMin, HoursMax              int
}

var limits = applyLimits{
	HeadlineMin: profile.HeadlineMin, HeadlineMax: profile.HeadlineMax,
	BioMin: profile.BioMin, BioMax: profile.BioMax, MaxTopics: profile.MaxTopics,
	MaxSkills: profile.MaxSkills, SkillMax: profile.SkillMax, MaxLanguages: profile.MaxLanguages,
	MaxInterests: profile.MaxInterests, InterestMax: profile.InterestMax,
	HoursMin: profile.HoursMin, HoursMax: profile.HoursMax,
}

// applyView is the application page.
type applyView struct {
	// Status panel.
	Status          string // "" before the first save
	StatusLabel     string
	StatusText      string
	Reason          string // the curator's reason, for the applicant
	PublicURL       string
	PendingRevision bool

	Form    applyForm
	BioLen  int
	Limits  applyLimits
	Topics  []option
	Langs   []option
	Country []option

	VisInterests, VisAvailability, VisLinkedIn, VisPhoto []option

	// The photo section: the owner's photo, else their initial, and why the
	// last upload was refused.
	PhotoURL, Initial, PhotoError string

	Errors  map[string]string // form key → message
	Summary []fieldErr
	Message string // above the form: why it was not saved

	SaveLabel   string
	CanSubmit   bool
	CanWithdraw bool

	Preview previewView
	// ErrorKeys are the keys of every per-field error slot, for the preview's
	// out-of-band updates.
	ErrorKeys  []string
	LiveStatus string
}

// previewView is the live preview: the directory card and what is still
// missing before the application can be submitted.
type previewView struct {
	Card    cardView
	Missing []string
}

// errorKeys are the form's per-field error slots, in form order, with the
// label message key of each and the service field names that map to it.
var errorKeys = []struct {
	key, label string
	fields     []string
}{
	{"headline", "apply.f.headline", []string{"headline"}},
	{"bio", "apply.f.bio", []string{"bio"}},
	{"topics", "apply.f.topics", []string{"topics"}},
	{"skills", "apply.f.skills", []string{"skills"}},
	{"languages", "apply.f.languages", []string{"languages"}},
	{"country", "apply.f.country", []string{"country"}},
	{"hours", "apply.f.hours", []string{"availability.hoursPerMonth"}},
	{"vis_availability", "apply.f.visAvailability", []string{"visibility.availability"}},
	{"interests", "apply.f.interests", []string{"interests"}},
	{"vis_interests", "apply.f.visInterests", []string{"visibility.interests"}},
	{"linkedin", "apply.f.linkedin", []string{"linkedinUrl"}},
	{"vis_linkedin", "apply.f.visLinkedIn", []string{"visibility.linkedinUrl"}},
	{"vis_photo", "apply.f.visPhoto", []string{"visibility.photo"}},
}

// keyOfField maps a service field name ("topics[2]") to its form key and the
// list index (-1 for none).
func keyOfField(field string) (key, base string, idx int) {
	base, idx = field, -1
	if i := strings.IndexByte(field, '['); i > 0 && strings.HasSuffix(field, "]") {
		if n, err := strconv.Atoi(field[i+1 : len(field)-1]); err == nil {
			base, idx = field[:i], n
		}
	}
	for _, k := range errorKeys {
		if slices.Contains(k.fields, base) {
			return k.key, base, idx
		}
	}
	return "", base, idx
}

// anchorOf returns the id of the control a summary entry for key jumps to.
func (f *Frontend) anchorOf(key string) string {
	switch key {
	case "topics":
		if f.cfg.Profiles != nil {
			if ts := f.cfg.Profiles.Topics(); len(ts) > 0 {
				return "topic-" + ts[0].ID
			}
		}
	case "languages":
		return "lang-" + firstLanguages[0]
	}
	return "f-" + strings.ReplaceAll(key, "_", "-")
}

// applyErrors turns the service's EINVALID error into localized messages per
// form key. cleaned is the content as the service normalized it, so that
// list indexes in field names point at the right entries.
func (f *Frontend) applyErrors(ctx context.Context, lang string, err error, hoursOK bool) (map[string]string, []fieldErr) {
	msgs := map[string][]string{}
	var general []string
	add := func(key, msg string) {
		if key == "" {
			general = append(general, msg)
			return
		}
		if !slices.Contains(msgs[key], msg) {
			msgs[key] = append(msgs[key], msg)
		}
	}
	if !hoursOK {
		add("hours", f.translate(lang, "apply.err.hoursNumber"))
	}
	for _, fe := range otm.ErrorFields(err) {
		key, _, _ := keyOfField(fe.Field)
		if key == "hours" && !hoursOK {
			continue
		}
		add(key, f.fieldText(ctx, lang, fe))
	}
	if len(msgs) == 0 && len(general) == 0 {
		return nil, nil
	}
	errs := map[string]string{}
	var summary []fieldErr
	for _, k := range errorKeys {
		if m := msgs[k.key]; len(m) > 0 {
			errs[k.key] = strings.Join(m, " ")
			summary = append(summary, fieldErr{Key: k.key, Anchor: f.anchorOf(k.key), Label: f.translate(lang, k.label), Message: errs[k.key]})
		}
	}
	for _, g := range general {
		summary = append(summary, fieldErr{Message: g})
	}
	return errs, summary
}

// applyView builds the page's view for the form a and the stored profile pr
// (nil before the first save).
func (f *Frontend) applyView(lang string, p *otm.Principal, pr *profile.Profile, a applyForm) *applyView {
	t := func(key string, args ...any) string { return f.translate(lang, key, args...) }
	v := &applyView{Form: a, Limits: limits, BioLen: utf8.RuneCountInString(strings.TrimSpace(a.Bio))}
	status := ""
	if pr != nil {
		status = pr.Status
	}
	v.Status = status
	key := status
	if key == "" {
		key = "new"
	}
	v.StatusLabel, v.StatusText = t("status."+key), t("apply.status."+key)
	if pr != nil {
		v.PendingRevision = pr.PendingRevision()
		if pr.Public() {
			v.PublicURL = "/mentors/" + pathID(pr.ID)
		}
		if d := pr.Decision; d != nil && d.Reason != "" {
			switch {
			case status == profile.StatusChangesRequested && d.Decision == profile.DecisionRequestChanges,
				status == profile.StatusRejected && d.Decision == profile.DecisionReject:
				v.Reason = d.Reason
			case status == profile.StatusApproved && d.Decision == profile.DecisionReject:
				// A rejected revision: the published version stands.
				v.StatusText = t("apply.status.revisionRejected")
				v.Reason = d.Reason
			}
		}
	}
	switch status {
	case profile.StatusApproved:
		v.SaveLabel = t("apply.saveAndSend")
	case profile.StatusSubmitted, profile.StatusChangesRequested:
		v.SaveLabel = t("apply.saveChanges")
	default:
		v.SaveLabel = t("apply.saveDraft")
	}
	v.CanSubmit = status != profile.StatusApproved && status != profile.StatusSubmitted
	v.CanWithdraw = status == profile.StatusSubmitted || status == profile.StatusChangesRequested || status == profile.StatusApproved

	for _, tp := range f.cfg.Profiles.Topics() {
		v.Topics = append(v.Topics, option{ID: "topic-" + tp.ID, Value: tp.ID, Label: tp.Label(lang), Checked: slices.Contains(a.Topics, tp.ID)})
	}
	for _, l := range f.names.languages[lang] {
		v.Langs = append(v.Langs, option{ID: "lang-" + l.Code, Value: l.Code, Label: l.Name, Checked: slices.Contains(a.Languages, l.Code)})
	}
	for _, c := range f.names.countries[lang] {
		v.Country = append(v.Country, option{Value: c.Code, Label: c.Name, Checked: strings.EqualFold(a.Country, c.Code)})
	}
	vis := func(current string, values ...string) []option {
		out := make([]option, 0, len(values))
		for _, val := range values {
			out = append(out, option{Value: val, Label: t("vis." + val), Checked: current == val})
		}
		return out
	}
	v.VisInterests = vis(a.VisInterests, profile.VisPublic, profile.VisExecutives, profile.VisCurators)
	v.VisAvailability = vis(a.VisAvailability, profile.VisPublic, profile.VisExecutives, profile.VisCurators)
	v.VisLinkedIn = vis(a.VisLinkedIn, profile.VisExecutives, profile.VisCurators)
	v.VisPhoto = vis(a.VisPhoto, profile.VisPublic, profile.VisExecutives, profile.VisCurators)
	if p != nil {
		v.Initial = initial(p.Name)
	}
	if pr != nil && pr.Photo != "" {
		v.PhotoURL = profile.PhotoURL(pr.ID, pr.Photo, profile.PhotoLarge)
	}
	for _, k := range errorKeys {
		v.ErrorKeys = append(v.ErrorKeys, k.key)
	}
	v.Preview = f.preview(lang, p, pr, a)
	return v
}

// preview returns the directory card the form would make, and the fields still
// missing before it can be submitted.
func (f *Frontend) preview(lang string, p *otm.Principal, pr *profile.Profile, a applyForm) previewView {
	content, _ := a.content()
	cleaned, _ := f.cfg.Profiles.Validate(content, false)
	// Exactly what the index will hold once it is approved.
	fake := &profile.Profile{ID: "", Status: profile.StatusApproved, Name: p.Name, OrgName: p.OrgName, OrgVerified: p.OrgVerified, Published: &cleaned}
	if pr != nil {
		fake.Picture, fake.OrgName, fake.OrgVerified, fake.Industry = pr.Picture, pr.OrgName, pr.OrgVerified, pr.Industry
		fake.ID, fake.Photo = pr.ID, pr.Photo
		if fake.OrgName == "" {
			fake.OrgName = p.OrgName
		}
	}
	var pv previewView
	if doc := profile.Document(fake); doc != nil {
		pv.Card = f.card(doc, nil, lang)
	}
	if _, err := f.cfg.Profiles.Validate(content, true); err != nil {
		seen := map[string]bool{}
		for _, fe := range otm.ErrorFields(err) {
			key, _, _ := keyOfField(fe.Field)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			for _, k := range errorKeys {
				if k.key == key {
					pv.Missing = append(pv.Missing, f.translate(lang, k.label))
				}
			}
		}
	}
	return pv
}

// applyNotices are the messages after a redirect (?done=).
var applyNotices = map[string]string{
	"saved":        "apply.done.saved",
	"savedReview":  "apply.done.savedReview",
	"sent":         "apply.done.sent",
	"submitted":    "apply.done.submitted",
	"withdrawn":    "apply.done.withdrawn",
	"photo":        "apply.done.photo",
	"photoRemoved": "apply.done.photoRemoved",
}

// currentForm returns the caller's application (nil for none yet) and the
// form it fills, for a page shown again after a refusal.
func (f *Frontend) currentForm(c *fiber.Ctx, p *otm.Principal) (*profile.Profile, applyForm, error) {
	pr, err := f.myProfile(c, p)
	if err != nil || pr == nil {
		return pr, newApplyForm(), err
	}
	return pr, formFromContent(pr.Draft), nil
}

// myProfile returns the caller's application, nil when they have none yet.
func (f *Frontend) myProfile(c *fiber.Ctx, p *otm.Principal) (*profile.Profile, error) {
	pr, err := f.cfg.Profiles.MyProfile(c.UserContext(), p)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, nil
	}
	return pr, err
}

func (f *Frontend) applyPage(c *fiber.Ctx) error {
	d := f.newPage(c, "apply")
	if d.Principal == nil {
		return toSignIn(c, "/apply")
	}
	pr, a, err := f.currentForm(c, d.Principal)
	if err != nil {
		return f.fail(c, err, "/apply", "")
	}
	if key, ok := applyNotices[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	return f.renderApply(c, http.StatusOK, d, pr, a, nil, nil, "")
}

// renderApply renders the application page.
func (f *Frontend) renderApply(c *fiber.Ctx, status int, d *pageData, pr *profile.Profile, a applyForm, errs map[string]string, summary []fieldErr, message string) error {
	d.Title = f.translate(d.Lang, "apply.title")
	v := f.applyView(d.Lang, d.Principal, pr, a)
	v.Errors, v.Summary, v.Message = errs, summary, message
	d.Apply = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "apply", d)
}

// applyFailed re-renders the form after err from saving or submitting; saved
// tells that the draft was stored before submitting failed.
func (f *Frontend) applyFailed(c *fiber.Ctx, d *pageData, a applyForm, err error, hoursOK, saved bool) error {
	status := httperr.FormStatus(err)
	var errs map[string]string
	var summary []fieldErr
	var message string
	switch code := otm.ErrorCode(err); {
	case err == nil || code == otm.EINVALID:
		errs, summary = f.applyErrors(c.UserContext(), d.Lang, err, hoursOK)
		message = f.translate(d.Lang, "apply.err.summary")
		if saved {
			message = f.translate(d.Lang, "apply.err.incomplete")
		}
	case code == otm.ECONFLICT:
		message = f.translate(d.Lang, "apply.err.conflict")
	default:
		return f.fail(c, err, "/apply", "")
	}
	pr, perr := f.myProfile(c, d.Principal)
	if perr != nil {
		return f.fail(c, perr, "/apply", "")
	}
	return f.renderApply(c, status, d, pr, a, errs, summary, message)
}

// applySave answers POST /apply: save the draft (or, for a published
// application, send the revision to review).
func (f *Frontend) applySave(c *fiber.Ctx) error {
	return f.applyPost(c, false)
}

// applySubmit answers POST /apply/submit: save, then submit for review.
func (f *Frontend) applySubmit(c *fiber.Ctx) error {
	return f.applyPost(c, true)
}

func (f *Frontend) applyPost(c *fiber.Ctx, submit bool) error {
	if isHTMX(c, "") {
		// The real form submission never comes from htmx; a background request
		// must not save or submit (htmx reuses the last clicked formaction).
		return fiber.NewError(fiber.StatusBadRequest, "Background requests cannot save the application.")
	}
	d := f.newPage(c, "apply")
	p := d.Principal
	if p == nil {
		return toSignIn(c, "/apply")
	}
	a := readApplyForm(readForm(c))
	content, hoursOK := a.content()
	if !hoursOK {
		// Nothing is saved with a number that is not one; show every other
		// problem at the same time.
		_, verr := f.cfg.Profiles.Validate(content, false)
		return f.applyFailed(c, d, a, verr, false, false)
	}
	before, err := f.myProfile(c, p)
	if err != nil {
		return f.fail(c, err, "/apply", "")
	}
	pr, err := f.cfg.Profiles.SaveProfile(c.UserContext(), p, content)
	if err != nil {
		return f.applyFailed(c, d, a, err, true, false)
	}
	done := "saved"
	switch {
	case pr.Status == profile.StatusSubmitted && before != nil && before.Status == profile.StatusApproved:
		done = "sent"
	case pr.Status == profile.StatusSubmitted:
		done = "savedReview"
	case submit:
		if _, err := f.cfg.Profiles.SubmitProfile(c.UserContext(), p); err != nil {
			return f.applyFailed(c, d, a, err, true, true)
		}
		done = "submitted"
	}
	return c.Redirect("/apply?done="+done, http.StatusSeeOther)
}

// applyPhoto answers POST /apply/photo (multipart, the file in "photo"):
// replace the photo, or show why not.
func (f *Frontend) applyPhoto(c *fiber.Ctx) error {
	d := f.newPage(c, "apply")
	if d.Principal == nil {
		return toSignIn(c, "/apply")
	}
	var err error
	if fh, ferr := c.FormFile("photo"); ferr != nil {
		err = otm.Invalid("Choose a photo to upload.", otm.Field("photo", otm.RuleRequired, nil, "required"))
	} else if file, oerr := fh.Open(); oerr != nil {
		err = oerr
	} else {
		defer file.Close()
		_, err = f.cfg.Profiles.SetPhoto(c.UserContext(), d.Principal, file)
	}
	if err == nil {
		return c.Redirect("/apply?done=photo#photo", http.StatusSeeOther)
	}
	if otm.ErrorCode(err) != otm.EINVALID {
		return f.fail(c, err, "/apply", "")
	}
	pr, a, perr := f.currentForm(c, d.Principal)
	if perr != nil {
		return f.fail(c, perr, "/apply", "")
	}
	d.Title = f.translate(d.Lang, "apply.title")
	v := f.applyView(d.Lang, d.Principal, pr, a)
	v.PhotoError = f.errorText(c.UserContext(), d.Lang, err)
	d.Apply = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, http.StatusUnprocessableEntity, "apply", d)
}

// applyPhotoDelete answers POST /apply/photo/delete.
func (f *Frontend) applyPhotoDelete(c *fiber.Ctx) error {
	d := f.newPage(c, "apply")
	if d.Principal == nil {
		return toSignIn(c, "/apply")
	}
	if _, err := f.cfg.Profiles.DeletePhoto(c.UserContext(), d.Principal); err != nil {
		return f.fail(c, err, "/apply", "")
	}
	return c.Redirect("/apply?done=photoRemoved#photo", http.StatusSeeOther)
}

// applyWithdraw answers POST /apply/withdraw (confirm=yes).
func (f *Frontend) applyWithdraw(c *fiber.Ctx) error {
	d := f.newPage(c, "apply")
	if d.Principal == nil {
		return toSignIn(c, "/apply")
	}
	if readForm(c).get("confirm") != "yes" {
		return c.Redirect("/apply#withdraw", http.StatusSeeOther)
	}
	if _, err := f.cfg.Profiles.WithdrawProfile(c.UserContext(), d.Principal); err != nil {
		if otm.ErrorCode(err) != otm.ECONFLICT {
			return f.fail(c, err, "/apply", "")
		}
		pr, a, perr := f.currentForm(c, d.Principal)
		if perr != nil {
			return f.fail(c, perr, "/apply", "")
		}
		return f.renderApply(c, http.StatusConflict, d, pr, a, nil, nil, f.translate(d.Lang, "apply.err.cannotWithdraw"))
	}
	return c.Redirect("/apply?done=withdrawn", http.StatusSeeOther)
}

// applyPreview answers POST /apply/preview (htmx): the card preview, with
// out-of-band updates of every field's error slot and the live status.
func (f *Frontend) applyPreview(c *fiber.Ctx) error {
	d := f.newPage(c, "apply")
	p := d.Principal
	if p == nil {
		return toSignIn(c, "/apply")
	}
	pr, err := f.myProfile(c, p)
	if err != nil {
		f.log.Warn("frontend: preview: load application", "err", err)
		pr = nil
	}
	a := readApplyForm(readForm(c))
	content, hoursOK := a.content()
	// Saving a published application sends it to review, so it must be complete.
	complete := pr != nil && pr.Status == profile.StatusApproved
	_, verr := f.cfg.Profiles.Validate(content, complete)
	v := f.applyView(d.Lang, p, pr, a)
	v.Errors, v.Summary = f.applyErrors(c.UserContext(), d.Lang, verr, hoursOK)
	switch n := len(v.Errors); n {
	case 0:
		v.LiveStatus = f.translate(d.Lang, "apply.live.ok")
	case 1:
		v.LiveStatus = f.translate(d.Lang, "apply.live.one")
	default:
		v.LiveStatus = f.translate(d.Lang, "apply.live.many", n)
	}
	d.Apply = v
	return f.renderPartial(c, http.StatusOK, "apply", "previewResponse", d)
}
