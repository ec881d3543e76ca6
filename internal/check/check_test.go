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
