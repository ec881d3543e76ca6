package frontend

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/opentomentor/opentomentor/profile"
)

// sendFile posts a multipart form with one file (field "photo") and the
// CSRF token.
func sendFile(tb testing.TB, app *fiber.App, target, csrf, filename string, content []byte, header map[string]string) response {
	tb.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("csrf_token", csrf); err != nil {
		tb.Fatal(err)
	}
	if content != nil {
		fw, err := w.CreateFormFile("photo", filename)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		tb.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// squarePNG returns a side×side PNG.
func squarePNG(tb testing.TB, side int) []byte {
	tb.Helper()
	m := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range m.Pix {
		m.Pix[i] = 0x80
	}
	m.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestApplyPhoto: the application page uploads a photo (shown in its
// section), says in the page's language why a file is refused, and removes
// the photo; the photo's visibility is a field of the application.
func TestApplyPhoto(t *testing.T) {
	e := newPagesEnv(t)
	e.submitApplication(t, lena)
	app := e.app(t, lena)
	id := profile.ProfileIDFor(lena.UserID)
	r := do(t, app, "/apply", langHeader("en"))
	assertBody(t, r.body, []string{`<h2 id="photo-title">Your photo</h2>`, `action="/apply/photo" enctype="multipart/form-data"`,
		`accept="image/jpeg,image/png,image/webp"`, `<select id="f-vis-photo" name="vis_photo"`, `<option value="executives" selected>`},
		[]string{`class="photo-preview"`, `action="/apply/photo/delete"`})

	refusals := []struct {
		name, lang string
		file       []byte
		want       string
	}{
		{"no file", "en", nil, "Choose a photo to upload."},
		{"not an image", "en", []byte("just some text"), "Choose a JPEG, PNG or WebP image."},
		{"too small (de)", "de", squarePNG(t, 50), "Das Foto muss mindestens 96×96 Pixel groß sein."},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := sendFile(t, app, "/apply/photo", lena.CSRFToken, "me.png", tt.file, langHeader(tt.lang))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422; body: %.400s", r.status, r.body)
			}
			assertBody(t, r.body, []string{`id="err-photo" role="alert">` + tt.want, `aria-describedby="hint-photo err-photo" aria-invalid="true" autofocus`}, nil)
		})
	}
	if pr, _ := e.Profiles.Lookup(t.Context(), id); pr.Photo != "" {
		t.Fatalf("photo after refused uploads: got %q, want none", pr.Photo)
	}

	assertRedirect(t, sendFile(t, app, "/apply/photo", lena.CSRFToken, "me.png", squarePNG(t, 200), nil), "/apply?done=photo#photo")
	pr, err := e.Profiles.Lookup(t.Context(), id)
	if err != nil || pr.Photo == "" {
		t.Fatalf("photo after upload: got %v, %v; want a version", pr, err)
	}
	r = do(t, app, "/apply?done=photo", langHeader("en"))
	assertBody(t, r.body, []string{"Your photo is saved.", `class="photo-preview" src="` + attrEscaped(profile.PhotoURL(id, pr.Photo, profile.PhotoLarge)) + `"`,
		`action="/apply/photo/delete"`}, nil)
	// Someone else's token does not upload.
	if r := sendFile(t, app, "/apply/photo", "not-the-token", "me.png", squarePNG(t, 200), nil); r.status != http.StatusForbidden {
		t.Errorf("upload without the CSRF token: got %d, want 403", r.status)
	}
	assertRedirect(t, send(t, app, http.MethodPost, "/apply/photo/delete", url.Values{"csrf_token": {lena.CSRFToken}}, nil), "/apply?done=photoRemoved#photo")
	if pr, _ := e.Profiles.Lookup(t.Context(), id); pr.Photo != "" {
		t.Errorf("photo after removing: got %q, want none", pr.Photo)
	}
}

// attrEscaped escapes & as templates do in attributes.
func attrEscaped(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte("&"), []byte("&amp;")))
}
