package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPeopleAdmin: an admin finds a person on the German people page
// and makes her a curator; her open session has the review link on her next
// page, without signing in again.
func TestBrowserPeopleAdmin(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgram(t, true, nil)
	browser := startBrowser(t, chromium)
	lena := newTab(t, browser, p.BaseURL)
	lena.name = "lena"
	lena.signIn("Lena Hoffmann")
	if n := eval[int](lena, `document.querySelectorAll('.site-nav a[href="/curate"]').length`); n != 0 {
		t.Fatalf("Lena before: got %d review links, want none", n)
	}
	amira := newTab(t, browser, p.BaseURL)
	amira.name = "amira"
	amira.signIn("Amira Nassar")
	amira.navigate("/lang/de?return_to=%2Fadmin%2Fpeople")
	amira.assertLocation("/admin/people")
	amira.assertPageShows("Personen", "Team-Rollen", "Lena Hoffmann", "Amira Nassar")

	amira.typeInto("#people-q", "hoffm")
	follow(amira, "search for Lena", chromedp.CSS(`form[role="search"] button[type="submit"]`))
	amira.assertPageShows("1 Person\n", "Lena Hoffmann")
	if n := eval[int](amira, `document.querySelectorAll('.people-table tbody tr').length`); n != 1 {
		t.Errorf("search results: got %d rows, want 1", n)
	}
	amira.do("tick Kurator:in for Lena", chromedp.Click(chromedp.Search(`//tr[th[contains(., 'Lena Hoffmann')]]//label[contains(., 'Kurator')]`)))
	follow(amira, "save Lena's roles", chromedp.Search(`//tr[th[contains(., 'Lena Hoffmann')]]//button[@type='submit']`))
	amira.assertPageShows("Die Rollen wurden gespeichert; sie gelten sofort.", "Kurator:in")
	amira.assertNoConsoleErrors()

	// The change is in the audit log, reached from Lena's row without typing an id.
	follow(amira, "open Lena's audit log", chromedp.Search(`//tr[th[contains(., 'Lena Hoffmann')]]//a[contains(@href, '/admin/audit?subject=')]`))
	amira.assertPageShows("Rolle vergeben", "Amira Nassar", "von einem Admin festgelegt", "Kurator:in")

	lena.navigate("/")
	if n := eval[int](lena, `document.querySelectorAll('.site-nav a[href="/curate"]').length`); n != 1 {
		t.Errorf("Lena after the change: got %d review links, want 1 (no new sign-in)", n)
	}
	lena.navigate("/admin/people")
	lena.assertPageShows("Access denied")
}
