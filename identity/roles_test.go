package identity

import (
	"context"
	"fmt"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/notify"
)

// TestGrantUserRole: a role is granted with its note once; granting it again
// changes nothing and adds no note; an unknown user is ENOTFOUND — both
// against MongoDB's conditional filter and in the embedded database's mode
// (checked in the process, written by _id).
func TestGrantUserRole(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single=%v", single), func(t *testing.T) {
			ctx := context.Background()
			m := newMongoStore(testenv.DB(t))
			m.single = single
			if err := m.putUser(ctx, &User{ID: "u_ada", Email: "ada@x.example", Roles: []string{}}); err != nil {
				t.Fatal(err)
			}
			note := func(n int) notify.Note {
				return notify.Note{To: "u_ada", Msg: notify.Message{ID: fmt.Sprintf("role.granted:mentor:%d", n), Type: notify.TypeRoleGranted}}
			}
			tests := []struct {
				name        string
				id          string
				wantChanged bool
				wantCode    string
				wantNotes   int
			}{
				{"first grant", "u_ada", true, "", 1},
				{"held already", "u_ada", false, "", 1},
				{"unknown user", "u_nobody", false, otm.ENOTFOUND, 1},
			}
			for i, tt := range tests {
				changed, err := m.grantUserRole(ctx, tt.id, otm.RoleMentor, note(i))
				if changed != tt.wantChanged || otm.ErrorCode(err) != tt.wantCode {
					t.Fatalf("%s: got %v, %v; want %v, code %q", tt.name, changed, err, tt.wantChanged, tt.wantCode)
				}
				notes, _, err := m.userNotes(ctx, "u_ada")
				if err != nil || len(notes) != tt.wantNotes {
					t.Errorf("%s: Ada has %d notes (%v), want %d", tt.name, len(notes), err, tt.wantNotes)
				}
			}
			u, err := m.getUser(ctx, "u_ada")
			if err != nil || len(u.Roles) != 1 || u.Roles[0] != otm.RoleMentor {
				t.Errorf("roles: got %v, %v; want [mentor]", u, err)
			}
		})
	}
}
