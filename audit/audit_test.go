package audit

import "testing"

func TestSeenBySubject(t *testing.T) {
	for action, want := range map[string]bool{
		ActionApplicationSubmit: true, ActionApplicationApprove: true, ActionApplicationReject: true,
		ActionApplicationRequestChanges: true, ActionApplicationWithdraw: true, ActionApplicationComment: false,
		"tandem.propose": true, ActionRoleGrant: true,
	} {
		if got := SeenBySubject(Entry{Action: action}); got != want {
			t.Errorf("SeenBySubject(%s): got %v, want %v", action, got, want)
		}
	}
}
