package api_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// testPNG returns a w×h PNG of one colour.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{R: 200, G: 80, B: 40, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestIntegrationPhoto: a mentor uploads a photo (re-encoded as JPEG, 400 and
// 96 px); it shows to whom they allow once they consent, never to others
// (404, as for no photo); bad uploads are 400 naming "photo" and change
// nothing; deleting and erasing the account remove it.
func TestIntegrationPhoto(t *testing.T) {
	h, op := newAppHarness(t)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de"})
	_, _ = h.executive(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	kat := h.signInAs(t, op, "kat", "katharina@hanse.example", "Katharina Weber")
	bob := h.signInAs(t, op, "bob", "bob@hanse.example", "Bob Builder")
	anon := &person{b: newBrowser(t), h: h}

	// Bad uploads first: nothing is stored.
	for _, tt := range []struct {
		name string
		body []byte
		rule string
	}{
		{"empty", nil, "required"},
		{"not an image", []byte("hello, this is text"), "one_of"},
		{"too small", testPNG(t, 40, 40), "min_value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ada.call("PUT", "/api/v1/me/mentor-profile/photo", tt.body)
			if status != http.StatusBadRequest || !strings.Contains(mustField(t, out, "photo"), tt.rule) {
				t.Errorf("upload %s: got %d %v, want 400 naming photo with %s", tt.name, status, out, tt.rule)
			}
		})
	}
	if status, out := anon.call("PUT", "/api/v1/me/mentor-profile/photo", testPNG(t, 200, 200)); status != http.StatusUnauthorized {
		t.Errorf("a visitor uploads: got %d %v, want 401", status, out)
	}
	if status, _ := bob.call("PUT", "/api/v1/me/mentor-profile/photo", testPNG(t, 200, 200)); status != http.StatusNotFound {
		t.Errorf("someone without an application uploads: got %d, want 404", status)
	}
	photoURL := h.URL + "/api/v1/mentors/" + adaID + "/photo"
	if resp, _ := ada.b.get(photoURL); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("photo before any upload: got %d, want 404", resp.StatusCode)
	}

	status, out := ada.call("PUT", "/api/v1/me/mentor-profile/photo", testPNG(t, 600, 300))
	if status != http.StatusOK || !strings.HasPrefix(out["photo"].(string), "/api/v1/mentors/"+adaID+"/photo?size=large&v=") {
		t.Fatalf("upload: got %d %v, want 200 with the photo's address", status, out)
	}
	// The owner sees both sizes at once; not consented yet, so nobody else.
	for size, side := range map[string]int{"small": 96, "large": 300} {
		resp, body := ada.b.get(photoURL + "?size=" + size)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("own photo %s: got %d %s", size, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
		if err != nil || cfg.Width != side || cfg.Height != side {
			t.Errorf("own photo %s: got %dx%d (%v), want %dx%d", size, cfg.Width, cfg.Height, err, side, side)
		}
	}
	if resp, _ := ada.b.get(photoURL + "?size=huge"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("size huge: got %d, want 400", resp.StatusCode)
	}
	visible := func(who *person) int {
		resp, _ := who.b.get(photoURL + "?size=small")
		return resp.StatusCode
	}
	for name, who := range map[string]*person{"visitor": anon, "executive": kat, "peer": bob} {
		if got := visible(who); got != http.StatusNotFound {
			t.Errorf("%s before consent: got %d, want 404", name, got)
		}
	}
	if got := visible(cura); got != http.StatusOK {
		t.Errorf("curator before consent: got %d, want 200 (they review applications)", got)
	}

	// Consent, shown to executives (the default): hiding or narrowing applies
	// at once, showing more waits for review, so approve the revision.
	setVisibility := func(vis string) {
		t.Helper()
		body := with(with(validProfile(t), "showPicture", true), "visibility", map[string]any{"interests": "public", "availability": "public", "linkedinUrl": "executives", "photo": vis})
		if status, out := ada.call("PUT", "/api/v1/me/mentor-profile", body); status != http.StatusOK {
			t.Fatalf("visibility %s: got %d %v", vis, status, out)
		}
		if status, out := cura.call("POST", "/api/v1/moderation/applications/"+adaID+"/decision", map[string]any{"decision": "approve"}); status != http.StatusOK {
			t.Fatalf("approve: got %d %v", status, out)
		}
		h.sync(t)
	}
	setVisibility("executives")
	for name, tt := range map[string]struct {
		who  *person
		want int
	}{"visitor": {anon, 404}, "executive": {kat, 200}, "peer": {bob, 404}} {
		if got := visible(tt.who); got != tt.want {
			t.Errorf("%s, shown to executives: got %d, want %d", name, got, tt.want)
		}
	}
	if _, out := kat.call("GET", "/api/v1/mentors/"+adaID, nil); !strings.Contains(out["picture"].(string), "/photo?size=small") {
		t.Errorf("executive's card: got picture %v, want the photo", out["picture"])
	}
	if _, out := anon.call("GET", "/api/v1/mentors/"+adaID, nil); out["picture"] != nil {
		t.Errorf("visitor's card: got picture %v, want none", out["picture"])
	}
	setVisibility("public")
	if got := visible(anon); got != http.StatusOK {
		t.Errorf("visitor, public photo: got %d, want 200", got)
	}
	resp, _ := anon.b.get(photoURL + "?size=small")
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("public photo: got Cache-Control %q, want public", cc)
	}
	if _, out := anon.call("GET", "/api/v1/mentors?q=Ada", nil); !strings.Contains(out["hits"].([]any)[0].(map[string]any)["picture"].(string), "/photo?size=small&v=") {
		t.Errorf("directory hit: got %v, want the photo's address", out["hits"])
	}

	// The owner's export holds the photo.
	if status, ex := ada.call("GET", "/api/v1/me/export", nil); status != http.StatusOK || ex["mentorPhoto"] == nil || ex["mentorPhoto"] == "" {
		t.Errorf("export: got %d, mentorPhoto %.40v; want the photo", status, ex["mentorPhoto"])
	}

	// Deleting: gone for everyone at once.
	if status, out := ada.call("DELETE", "/api/v1/me/mentor-profile/photo", nil); status != http.StatusOK || out["photo"] != nil {
		t.Fatalf("delete: got %d %v", status, out)
	}
	if got := visible(ada); got != http.StatusNotFound {
		t.Errorf("own photo after deleting: got %d, want 404", got)
	}
	if n, err := h.DB.Collection("profile_photos").CountDocuments(context.Background(), map[string]any{}); err != nil || n != 0 {
		t.Errorf("stored photos after deleting: %d, %v; want 0", n, err)
	}

	// Erasing the account deletes a stored photo too.
	if status, _ := ada.call("PUT", "/api/v1/me/mentor-profile/photo", testPNG(t, 200, 200)); status != http.StatusOK {
		t.Fatal("upload again")
	}
	if err := h.Profiles.EraseUser(context.Background(), profileOwner(t, h, adaID)); err != nil {
		t.Fatal(err)
	}
	if n, err := h.DB.Collection("profile_photos").CountDocuments(context.Background(), map[string]any{}); err != nil || n != 0 {
		t.Errorf("stored photos after erasure: %d, %v; want 0", n, err)
	}
}

// profileOwner returns the user id of a profile's owner.
func profileOwner(t *testing.T, h *harness, id string) string {
	t.Helper()
	pr, err := h.Profiles.Lookup(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return pr.OwnerID
}

// mustField returns the rule the problem names for field, or "".
func mustField(t *testing.T, problem map[string]any, field string) string {
	t.Helper()
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok && m["field"] == field {
			rule, _ := m["rule"].(string)
			return rule
		}
	}
	return ""
}
