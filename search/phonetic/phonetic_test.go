package phonetic

import (
	"slices"
	"testing"
)

func TestCologne(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Müller-Lüdenscheidt", "65752682"}, // the algorithm's own example
		{"Wikipedia", "3412"},
		{"Breschnew", "17863"},
		{"Meier", "67"}, {"Maier", "67"}, {"Mayer", "67"}, {"Meyer", "67"},
		{"Schmidt", "862"}, {"Schmitt", "862"},
		{"Hoffmann", "0366"}, {"Hofman", "0366"},
		{"Sara", "87"}, {"Sarah", "87"},
		{"Xaver", "4837"}, {"Christian", "47826"}, {"Cäsar", "487"},
	}
	for _, tt := range tests {
		if got := cologne(fold(tt.in)); got != tt.want {
			t.Errorf("cologne(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSoundex(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Robert", "R163"}, {"Rupert", "R163"}, {"Rubin", "R150"}, {"Ashcraft", "A261"}, {"Tymczak", "T522"},
		{"Pfister", "P236"}, {"Thompson", "T512"}, {"Thomson", "T525"}, {"Lee", "L000"},
	}
	for _, tt := range tests {
		if got := soundex(fold(tt.in)); got != tt.want {
			t.Errorf("soundex(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCodes(t *testing.T) {
	alike := [][2]string{{"Maier", "Meyer"}, {"Sara", "Sarah"}, {"Hofman", "Hoffmann"}, {"Schmitt", "Schmidt"}, {"Jörg", "Joerg"}, {"Smith", "Smyth"}}
	for _, p := range alike {
		if a, b := Codes(p[0]), Codes(p[1]); !slices.ContainsFunc(a, func(c string) bool { return slices.Contains(b, c) }) {
			t.Errorf("%s %v and %s %v share no code, want them alike", p[0], a, p[1], b)
		}
	}
	unlike := [][2]string{{"Maier", "Weber"}, {"Lena", "Jonas"}, {"Hoffmann", "Hartmann"}, {"Nora", "Meyer"}, {"Joffmann", "Hoffmann"}}
	for _, p := range unlike {
		if a, b := Codes(p[0]), Codes(p[1]); slices.ContainsFunc(a, func(c string) bool { return slices.Contains(b, c) }) {
			t.Errorf("%s %v and %s %v share a code, want them apart", p[0], a, p[1], b)
		}
	}
	for _, in := range []string{"", "123", "—", "\xff"} {
		if got := Codes(in); got != nil {
			t.Errorf("Codes(%q): got %v, want none", in, got)
		}
	}
}
