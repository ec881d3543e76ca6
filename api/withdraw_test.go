package api_test

import (
	"context"
	"net/http"
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// TestIntegrationWithdrawRequest: an executive takes a submitted request back
// (curators no longer list it; saving makes it a draft again); not while a
// mentor is proposed for it; not someone else's, not anonymously, not twice.
func TestIntegrationWithdrawRequest(t *testing.T) {
	h, op := newAppHarness(t)
	ctx := context.Background()
	for _, e := range []string{"katharina@hanse.example", "tom@bergmann.example"} {
		if err := h.IDs.GrantRolesByEmail(ctx, e, []string{otm.RoleMentee}); err != nil {
			t.Fatal(err)
		}
	}
	exec := h.signInAs(t, op, "kw", "katharina@hanse.example", "Dr. Katharina Weber")
	other := h.signInAs(t, op, "tom", "tom@bergmann.example", "Tom Bergmann")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	anon := &person{b: newBrowser(t), h: h}
	_, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	h.sync(t)

	const withdraw = "/api/v1/me/mentee-request/withdraw"
	exec.call("PUT", "/api/v1/me/mentee-request", validRequest())
	if status, out := exec.call("POST", withdraw, nil); status != http.StatusConflict || out["rule"] != otm.RuleStatus {
		t.Errorf("withdrawing a draft: got %d %v, want 409 status", status, out)
	}
	_, out := exec.call("POST", "/api/v1/me/mentee-request/submit", nil)
	reqID := out["id"].(string)

	for _, tt := range []struct {
		name string
		who  *person
		want int
	}{
		{"anonymous", anon, http.StatusUnauthorized},
		{"another executive (no request of their own)", other, http.StatusNotFound},
	} {
		if status, _ := tt.who.call("POST", withdraw, nil); status != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, status, tt.want)
		}
	}
	if _, r := exec.call("GET", "/api/v1/me/mentee-request", nil); r["status"] != "submitted" {
		t.Fatalf("after others' attempts: got %v, want still submitted", r["status"])
	}

	// Proposed: it stays until the proposal is answered.
	if status, out := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": reqID, "mentorProfileId": adaID}); status != http.StatusCreated {
		t.Fatalf("propose: got %d %v", status, out)
	}
	if status, out := exec.call("POST", withdraw, nil); status != http.StatusConflict || out["rule"] != otm.RuleRequestPaired {
		t.Errorf("withdrawing while proposed: got %d %v, want 409 request_paired", status, out)
	}
	_, ts := exec.call("GET", "/api/v1/me/tandems", nil)
	tid := ts["items"].([]any)[0].(map[string]any)["id"].(string)
	if status, out := exec.call("POST", "/api/v1/me/tandems/"+tid+"/decline", map[string]any{"reason": "Passt zeitlich nicht."}); status != http.StatusOK {
		t.Fatalf("decline: got %d %v", status, out)
	}

	status, out := exec.call("POST", withdraw, nil)
	if status != http.StatusOK || out["status"] != "withdrawn" {
		t.Fatalf("withdraw: got %d %v, want 200 withdrawn", status, out)
	}
	_, list := cura.call("GET", "/api/v1/moderation/mentee-requests", nil)
	if items, _ := list["items"].([]any); len(items) != 0 {
		t.Errorf("curators' list after withdrawal: got %v, want empty", items)
	}
	if status, out := exec.call("POST", withdraw, nil); status != http.StatusConflict || out["rule"] != otm.RuleStatus {
		t.Errorf("withdrawing twice: got %d %v, want 409 status", status, out)
	}
	if entries, _ := h.Log.BySubject(ctx, reqID); len(entries) == 0 || entries[len(entries)-1].Action != "request.withdraw" {
		t.Errorf("audit: got %v, want request.withdraw last", entries)
	}
	if status, out := exec.call("PUT", "/api/v1/me/mentee-request", validRequest()); status != http.StatusOK || out["status"] != "draft" {
		t.Errorf("saving after withdrawal: got %d %v, want a draft", status, out)
	}
}

// TestIntegrationAcceptRechecksRules: a line manager declared after the
// proposal stops the tandem at its acceptance.
func TestIntegrationAcceptRechecksRules(t *testing.T) {
	h, op := newAppHarness(t)
	exec, reqID := h.executive(t, op, "kw", "katharina@hanse.example", "Dr. Katharina Weber")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	ada, adaID := h.approvedMentor(t, op, cura, "ada", "ada@nordlicht.example", "Ada Lovelace", []string{"de", "en"})
	h.sync(t)
	if status, out := cura.call("POST", "/api/v1/moderation/tandems", map[string]any{"menteeRequestId": reqID, "mentorProfileId": adaID}); status != http.StatusCreated {
		t.Fatalf("propose: got %d %v", status, out)
	}
	_, ts := exec.call("GET", "/api/v1/me/tandems", nil)
	tid := ts["items"].([]any)[0].(map[string]any)["id"].(string)

	// Ada turns out to be in Katharina's reporting line.
	if status, out := ada.call("PUT", "/api/v1/me/line-managers", map[string]any{"emails": []string{"katharina@hanse.example"}}); status != http.StatusOK {
		t.Fatalf("declare: got %d %v", status, out)
	}
	status, out := ada.call("POST", "/api/v1/me/tandems/"+tid+"/accept", nil)
	if status != http.StatusConflict || out["rule"] != otm.RuleLineManagement {
		t.Errorf("accept after the declaration: got %d %v, want 409 line_management", status, out)
	}
	if _, mine := ada.call("GET", "/api/v1/me/tandems", nil); mine["items"].([]any)[0].(map[string]any)["status"] != "proposed" {
		t.Errorf("after the refusal: got %v, want still proposed", mine["items"])
	}
	// Declining is always possible.
	if status, out := ada.call("POST", "/api/v1/me/tandems/"+tid+"/decline", map[string]any{"reason": "Sie ist meine Chefin."}); status != http.StatusOK {
		t.Errorf("decline: got %d %v, want 200", status, out)
	}
}
