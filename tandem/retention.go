package tandem

import "context"

// ForgetProgram deletes what a program kept of its people once its retention
// period is over: its requests, tandems, meeting logs and feedback, and what
// both sides were told of each tandem (an introduction may carry a partner's
// address). The program itself, its archived report and the audit log stay.
// Idempotent: a run cut off is finished by the next. It returns how many
// requests and tandems it deleted.
func (s *Service) ForgetProgram(ctx context.Context, programID string) (int, error) {
	ts, err := s.store.tandemsOfProgram(ctx, programID)
	if err != nil {
		return 0, err
	}
	for i := range ts {
		if err := s.deleteTandem(ctx, &ts[i], SideMentor, SideMentee); err != nil {
			return 0, err
		}
	}
	rs, err := s.store.requestsOfProgram(ctx, programID)
	for i := 0; err == nil && i < len(rs); i++ {
		err = s.store.deleteRequest(ctx, rs[i].ID)
	}
	return len(ts) + len(rs), err
}
