package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPhotoUpload: Lena saves a draft and uploads a photo on her application page
// through the file field; the page shows it cropped to a square (400 px),
// then she removes it.
func TestBrowserPhotoUpload(t *testing.T) {
	chromium := chromiumPath(t) // skip before booting the platform
	p := startProgramWith(t, &DemoOptions{Mentors: 5})
	browser := startBrowser(t, chromium)
	m := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			m.Set(x, y, color.RGBA{R: uint8(x / 3), G: 120, B: uint8(y / 2), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "me.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, browser, p.BaseURL)
	b.signIn("Lena Hoffmann")
	b.navigate("/apply")
	// A photo belongs to an application: save a first draft.
	b.typeInto("#f-headline", "Data analyst who explains AI to leaders")
	follow(b, "save the draft", chromedp.CSS(`#apply-form .form-actions button[type="submit"]:not([formaction])`))
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#f-photo`), []string{file}))
	follow(b, "upload the photo", chromedp.CSS(`form[action="/apply/photo"] button[type="submit"]`))
	b.assertPageShows("Your photo is saved.")
	b.waitFor("the photo to load", `(() => { const i = document.querySelector('img.photo-preview'); return i && i.complete && i.naturalWidth > 0 })()`)
	if w, h := eval[float64](b, `document.querySelector('img.photo-preview').naturalWidth`), eval[float64](b, `document.querySelector('img.photo-preview').naturalHeight`); w != 400 || h != 400 {
		t.Errorf("photo shown: got %.0f×%.0f, want 400×400 (the centred square)", w, h)
	}
	b.checkA11y()
	follow(b, "remove the photo", chromedp.CSS(`form[action="/apply/photo/delete"] button[type="submit"]`))
	b.assertPageShows("Your photo is removed.")
	if eval[bool](b, `document.querySelector('img.photo-preview') !== null`) {
		t.Error("photo after removing: still shown")
	}
	b.assertNoConsoleErrors()
}
