package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	otm "github.com/opentomentor/opentomentor"
)

func validRequest() map[string]any {
	return map[string]any{
		"goals":     "Ich möchte verstehen, wie meine jüngeren Kolleginnen KI im Alltag nutzen und was sie von Führung erwarten.",
		"topics":    []string{"digital-skills", "new-work-leadership"},
		"languages": []string{"de", "en"},
		"term":      "half-year",
		"format":    "hybrid",
		"interests": []string{"Segeln"},
	}
}

func TestIntegrationMenteeRequests(t *testing.T) {
	h, op := newAppHarness(t)
	ctx := context.Background()
	if err := h.IDs.GrantRolesByEmail(ctx, "katharina@hanse.example", []string{otm.RoleMentee}); err != nil {
		t.Fatal(err)
	}
	exec := h.signInAs(t, op, "kw", "katharina@hanse.example", "Dr. Katharina Weber")
	ada := h.signInAs(t, op, "ada", "ada@nordlicht.example", "Ada Lovelace")
	cura := h.signInAs(t, op, "cura", "cura@program.example", "Clara Curator")
	anon := &person{b: newBrowser(t), h: h}

	// Ada publishes a profile that Katharina can prefer.
	_, p := ada.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	adaID := p["id"].(string)
	ada.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	cura.call("POST", "/api/v1/moderation/applications/"+adaID+"/decision", map[string]any{"decision": "approve"})

	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"unknown topic", with(validRequest(), "topics", []string{"astrology"}), "topics[0]"},
		{"bad term", with(validRequest(), "term", "forever"), "term"},
		{"bad format", with(validRequest(), "format", "telepathy"), "format"},
		{"bad language", with(validRequest(), "languages", []string{"xx"}), "languages[0]"},
		{"goals too long", with(validRequest(), "goals", strings.Repeat("g", 2001)), "goals"},
		{"six preferences", with(validRequest(), "preferences", []map[string]any{{"mentorProfileId": "a"}, {"mentorProfileId": "b"}, {"mentorProfileId": "c"}, {"mentorProfileId": "d"}, {"mentorProfileId": "e"}, {"mentorProfileId": "f"}}), "preferences"},
		{"preferred mentor unknown", with(validRequest(), "preferences", []map[string]any{{"mentorProfileId": "mp_nope"}}), "preferences[0].mentorProfileId"},
		{"preferred mentor twice", with(validRequest(), "preferences", []map[string]any{{"mentorProfileId": adaID}, {"mentorProfileId": adaID}}), "preferences[1].mentorProfileId"},
		{"note too long", with(validRequest(), "preferences", []map[string]any{{"mentorProfileId": adaID, "note": strings.Repeat("n", 301)}}), "preferences[0].note"},
		{"unknown field", with(validRequest(), "salary", 1), "salary"},
		{"wrong type", with(validRequest(), "goals", 42), "goals"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, out := exec.call("PUT", "/api/v1/me/mentee-request", tt.body)
			if status != http.StatusBadRequest || !contains(fieldsOf(out), tt.field) {
				t.Errorf("got %d fields %v, want 400 naming %q", status, fieldsOf(out), tt.field)
			}
			if status, _ := exec.call("GET", "/api/v1/me/mentee-request", nil); status != http.StatusNotFound {
				t.Errorf("after a refused PUT: got %d, want 404 (nothing stored)", status)
			}
		})
	}

	// An empty draft saves but does not submit; submission names what is missing.
	if status, out := exec.call("PUT", "/api/v1/me/mentee-request", map[string]any{"goals": ""}); status != 200 || out["status"] != "draft" {
		t.Fatalf("empty draft: got %d %v", status, out)
	}
	status, out := exec.call("POST", "/api/v1/me/mentee-request/submit", nil)
	if got := fieldsOf(out); status != 400 || !contains(got, "goals") || !contains(got, "topics") || !contains(got, "term") {
		t.Errorf("submit incomplete: got %d %v, want 400 naming goals, topics, term", status, got)
	}
	req := with(validRequest(), "preferences", []map[string]any{{"mentorProfileId": adaID, "note": "Sie erklärt KI ohne Buzzwords."}})
	if status, out := exec.call("PUT", "/api/v1/me/mentee-request", req); status != 200 {
		t.Fatalf("valid request: got %d %v", status, out)
	}
	status, out = exec.call("POST", "/api/v1/me/mentee-request/submit", nil)
	if status != 200 || out["status"] != "submitted" {
		t.Fatalf("submit: got %d %v", status, out)
	}
	id := out["id"].(string)

	access := []struct {
		name string
		who  *person
		path string
		want int
	}{
		{"anonymous reads own request", anon, "/api/v1/me/mentee-request", 401},
		{"a mentor may ask too: no request yet", ada, "/api/v1/me/mentee-request", 404},
		{"anonymous lists requests", anon, "/api/v1/moderation/mentee-requests", 401},
		{"mentor lists requests", ada, "/api/v1/moderation/mentee-requests", 403},
		{"mentor reads a request", ada, "/api/v1/moderation/mentee-requests/" + id, 403},
		{"executive lists requests", exec, "/api/v1/moderation/mentee-requests", 403},
		{"curator lists requests", cura, "/api/v1/moderation/mentee-requests", 200},
		{"curator reads the request", cura, "/api/v1/moderation/mentee-requests/" + id, 200},
		{"curator reads an unknown request", cura, "/api/v1/moderation/mentee-requests/mr_nope", 404},
	}
	for _, tt := range access {
		t.Run(tt.name, func(t *testing.T) {
			if status, _ := tt.who.call("GET", tt.path, nil); status != tt.want {
				t.Errorf("GET %s: got %d, want %d", tt.path, status, tt.want)
			}
		})
	}
	_, list := cura.call("GET", "/api/v1/moderation/mentee-requests", nil)
	items := list["items"].([]any)
	if len(items) != 1 || !strings.Contains(items[0].(map[string]any)["goals"].(string), "KI") {
		t.Errorf("curator's list: got %v", list)
	}
	// Suggestions: Ada (preferred, other organization) ranks with explained factors;
	// Bob, a mentor from Katharina's own organization, is excluded by the rule.
	bob := h.signInAs(t, op, "bob", "bob@hanse.example", "Bob Builder")
	_, bp := bob.call("PUT", "/api/v1/me/mentor-profile", validProfile(t))
	bob.call("POST", "/api/v1/me/mentor-profile/submit", nil)
	cura.call("POST", "/api/v1/moderation/applications/"+bp["id"].(string)+"/decision", map[string]any{"decision": "approve"})
	h.sync(t)
	if status, _ := ada.call("GET", "/api/v1/moderation/mentee-requests/"+id+"/suggestions", nil); status != http.StatusForbidden {
		t.Errorf("mentor reads suggestions: got %d, want 403", status)
	}
	if status, _ := cura.call("GET", "/api/v1/moderation/mentee-requests/"+id+"/suggestions?limit=0", nil); status != http.StatusBadRequest {
		t.Errorf("suggestions with limit=0: got %d, want 400", status)
	}
	status, sug := cura.call("GET", "/api/v1/moderation/mentee-requests/"+id+"/suggestions", nil)
	if status != 200 {
		t.Fatalf("suggestions: got %d %v", status, sug)
	}
	sugs, _ := sug["suggestions"].([]any)
	excl, _ := sug["excluded"].([]any)
	if len(sugs) != 1 || len(excl) != 1 {
		t.Fatalf("suggestions: got %d suggested, %d excluded; want 1 and 1 (%v)", len(sugs), len(excl), sug)
	}
	first := sugs[0].(map[string]any)
	if first["mentor"].(map[string]any)["id"] != adaID || first["preferredRank"].(float64) != 1 {
		t.Errorf("first suggestion: got %v, want Ada with preferredRank 1", first)
	}
	sum := 0.0
	for _, f := range first["factors"].([]any) {
		sum += f.(map[string]any)["contribution"].(float64)
	}
	if d := sum - first["score"].(float64); d > 1e-9 || d < -1e-9 {
		t.Errorf("factor contributions sum to %v, score is %v", sum, first["score"])
	}
	if ex := excl[0].(map[string]any); ex["rule"] != "same_organization" || ex["mentor"].(map[string]any)["id"] != bp["id"] {
		t.Errorf("excluded: got %v, want Bob by same_organization", ex)
	}

	// The cohort assignment pairs Katharina with Ada (Bob is excluded by the rules).
	if status, _ := ada.call("GET", "/api/v1/moderation/assignment", nil); status != http.StatusForbidden {
		t.Errorf("mentor asks for the assignment: got %d, want 403", status)
	}
	status, asg := cura.call("GET", "/api/v1/moderation/assignment", nil)
	pairs, _ := asg["pairs"].([]any)
	if status != 200 || len(pairs) != 1 || pairs[0].(map[string]any)["menteeRequestId"] != id ||
		pairs[0].(map[string]any)["mentor"].(map[string]any)["id"] != adaID {
		t.Errorf("assignment: got %d %v, want Katharina → Ada", status, asg)
	}
	// Bob is refused, so the pair has no alternative, and no request is
	// left without a mentor (the reasons are the assignment package's test).
	if alts, ok := pairs[0].(map[string]any)["alternatives"].([]any); !ok || len(alts) != 0 {
		t.Errorf("alternatives of Katharina → Ada: got %v, want an empty list", pairs[0].(map[string]any)["alternatives"])
	}
	if why, ok := asg["unassignedReasons"].([]any); !ok || len(why) != 0 {
		t.Errorf("unassignedReasons: got %v, want an empty list", asg["unassignedReasons"])
	}
	if status, out := cura.call("GET", "/api/v1/moderation/assignment?program=no-such-program", nil); status != http.StatusNotFound || out["detail"] == nil {
		t.Errorf("assignment of an unknown program: got %d %v, want 404 with a problem", status, out)
	}
	// A large cohort (here: every cohort) is computed by a background job:
	// 202 with the progress until it is done, then the same answer.
	h.Assignments.SetInlinePairs(-1)
	for range 2 { // asking again queues nothing new
		if status, job := cura.call("GET", "/api/v1/moderation/assignment", nil); status != http.StatusAccepted || job["status"] != "queued" || len(job["pairs"].([]any)) != 0 {
			t.Fatalf("large cohort: got %d %v, want 202, queued, no pairs", status, job)
		}
	}
	// The replica computing it stopped half-way: the next pass computes it.
	if _, err := h.DB.Collection("assignment_jobs").UpdateMany(context.Background(), bson.D{},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "running"}, {Key: "done", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	if status, job := cura.call("GET", "/api/v1/moderation/assignment", nil); status != http.StatusAccepted || job["status"] != "running" {
		t.Fatalf("large cohort while running: got %d %v, want 202, running", status, job)
	}
	// Two jobs that cannot be computed end as failed, and hold up nothing:
	// one for inputs that changed since, one for a program that is gone.
	jobs := h.DB.Collection("assignment_jobs")
	for _, bad := range []struct{ id, program string }{{"open:stale", "open"}, {"gone:abc", "gone"}} {
		if _, err := jobs.InsertOne(context.Background(), bson.D{{Key: "_id", Value: bad.id}, {Key: "programId", Value: bad.program},
			{Key: "status", Value: "queued"}, {Key: "createdAt", Value: time.Unix(0, 0)}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := h.Assignments.RunJobs(context.Background()); err != nil || n != 3 {
		t.Fatalf("RunJobs: %d, %v; want 3 jobs", n, err)
	}
	for _, id := range []string{"open:stale", "gone:abc"} {
		var j struct {
			Status string `bson:"status"`
		}
		if err := jobs.FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(&j); err != nil || j.Status != "failed" {
			t.Errorf("job %s: got %q, %v; want failed", id, j.Status, err)
		}
	}
	status, done := cura.call("GET", "/api/v1/moderation/assignment", nil)
	if dp, _ := done["pairs"].([]any); status != 200 || done["status"] != "done" || len(dp) != 1 ||
		dp[0].(map[string]any)["mentor"].(map[string]any)["id"] != adaID {
		t.Errorf("large cohort after the job: got %d %v, want 200, done, Katharina → Ada", status, done)
	}
	if status, _ := ada.call("GET", "/api/v1/moderation/assignment", nil); status != http.StatusForbidden {
		t.Errorf("mentor asks for a computed assignment: got %d, want 403", status)
	}
	h.Assignments.SetInlinePairs(0)

	// Never public: nothing of it in the directory.
	_, dir := anon.b.jsonCall("GET", h.URL+"/api/v1/mentors?q=Katharina", "", nil)
	if dir["total"].(float64) != 0 {
		t.Errorf("directory search for the executive: got %v hits, want 0", dir["total"])
	}
	// Export has it; deletion erases it.
	_, ex := exec.call("GET", "/api/v1/me/export", nil)
	if rs, _ := ex["menteeRequests"].([]any); len(rs) != 1 {
		t.Errorf("export: got menteeRequests %v, want the one request", ex["menteeRequests"])
	}
	if status, _ := exec.call("DELETE", "/api/v1/me", nil); status != http.StatusNoContent {
		t.Fatalf("delete: got %d", status)
	}
	if status, _ := cura.call("GET", "/api/v1/moderation/mentee-requests/"+id, nil); status != http.StatusNotFound {
		t.Errorf("request after the executive's deletion: got %d, want 404", status)
	}
	if n, err := h.DB.Collection("assignment_jobs").CountDocuments(context.Background(), bson.D{}); err != nil || n != 0 {
		t.Errorf("computed assignments after the executive's deletion: %d, %v; want none (they name her)", n, err)
	}
}
