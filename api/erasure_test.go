package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	otm "github.com/opentomentor/opentomentor"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/oidctest"
)

// TestIntegrationErasureResumes: the search engine is down when a mentor
// deletes their account. They are signed out and their user record is gone at
// once; what the job could not erase waits for the sweep, meanwhile signing in
// as them is refused; the sweep's run finishes it, a second run finds nothing
// to do, and the log holds one account.delete entry.
func TestIntegrationErasureResumes(t *testing.T) {
	ctx := context.Background()
	h, op := newAppHarness(t)
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	ada, id := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	h.sync(t)

	h.Faults.failDeletes.Store(true)
	if status, out := ada.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("DELETE /me: got %d %v, want 204", status, out)
	}
	if _, status := h.me(ada.b); status != http.StatusUnauthorized {
		t.Errorf("session after deletion: got %d, want 401", status)
	}
	if _, err := h.IDs.User(ctx, ada.me.ID); err == nil {
		t.Errorf("user record survived the request")
	}
	var job struct {
		Attempts  int    `bson:"attempts"`
		LastError string `bson:"lastError"`
	}
	if err := h.DB.Collection("erasures").FindOne(ctx, bson.D{{Key: "_id", Value: ada.me.ID}}).Decode(&job); err != nil || job.Attempts != 1 || !strings.Contains(job.LastError, "search") {
		t.Errorf("erasure job: got %+v, %v, want one failed attempt naming the search index", job, err)
	}

	// Signing in again would meet the old account's remains: refused.
	op.Set(func(p *oidctest.Provider) {
		p.User = oidctest.User{Subject: "ada", Email: "ada@nordlicht.example", Name: "Ada Lovelace", EmailVerified: true}
	})
	b := newBrowser(t)
	resp, body := b.get(h.toCallback(b, "op", "/", "", ""))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "still being deleted") {
		t.Errorf("sign-in while erasing: got %d %.300s, want 409 saying the account is still being deleted", resp.StatusCode, body)
	}

	h.Faults.failDeletes.Store(false)
	for run, want := range []int{1, 0} {
		if n, err := h.Accounts.FinishErasures(ctx, 0); err != nil || n != want {
			t.Errorf("FinishErasures run %d: got %d, %v, want %d, nil", run+1, n, err, want)
		}
	}
	h.sync(t)
	anon := newBrowser(t)
	if status, _ := anon.jsonCall("GET", h.URL+"/api/v1/mentors/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("erased mentor by id: got %d, want 404", status)
	}
	if _, err := h.Idx.Get(ctx, id); err == nil {
		t.Errorf("erased mentor still in the search index")
	}
	if left, err := h.Log.ByUser(ctx, ada.me.ID); err != nil || len(left) != 0 {
		t.Errorf("audit entries still name the user: %d (%v)", len(left), err)
	}
	if n, err := h.DB.Collection("audit_log").CountDocuments(ctx, bson.D{{Key: "action", Value: audit.ActionAccountDelete}}); err != nil || n != 1 {
		t.Errorf("account.delete entries: got %d (%v), want 1", n, err)
	}
	if pending, err := h.Accounts.Pending(ctx, ada.me.ID); err != nil || pending {
		t.Errorf("Pending after the sweep: got %v, %v, want false", pending, err)
	}
	again := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	if status, _ := again.call("GET", "/api/v1/me/mentor-profile", nil); status != http.StatusNotFound {
		t.Errorf("profile after erasure and a new sign-in: got %d, want 404", status)
	}
}

// TestIntegrationDeleteNeedsRecentSignIn: an hour after signing in, deleting
// the account asks for a new sign-in and erases nothing.
func TestIntegrationDeleteNeedsRecentSignIn(t *testing.T) {
	ctx := context.Background()
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	if _, err := h.DB.Collection("sessions").UpdateMany(ctx, bson.D{{Key: "userId", Value: ada.me.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "createdAt", Value: time.Now().Add(-time.Hour)}}}}); err != nil {
		t.Fatal(err)
	}
	status, out := ada.call("DELETE", "/api/v1/me", nil)
	if status != http.StatusForbidden || out["rule"] != otm.RuleRecentSignIn {
		t.Fatalf("DELETE an hour after signing in: got %d %v, want 403 recent_sign_in", status, out)
	}
	if _, err := h.IDs.User(ctx, ada.me.ID); err != nil {
		t.Errorf("user after the refusal: %v, want still there", err)
	}
	again := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	if status, out := again.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Errorf("DELETE right after signing in again: got %d %v, want 204", status, out)
	}
}
