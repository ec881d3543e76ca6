package frontend

import (
	"html"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
)

// curatesAny reports whether p curates a program (global curators and admins
// do; others when a program names them). A failed look-up counts as no.
func (f *Frontend) curatesAny(c *fiber.Ctx, p *otm.Principal) bool {
	if p == nil || f.cfg.Programs == nil {
		return false
	}
	ok, err := f.cfg.Programs.CuratesAny(c.UserContext(), p)
	if err != nil {
		f.log.Warn("frontend: programs curated", "err", err)
	}
	return ok
}

// isCurator reports whether p may review applications.
func isCurator(p *otm.Principal) bool {
	return p.HasRole(otm.RoleCurator) || p.HasRole(otm.RoleAdmin)
}

// formatTime formats t (in UTC) for lang.
func formatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if lang == "de" {
		return t.Format("2.1.2006, 15:04") + " UTC"
	}
	return t.Format("2 Jan 2006, 15:04") + " UTC"
}

// form is a submitted form's values, copied out of the request's buffers.
type form url.Values

// readForm returns the request's form values: URL-encoded or multipart.
func readForm(c *fiber.Ctx) form {
	out := form{}
	ct, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if ct == fiber.MIMEMultipartForm {
		if mf, err := c.MultipartForm(); err == nil {
			for k, vs := range mf.Value {
				for _, v := range vs {
					out[strings.Clone(k)] = append(out[strings.Clone(k)], strings.Clone(v))
				}
			}
		}
		return out
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// get returns the first value of name, or "".
func (f form) get(name string) string {
	if vs := f[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// all returns every value of name.
func (f form) all(name string) []string { return f[name] }

// on reports whether the checkbox name was ticked.
func (f form) on(name string) bool {
	v := f.get(name)
	return v != "" && v != "0" && v != "false"
}

// queryValues returns every non-empty value of the query parameter name.
func queryValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		if len(v) > 0 {
			out = append(out, string(v))
		}
	}
	return out
}

// queryPage reads the 1-based ?page= parameter; "" is page 1. ok is false for
// anything but a positive integer up to max.
func queryPage(c *fiber.Ctx, max int) (int, bool) {
	s := c.Query("page")
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, false
	}
	return n, true
}

// isHTMX reports whether the request is an htmx request that expects the
// fragment target (not a history restore, which needs the whole page).
func isHTMX(c *fiber.Ctx, target string) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true" &&
		(target == "" || c.Get("HX-Target") == target)
}

// toSignIn redirects a visitor to the sign-in page, coming back to returnTo.
func toSignIn(c *fiber.Ctx, returnTo string) error {
	if isHTMX(c, "") {
		// htmx follows redirects in the background; make the browser go.
		c.Set("HX-Redirect", "/signin?return_to="+url.QueryEscape(returnTo))
		return c.SendStatus(http.StatusUnauthorized)
	}
	return c.Redirect("/signin?return_to="+url.QueryEscape(returnTo), http.StatusSeeOther)
}

// fail renders the error page for a service error: EUNAUTHORIZED sends the
// visitor to sign in (coming back to returnTo), the others become the error
// page with the status of package httperr and msg, or the translated rule of
// the error when msg is empty. Internal errors are logged, never shown.
func (f *Frontend) fail(c *fiber.Ctx, err error, returnTo, msg string) error {
	if otm.ErrorCode(err) == otm.EUNAUTHORIZED {
		return toSignIn(c, returnTo)
	}
	status, _, _, internal := httperr.Of(err)
	if internal {
		f.log.Error("frontend: service error", "path", c.Path(), "err", err)
		return f.RenderError(c, status, "")
	}
	if msg == "" {
		msg = f.errorText(c.UserContext(), f.Lang(c), err)
	}
	return f.RenderError(c, status, msg)
}

// RenderFailure renders the error page for err with status (the central
// error handler calls it for paths outside the API): the status's localized
// heading and text, and the translated rule of err where it names one.
func (f *Frontend) RenderFailure(c *fiber.Ctx, status int, err error) error {
	if status >= 500 {
		return f.RenderError(c, status, "")
	}
	return f.RenderError(c, status, f.errorText(c.UserContext(), f.Lang(c), err))
}

// safeHighlight returns a search highlight as HTML. The engine escapes
// everything but its <mark> tags; this checks that promise: text between the
// tags is unescaped and escaped again, and unbalanced tags are dropped, so
// that nothing but <mark> can ever reach the page.
func safeHighlight(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<mark>")
		j := strings.Index(s, "</mark>")
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, "<mark>"
		case j >= 0:
			next, tag = j, "</mark>"
		}
		text := s
		if next >= 0 {
			text = s[:next]
		}
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(text)))
		if next < 0 {
			break
		}
		switch {
		case tag == "<mark>" && !open:
			b.WriteString(tag)
			open = true
		case tag == "</mark>" && open:
			b.WriteString(tag)
			open = false
		}
		s = s[next+len(tag):]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) //nolint:gosec // only <mark> tags and escaped text, see above
}

// splitList splits comma- (or newline-) separated text into trimmed entries.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pathID escapes an id for a URL path segment.
func pathID(id string) string { return url.PathEscape(id) }

// pagerLinks returns the previous and next page links of a list at base with
// the query q ("" where there is none).
func pagerLinks(base string, q url.Values, page, size, total int) (prev, next string) {
	link := func(p int) string {
		l := url.Values{}
		for k := range q {
			l.Set(k, q.Get(k))
		}
		if p > 1 {
			l.Set("page", strconv.Itoa(p))
		}
		if len(l) == 0 {
			return base
		}
		return base + "?" + l.Encode()
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if page*size < total {
		next = link(page + 1)
	}
	return prev, next
}
