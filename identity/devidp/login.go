package devidp

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
)

// maxFormBytes bounds the sign-in form body.
const maxFormBytes = 16 << 10

// pageData feeds the sign-in page template.
type pageData struct {
	Title         string
	Action        string // form action: the issuer path + "/login"
	AuthRequestID string
	ClientID      string
	Personas      []Persona
	Email         string
	Name          string
	Error         string // shown above the forms
	Fatal         bool   // the request cannot continue: show the message only
	LoggedOut     bool
	MaxEmail      int
	MaxName       int
}

// serveLogin shows the sign-in page (GET) and accepts it (POST).
//
// CSRF: every form posts the authRequestID, a 256-bit random value that only
// the browser that went through /authorize has seen; the POST is accepted
// only while that auth request exists, has not expired and has not been
// completed. A forged POST would need the ID, and even then it could only
// complete a request the forger started, whose state the victim's relying
// party would reject.
func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		id := r.URL.Query().Get("authRequestID")
		ar, err := p.store.pendingAuthRequest(id)
		if err != nil {
			p.renderFatal(w, err)
			return
		}
		// A login_hint that is an e-mail address pre-fills the form.
		hint := ""
		if validEmail(ar.loginHint) {
			hint = ar.loginHint
		}
		p.render(w, http.StatusOK, p.formData(ar, hint, "", ""))
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			p.render(w, http.StatusBadRequest, pageData{Fatal: true, Error: "The form could not be read. Please go back to the application and sign in again."})
			return
		}
		id := r.PostForm.Get("authRequestID")
		ar, err := p.store.pendingAuthRequest(id)
		if err != nil {
			p.renderFatal(w, err)
			return
		}
		rawEmail, rawName := r.PostForm.Get("email"), r.PostForm.Get("name")
		email, name, msg := validateIdentity(rawEmail, rawName)
		if msg != "" {
			p.render(w, http.StatusBadRequest, p.formData(ar, rawEmail, rawName, msg))
			return
		}
		if err := p.store.completeSignIn(id, email, name); err != nil {
			p.renderFatal(w, err)
			return
		}
		p.log.InfoContext(r.Context(), "development sign-in", "client_id", ar.clientID, "email", email, "sub", Subject(email))
		// 303: the browser follows with a GET to op's callback, which issues
		// the code and redirects to the client's redirect_uri.
		http.Redirect(w, r, p.issuer+callbackPath+"?id="+url.QueryEscape(id), http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// serveLoggedOut is where end_session sends the browser when the client gave
// no post_logout_redirect_uri.
func (p *Provider) serveLoggedOut(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p.render(w, http.StatusOK, pageData{Title: "Signed out", LoggedOut: true, Fatal: true})
}

func (p *Provider) formData(ar *authRequest, email, name, msg string) pageData {
	return pageData{
		Title:         "Development sign-in",
		Action:        p.prefix + loginPath,
		AuthRequestID: ar.id,
		ClientID:      ar.clientID,
		Personas:      p.personas,
		Email:         email,
		Name:          name,
		Error:         msg,
		MaxEmail:      MaxEmailLength,
		MaxName:       MaxNameLength,
	}
}

func (p *Provider) renderFatal(w http.ResponseWriter, err error) {
	msg := "This sign-in request is unknown or has expired. Please go back to the application and sign in again."
	if errors.Is(err, errAlreadyDone) {
		msg = "This sign-in request has already been completed. Please go back to the application and sign in again."
	}
	p.render(w, http.StatusBadRequest, pageData{Title: "Development sign-in", Fatal: true, Error: msg})
}

func (p *Provider) render(w http.ResponseWriter, status int, data pageData) {
	var buf bytes.Buffer
	if err := p.page.Execute(&buf, data); err != nil {
		p.log.Error("render sign-in page", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// No form-action: browsers apply it to the redirect chain that ends at
	// the client's redirect_uri on another origin.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func parsePage() (*template.Template, error) {
	return template.New("page").Parse(pageHTML)
}

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}} · opentomentor</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f4f5f7}
main{max-width:34rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:1.5rem 0 .25rem}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
.banner{background:#fff4ce;border:2px solid #b7791f;border-radius:.5rem;padding:.75rem 1rem;font-weight:600}
.banner p{margin:0}
.banner p+p{margin-top:.35rem;font-weight:400}
.card{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1rem 1.25rem;margin-top:1rem}
.muted{color:#57606a;font-size:.9rem}
.error{background:#ffebe9;border:1px solid #cf222e;color:#82071e;border-radius:.5rem;padding:.6rem 1rem;margin-top:1rem}
.personas{list-style:none;margin:0;padding:0}
.personas li+li{margin-top:.5rem}
.personas form{margin:0}
.persona{display:block;width:100%;text-align:left;background:#f6f8fa;border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem .9rem;font:inherit;color:inherit;cursor:pointer}
.persona:hover,.persona:focus{background:#eaeef2;border-color:#0969da}
.persona strong{display:block}
.persona span{display:block;color:#57606a;font-size:.9rem}
label{display:block;font-weight:600;margin-top:.75rem}
input[type=email],input[type=text]{display:block;width:100%;padding:.5rem .6rem;margin-top:.25rem;font:inherit;border:1px solid #8c959f;border-radius:.375rem}
input:focus{outline:2px solid #0969da;outline-offset:1px}
.submit{margin-top:1rem;background:#1f883d;color:#fff;border:0;border-radius:.375rem;padding:.55rem 1.1rem;font:inherit;font-weight:600;cursor:pointer}
.submit:hover,.submit:focus{background:#1a7f37}
</style>
</head>
<body>
<main>
<div class="banner" role="alert">
<p>Development sign-in — this provider vouches for any e-mail you type; never use it in production.</p>
<p lang="de">Entwicklungs-Anmeldung — dieser Anbieter bestätigt jede eingegebene E-Mail-Adresse; niemals in der Produktion verwenden.</p>
</div>
<h1>{{.Title}}</h1>
{{- if .LoggedOut}}
<p>You have been signed out. <span lang="de">Sie wurden abgemeldet.</span></p>
{{- end}}
{{- if .Error}}
<p class="error" role="alert">{{.Error}}</p>
{{- end}}
{{- if not .Fatal}}
<p class="muted">Signing in to <strong>{{.ClientID}}</strong>.</p>
{{- if .Personas}}
<section class="card">
<h2>Sign in as a persona</h2>
<ul class="personas">
{{- range .Personas}}
<li><form method="post" action="{{$.Action}}">
<input type="hidden" name="authRequestID" value="{{$.AuthRequestID}}">
<input type="hidden" name="email" value="{{.Email}}">
<input type="hidden" name="name" value="{{.Name}}">
<button type="submit" class="persona"><strong>{{.Name}}</strong>{{if .Description}}<span>{{.Description}}</span>{{end}}<span>{{.Email}}</span></button>
</form></li>
{{- end}}
</ul>
</section>
{{- end}}
<section class="card">
<h2>Sign in as anyone</h2>
<form method="post" action="{{.Action}}">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
<label for="email">E-mail</label>
<input type="email" id="email" name="email" value="{{.Email}}" maxlength="{{.MaxEmail}}" required autocomplete="email" placeholder="anna@example.org">
<label for="name">Name</label>
<input type="text" id="name" name="name" value="{{.Name}}" maxlength="{{.MaxName}}" required autocomplete="name" placeholder="Anna Beispiel">
<button type="submit" class="submit">Sign in</button>
</form>
</section>
{{- end}}
</main>
</body>
</html>
`
