package check

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzReturnTo checks that sign-in only ever returns to a same-site
// relative path: what ReturnTo keeps starts with one "/" (not "//" nor
// "/\"), has no scheme, host or user, no backslash and no control
// character (browsers drop tabs and newlines, so "/\t/x" would be "//x"),
// is not under /auth/, and is the input unchanged; anything else is "/".
func FuzzReturnTo(f *testing.F) {
	for _, s := range []string{
		"/programs/2025?tab=pairs#top",
		"/",
		"",
		"//evil.example",
		"/\\evil.example",
		"/\t/evil.example",
		"/\r\n/evil.example",
		"/a\r\nSet-Cookie: x=1",
		"javascript:alert(1)",
		"/javascript:alert(1)",
		"https://evil.example/",
		"/\u200b=cmd",
		"/\x00",
		"/\x7f/evil.example",
		"\xff/",
		"/%2F%2Fevil.example",
		"/auth/oidc/callback",
		"/%61uth/oidc/callback",
		"/<script>alert(1)</script>",
		"/" + strings.Repeat("a", 2047),
		"/" + strings.Repeat("a", 2048),
		"/\u3000/evil.example",
		"/\uff0f/evil.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := ReturnTo(in)
		if got == "/" {
			return
		}
		if got != in {
			t.Fatalf("ReturnTo(%q) = %q, want the input or \"/\"", in, got)
		}
		if len(got) > 2048 {
			t.Fatalf("ReturnTo kept %d bytes", len(got))
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("ReturnTo(%q) kept a path that is not same-site relative", in)
		}
		if strings.Contains(got, "\\") {
			t.Fatalf("ReturnTo(%q) kept a backslash", in)
		}
		// ASCII control characters are what browsers strip or stop at; C1
		// controls are only percent-encoded, which keeps the path a path.
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] == 0x7f {
				t.Fatalf("ReturnTo(%q) kept the control character %q at %d", in, got[i], i)
			}
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("ReturnTo(%q) kept an unparsable URL: %v", in, err)
		}
		if u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("ReturnTo(%q) kept scheme %q host %q user %v opaque %q", in, u.Scheme, u.Host, u.User, u.Opaque)
		}
		if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "/auth/") {
			t.Fatalf("ReturnTo(%q) kept path %q", in, u.Path)
		}
		// Resolved against the site, it stays on the site.
		base, _ := url.Parse("https://otm.example/start")
		if r := base.ResolveReference(u); r.Scheme != "https" || r.Host != "otm.example" {
			t.Fatalf("ReturnTo(%q) resolves to %s", in, r)
		}
	})
}
