// Package frontend serves the web pages of OpenToMentor: server-rendered
// html/template pages in English and German, enhanced with htmx, and the embedded
// static assets they use.
//
// Templates and message catalogs are embedded and parsed once by New; pages never
// use inline scripts, inline event handlers or inline styles, so that a strict
// Content-Security-Policy (script-src 'self'; style-src 'self') holds.
package frontend

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/notify"
	"github.com/opentomentor/opentomentor/platform"
)

//go:embed templates/*.html
var templateFS embed.FS

// Provider is an identity provider offered on the sign-in page.
type Provider struct{ ID, Name string }

// Config configures the frontend.
type Config struct {
	// DevMode tells that the development identity provider is on: every page shows
	// a banner saying that anyone can sign in as anyone.
	DevMode bool
	// Providers returns the identity providers for the sign-in page, in display
	// order. It may be nil.
	Providers func() []Provider
	// Logger receives rendering errors; slog.Default() when nil.
	Logger *slog.Logger

	// Services are the services behind the pages (see package platform).
	// Each may be nil; the pages that need one are registered only when it is
	// set: Profiles (with Programs, Tandems and Reports) for /apply, /curate,
	// programs, requests, matching, tandems and dashboards; Search for the
	// directory; Accounts for export and deletion; Audit for decision logs.
	platform.Services
}

// Frontend renders the pages. It is safe for concurrent use.
type Frontend struct {
	cfg      Config
	log      *slog.Logger
	catalogs map[string]catalog
	assets   map[string]asset
	// pages holds one template set per language and page, with "t" bound to
	// that language.
	pages map[string]map[string]*template.Template
	// names holds the localized, sorted country and language lists.
	names nameLists
	mail  *mailTemplates
	// devMail is the development mailbox (/dev/mail); nil otherwise.
	devMail *notify.DevMailbox
}

// pageNames lists the page templates; each is templates/<name>.html and is rendered
// inside templates/layout.html.
var pageNames = []string{"landing", "signin", "account", "error", "apply", "curate", "review", "mentors", "mentor", "request", "match", "tandems", "programs", "dashboard", "tandem", "people", "audit", "welcome", "orgs", "notifications", "mail", "shortlists"}

// sharedTemplates are parsed with the layout into every page's set: partials
// that several pages use.
var sharedTemplates = []string{"templates/layout.html", "templates/partials.html"}

// Cookie and language settings.
const (
	langCookie    = "otm_lang"
	langCookieAge = 365 * 24 * time.Hour
)

// New parses every template and catalog once and returns the frontend. It fails
// when a template does not parse or escape, when a catalog is malformed or the
// catalogs do not have the same keys, or when a template uses an unknown message
// key.
func New(cfg Config) (*Frontend, error) {
	f := &Frontend{cfg: cfg, log: cfg.Logger}
	if f.log == nil {
		f.log = slog.Default()
	}
	var err error
	if f.catalogs, err = loadCatalogs(); err != nil {
		return nil, err
	}
	if f.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if f.mail, err = parseMailTemplates(); err != nil {
		return nil, err
	}
	if err := f.parseTemplates(); err != nil {
		return nil, err
	}
	f.names = buildNameLists()
	return f, nil
}

// baseFuncs are the template functions. Those of langFuncs are bound to the
// default language here and rebound to each language per clone.
func (f *Frontend) baseFuncs() template.FuncMap {
	funcs := template.FuncMap{
		"asset":   f.assetURL,
		"initial": initial,
		"join":    strings.Join,
		"field":   func(key string, errs map[string]string) fieldSlot { return fieldSlot{Key: key, Message: errs[key]} },
		"slot":    func(key, msg string) fieldSlot { return fieldSlot{Key: key, Message: msg} },
		"oob":     func(key, msg string) fieldSlot { return fieldSlot{Key: key, Message: msg, OOB: true} },
		"choices": func(kind, name string, items any) choiceList { return choiceList{Kind: kind, Name: name, Items: items} },
	}
	for name, fn := range f.langFuncs(languages[0]) {
		funcs[name] = fn
	}
	return funcs
}

// fieldSlot is a form field's error slot (templates/partials.html "fieldError").
type fieldSlot struct {
	Key, Message string
	OOB          bool // an htmx out-of-band update of the slot's content
}

// choiceList is a group of checkboxes or radio buttons (templates/partials.html
// "choices"): Kind "checkbox" or "radio", the inputs' Name, and Items with
// ID, Value, Label and Checked.
type choiceList struct {
	Kind, Name string
	Items      any
}

// initial returns the first letter of name, upper-cased, for avatars.
func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return strings.ToUpper(string(r))
		}
	}
	return "?"
}

func (f *Frontend) parseTemplates() error {
	base, err := template.New("layout").Funcs(f.baseFuncs()).ParseFS(templateFS, sharedTemplates...)
	if err != nil {
		return fmt.Errorf("frontend: parse layout: %w", err)
	}
	f.pages = make(map[string]map[string]*template.Template, len(languages))
	for _, lang := range languages {
		f.pages[lang] = make(map[string]*template.Template, len(pageNames))
	}
	for _, name := range pageNames {
		set, err := base.Clone()
		if err != nil {
			return fmt.Errorf("frontend: clone layout for %s: %w", name, err)
		}
		if _, err := set.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return fmt.Errorf("frontend: parse %s: %w", name, err)
		}
		for _, key := range templateKeys(set) {
			for _, lang := range languages {
				if _, ok := f.catalogs[lang][key]; !ok {
					return fmt.Errorf("frontend: template %s uses message %q missing in %s catalog", name, key, lang)
				}
			}
		}
		for _, lang := range languages {
			l, err := set.Clone()
			if err != nil {
				return fmt.Errorf("frontend: clone %s for %s: %w", name, lang, err)
			}
			l.Funcs(f.langFuncs(lang))
			// Escape now rather than at the first request, so that a template
			// error stops the start-up.
			var buf bytes.Buffer
			if err := l.ExecuteTemplate(&buf, "layout", &pageData{Lang: lang}); err != nil {
				return fmt.Errorf("frontend: render %s (%s): %w", name, lang, err)
			}
			f.pages[lang][name] = l
		}
	}
	return nil
}

// langFuncs returns the functions bound to lang.
func (f *Frontend) langFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return f.translate(lang, key, args...) },
		// tn counts: "<key>.one" for exactly one, "<key>" with the number else.
		"tn": func(key string, n int) string {
			if n == 1 {
				return f.translate(lang, key+".one")
			}
			return f.translate(lang, key, n)
		},
		"roleName": func(role string) string {
			if msg, ok := f.catalogs[lang]["role."+role]; ok {
				return msg
			}
			return role
		},
		"date": func(t time.Time) string { return formatTime(lang, t) },
	}
}

// pageData is what every page template receives.
type pageData struct {
	Lang      string
	Title     string // already localized; empty means the page defines its own
	Current   string // nav item of this page: home, mentors, signin, account
	DevMode   bool
	Principal *otm.Principal
	// Here is a safe relative URL of this page, for return_to parameters.
	Here      string
	SignInURL string
	Languages []langLink

	// signin
	Providers []providerLink
	ReturnTo  string

	// account
	ProviderName string

	// error
	Status  int
	Heading string
	Message string
	Detail  string

	// NavApply, NavReview and NavRequest show the "My application", "Review"
	// and "My request" links.
	NavApply, NavReview, NavRequest bool
	// NavMatch and NavTandems show the "Matching" and "My tandems" links.
	NavMatch, NavTandems bool
	// Notice is a localized one-off message (after a redirect), shown at the
	// top of the page; NoticeWarn shows it as a warning.
	Notice     string
	NoticeWarn bool
	// Refresh reloads the page after so many seconds (a job in progress).
	Refresh int

	// The views of the pages beyond the shell; nil on other pages.
	Apply   *applyView
	Queue   *queueView
	Review  *reviewView
	Dir     *dirView
	Mentor  *mentorView
	Account *accountView
	Request *requestView
	Match   *matchView
	Tandems *tandemsView
	// Offers is GET /shortlists.
	Offers *offersView
	// Tandem is one tandem's page (GET /tandems/:id).
	Tandem *tandemView
	// Dashboard is a program's evaluation (GET /programs/:id/dashboard).
	Dashboard *dashboardView

	// Inbox is GET /notifications; Unread the count the header's inbox link shows.
	Inbox  *inboxView
	Unread int
	// NavInbox shows the inbox link.
	NavInbox bool
	// Mail is the e-mail settings, an unsubscribe link or /dev/mail.
	Mail *mailPageView
	// Welcome is GET /welcome, after a first sign-in.
	Welcome *welcomeView
	// People is the admins' GET /admin/people; Audit their GET /admin/audit.
	People *peopleView
	Audit  *auditPageView
	// Orgs is the admins' GET /admin/organizations[/:id].
	Orgs *orgsView
	// NavPeople shows the admins' "People" link.
	NavPeople bool

	// Programs is GET /programs; Program a program page or the new-program form.
	Programs *programsView
	Program  *programView
	// NavPrograms shows the "Programs" link.
	NavPrograms bool
}

type langLink struct {
	Code, Label, Name, URL string
	Current                bool
}

type providerLink struct {
	ID, Name, URL string
}

// Register mounts the pages and static assets on app:
//
//	GET /static/*       embedded assets
//	GET /               landing page
//	GET /signin         identity providers (?return_to= is passed on when safe)
//	GET /account        my account; visitors are redirected to the sign-in page
//	GET /lang/:lang     sets the language cookie and redirects to ?return_to=
//	GET /welcome        after a first sign-in: what the person came for, and the next step
//
// With Config.Notify:
//
//	GET  /notifications            my inbox, newest first
//	GET  /notifications/bell       the header's inbox link with the unread count (htmx, every 30 s)
//	GET  /notifications/open?id=   mark one read and go to its link
//	POST /notifications/read       mark all read
//
// With Config.Identity (admins only):
//
//	GET  /admin/people             the people who signed in (?q=&page=), their staff roles
//	POST /admin/people/:id/roles   set a person's staff roles (roles=curator, roles=admin)
//	POST /admin/people/grant       staff roles for an e-mail not signed in yet (email=, roles=)
//	GET  /admin/organizations      the organizations, with a form for a new one
//	POST /admin/organizations      create one (name, domains, industry, group, competitors, verified)
//	GET  /admin/organizations/:id  one organization's form
//	POST /admin/organizations/:id  save it
//	POST /admin/organizations/:id/merge  fold an unverified one into a verified one (into=)
//	GET  /admin/audit              the audit log (?actor=&subject=&action=&from=&to=&page=), CSV link (with Config.Audit)
//
// With Config.Profiles:
//
//	GET  /apply                   my #OpenToMentor application
//	POST /apply                   save it (a draft, or a revision of a published one)
//	POST /apply/submit            save and submit it for review
//	POST /apply/withdraw          withdraw it
//	POST /apply/preview           htmx: live validation and the directory card preview
//	GET  /curate                  curators' review queue (?status=&page=&done=&id=)
//	GET  /curate/:id              one application with diff, decision form, comments, audit
//	POST /curate/:id/decision     approve, request changes or reject
//	POST /curate/:id/comments     add an internal comment
//	GET  /programs                programs the caller may see; admins: a "New program" link
//	GET  /programs/new            the new-program form (admins)
//	POST /programs                create a program (admins)
//	POST /programs/follow         follow the programs or stop (follow=on|off)
//	GET  /programs/:id            a program page; its curators and admins also manage it there
//	POST /programs/:id            save the program (its curators and admins; version=)
//	POST /programs/:id/phase      move to the next phase (phase=)
//	POST /programs/:id/delete     delete a program in planning (admins)
//
// With Config.Search:
//
//	GET /mentors                  the public directory (?q=&topic=&language=&country=&page=)
//	GET /mentors/:id              a public mentor profile
//
// With Config.Profiles and Config.Search:
//
//	GET  /request                 an executive's private mentee request
//	POST /request                 save it (action=remove:N or up:N first edits the preferred mentors)
//	POST /request/submit          save it and send it to the curators
//	POST /request/withdraw        take a submitted request back from the curators
//	POST /request/prefer          add a mentor (mentor=<profile id>) from their profile page
//	GET  /match                   curators' matching workspace: submitted mentee requests
//	GET  /match/assignment        the proposed cohort assignment (?proposed=<tandem id>)
//	GET  /match/:id               one request with ranked suggestions and excluded mentors
//	POST /match/:id/propose       propose a tandem (mentorProfileId=, from=assignment)
//	POST /match/assignment/propose propose the selected pairs of the assignment (pair=<request> <mentor>, program=)
//	GET  /tandems                 my tandems (?done=accepted|declined)
//	POST /tandems/:id/accept      accept a proposed tandem
//	POST /tandems/:id/decline     decline it (reason=, for the curators only)
//	POST /tandems/:id/end         end it early (confirm=yes, reason= for the curators only)
//	POST /tandems/:id/feedback    wrap-up feedback (overall, fit, learned 1–5, recommend yes|no, text)
//	GET  /tandems/:id             my tandem: partner, cadence, calendar link, meeting log (?done=cadence|meeting)
//	POST /tandems/:id/cadence     agree the cadence (every, weekday, time, durationMinutes, timezone, startDate)
//	POST /tandems/:id/meetings    log a meeting (date, notes)
//	GET  /programs/:id/dashboard  a program's evaluation for its curators (charts, free texts, CSV link)
//
// With Config.Accounts:
//
//	POST /account/delete          delete my account after confirmation
func (f *Frontend) Register(app fiber.Router) {
	app.Get("/static/*", f.serveStatic)
	app.Get("/", f.landing)
	app.Get("/signin", f.signIn)
	app.Get("/account", f.account)
	app.Get("/lang/:lang", f.setLang)
	app.Get("/welcome", f.welcome)
	if f.cfg.Notify != nil {
		app.Get("/notifications", f.notificationsPage)
		app.Get("/notifications/bell", f.notificationsBell)
		app.Get("/notifications/open", f.notificationOpen)
		app.Post("/notifications/read", f.notificationsRead)
		app.Get("/account/notifications", f.mailPrefsPage)
		app.Post("/account/notifications", f.mailPrefsSave)
		app.Get("/unsubscribe/:token", f.unsubscribePage)
		app.Post("/unsubscribe/:token", f.unsubscribe)
	}
	if f.devMail != nil && f.cfg.DevMode {
		app.Get("/dev/mail", f.devMailPage)
		app.Get("/dev/mail/html", f.devMailHTML)
	}
	if f.cfg.Identity != nil {
		app.Get("/admin/people", f.peoplePage)
		app.Post("/admin/people/grant", f.peopleGrant)
		app.Post("/admin/people/:id/roles", f.peopleRoles)
		app.Get("/admin/organizations", f.orgsPage)
		app.Post("/admin/organizations", f.orgSave)
		app.Get("/admin/organizations/:id", f.orgPage)
		app.Post("/admin/organizations/:id", f.orgSave)
		app.Post("/admin/organizations/:id/merge", f.orgMerge)
	}
	if f.cfg.Audit != nil {
		app.Get("/admin/audit", f.auditPage)
	}
	if f.cfg.Profiles != nil {
		app.Get("/apply", f.applyPage)
		app.Post("/apply", f.applySave)
		app.Post("/apply/submit", f.applySubmit)
		app.Post("/apply/withdraw", f.applyWithdraw)
		app.Post("/apply/preview", f.applyPreview)
		app.Post("/apply/photo", f.applyPhoto)
		app.Post("/apply/photo/delete", f.applyPhotoDelete)
		app.Get("/curate", f.curateQueue)
		app.Get("/curate/:id", f.curateDetail)
		app.Post("/curate/:id/decision", f.curateDecide)
		app.Post("/curate/:id/comments", f.curateComment)
		app.Post("/account/line-managers", f.accountLineManagers)
		app.Get("/programs", f.programsPage)
		app.Get("/programs/new", f.programNew)
		app.Post("/programs", f.programCreate)
		app.Post("/programs/follow", f.programsFollow)
		app.Get("/programs/:id", f.programPage)
		app.Post("/programs/:id", f.programUpdate)
		app.Post("/programs/:id/phase", f.programPhase)
		app.Post("/programs/:id/delete", f.programDelete)
	}
	if f.cfg.Search != nil {
		app.Get("/mentors", f.directory)
		app.Get("/mentors/:id", f.mentorPage)
	}
	if f.cfg.Profiles != nil && f.cfg.Search != nil {
		app.Get("/request", f.requestPage)
		app.Post("/request", f.requestSave)
		app.Post("/request/submit", f.requestSubmit)
		app.Post("/request/withdraw", f.requestWithdraw)
		app.Post("/request/prefer", f.requestPrefer)
		app.Get("/match", f.matchList)
		app.Get("/match/assignment", f.matchAssignment)
		app.Get("/match/:id", f.matchRequest)
		app.Post("/match/:id/shortlist", f.matchShortlist)
		app.Post("/mentors/:id/shortlist", f.mentorShortlist)
		app.Get("/shortlists", f.shortlistsPage)
		app.Post("/shortlists/:id/pick", f.shortlistPick)
		app.Post("/shortlists/:id/more", f.shortlistMore)
		app.Post("/match/assignment/propose", f.matchProposeSelected) // before /match/:id/propose
		app.Post("/match/:id/propose", f.matchPropose)
		app.Get("/tandems", f.tandemsPage)
		app.Post("/tandems/:id/accept", f.tandemAccept)
		app.Post("/tandems/:id/decline", f.tandemDecline)
		app.Post("/tandems/:id/end", f.tandemEnd)
		app.Post("/tandems/:id/feedback", f.tandemFeedback)
		app.Get("/tandems/:id", f.tandemPage)
		app.Post("/tandems/:id/cadence", f.tandemCadence)
		app.Post("/tandems/:id/meetings", f.tandemMeeting)
		app.Get("/programs/:id/dashboard", f.dashboard)
	}
	if f.cfg.Accounts != nil {
		app.Post("/account/delete", f.accountDelete)
	}
}

func (f *Frontend) landing(c *fiber.Ctx) error {
	d := f.newPage(c, "home")
	if c.Query("deleted") == "1" {
		d.Notice = f.translate(d.Lang, "landing.deleted")
	}
	return f.render(c, http.StatusOK, "landing", d)
}

func (f *Frontend) signIn(c *fiber.Ctx) error {
	d := f.newPage(c, "signin")
	d.ReturnTo = safeReturnTo(c.Query("return_to"))
	// Links back to this page (nav, language switcher) keep only a safe return_to.
	d.Here, d.SignInURL = "/signin", "/signin"
	if d.ReturnTo != "" {
		d.Here += "?return_to=" + url.QueryEscape(d.ReturnTo)
		d.SignInURL = d.Here
	}
	d.Languages = f.langLinks(d.Lang, d.Here)
	if f.cfg.Providers != nil {
		for _, p := range f.cfg.Providers() {
			u := "/auth/" + url.PathEscape(p.ID) + "/login"
			if d.ReturnTo != "" {
				u += "?return_to=" + url.QueryEscape(d.ReturnTo)
			}
			d.Providers = append(d.Providers, providerLink{ID: p.ID, Name: p.Name, URL: u})
		}
	}
	return f.render(c, http.StatusOK, "signin", d)
}

func (f *Frontend) account(c *fiber.Ctx) error {
	d := f.newPage(c, "account")
	if d.Principal == nil {
		return c.Redirect("/signin?return_to="+url.QueryEscape("/account"), http.StatusSeeOther)
	}
	return f.renderAccount(c, http.StatusOK, d, &accountView{})
}

// renderAccount renders the account page with av (the deletion form's state)
// completed by the decisions about the user.
func (f *Frontend) renderAccount(c *fiber.Ctx, status int, d *pageData, av *accountView) error {
	if err := f.fillAccount(c, d, av); err != nil {
		return err
	}
	d.Account = av
	d.ProviderName = d.Principal.ProviderID
	if f.cfg.Providers != nil {
		for _, p := range f.cfg.Providers() {
			if p.ID == d.Principal.ProviderID {
				d.ProviderName = p.Name
				break
			}
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "account", d)
}

func (f *Frontend) setLang(c *fiber.Ctx) error {
	lang := strings.ToLower(c.Params("lang"))
	if !slices.Contains(languages, lang) {
		return f.RenderError(c, http.StatusBadRequest, f.translate(f.Lang(c), "error.unknownLanguage"))
	}
	c.Cookie(&fiber.Cookie{
		Name:     langCookie,
		Value:    lang,
		Path:     "/",
		MaxAge:   int(langCookieAge / time.Second),
		Expires:  time.Now().Add(langCookieAge),
		Secure:   c.Secure(),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	if p := otm.PrincipalFromContext(c.UserContext()); p != nil {
		// E-mails are written in the language the person last chose.
		if err := f.cfg.Identity.SetLanguage(c.UserContext(), p.UserID, lang); err != nil {
			f.log.Warn("frontend: language not kept", "user", p.UserID, "err", err)
		}
	}
	to := safeReturnTo(c.Query("return_to"))
	if to == "" {
		to = "/"
	}
	return c.Redirect(to, http.StatusSeeOther)
}

// RenderError renders the error page with status, in the request's language: a
// heading for the status, message (or a default text for the status), and a link
// home. The central Fiber ErrorHandler calls it for paths outside the API.
// message must be localized (never an error's English text); messages of
// 5xx errors are replaced by a generic text.
func (f *Frontend) RenderError(c *fiber.Ctx, status int, message string) error {
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	d := f.newPage(c, "")
	if strings.HasPrefix(c.Path(), "/lang/") {
		// Switching language from here would come back to this error.
		d.Here = "/"
		d.SignInURL = "/signin"
		d.Languages = f.langLinks(d.Lang, "/")
	}
	d.Status = status
	d.Heading, d.Message = f.statusText(d.Lang, status)
	if status < 500 && message != "" {
		d.Detail = message
	}
	d.Title = d.Heading
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := f.render(c, status, "error", d); err != nil {
		// Do not hand this back to the error handler, which would call us again.
		f.log.Error("frontend: render error page", "status", status, "err", err)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(http.StatusText(status))
	}
	return nil
}

// statusKeys maps statuses to their message keys; others use error.client or
// error.server.
var statusKeys = map[int]string{
	http.StatusBadRequest:            "error.400",
	http.StatusUnauthorized:          "error.401",
	http.StatusForbidden:             "error.403",
	http.StatusNotFound:              "error.404",
	http.StatusMethodNotAllowed:      "error.405",
	http.StatusRequestEntityTooLarge: "error.413",
	http.StatusTooManyRequests:       "error.429",
	http.StatusInternalServerError:   "error.500",
	http.StatusServiceUnavailable:    "error.503",
}

// statusText returns the localized heading and default text for status.
func (f *Frontend) statusText(lang string, status int) (heading, text string) {
	key, ok := statusKeys[status]
	if !ok {
		key = "error.client"
		if status >= 500 {
			key = "error.server"
		}
	}
	return f.translate(lang, key+".title"), f.translate(lang, key+".text")
}

// newPage returns the data every page needs.
func (f *Frontend) newPage(c *fiber.Ctx, current string) *pageData {
	lang := f.Lang(c)
	here := safeReturnTo(c.OriginalURL())
	if here == "" {
		here = "/"
	}
	p := otm.PrincipalFromContext(c.UserContext())
	d := &pageData{
		Lang:      lang,
		Current:   current,
		DevMode:   f.cfg.DevMode,
		Principal: p,
		Here:      here,
		SignInURL: "/signin?return_to=" + url.QueryEscape(here),
		Languages: f.langLinks(lang, here),
		NavApply:  p != nil && f.cfg.Profiles != nil,
		NavReview: isCurator(p) && f.cfg.Profiles != nil,
	}
	// Anyone signed in may ask for a reverse mentor; submitting makes them an
	// executive (mentee). The matching workspace is for everyone who curates
	// a program, with or without the global curator role.
	d.NavRequest = p != nil && f.cfg.Profiles != nil && f.cfg.Search != nil
	d.NavPrograms = f.cfg.Profiles != nil
	d.NavPeople = p.HasRole(otm.RoleAdmin) && f.cfg.Identity != nil
	if p != nil && f.cfg.Notify != nil {
		d.NavInbox = true
		if n, err := f.cfg.Notify.Unread(c.UserContext(), p.UserID); err == nil {
			d.Unread = n
		} else {
			f.log.Warn("frontend: unread count", "err", err)
		}
	}
	d.NavMatch = f.cfg.Profiles != nil && f.cfg.Search != nil && f.curatesAny(c, p)
	d.NavTandems = (p.HasRole(otm.RoleMentor) || p.HasRole(otm.RoleMentee)) && f.cfg.Profiles != nil && f.cfg.Search != nil
	return d
}

func (f *Frontend) langLinks(current, here string) []langLink {
	links := make([]langLink, 0, len(languages))
	for _, l := range languages {
		links = append(links, langLink{
			Code:    l,
			Label:   strings.ToUpper(l),
			Name:    f.translate(l, "lang.name"),
			URL:     "/lang/" + l + "?return_to=" + url.QueryEscape(here),
			Current: l == current,
		})
	}
	return links
}

// render executes page in d.Lang into a buffer and sends it with status.
func (f *Frontend) render(c *fiber.Ctx, status int, page string, d *pageData) error {
	tmpl := f.pages[d.Lang][page]
	if tmpl == nil {
		return fmt.Errorf("frontend: no template %q for %q", page, d.Lang)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", d); err != nil {
		f.log.Error("frontend: render page", "page", page, "lang", d.Lang, "err", err)
		return fmt.Errorf("frontend: render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, d.Lang)
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage, "HX-Request")
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return c.Status(status).Send(buf.Bytes())
}

// renderPartial executes the template name of page's set (a fragment, without
// the layout) for htmx requests.
func (f *Frontend) renderPartial(c *fiber.Ctx, status int, page, name string, d *pageData) error {
	tmpl := f.pages[d.Lang][page]
	if tmpl == nil {
		return fmt.Errorf("frontend: no template %q for %q", page, d.Lang)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, d); err != nil {
		f.log.Error("frontend: render fragment", "page", page, "fragment", name, "lang", d.Lang, "err", err)
		return fmt.Errorf("frontend: render %s/%s: %w", page, name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, d.Lang)
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage, "HX-Request")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

// safeReturnTo returns s when it is a same-site relative URL (a path starting
// with a single "/"), and "" otherwise.
func safeReturnTo(s string) string {
	if s == "" || len(s) > 2048 || s[0] != '/' {
		return ""
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return ""
	}
	for i := 0; i < len(s); i++ {
		// Browsers treat "\" like "/" and drop tabs and newlines, so "/\t/x"
		// would become "//x".
		if s[i] == '\\' || s[i] < 0x20 || s[i] == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return s
}

// mustSub is fs.Sub for embedded folders that exist.
func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
