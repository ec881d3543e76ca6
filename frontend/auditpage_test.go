package frontend

import (
	"context"
	"net/http"
	"testing"

	"github.com/opentomentor/opentomentor/audit"
)

func TestAuditPage(t *testing.T) {
	e := newPagesEnv(t)
	ctx := context.Background()
	for _, en := range []audit.Entry{
		{ActorID: "u_cora", ActorName: "Cora Kurz", Action: audit.ActionApplicationApprove, SubjectType: "mentor_profile", SubjectID: "mp_lena", SubjectUserID: "u_lena"},
		{ActorID: "u_ada", ActorName: "Ada Admin", Action: audit.ActionRoleGrant, SubjectType: "user", SubjectID: "u_cora", SubjectUserID: "u_cora", Reason: audit.WhySetByAdmin, Details: "curator"},
	} {
		if err := e.Audit.Record(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	r := do(t, e.app(t, ada), "/admin/audit?action=application.", langHeader("de"))
	if r.status != http.StatusOK {
		t.Fatalf("status: got %d", r.status)
	}
	assertBody(t, r.body, []string{"<h1>Protokoll</h1>", "1 Eintrag ·", "Cora Kurz", "mentor_profile mp_lena",
		`href="/api/v1/admin/audit.csv?action=application."`, `href="/admin/audit?actor=u_cora"`, `href="/admin/audit?subject=mp_lena"`}, []string{"set by an admin"})
	assertNoInlineCode(t, r.body)

	// The platform's own reasons, roles, phases and actions read in German.
	for _, en := range []audit.Entry{
		{ActorID: "system", ActorName: "sign-in", Action: audit.ActionRoleGrant, SubjectType: "user", SubjectID: "u_jo", SubjectUserID: "u_jo", Reason: audit.WhyStoredGrant, Details: "curator"},
		{ActorID: "u_ada", ActorName: "Ada Admin", Action: "program.phase", SubjectType: "program", SubjectID: "p_1", ProgramID: "p_1", Reason: "planning → registration"},
	} {
		if err := e.Audit.Record(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	r = do(t, e.app(t, ada), "/admin/audit", langHeader("de"))
	assertBody(t, r.body, []string{"von einem Admin festgelegt", "vor der ersten Anmeldung von einem Admin vergeben", "Kurator",
		"OpenToMentor (automatisch)", "Programmphase geändert", "Planung → "},
		[]string{"why.", "sign-in", "program.phase", "planning →"})

	r = do(t, e.app(t, ada), "/admin/audit?from=gestern", langHeader("de"))
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad date: got %d, want 422", r.status)
	}
	assertBody(t, r.body, []string{`id="err-from"`, "Geben Sie ein Datum ein."}, []string{"Einträge"})

	// A curator sees the entries of the programs they curate only.
	if err := e.Audit.Record(ctx, audit.Entry{ActorID: "u_cora", ActorName: "Cora Kurz", Action: "tandem.propose", SubjectType: "tandem", SubjectID: "t_1", ProgramID: "open"}); err != nil {
		t.Fatal(err)
	}
	r = do(t, e.app(t, cora), "/admin/audit", langHeader("en"))
	if r.status != http.StatusOK {
		t.Fatalf("a curator: got %d, want 200", r.status)
	}
	assertBody(t, r.body, []string{"1 entry ·", "tandem t_1", "Tandem proposed"}, []string{"mp_lena", "set by an admin"})
	if r := do(t, e.app(t, katrin), "/admin/audit", langHeader("en")); r.status != http.StatusForbidden {
		t.Errorf("an executive: got %d, want 403", r.status)
	} else {
		assertBody(t, r.body, []string{"Only admins and the curators of a program read the audit log."}, nil)
	}
	assertRedirect(t, do(t, e.app(t, nil), "/admin/audit", nil), "/signin?return_to=%2Fadmin%2Faudit")
}
