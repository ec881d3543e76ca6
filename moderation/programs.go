package moderation

import (
	"context"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/matching"
)

// Program phases, in order. The standing open program has PhaseOpen and
// never changes phase.
const (
	PhasePlanning     = "planning"
	PhaseRegistration = "registration"
	PhaseMatching     = "matching"
	PhaseRunning      = "running"
	PhaseWrapUp       = "wrap-up"
	PhaseEvaluated    = "evaluated"
	PhaseOpen         = "open"
)

// Phases lists a cohort's phases in order.
var Phases = []string{PhasePlanning, PhaseRegistration, PhaseMatching, PhaseRunning, PhaseWrapUp, PhaseEvaluated}

// What a phase allows. Each action names the phases it is possible in.
const (
	CanRequest  = "request"  // executives create, edit and submit requests
	CanPropose  = "propose"  // curators propose tandems and ask for a cohort assignment
	CanAnswer   = "answer"   // the pair accepts or declines a proposal
	CanMeet     = "meet"     // the pair agrees a cadence and logs meetings
	CanEnd      = "end"      // a tandem ends early
	CanFeedback = "feedback" // the pair gives feedback
	CanEdit     = "edit"     // curators edit dates, weights and curators
)

var phaseAllows = map[string][]string{
	CanRequest:  {PhaseOpen, PhaseRegistration},
	CanPropose:  {PhaseOpen, PhaseMatching, PhaseRunning},
	CanAnswer:   {PhaseOpen, PhaseMatching, PhaseRunning},
	CanMeet:     {PhaseOpen, PhaseMatching, PhaseRunning},
	CanEnd:      {PhaseOpen, PhaseMatching, PhaseRunning},
	CanFeedback: {PhaseOpen, PhaseWrapUp},
	CanEdit:     {PhaseOpen, PhasePlanning, PhaseRegistration, PhaseMatching, PhaseRunning, PhaseWrapUp},
}

var actionNames = map[string]string{
	CanRequest: "submitting or changing requests", CanPropose: "proposing tandems", CanAnswer: "answering proposals",
	CanMeet: "agreeing a cadence and logging meetings", CanEnd: "ending a tandem", CanFeedback: "giving feedback",
	CanEdit: "changing the program",
}

// RuleWrongPhase is the rule named when an action is refused in a phase.
const RuleWrongPhase = "WrongPhase"

// Allows reports whether the program's phase allows action.
func (pr *Program) Allows(action string) bool { return slices.Contains(phaseAllows[action], pr.Phase) }

// require refuses action outside its phases with a conflict naming both.
func (pr *Program) require(action string) error {
	if pr.Allows(action) {
		return nil
	}
	var in []string
	for _, ph := range phaseAllows[action] {
		if ph != PhaseOpen {
			in = append(in, ph)
		}
	}
	return &otm.Error{Code: otm.ECONFLICT,
		Message: fmt.Sprintf("The program %q is in its %s phase; %s is possible in the %s phase.", pr.Name, pr.Phase, actionNames[action], strings.Join(in, " or ")),
		Fields:  []otm.FieldError{{Field: "phase", Message: RuleWrongPhase + ": is " + pr.Phase}}}
}

// ProgramWeights are a program's tuned matching weights (JSON for the API).
type ProgramWeights struct {
	Topic        float64 `bson:"topic" json:"topic"`
	Language     float64 `bson:"language" json:"language"`
	Availability float64 `bson:"availability" json:"availability"`
	Interests    float64 `bson:"interests" json:"interests"`
	TimeZone     float64 `bson:"timezone" json:"timezone"`
	Preference   float64 `bson:"preference" json:"preference"`
}

// Matching returns the weights as the matching package takes them.
func (w ProgramWeights) Matching() matching.Weights {
	return matching.Weights{Topic: w.Topic, Language: w.Language, Availability: w.Availability,
		Interests: w.Interests, TimeZone: w.TimeZone, Preference: w.Preference}
}

// DefaultProgramWeights are matching.DefaultWeights.
func DefaultProgramWeights() ProgramWeights {
	d := matching.DefaultWeights()
	return ProgramWeights{Topic: d.Topic, Language: d.Language, Availability: d.Availability,
		Interests: d.Interests, TimeZone: d.TimeZone, Preference: d.Preference}
}

// normalize checks each weight (0..1, not all zero) and scales them to sum 1.
func (w *ProgramWeights) normalize(bad func(field, format string, args ...any)) {
	vals := []*float64{&w.Topic, &w.Language, &w.Availability, &w.Interests, &w.TimeZone, &w.Preference}
	names := []string{"topic", "language", "availability", "interests", "timezone", "preference"}
	sum, ok := 0.0, true
	for i, v := range vals {
		if math.IsNaN(*v) || *v < 0 || *v > 1 {
			bad("weights."+names[i], "must be between 0 and 1")
			ok = false
		}
		sum += *v
	}
	if !ok {
		return
	}
	if sum == 0 {
		bad("weights", "at least one weight must be above 0")
		return
	}
	for _, v := range vals {
		*v = math.Round(*v/sum*1000) / 1000
	}
}

// Program is a cohort (or the standing open program).
type Program struct {
	ID                 string         `bson:"_id" json:"id"`
	Name               string         `bson:"name" json:"name"`
	Description        string         `bson:"description" json:"description"`
	Sponsor            string         `bson:"sponsor" json:"sponsor"` // the executive sponsor
	Term               string         `bson:"term" json:"term"`
	RegistrationOpens  string         `bson:"registrationOpens" json:"registrationOpens"` // YYYY-MM-DD
	RegistrationCloses string         `bson:"registrationCloses" json:"registrationCloses"`
	KickOff            string         `bson:"kickOff" json:"kickOff"`
	WrapUp             string         `bson:"wrapUp" json:"wrapUp"`
	Phase              string         `bson:"phase" json:"phase"`
	Curators           []string       `bson:"curators" json:"curators,omitempty"` // e-mails; empty in public views
	Capacity           int            `bson:"capacity" json:"capacity"`           // tandems per mentor
	Weights            ProgramWeights `bson:"weights" json:"weights"`
	PhaseChangedAt     time.Time      `bson:"phaseChangedAt" json:"phaseChangedAt"`
	CreatedAt          time.Time      `bson:"createdAt" json:"createdAt"`
	UpdatedAt          time.Time      `bson:"updatedAt" json:"updatedAt"`
	Version            int64          `bson:"version" json:"version"`
}

// Public returns what visitors may see of a program: no curators, no weights.
func (pr *Program) Public() *Program {
	c := *pr
	c.Curators, c.Weights = nil, ProgramWeights{}
	return &c
}

// ProgramInput is what admins and curators set.
type ProgramInput struct {
	ID                 string          `json:"id"` // optional slug on creation
	Name               string          `json:"name"`
	Description        string          `json:"description"`
	Sponsor            string          `json:"sponsor"`
	Term               string          `json:"term"`
	RegistrationOpens  string          `json:"registrationOpens"`
	RegistrationCloses string          `json:"registrationCloses"`
	KickOff            string          `json:"kickOff"`
	WrapUp             string          `json:"wrapUp"`
	Curators           []string        `json:"curators"`
	Capacity           int             `json:"capacity"`
	Weights            *ProgramWeights `json:"weights"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$`)

// Slug derives a program id from a name.
func Slug(name string) string {
	return otm.Slug(name, 40)
}

// Limits of a program.
const (
	ProgramNameMax        = 120
	ProgramDescriptionMax = 4000
	MaxProgramCurators    = 50
	MaxCapacity           = 5
)

// clean validates in for p (nil on creation); dates must be in order once
// the program leaves planning.
func (s *Service) cleanProgram(in *ProgramInput, creating bool, phase string) error {
	var fe []otm.FieldError
	bad := func(field, format string, args ...any) {
		fe = append(fe, otm.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	in.Name, in.Description, in.Sponsor = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.Sponsor)
	if n := utf8.RuneCountInString(in.Name); n < 3 || n > ProgramNameMax || hasControl(in.Name, false) {
		bad("name", "must be 3–%d characters", ProgramNameMax)
	}
	if utf8.RuneCountInString(in.Description) > ProgramDescriptionMax || hasControl(in.Description, true) {
		bad("description", "at most %d characters", ProgramDescriptionMax)
	}
	if utf8.RuneCountInString(in.Sponsor) > ProgramNameMax || hasControl(in.Sponsor, false) {
		bad("sponsor", "at most %d characters", ProgramNameMax)
	}
	if creating {
		in.ID = strings.TrimSpace(in.ID)
		if in.ID == "" {
			in.ID = Slug(in.Name)
		}
		if !slugRE.MatchString(in.ID) || in.ID == OpenProgram {
			bad("id", "must be 3–40 lowercase letters, digits or dashes (and not %q)", OpenProgram)
		}
	}
	in.Term = strings.TrimSpace(in.Term)
	if in.Term != "" && !slices.Contains(Terms, in.Term) {
		bad("term", "must be one of quarter, half-year, year")
	}
	dates := []struct {
		field string
		v     *string
	}{{"registrationOpens", &in.RegistrationOpens}, {"registrationCloses", &in.RegistrationCloses}, {"kickOff", &in.KickOff}, {"wrapUp", &in.WrapUp}}
	var parsed []time.Time
	for _, d := range dates {
		*d.v = strings.TrimSpace(*d.v)
		if *d.v == "" {
			if phase != PhasePlanning {
				bad(d.field, "required once registration has opened")
			}
			continue
		}
		t, err := time.Parse(dateLayout, *d.v)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			bad(d.field, "must be a date YYYY-MM-DD")
			continue
		}
		parsed = append(parsed, t)
		if len(parsed) > 1 && t.Before(parsed[len(parsed)-2]) {
			bad(d.field, "must not be before the date above it (registration opens ≤ closes ≤ kick-off ≤ wrap-up)")
		}
	}
	if in.KickOff != "" && in.KickOff == in.WrapUp {
		bad("wrapUp", "must be after the kick-off")
	}
	if len(in.Curators) > MaxProgramCurators {
		bad("curators", "at most %d curators", MaxProgramCurators)
	}
	in.Curators = normList(in.Curators, func(e string) string { return strings.ToLower(strings.TrimSpace(e)) })
	for i, e := range in.Curators {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			bad(fmt.Sprintf("curators[%d]", i), "must be an e-mail address")
		}
	}
	if in.Capacity == 0 {
		in.Capacity = 1
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		bad("capacity", "must be 1–%d tandems per mentor", MaxCapacity)
	}
	if in.Weights == nil {
		w := DefaultProgramWeights()
		in.Weights = &w
	}
	in.Weights.normalize(bad)
	if len(fe) > 0 {
		return otm.Invalid("Some program fields need attention.", fe...)
	}
	return nil
}

// Curates reports whether p may act as a curator within program pr: admins
// everywhere, curators in the open program and in programs naming them.
func Curates(p *otm.Principal, pr *Program) bool {
	if p == nil {
		return false
	}
	if p.HasRole(otm.RoleAdmin) {
		return true
	}
	if !p.HasRole(otm.RoleCurator) {
		return false
	}
	return pr.ID == OpenProgram || slices.Contains(pr.Curators, strings.ToLower(p.Email))
}

func requireAdmin(p *otm.Principal) error {
	if err := requireSignedIn(p); err != nil {
		return err
	}
	if !p.HasRole(otm.RoleAdmin) {
		return otm.Errorf(otm.EFORBIDDEN, "Only admins may do this.")
	}
	return nil
}

// program loads a program; an unknown id is ENOTFOUND.
func (s *Service) program(ctx context.Context, id string) (*Program, error) {
	if id == "" {
		id = OpenProgram
	}
	return s.store.getProgram(ctx, id)
}

// curatedProgram loads a program the caller curates. Errors: EUNAUTHORIZED,
// EFORBIDDEN (not a curator, or not one of this program), ENOTFOUND.
func (s *Service) curatedProgram(ctx context.Context, p *otm.Principal, id string) (*Program, error) {
	if err := requireCurator(p); err != nil {
		return nil, err
	}
	pr, err := s.program(ctx, id)
	if err != nil {
		return nil, err
	}
	if !Curates(p, pr) {
		if !visible(p, pr) {
			return nil, otm.Errorf(otm.ENOTFOUND, "Program not found.")
		}
		return nil, otm.Errorf(otm.EFORBIDDEN, "You are not a curator of this program.")
	}
	return pr, nil
}

// visible reports whether p may see pr at all: visitors see programs past
// planning, curators the ones they curate, admins all.
func visible(p *otm.Principal, pr *Program) bool {
	return pr.Phase != PhasePlanning || Curates(p, pr)
}

// Programs lists the programs the caller may see, the open program first and
// then by kick-off. Visitors get public views.
func (s *Service) Programs(ctx context.Context, p *otm.Principal) ([]Program, error) {
	all, err := s.store.programs(ctx)
	if err != nil {
		return nil, err
	}
	out := []Program{}
	for i := range all {
		pr := &all[i]
		if !visible(p, pr) {
			continue
		}
		if !Curates(p, pr) {
			pr = pr.Public()
		}
		out = append(out, *pr)
	}
	slices.SortStableFunc(out, func(a, b Program) int {
		if (a.ID == OpenProgram) != (b.ID == OpenProgram) {
			if a.ID == OpenProgram {
				return -1
			}
			return 1
		}
		return strings.Compare(a.KickOff+a.ID, b.KickOff+b.ID)
	})
	return out, nil
}

// Program returns one program as the caller may see it. Errors: ENOTFOUND.
func (s *Service) Program(ctx context.Context, p *otm.Principal, id string) (*Program, error) {
	pr, err := s.program(ctx, id)
	if err != nil {
		return nil, err
	}
	if !visible(p, pr) {
		return nil, otm.Errorf(otm.ENOTFOUND, "Program not found.")
	}
	if !Curates(p, pr) {
		return pr.Public(), nil
	}
	return pr, nil
}

// CreateProgram adds a cohort in planning (admins). Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID naming fields, ECONFLICT (id taken).
func (s *Service) CreateProgram(ctx context.Context, p *otm.Principal, in ProgramInput) (*Program, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	if err := s.cleanProgram(&in, true, PhasePlanning); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	pr := &Program{ID: in.ID, Phase: PhasePlanning, PhaseChangedAt: now, CreatedAt: now, Version: 1}
	pr.apply(in, now)
	if err := s.store.insertProgram(ctx, pr); err != nil {
		if otm.ErrorCode(err) == otm.ECONFLICT {
			return nil, &otm.Error{Code: otm.ECONFLICT, Message: "A program with this id exists already.",
				Fields: []otm.FieldError{{Field: "id", Message: "taken: " + in.ID}}}
		}
		return nil, err
	}
	s.recordProgram(ctx, p, "program.create", pr, "")
	return pr, nil
}

func (pr *Program) apply(in ProgramInput, now time.Time) {
	pr.Name, pr.Description, pr.Sponsor, pr.Term = in.Name, in.Description, in.Sponsor, in.Term
	pr.RegistrationOpens, pr.RegistrationCloses, pr.KickOff, pr.WrapUp = in.RegistrationOpens, in.RegistrationCloses, in.KickOff, in.WrapUp
	pr.Curators, pr.Capacity, pr.Weights, pr.UpdatedAt = in.Curators, in.Capacity, *in.Weights, now
	if pr.Curators == nil {
		pr.Curators = []string{}
	}
}

// UpdateProgram changes a program (admins, and its curators; only admins
// change who curates). The open program keeps its dates empty. Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (phase, version).
func (s *Service) UpdateProgram(ctx context.Context, p *otm.Principal, id string, in ProgramInput, version int64) (*Program, error) {
	cur, err := s.curatedProgram(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := cur.require(CanEdit); err != nil {
		return nil, err
	}
	if version != 0 && version != cur.Version {
		return nil, &otm.Error{Code: otm.ECONFLICT, Message: "The program was changed meanwhile. Reload it and try again.",
			Fields: []otm.FieldError{{Field: "version", Message: fmt.Sprintf("is %d", cur.Version)}}}
	}
	if !p.HasRole(otm.RoleAdmin) && !slices.Equal(normList(in.Curators, func(e string) string { return strings.ToLower(strings.TrimSpace(e)) }), cur.Curators) {
		return nil, &otm.Error{Code: otm.EFORBIDDEN, Message: "Only admins change who curates a program.",
			Fields: []otm.FieldError{{Field: "curators", Message: "admins only"}}}
	}
	phase := cur.Phase
	if cur.ID == OpenProgram {
		phase = PhasePlanning // no dates
		if in.RegistrationOpens != "" || in.RegistrationCloses != "" || in.KickOff != "" || in.WrapUp != "" {
			return nil, otm.Invalid("The open program has no dates.", otm.FieldError{Field: "kickOff", Message: "the open program has no dates"})
		}
	}
	if err := s.cleanProgram(&in, false, phase); err != nil {
		return nil, err
	}
	if cur.Capacity > in.Capacity && cur.ID != OpenProgram && cur.Phase != PhasePlanning && cur.Phase != PhaseRegistration {
		return nil, otm.Invalid("Capacity cannot shrink once matching has begun.", otm.FieldError{Field: "capacity", Message: fmt.Sprintf("at least %d", cur.Capacity)})
	}
	upd := *cur
	upd.apply(in, s.now().UTC())
	if err := s.store.replaceProgram(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.recordProgram(ctx, p, "program.update", &upd, "")
	return &upd, nil
}

// AdvancePhase moves a program to its next phase (admins and its curators).
// Opening registration needs all dates; entering wrap-up ends the program's
// running tandems and withdraws open proposals. Errors: EUNAUTHORIZED,
// EFORBIDDEN, ENOTFOUND, EINVALID (not the next phase, dates missing),
// ECONFLICT.
func (s *Service) AdvancePhase(ctx context.Context, p *otm.Principal, id, to string) (*Program, error) {
	cur, err := s.curatedProgram(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if cur.ID == OpenProgram {
		return nil, otm.Invalid("The open program has no phases.", otm.FieldError{Field: "phase", Message: "the open program is always open"})
	}
	i := slices.Index(Phases, cur.Phase)
	if i < 0 || i+1 >= len(Phases) || Phases[i+1] != to {
		next := "none (evaluated is the last phase)"
		if i >= 0 && i+1 < len(Phases) {
			next = Phases[i+1]
		}
		return nil, otm.Invalid("Phases go one step at a time.", otm.FieldError{Field: "phase", Message: fmt.Sprintf("the next phase after %s is %s", cur.Phase, next)})
	}
	if to == PhaseRegistration {
		in := cur.input()
		if err := s.cleanProgram(&in, false, to); err != nil {
			return nil, err
		}
	}
	now := s.now().UTC()
	upd := *cur
	upd.Phase, upd.PhaseChangedAt, upd.UpdatedAt = to, now, now
	if err := s.store.replaceProgram(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.recordProgram(ctx, p, "program.phase", &upd, cur.Phase+" → "+to)
	if to == PhaseWrapUp || to == PhaseEvaluated {
		// The phase already forbids new proposals and answers; should ending
		// fail half-way, the next phase change or SweepPrograms finishes it.
		if err := s.endProgramTandems(ctx, p, upd.ID); err != nil {
			return nil, err
		}
	}
	return &upd, nil
}

// SweepPrograms ends tandems left running in programs past their wrap-up
// (after an interrupted phase change). Safe to run at any time.
func (s *Service) SweepPrograms(ctx context.Context) error {
	ps, err := s.store.programs(ctx)
	if err != nil {
		return err
	}
	system := &otm.Principal{UserID: "system", Name: "OpenToMentor"}
	for _, pr := range ps {
		if pr.Phase == PhaseWrapUp || pr.Phase == PhaseEvaluated {
			if err := s.endProgramTandems(ctx, system, pr.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (pr *Program) input() ProgramInput {
	w := pr.Weights
	return ProgramInput{Name: pr.Name, Description: pr.Description, Sponsor: pr.Sponsor, Term: pr.Term,
		RegistrationOpens: pr.RegistrationOpens, RegistrationCloses: pr.RegistrationCloses, KickOff: pr.KickOff, WrapUp: pr.WrapUp,
		Curators: pr.Curators, Capacity: pr.Capacity, Weights: &w}
}

// DeleteProgram removes a program still in planning (admins). Errors:
// EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) DeleteProgram(ctx context.Context, p *otm.Principal, id string) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	pr, err := s.program(ctx, id)
	if err != nil {
		return err
	}
	if pr.Phase != PhasePlanning {
		return &otm.Error{Code: otm.ECONFLICT, Message: "Only a program in planning can be deleted.",
			Fields: []otm.FieldError{{Field: "phase", Message: RuleWrongPhase + ": is " + pr.Phase}}}
	}
	if err := s.store.deleteProgram(ctx, pr.ID, pr.Version); err != nil {
		return err
	}
	s.recordProgram(ctx, p, "program.delete", pr, "")
	return nil
}

func (s *Service) recordProgram(ctx context.Context, p *otm.Principal, action string, pr *Program, reason string) {
	if s.cfg.Audit == nil {
		return
	}
	if err := s.cfg.Audit.Record(ctx, audit.Entry{ActorID: p.UserID, ActorName: p.Name, Action: action,
		SubjectType: "program", SubjectID: pr.ID, Reason: reason}); err != nil {
		s.log.Error("audit record failed", "program", pr.ID, "err", err)
	}
}

// OpenProgramDefaults is the standing open program as first stored.
func openProgramDefaults(now time.Time) *Program {
	return &Program{ID: OpenProgram, Name: "Open program", Phase: PhaseOpen, Capacity: 1, Curators: []string{},
		Description: "Always open: ask for a reverse mentor at any time; curators pair you when a good match is there.",
		Weights:     DefaultProgramWeights(), PhaseChangedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
}

func (m *mongoStore) programsC() *mongo.Collection {
	return m.profiles.Database().Collection("programs")
}

func (m *mongoStore) ensureOpenProgram(ctx context.Context, now time.Time) error {
	_, err := m.programsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: OpenProgram}},
		bson.D{{Key: "$setOnInsert", Value: openProgramDefaults(now)}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr(err, "Program")
	}
	return nil
}

func (m *mongoStore) getProgram(ctx context.Context, id string) (*Program, error) {
	var pr Program
	if err := m.programsC().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&pr); err != nil {
		return nil, mapErr(err, "Program")
	}
	return &pr, nil
}

func (m *mongoStore) programs(ctx context.Context) ([]Program, error) {
	return findAll[Program](ctx, m.programsC(), "Programs", bson.D{})
}

func (m *mongoStore) insertProgram(ctx context.Context, pr *Program) error {
	_, err := m.programsC().InsertOne(ctx, pr)
	return mapErr(err, "Program")
}

func (m *mongoStore) replaceProgram(ctx context.Context, pr *Program, expected int64) error {
	pr.Version = expected + 1
	res, err := m.programsC().ReplaceOne(ctx, bson.D{{Key: "_id", Value: pr.ID}, {Key: "version", Value: expected}}, pr)
	if err != nil {
		return mapErr(err, "Program")
	}
	if res.MatchedCount == 0 {
		return otm.Errorf(otm.ECONFLICT, "The program was changed meanwhile. Reload it and try again.")
	}
	return nil
}

func (m *mongoStore) deleteProgram(ctx context.Context, id string, expected int64) error {
	res, err := m.programsC().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}})
	if err != nil {
		return mapErr(err, "Program")
	}
	if res.DeletedCount == 0 {
		return otm.Errorf(otm.ECONFLICT, "The program was changed meanwhile. Reload it and try again.")
	}
	return nil
}
