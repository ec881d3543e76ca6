package httperr

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
)

func TestOf(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		status   int
		code     string
		internal bool
	}{
		{"invalid", otm.Invalid("bad", otm.Field("bio", otm.RuleMinLength, otm.Args{"min": 80}, "short")), 400, otm.EINVALID, false},
		{"unauthorized", otm.Errorf(otm.EUNAUTHORIZED, "sign in"), 401, otm.EUNAUTHORIZED, false},
		{"forbidden", otm.Errorf(otm.EFORBIDDEN, "no"), 403, otm.EFORBIDDEN, false},
		{"not found", otm.Errorf(otm.ENOTFOUND, "gone"), 404, otm.ENOTFOUND, false},
		{"conflict", otm.Refuse(otm.ECONFLICT, otm.RuleWrongPhase, nil, "phase"), 409, otm.ECONFLICT, false},
		{"too large", otm.Errorf(otm.ETOOLARGE, "big"), 413, otm.ETOOLARGE, false},
		{"too many", otm.Errorf(otm.ETOOMANY, "slow down"), 429, otm.ETOOMANY, false},
		{"unavailable", otm.Errorf(otm.EUNAVAILABLE, "down"), 503, otm.EUNAVAILABLE, false},
		{"not implemented", otm.Errorf(otm.ENOTIMPLEMENTED, "later"), 501, otm.ENOTIMPLEMENTED, false},
		{"plain error", errors.New("boom"), 500, otm.EINTERNAL, true},
		{"fiber 404", fiber.ErrNotFound, 404, otm.ENOTFOUND, false},
		{"fiber 405", fiber.ErrMethodNotAllowed, 405, otm.ENOTFOUND, false},
		{"fiber 500", fiber.ErrInternalServerError, 500, otm.EINTERNAL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, msg, internal := Of(tt.err)
			if status != tt.status || code != tt.code || internal != tt.internal {
				t.Errorf("got %d %q internal=%v, want %d %q internal=%v", status, code, internal, tt.status, tt.code, tt.internal)
			}
			if msg == "" {
				t.Error("got an empty message")
			}
			if internal && tt.code == otm.EINTERNAL && msg != "Internal error." && !errors.Is(tt.err, fiber.ErrInternalServerError) {
				t.Errorf("got message %q, want it hidden", msg)
			}
		})
	}
	if got := Status("bogus"); got != http.StatusInternalServerError {
		t.Errorf("Status(bogus): got %d, want 500", got)
	}
}

func TestFormStatus(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 422},
		{otm.Invalid("bad"), 422},
		{otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "changed"), 409},
		{otm.Errorf(otm.EFORBIDDEN, "no"), 403},
		{errors.New("boom"), 500},
	}
	for _, tt := range tests {
		if got := FormStatus(tt.err); got != tt.want {
			t.Errorf("FormStatus(%v): got %d, want %d", tt.err, got, tt.want)
		}
	}
}
