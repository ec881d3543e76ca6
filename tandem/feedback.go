package tandem

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/program"
)

// Sides of a tandem.
const (
	SideMentor = "mentor"
	SideMentee = "mentee"
)

// FeedbackTextMax bounds the free text of a feedback form.
const FeedbackTextMax = 2000

// Feedback is one side's answer to the wrap-up form of a tandem. Only its
// author reads it back; curators see it aggregated in the program report, the
// free text without names.
type Feedback struct {
	ID        string    `bson:"_id" json:"-"` // tandemID + ":" + side
	TandemID  string    `bson:"tandemId" json:"tandemId"`
	ProgramID string    `bson:"programId" json:"programId"`
	Side      string    `bson:"side" json:"side"`       // mentor | mentee
	Overall   int       `bson:"overall" json:"overall"` // 1–5
	Fit       int       `bson:"fit" json:"fit"`         // 1–5: how well the pairing fit
	Learned   int       `bson:"learned" json:"learned"` // 1–5: how much I learned / could pass on
	Recommend bool      `bson:"recommend" json:"recommend"`
	Text      string    `bson:"text" json:"text"`
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt" json:"updatedAt"`
}

// FeedbackInput is what one side of a pair answers. Recommend is required
// (nil is refused), so that a missing answer is never read as "no".
type FeedbackInput struct {
	Overall   int    `json:"overall"`
	Fit       int    `json:"fit"`
	Learned   int    `json:"learned"`
	Recommend *bool  `json:"recommend"`
	Text      string `json:"text"`
}

// FeedbackID is the id of one side's feedback on a tandem.
func FeedbackID(tandemID, side string) string { return tandemID + ":" + side }

// validate checks in field by field and trims the text.
func (in *FeedbackInput) validate() error {
	var fe []otm.FieldError
	for _, r := range []struct {
		field string
		v     int
	}{{"overall", in.Overall}, {"fit", in.Fit}, {"learned", in.Learned}} {
		if r.v < 1 || r.v > 5 {
			fe = append(fe, otm.Field(r.field, otm.RuleRange, otm.Args{"min": 1, "max": 5}, "must be a rating from 1 to 5"))
		}
	}
	if in.Recommend == nil {
		fe = append(fe, otm.Field("recommend", otm.RuleRequired, nil, "answer yes or no"))
	}
	in.Text = strings.TrimSpace(in.Text)
	if utf8.RuneCountInString(in.Text) > FeedbackTextMax || check.HasControl(in.Text, true) {
		fe = append(fe, otm.Field("text", otm.RuleMaxLength, otm.Args{"max": FeedbackTextMax}, "at most %d characters of text", FeedbackTextMax))
	}
	if len(fe) > 0 {
		return otm.Invalid("The feedback is not valid.", fe...)
	}
	return nil
}

// partOf returns a tandem the caller is part of and their side; anyone else
// gets ENOTFOUND, revealing nothing.
func (s *Service) partOf(ctx context.Context, p *otm.Principal, id string) (*Tandem, string, error) {
	if err := otm.RequireSignedIn(p); err != nil {
		return nil, "", err
	}
	t, err := s.store.getTandem(ctx, id)
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, "", otm.Errorf(otm.ENOTFOUND, "Tandem not found.")
	} else if err != nil {
		return nil, "", err
	}
	side := t.Side(p.UserID)
	if side == "" {
		return nil, "", otm.Errorf(otm.ENOTFOUND, "Tandem not found.")
	}
	return t, side, nil
}

// feedbackOpen refuses feedback on a tandem that never ran or has not ended,
// and outside the phases that allow it (the open program, wrap-up).
func (s *Service) feedbackOpen(ctx context.Context, t *Tandem) error {
	if t.ActivatedAt == nil {
		return otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": t.Status}, "This tandem never started (it is %s); feedback is for tandems that ran.", t.Status)
	}
	if t.Status != TandemEnded {
		return otm.Refuse(otm.ECONFLICT, otm.RuleStatus, otm.Args{"status": t.Status}, "This tandem is still running; feedback opens when it ends (at the program's wrap-up, or when it is ended early).")
	}
	return s.requirePhase(ctx, t.ProgramID, program.CanFeedback)
}

// FeedbackAllowed reports whether the pair of t may give (or change)
// feedback now, pr being t's program: GiveFeedback's rules without its input.
func FeedbackAllowed(t *Tandem, pr *program.Program) bool {
	return t.ActivatedAt != nil && t.Status == TandemEnded && pr != nil && pr.ID == t.ProgramID && pr.Allows(program.CanFeedback)
}

// GiveFeedback stores (or replaces) the caller's feedback on a tandem of
// theirs. The tandem must have run (both accepted once) and be ended, and its
// program's phase must allow feedback; it stays editable as long as that
// holds. The other side never sees it. Errors: EUNAUTHORIZED, ENOTFOUND
// (anyone but the pair), ECONFLICT (never ran, still running, phase naming
// "phase"), EINVALID naming the fields.
func (s *Service) GiveFeedback(ctx context.Context, p *otm.Principal, tandemID string, in FeedbackInput) (*Feedback, error) {
	t, side, err := s.partOf(ctx, p, tandemID)
	if err != nil {
		return nil, err
	}
	if err := s.feedbackOpen(ctx, t); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	fb := &Feedback{ID: FeedbackID(t.ID, side), TandemID: t.ID, ProgramID: t.ProgramID, Side: side,
		Overall: in.Overall, Fit: in.Fit, Learned: in.Learned, Recommend: *in.Recommend, Text: in.Text,
		CreatedAt: now, UpdatedAt: now}
	if err := s.store.putFeedback(ctx, fb); err != nil {
		return nil, err
	}
	return fb, nil
}

// MyFeedback returns the caller's own feedback on a tandem of theirs.
// Errors: EUNAUTHORIZED, ENOTFOUND (anyone but the pair, or none given yet).
func (s *Service) MyFeedback(ctx context.Context, p *otm.Principal, tandemID string) (*Feedback, error) {
	t, side, err := s.partOf(ctx, p, tandemID)
	if err != nil {
		return nil, err
	}
	fb, err := s.store.getFeedback(ctx, FeedbackID(t.ID, side))
	if otm.ErrorCode(err) == otm.ENOTFOUND {
		return nil, otm.Errorf(otm.ENOTFOUND, "You have not given feedback on this tandem yet.")
	}
	return fb, err
}

// MyFeedbacks returns every feedback the caller gave (for the data export).
func (s *Service) MyFeedbacks(ctx context.Context, p *otm.Principal) ([]Feedback, error) {
	ts, err := s.MyTandems(ctx, p)
	if err != nil {
		return nil, err
	}
	out := []Feedback{}
	for i := range ts {
		fb, err := s.store.getFeedback(ctx, FeedbackID(ts[i].ID, ts[i].Side(p.UserID)))
		switch otm.ErrorCode(err) {
		case "":
			out = append(out, *fb)
		case otm.ENOTFOUND:
		default:
			return nil, err
		}
	}
	return out, nil
}

func (m *mongoStore) feedbackC() *mongo.Collection {
	return m.db.Collection("tandem_feedback")
}

// putFeedback upserts fb, keeping the first createdAt (fb gets the stored one).
func (m *mongoStore) putFeedback(ctx context.Context, fb *Feedback) error {
	var stored Feedback
	err := m.feedbackC().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: fb.ID}}, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "tandemId", Value: fb.TandemID}, {Key: "programId", Value: fb.ProgramID}, {Key: "side", Value: fb.Side},
			{Key: "overall", Value: fb.Overall}, {Key: "fit", Value: fb.Fit}, {Key: "learned", Value: fb.Learned},
			{Key: "recommend", Value: fb.Recommend}, {Key: "text", Value: fb.Text}, {Key: "updatedAt", Value: fb.UpdatedAt}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "createdAt", Value: fb.CreatedAt}}},
	}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&stored)
	if err != nil {
		return mapErr(err, "Feedback")
	}
	fb.CreatedAt = stored.CreatedAt
	return nil
}

func (m *mongoStore) getFeedback(ctx context.Context, id string) (*Feedback, error) {
	var fb Feedback
	if err := m.feedbackC().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&fb); err != nil {
		return nil, mapErr(err, "Feedback")
	}
	return &fb, nil
}

// feedbackOfProgram returns every feedback on a program's tandems (a small
// collection: two entries per tandem at most).
func (m *mongoStore) feedbackOfProgram(ctx context.Context, programID string) ([]Feedback, error) {
	if m.mirrors.feedback == nil {
		return findAll[Feedback](ctx, m.feedbackC(), "Feedback", bson.D{{Key: "programId", Value: programID}})
	}
	return m.mirrors.feedback.All(ctx, func(f *Feedback) bool { return f.ProgramID == programID })
}

// deleteFeedback removes both sides' feedback on a tandem.
func (m *mongoStore) deleteFeedback(ctx context.Context, tandemID string) error {
	_, err := m.feedbackC().DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{
		FeedbackID(tandemID, SideMentor), FeedbackID(tandemID, SideMentee)}}}}})
	return mapErr(err, "Feedback")
}
