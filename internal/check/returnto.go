package check

import (
	"net/url"
	"strings"
)

// ReturnTo returns returnTo when it is a same-site relative path and "/"
// otherwise, so that sign-in can never redirect elsewhere (sign-in's own
// routes under /auth/ neither).
func ReturnTo(returnTo string) string {
	if returnTo == "" || len(returnTo) > 2048 || !strings.HasPrefix(returnTo, "/") ||
		strings.HasPrefix(returnTo, "//") || strings.Contains(returnTo, "\\") || strings.ContainsFunc(returnTo, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/" // no control character anywhere, the fragment included (found by the fuzzer)
	}
	u, err := url.Parse(returnTo)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if strings.HasPrefix(u.Path, "/auth/") {
		return "/"
	}
	return returnTo
}
