package frontend

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	texttemplate "text/template"

	"github.com/opentomentor/opentomentor/notify"
)

//go:embed templates/mail/*
var mailFS embed.FS

// mailTemplates are the e-mail's two bodies (parsed once by New).
type mailTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func parseMailTemplates() (*mailTemplates, error) {
	t, err := texttemplate.ParseFS(mailFS, "templates/mail/notification.txt")
	if err != nil {
		return nil, fmt.Errorf("frontend: parse mail text: %w", err)
	}
	h, err := htmltemplate.ParseFS(mailFS, "templates/mail/notification.html")
	if err != nil {
		return nil, fmt.Errorf("frontend: parse mail html: %w", err)
	}
	return &mailTemplates{text: t, html: h}, nil
}

// mailView is what both bodies show; every text is translated already.
type mailView struct {
	Lang, Subject, Greeting, Intro string
	Items                          []mailItem
	Why, Settings, SettingsLabel   string
	Unsubscribe, UnsubscribeLabel  string
}

type mailItem struct {
	Title, Body, URL, Open string
}

// RenderMail writes the e-mail for one message or a day's digest in lang
// (notify.Renderer): the same titles and texts as the inbox, a link to each
// message's page, and the settings and unsubscribe links.
func (f *Frontend) RenderMail(ctx context.Context, lang string, to notify.Contact, items []notify.Message, links notify.Links) (*notify.Rendered, error) {
	if !slices.Contains(languages, lang) {
		lang = languages[0]
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("frontend: an e-mail without messages")
	}
	v := mailView{Lang: lang, Greeting: f.translate(lang, "mail.greeting", to.Name),
		Why: f.translate(lang, "mail.why"), Settings: links.Preferences, SettingsLabel: f.translate(lang, "mail.settings"),
		Unsubscribe: links.Unsubscribe, UnsubscribeLabel: f.translate(lang, "mail.unsubscribe")}
	if strings.TrimSpace(to.Name) == "" {
		v.Greeting = f.translate(lang, "mail.greetingNoName")
	}
	for _, m := range items {
		title, body := f.describe(ctx, lang, m)
		link := safeReturnTo(m.Link)
		if link == "" {
			link = "/notifications"
		}
		v.Items = append(v.Items, mailItem{Title: title, Body: body, URL: links.Base + link, Open: f.translate(lang, "mail.open")})
	}
	v.Subject = v.Items[0].Title
	if len(items) > 1 {
		v.Subject = f.translate(lang, "mail.digest.subject", len(items))
		v.Intro = f.translate(lang, "mail.digest.intro")
	}
	var text, html bytes.Buffer
	if err := f.mail.text.Execute(&text, v); err != nil {
		return nil, err
	}
	if err := f.mail.html.Execute(&html, v); err != nil {
		return nil, err
	}
	return &notify.Rendered{Subject: v.Subject, Text: text.String(), HTML: html.String()}, nil
}
