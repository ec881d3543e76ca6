package check

import (
	"strings"
	"testing"
)

func TestReturnTo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/account", "/account"},
		{"/mentors?q=a%20b#top", "/mentors?q=a%20b#top"},
		{"", "/"},
		{"account", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/x", "/"},
		{"/ok\r\nSet-Cookie: x=1", "/"},
		{"/\t/evil.example", "/"},
		{"/auth/dev/login", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	}
	for _, tt := range tests {
		if got := ReturnTo(tt.in); got != tt.want {
			t.Errorf("ReturnTo(%.40q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
