package api_test

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opentomentor/opentomentor/api"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

// TestIntegrationRequestLimits: reads and writes are limited a minute, per
// signed-in person or per client address for visitors; beyond the limit the
// answer is 429 problem+json with Retry-After, and one client's excess does
// not hold up anyone else.
func TestIntegrationRequestLimits(t *testing.T) {
	op := oidctest.New(t)
	h := newHarness(t, func(string) []identity.ProviderConfig { return []identity.ProviderConfig{testProvider("op", op)} },
		func(_ *identity.Config, ac *apiConfig) { ac.ReadsPerMinute, ac.WritesPerMinute = 12, 3 })
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	bob := h.signInAs(t, op, "bob", "bob@hanse.example", "Bob Builder")

	// untilRefused reads path until the limit answers; it must within max calls.
	untilRefused := func(who string, get func() *http.Response, max int) {
		t.Helper()
		for i := range max {
			resp := get()
			if resp.StatusCode == http.StatusOK {
				continue
			}
			retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			if resp.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 60 ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("%s, read %d: got %d, Retry-After %q, %s; want 429 problem+json with Retry-After 1–60",
					who, i+1, resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"))
			}
			return
		}
		t.Fatalf("%s: %d reads in a minute all answered 200, want 429 beyond 12", who, max)
	}
	anon := newBrowser(t)
	untilRefused("a visitor", func() *http.Response { r, _ := anon.get(h.URL + "/api/v1/programs"); return r }, 13)
	if status, _ := ada.call("GET", "/api/v1/programs", nil); status != http.StatusOK {
		t.Errorf("Ada reading after the visitors' limit: got %d, want 200 (her own count)", status)
	}
	untilRefused("Ada", func() *http.Response { r, _ := ada.b.get(h.URL + "/api/v1/programs"); return r }, 13)
	if status, _ := bob.call("GET", "/api/v1/programs", nil); status != http.StatusOK {
		t.Errorf("Bob reading after Ada's limit: got %d, want 200", status)
	}

	for i := range 3 {
		if status, out := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t)); status != http.StatusOK {
			t.Fatalf("write %d: got %d %v, want 200", i+1, status, out)
		}
	}
	status, out := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	if status != http.StatusTooManyRequests || out["rule"] != "rate_limit" {
		t.Errorf("4th write in a minute: got %d %v, want 429 with the rule rate_limit", status, out)
	}
	if status, out := bob.call("PUT", "/api/v1/me/mentor-profile", validProfile(t)); status != http.StatusOK {
		t.Errorf("Bob writing after Ada's limit: got %d %v, want 200", status, out)
	}
}

// TestIntegrationSearchLimit: at the default limits, 300 rapid anonymous
// searches from one address get 429s, while a visitor at another address
// is served.
func TestIntegrationSearchLimit(t *testing.T) {
	h, _ := newAppHarness(t)
	from := func(ip string) *http.Client {
		t.Helper()
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	}
	search := func(c *http.Client, q string) int {
		t.Helper()
		resp, err := c.Get(h.URL + "/api/v1/mentors?q=" + q)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	scraper, other := from("127.0.0.1"), from("127.0.0.2")
	refused, served := 0, 0
	for i := range 300 {
		switch status := search(scraper, "daten"+strconv.Itoa(i%7)); status {
		case http.StatusOK:
			served++
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("search %d: got %d", i+1, status)
		}
	}
	if served != api.DefaultSearchesPerMinute || refused != 300-api.DefaultSearchesPerMinute {
		t.Errorf("one address, 300 searches: %d served, %d refused; want %d served, the rest 429", served, refused, api.DefaultSearchesPerMinute)
	}
	if status := search(other, "daten"); status != http.StatusOK {
		t.Errorf("a visitor at another address: got %d, want 200", status)
	}
}
