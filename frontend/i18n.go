package frontend

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/gofiber/fiber/v2"
)

//go:embed i18n/*.json
var catalogFS embed.FS

// languages are the supported languages; the first is the default.
var languages = []string{"en", "de"}

// catalog maps a message key to its text, a fmt format when it takes arguments.
type catalog map[string]string

// loadCatalogs reads i18n/<lang>.json and any i18n/<lang>.<part>.json for
// every language (a key may be defined once per language) and checks that all
// of them have the same keys and no empty text.
func loadCatalogs() (map[string]catalog, error) {
	cats := make(map[string]catalog, len(languages))
	for _, lang := range languages {
		files, _ := fs.Glob(catalogFS, "i18n/"+lang+".*json")
		files = append(files, "i18n/"+lang+".json")
		cat := catalog{}
		for _, name := range slices.Compact(slices.Sorted(slices.Values(files))) {
			b, err := catalogFS.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("frontend: read %s catalog: %w", lang, err)
			}
			var part catalog
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("frontend: parse %s: %w", name, err)
			}
			for k, v := range part {
				if strings.TrimSpace(v) == "" {
					return nil, fmt.Errorf("frontend: %s: empty message %q", name, k)
				}
				if _, dup := cat[k]; dup {
					return nil, fmt.Errorf("frontend: %s: message %q is defined twice", name, k)
				}
				cat[k] = v
			}
		}
		cats[lang] = cat
	}
	if err := compareCatalogs(cats); err != nil {
		return nil, err
	}
	return cats, nil
}

// compareCatalogs returns an error naming the keys that some catalog lacks.
func compareCatalogs(cats map[string]catalog) error {
	var missing []string
	for _, a := range languages {
		for key := range cats[a] {
			for _, b := range languages {
				if _, ok := cats[b][key]; !ok {
					missing = append(missing, fmt.Sprintf("%s (in %s, not in %s)", key, a, b))
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("frontend: catalogs differ: %s", strings.Join(missing, ", "))
	}
	return nil
}

// translate returns the message key in lang, formatted with args when given. An
// unknown key falls back to English, then to the key itself.
func (f *Frontend) translate(lang, key string, args ...any) string {
	msg, ok := f.catalogs[lang][key]
	if !ok {
		if msg, ok = f.catalogs[languages[0]][key]; !ok {
			f.log.Warn("frontend: unknown message key", "key", key, "lang", lang)
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Lang returns the request's language: the otm_lang cookie when it names a
// supported language, else the best supported match of Accept-Language, else
// English.
func (f *Frontend) Lang(c *fiber.Ctx) string {
	if l := strings.ToLower(c.Cookies(langCookie)); slices.Contains(languages, l) {
		return l
	}
	return matchAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// matchAcceptLanguage returns the supported language with the highest quality in
// an Accept-Language header (RFC 9110), matching on the primary subtag; ties go
// to the earlier entry. It returns the default language when none matches.
func matchAcceptLanguage(header string) string {
	best, bestQ := languages[0], 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
				v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
				if err != nil || v < 0 || v > 1 {
					v = 0
				}
				q = v
			}
		}
		primary, _, _ := strings.Cut(tag, "-")
		lang := primary
		if primary == "*" {
			lang = languages[0]
		} else if !slices.Contains(languages, primary) {
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// templateKeys returns the literal message keys used as {{t "key" …}} in every
// template of set, sorted and without duplicates.
func templateKeys(set *template.Template) []string {
	seen := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, cmd := range n.Cmds {
				walk(cmd)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						seen[s.Text] = true
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil {
			walk(t.Tree.Root)
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
