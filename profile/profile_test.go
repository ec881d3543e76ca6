package profile

import (
	"testing"

	otm "github.com/opentomentor/opentomentor"
)

// TestNextEveryTransition checks the whole life cycle: every status against
// every action, with and without a published version.
func TestNextEveryTransition(t *testing.T) {
	const no = "-"
	statuses := []string{StatusDraft, StatusSubmitted, StatusChangesRequested, StatusApproved, StatusRejected, StatusWithdrawn}
	actions := []string{ActEdit, ActSubmit, ActWithdraw, ActApprove, ActRequestChanges, ActReject}
	// want[status][action] without a published version; "-" = refused.
	want := map[string][]string{
		//                      edit                    submit           withdraw         approve          request_changes          reject
		StatusDraft:            {StatusDraft, StatusSubmitted, no, no, no, no},
		StatusSubmitted:        {StatusSubmitted, no, StatusWithdrawn, StatusApproved, StatusChangesRequested, StatusRejected},
		StatusChangesRequested: {StatusChangesRequested, StatusSubmitted, StatusWithdrawn, no, no, no},
		StatusApproved:         {StatusSubmitted, no, StatusWithdrawn, no, no, no},
		StatusRejected:         {StatusDraft, no, no, no, no, no},
		StatusWithdrawn:        {StatusDraft, StatusSubmitted, no, no, no, no},
	}
	for _, published := range []bool{false, true} {
		for _, st := range statuses {
			for i, act := range actions {
				p := &Profile{Status: st}
				if published {
					p.Published = &Content{}
				}
				wantTo := want[st][i]
				if published && st == StatusSubmitted && act == ActReject {
					wantTo = StatusApproved // a rejected revision leaves the published version standing
				}
				got, err := Next(p, act)
				if wantTo == no {
					if otm.ErrorCode(err) != otm.ECONFLICT {
						t.Errorf("published=%v %s --%s-->: got %q, %v; want ECONFLICT", published, st, act, got, err)
					}
					continue
				}
				if err != nil || got != wantTo {
					t.Errorf("published=%v %s --%s-->: got %q, %v; want %q", published, st, act, got, err, wantTo)
				}
			}
		}
	}
}

func TestPublic(t *testing.T) {
	tests := []struct {
		status    string
		published bool
		want      bool
	}{
		{StatusDraft, false, false},
		{StatusSubmitted, false, false},
		{StatusSubmitted, true, true}, // revision under review: the approved version stays public
		{StatusChangesRequested, true, true},
		{StatusApproved, true, true},
		{StatusRejected, false, false},
		{StatusWithdrawn, false, false},
		{StatusWithdrawn, true, false},
	}
	for _, tt := range tests {
		p := &Profile{Status: tt.status}
		if tt.published {
			p.Published = &Content{}
		}
		if got := p.Public(); got != tt.want {
			t.Errorf("Public(%s, published=%v): got %v, want %v", tt.status, tt.published, got, tt.want)
		}
	}
}

func TestCheckProfileURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://www.linkedin.com/in/ada-lovelace", true},
		{"https://linkedin.com/in/ada", true},
		{"https://de.linkedin.com/in/ada", true},
		{"http://www.linkedin.com/in/ada", false},
		{"javascript:alert(1)", false},
		{"https://evil.example/linkedin.com", false},
		{"https://linkedin.com.evil.example/in/ada", false},
		{"https://user:pw@www.linkedin.com/in/ada", false},
		{"https://www.linkedin.com:8443/in/ada", false},
		{"//www.linkedin.com/in/ada", false},
	}
	for _, tt := range tests {
		var fe otm.Problems
		checkProfileURL(&fe, "linkedinUrl", tt.url)
		if got := len(fe) == 0; got != tt.ok {
			t.Errorf("checkProfileURL(%q): ok=%v, want %v", tt.url, got, tt.ok)
		}
	}
}
