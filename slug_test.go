package opentomentor

import "testing"

func TestSlug(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain", "Mentoring Programme", 40, "mentoring-programme"},
		{"umlaut between spaces", "Kohorte Ö 2027", 40, "kohorte-oe-2027"},
		{"umlaut before digits", "Cohort Ö 2025", 40, "cohort-oe-2025"},
		{"lone umlaut word", "a ä b", 40, "a-ae-b"},
		{"all umlauts and sharp s", "Ä ö Ü ß", 40, "ae-oe-ue-ss"},
		{"umlauts inside words", "Größe Übung", 40, "groesse-uebung"},
		{"leading and trailing punctuation", "--(Team Nord)!!", 40, "team-nord"},
		{"runs of separators", "a  --__//  b", 40, "a-b"},
		{"digits", "2025 Q3 Kohorte 12", 40, "2025-q3-kohorte-12"},
		{"max cuts a word", "abcdefgh", 5, "abcde"},
		{"max ends on a separator", "abc def", 4, "abc"},
		{"max ends after an umlaut", "ab ö cd", 5, "ab-oe"},
		{"empty", "", 40, ""},
		{"only spaces", "   ", 40, ""},
		{"non-Latin", "Привет 世界", 40, ""},
		{"non-Latin around Latin", "Привет Anna 世界", 40, "anna"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slug(tt.in, tt.max); got != tt.want {
				t.Errorf("Slug(%q, %d): got %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}
