package frontend

import (
	"html/template"

	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/search"
)

// cardView is a mentor as the directory shows it: the public card. The
// application form's preview uses the same view and template.
type cardView struct {
	URL          string // the profile page; empty in the preview
	Name         string
	NameHTML     template.HTML // search highlight of the name, if it matched
	Initial      string
	Picture      string
	Organization string
	OrgVerified  bool
	Headline     string
	HeadlineHTML template.HTML
	BioHTML      template.HTML // a highlighted fragment of the bio, if it matched
	Topics       []string      // labels
	Languages    []string      // names
	Country      string        // name
	Hours        int           // 0: not public
	Interests    []string      // only when public
}

// topicLabel returns topic id's label in lang, or the id for unknown topics.
func (f *Frontend) topicLabel(id, lang string) string {
	if f.cfg.Profiles != nil {
		for _, t := range f.cfg.Profiles.Topics() {
			if t.ID == id {
				return t.Label(lang)
			}
		}
	}
	return id
}

func (f *Frontend) topicLabels(ids []string, lang string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, f.topicLabel(id, lang))
	}
	return out
}

func languageNames(codes []string, lang string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, check.LanguageName(c, lang))
	}
	return out
}

func countryName(code, lang string) string {
	if code == "" {
		return ""
	}
	return check.CountryName(code, lang)
}

// card returns the public card of d in lang, with hit's highlights if any.
func (f *Frontend) card(d *search.Document, highlights map[string]string, lang string) cardView {
	v := cardView{
		Name: d.Name, Initial: initial(d.Name), Picture: d.Picture,
		Organization: d.Organization, OrgVerified: d.OrgVerified, Headline: d.Headline,
		Topics: f.topicLabels(d.Topics, lang), Languages: languageNames(d.Languages, lang),
		Country: countryName(d.Country, lang), Hours: d.HoursPerMonth, Interests: d.Interests,
	}
	if d.ID != "" {
		v.URL = "/mentors/" + pathID(d.ID)
	}
	if h := highlights["name"]; h != "" {
		v.NameHTML = safeHighlight(h)
	}
	if h := highlights["headline"]; h != "" {
		v.HeadlineHTML = safeHighlight(h)
	}
	if h := highlights["bio"]; h != "" {
		v.BioHTML = safeHighlight(h)
	}
	return v
}
