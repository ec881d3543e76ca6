package check

import "testing"

func TestValidCodes(t *testing.T) {
	langs := map[string]bool{"de": true, "en": true, "tr": true, "uk": true, "xx": false, "deu": false, "DE": false, "": false, "zz": false}
	for code, want := range langs {
		if got := ValidLanguage(code); got != want {
			t.Errorf("ValidLanguage(%q): got %v, want %v", code, got, want)
		}
	}
	countries := map[string]bool{"DE": true, "AT": true, "GB": true, "UK": false, "EU": false, "ZZ": false, "XX": false, "de": false, "DEU": false, "419": false}
	for code, want := range countries {
		if got := ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q): got %v, want %v", code, got, want)
		}
	}
	if got := CountryName("DE", "de"); got != "Deutschland" {
		t.Errorf("CountryName(DE, de): got %q", got)
	}
	if got := LanguageName("tr", "en"); got != "Turkish" {
		t.Errorf("LanguageName(tr, en): got %q", got)
	}
}

func TestSpreadsheetCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"text", "Ada Lovelace", "Ada Lovelace"},
		{"a number", "42", "42"},
		{"formula", "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"plus", "+1", "'+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab first", "\t=1", "'\t=1"},
		{"carriage return first", "\r=1", "'\r=1"},
		{"after a zero-width space", "\u200b=1+1", "'\u200b=1+1"},
		{"after a byte order mark", "\ufeff@x", "'\ufeff@x"},
		{"after spaces", "  =1", "'  =1"},
		{"after a no-break space", "\u00a0-1", "'\u00a0-1"},
		{"full-width equals", "＝1+1", "'＝1+1"},
		{"a sign inside", "Mentoring = listening", "Mentoring = listening"},
		{"only invisible", "\u200b ", "\u200b "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpreadsheetCell(tt.in); got != tt.want {
				t.Errorf("SpreadsheetCell(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
