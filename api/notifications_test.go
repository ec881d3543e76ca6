package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/opentomentor/opentomentor/mongostore"
)

// TestIntegrationNotifications: each event puts one message into each
// recipient's inbox — never a private goal or a reason meant for others —
// and reading them clears the count.
func TestIntegrationNotifications(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	inbox := func(p *person) ([]map[string]any, float64) {
		t.Helper()
		status, out := p.call("GET", "/api/v1/me/notifications", nil)
		if status != http.StatusOK {
			t.Fatalf("inbox: %d %v", status, out)
		}
		var items []map[string]any
		for _, it := range out["items"].([]any) {
			items = append(items, it.(map[string]any))
		}
		return items, out["unread"].(float64)
	}
	types := func(items []map[string]any) string {
		var ts []string
		for _, it := range items {
			ts = append(ts, it["type"].(string))
		}
		return strings.Join(ts, ",")
	}

	id := proposeAdaToKat(t, h, ada, kat, cura, "Strictly private: I struggle with our TikTok strategy and want to learn it quietly.")

	items, unread := inbox(ada)
	if got := types(items); got != "tandem.proposed,application.decided,role.granted" || unread != 3 {
		t.Errorf("Ada's inbox: got %s (%v unread), want the proposal, the mentor role and the approval", got, unread)
	}
	if p := items[0]["args"].(map[string]any)["partner"]; p != "Katharina Weber" {
		t.Errorf("Ada's proposal: got partner %v, want Katharina Weber", p)
	}
	raw, _ := json.Marshal(items)
	if strings.Contains(string(raw), "TikTok") {
		t.Errorf("the mentor's inbox reveals the executive's goals: %s", raw)
	}
	ada.call("POST", "/api/v1/me/tandems/"+id+"/accept", nil)
	kat.call("POST", "/api/v1/me/tandems/"+id+"/accept", nil)
	kitems, _ := inbox(kat)
	if got := types(kitems); !strings.HasPrefix(got, "tandem.running,tandem.answered,tandem.proposed,role.granted") {
		t.Errorf("Katharina's inbox: got %s, want running, Ada's answer, the proposal, the mentee role", got)
	}
	if a := kitems[1]["args"].(map[string]any)["answer"]; a != "accepted" {
		t.Errorf("Ada's answer: got %v, want accepted", a)
	}
	// Ending with a reason: the other side learns that it ended, not why.
	ada.call("POST", "/api/v1/me/tandems/"+id+"/end", map[string]any{"reason": "Secret: I change jobs next month."})
	kitems, _ = inbox(kat)
	raw, _ = json.Marshal(kitems[0])
	if kitems[0]["type"] != "tandem.ended" || strings.Contains(string(raw), "Secret") {
		t.Errorf("Katharina after Ada ended it: got %s, want tandem.ended without the reason", raw)
	}

	_, before := inbox(ada)
	if status, out := ada.call("POST", "/api/v1/me/notifications/read", map[string]any{"ids": []string{items[0]["id"].(string)}}); status != 200 || out["unread"] != before-1 {
		t.Errorf("read one: got %d %v, want %v unread", status, out, before-1)
	}
	if status, out := ada.call("POST", "/api/v1/me/notifications/read", map[string]any{"all": true}); status != 200 || out["unread"] != float64(0) {
		t.Errorf("read all: got %d %v, want 0 unread", status, out)
	}
	if status, out := ada.call("POST", "/api/v1/me/notifications/read", map[string]any{}); status != http.StatusBadRequest || ruleOf(out, "ids") == "" {
		t.Errorf("read nothing: got %d %v, want 400 naming ids", status, out)
	}
	anon := &person{b: newBrowser(t), h: h}
	if status, _ := anon.call("GET", "/api/v1/me/notifications", nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous inbox: got %d, want 401", status)
	}
}

// proposeAdaToKat runs the steps up to a proposal: Ada applies and is
// approved, Katharina asks (with goals), the curator proposes Ada. It
// returns the tandem's id.
func proposeAdaToKat(t *testing.T, h *harness, ada, kat, cura *person, goals string) string {
	t.Helper()
	ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	adaProfile := "mp_" + ada.me.ID[len("u_"):]
	cura.call("POST", "/api/v1/moderation/applications/"+adaProfile+"/decision", map[string]any{"decision": "approve"})
	h.sync(t)
	body := validRequest()
	if goals != "" {
		body["goals"] = goals
	}
	kat.call("PUT", "/api/v1/me/mentee-request", body)
	_, req := kat.call("POST", "/api/v1/me/mentee-request/submit", nil)
	_, tk := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": req["id"], "mentorProfileId": adaProfile})
	id, _ := tk["id"].(string)
	if id == "" {
		t.Fatalf("proposal: got %v", tk)
	}
	return id
}

// TestIntegrationNotificationsOutliveAFailingInbox: the messages an event
// owes are written with the event, so when the inbox fails at that moment
// (here: a damaged inbox document) the event stands, and the sweep delivers
// every message once the inbox works again — once, however often it runs.
func TestIntegrationNotificationsOutliveAFailingInbox(t *testing.T) {
	h, op := newAppHarness(t)
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	kat := h.signInAs(t, op, "kat", "kat@hanse.example", "Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	ctx := context.Background()
	inboxes := h.DB.Collection("inboxes")
	for _, p := range []*person{ada, kat} {
		if _, err := inboxes.InsertOne(ctx, bson.D{{Key: "_id", Value: p.me.ID}, {Key: "items", Value: "damaged"}}); err != nil {
			t.Fatal(err)
		}
	}
	// Approval (Ada becomes a mentor), submission, proposal: all stand.
	proposeAdaToKat(t, h, ada, kat, cura, "")
	if _, err := inboxes.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{ada.me.ID, kat.me.ID}}}}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*person{ada, kat} {
		if _, items := inboxTypes(t, p); items != "" {
			t.Fatalf("%s before the sweep: got %q, want nothing yet", p.me.ID, items)
		}
	}
	for range 2 {
		if err := h.Services.DeliverNotes(ctx); err != nil {
			t.Fatalf("DeliverNotes: %v", err)
		}
	}
	tests := []struct {
		who  *person
		want string
	}{
		{ada, "application.decided,role.granted,tandem.proposed"},
		{kat, "role.granted,tandem.proposed"},
	}
	for _, tt := range tests {
		if _, got := inboxTypes(t, tt.who); got != tt.want {
			t.Errorf("%s after the sweep: got %q, want %q", tt.who.me.ID, got, tt.want)
		}
	}
	// Nothing is left to deliver.
	if n, err := h.Tandems.DeliverNotes(ctx); err != nil || n != 0 {
		t.Errorf("tandems with notes left: %d, %v; want 0", n, err)
	}
	if n, err := h.Profiles.DeliverNotes(ctx); err != nil || n != 0 {
		t.Errorf("applications with notes left: %d, %v; want 0", n, err)
	}
	if n, err := h.Identity.DeliverNotes(ctx); err != nil || n != 0 {
		t.Errorf("people with notes left: %d, %v; want 0", n, err)
	}
	if n, err := h.DB.Collection(mongostore.PendingCollection).CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("pending-notes marks left: %d, %v; want 0", n, err)
	}
}

// inboxTypes returns p's unread count and the types of p's messages,
// sorted and joined.
func inboxTypes(t *testing.T, p *person) (float64, string) {
	t.Helper()
	status, out := p.call("GET", "/api/v1/me/notifications", nil)
	if status != http.StatusOK {
		t.Fatalf("inbox: %d %v", status, out)
	}
	var ts []string
	for _, it := range out["items"].([]any) {
		ts = append(ts, it.(map[string]any)["type"].(string))
	}
	slices.Sort(ts)
	return out["unread"].(float64), strings.Join(ts, ",")
}
