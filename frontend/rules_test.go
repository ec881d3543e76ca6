package frontend

import (
	"context"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/program"
)

// TestEveryRuleTranslated: every rule key the domain may send, every match
// explanation and every phase action has a text in every language.
func TestEveryRuleTranslated(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range otm.Rules {
		keys = append(keys, "rule."+r)
	}
	for _, k := range matching.ExplainKeys {
		keys = append(keys, "why."+k)
	}
	for _, a := range program.Actions {
		keys = append(keys, "action."+a)
	}
	for _, r := range matchRules {
		keys = append(keys, "match.rule."+r)
	}
	for _, lang := range languages {
		for _, k := range keys {
			if cats[lang][k] == "" {
				t.Errorf("%s: got no text for %q", lang, k)
			}
		}
	}
}

func TestRuleText(t *testing.T) {
	f := mustFrontend(t, Config{})
	ctx := context.Background()
	tests := []struct {
		lang, rule string
		args       otm.Args
		field      string
		want       string
	}{
		{"en", otm.RuleMinLength, otm.Args{"min": 80}, "bio", "Write at least 80 characters."},
		{"de", otm.RuleMinLength, otm.Args{"min": 80}, "bio", "Schreiben Sie mindestens 80 Zeichen."},
		{"de", otm.RuleMinLength, otm.Args{"min": 20}, "goals", "Beschreiben Sie in mindestens 20 Zeichen, was Sie lernen möchten."},
		{"de", otm.RuleNextPhase, otm.Args{"phase": "planning", "next": "registration"}, "phase", "Phasen gehen Schritt für Schritt: Die nächste Phase ist „Registrierung offen“."},
		{"en", otm.RuleWrongPhase, otm.Args{"program": "Spring", "phase": "running", "allowed": []any{"matching", "running"}}, "",
			"Spring is in its phase “Running”; this is possible in the phase “Matching” or “Running”."},
		{"de", otm.RuleNoSharedLanguage, otm.Args{"mentor": []any{"fr"}, "mentee": []string{"de", "en"}}, "",
			"Keine gemeinsame Sprache (Mentor:in: Französisch; Führungskraft: Deutsch, Englisch)."},
		{"de", otm.RuleLineManagement, otm.Args{"manager": "mentee"}, "", "Die Führungskraft ist in der Vorgesetztenkette der Mentor:in."},
		{"en", otm.RuleSameOrganization, otm.Args{"organization": "acme"}, "", "Mentor and executive work for the same organization (acme)."},
		{"en", "no_such_rule", nil, "", "This is not possible."},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.rule, func(t *testing.T) {
			if got := f.ruleText(ctx, tt.lang, tt.rule, tt.args, tt.field); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		lang, key string
		args      map[string]any
		want      string
	}{
		{"de", "timezone.different", map[string]any{"mentor": "DE", "mentee": ""}, "verschiedene oder unbekannte Regionen (Deutschland, unbekannt)"},
		{"de", "topic.shared", map[string]any{"n": 1, "of": 2, "topics": []any{"ai-data"}}, "vermittelt 1 von 2 gewünschten Themen (ai-data)"},
		{"en", "availability.hours", map[string]any{"hours": 2, "term": "quarter", "need": 4.0}, "2 h a month offered; needed: 4 h a month (A quarter)"},
	} {
		if got := f.explainText(ctx, tt.lang, tt.key, tt.args); got != tt.want {
			t.Errorf("explain %s %s: got %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
}

func TestExpand(t *testing.T) {
	f := mustFrontend(t, Config{})
	tests := []struct{ tmpl, want string }{
		{"plain", "plain"},
		{"{n} of {of}", "3 of 5"},
		{"open { brace", "open { brace"},
		{"close } brace {n}", "close } brace 3"},
		{"{missing}!", "!"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := f.expand(context.Background(), "en", "x", tt.tmpl, map[string]any{"n": 3, "of": 5}); got != tt.want {
			t.Errorf("expand(%q): got %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}
