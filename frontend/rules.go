package frontend

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/program"
)

// Pages never read an error's English message: they translate its rule key
// with its arguments. A rule's text is the catalog entry "rule.<rule>", or
// "rule.<rule>.<field>" where a field needs its own words; arguments go into
// "{name}" placeholders, ids resolved to localized names (topics, phases,
// languages, countries, organizations, terms).

// ruleVariants names the argument that selects a rule's text variant
// ("rule.<rule>.<value>").
var ruleVariants = map[string]string{otm.RuleLineManagement: "manager"}

// argKinds says, per rule or explanation key, how an argument whose name does
// not say it is to be shown.
var argKinds = map[string]map[string]string{
	otm.RuleNoSharedLanguage: {"mentor": "languages", "mentee": "languages"},
	"timezone.region":        {"mentor": "country", "mentee": "country"},
	"timezone.different":     {"mentor": "country", "mentee": "country"},
	otm.RuleItemLength:       {"value": "text"},
	otm.RuleCapacityReached:  {"mentor": "text"},
}

// kindOf returns how the argument name of key is shown.
func kindOf(key, name string) string {
	if k, ok := argKinds[key][name]; ok {
		return k
	}
	switch name {
	case "phase", "next":
		return "phase"
	case "allowed":
		return "allowed"
	case "organization", "lister", "listed":
		return "organization"
	case "topics":
		return "topics"
	case "languages":
		return "languages"
	case "country":
		return "country"
	case "term":
		return "term"
	case "status":
		return "status"
	case "action":
		return "action"
	case "roles":
		return "roles"
	case "role":
		return "role"
	case "program":
		return "program"
	}
	return "text"
}

// ruleText returns the localized text of rule with args for field (its base
// name, "" for none).
func (f *Frontend) ruleText(ctx context.Context, lang, rule string, args otm.Args, field string) string {
	key := "rule." + rule
	if arg, ok := ruleVariants[rule]; ok {
		if v := fmt.Sprint(args[arg]); f.hasKey(key + "." + v) {
			key += "." + v
		}
	}
	if field != "" && f.hasKey(key+"."+field) {
		key += "." + field
	}
	if !f.hasKey(key) {
		f.log.Warn("frontend: rule without text", "rule", rule, "lang", lang)
		key = "rule.unknown"
	}
	return f.expand(ctx, lang, rule, f.translate(lang, key), args)
}

// fieldText returns the localized message for one offending field.
func (f *Frontend) fieldText(ctx context.Context, lang string, fe otm.FieldError) string {
	base, _, _ := strings.Cut(fe.Field, "[")
	return f.ruleText(ctx, lang, fe.Rule, fe.Args, base)
}

// errorText returns the localized text of an error's rule (or, without
// one, of its first field's), "" when it names none.
func (f *Frontend) errorText(ctx context.Context, lang string, err error) string {
	if rule, args := otm.ErrorRule(err); rule != "" {
		return f.ruleText(ctx, lang, rule, args, "")
	}
	if fe := otm.ErrorFields(err); len(fe) > 0 && fe[0].Rule != "" {
		return f.fieldText(ctx, lang, fe[0])
	}
	return ""
}

// explainText returns the localized text of a match explanation (a factor's
// "why.<key>").
func (f *Frontend) explainText(ctx context.Context, lang, key string, args map[string]any) string {
	if !f.hasKey("why." + key) {
		return key
	}
	return f.expand(ctx, lang, key, f.translate(lang, "why."+key), args)
}

func (f *Frontend) hasKey(key string) bool {
	_, ok := f.catalogs[languages[0]][key]
	return ok
}

// expand fills the "{name}" placeholders of a catalog text with args of key.
func (f *Frontend) expand(ctx context.Context, lang, key, tmpl string, args map[string]any) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i+1:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteString(f.formatArg(ctx, lang, kindOf(key, tmpl[i+1:i+1+j]), args[tmpl[i+1:i+1+j]]))
		tmpl = tmpl[i+j+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// formatArg shows one argument in lang.
func (f *Frontend) formatArg(ctx context.Context, lang, kind string, v any) string {
	list := func(xs []string, each func(string) string, sep string) string {
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			out = append(out, each(x))
		}
		if len(out) == 0 {
			return f.translate(lang, "value.none")
		}
		return strings.Join(out, sep)
	}
	switch kind {
	case "phase":
		if s := str(v); s != "" {
			return f.translate(lang, "value.quoted", f.phaseLabel(lang, s))
		}
		return f.translate(lang, "value.none")
	case "allowed":
		xs := strs(v)
		if len(xs) > 0 && slices.Contains(append(slices.Clone(program.Phases), program.PhaseOpen), xs[0]) {
			return list(xs, func(p string) string { return f.translate(lang, "value.quoted", f.phaseLabel(lang, p)) }, f.translate(lang, "value.or"))
		}
		return list(xs, func(s string) string { return s }, ", ")
	case "organization":
		return f.orgName(ctx, str(v))
	case "topics":
		return list(strs(v), func(id string) string { return f.topicLabel(id, lang) }, ", ")
	case "languages":
		return list(strs(v), func(c string) string { return check.LanguageName(c, lang) }, ", ")
	case "country":
		if s := str(v); s != "" {
			return check.CountryName(s, lang)
		}
		return f.translate(lang, "value.unknown")
	case "term":
		if s := str(v); s != "" {
			return f.termLabel(lang, s)
		}
		return f.translate(lang, "value.noTerm")
	case "roles":
		return list(strs(v), func(r string) string { return f.translate(lang, "value.quoted", f.translate(lang, "role."+r)) }, f.translate(lang, "value.or"))
	case "role":
		return f.translate(lang, "role."+str(v))
	case "program":
		// A program by its name, as notices and e-mails carry it; the
		// open program has a name in every language.
		return f.programNameOf(lang, program.OpenProgram, str(v))
	case "status", "action":
		if s := str(v); f.hasKey(kind + "." + s) {
			return f.translate(lang, kind+"."+s)
		}
		return str(v)
	}
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if lang == "de" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case []string, []any:
		return strings.Join(strs(x), ", ")
	}
	return fmt.Sprint(v)
}

// orgName returns an organization's name, its id when it is unknown.
func (f *Frontend) orgName(ctx context.Context, id string) string {
	if id == "" || f.cfg.Identity == nil {
		return id
	}
	if o, err := f.cfg.Identity.Organization(ctx, id); err == nil && o.Name != "" {
		return o.Name
	}
	return id
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, str(e))
		}
		return out
	}
	return nil
}
