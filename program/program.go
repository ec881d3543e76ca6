// Package program owns programs (cohorts) and the standing open program: their
// dates, phases and what each phase allows (the phase table), who curates
// them, and their matching weights and capacity. Features that live inside a
// program (requests, tandems, reports) ask it through Lookup, Curated and
// Require, and hear of phase changes through OnPhase.
package program

import (
	"context"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"log/slog"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
	"github.com/opentomentor/opentomentor/internal/check"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/mongostore"
)

// OpenProgram is the standing program that a request or tandem naming no
// program belongs to.
const OpenProgram = "open"

// Terms a program or a tandem can run for.
var Terms = []string{"quarter", "half-year", "year"}

// DateLayout is how program dates are written (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// PhaseHook is called after a program changed phase (p made the change; the
// system principal in sweeps). An error is returned to the caller of
// AdvancePhase; the phase change itself stands.
type PhaseHook func(ctx context.Context, p *otm.Principal, pr *Program) error

// Config wires the service.
type Config struct {
	Audit  *audit.Log // may be nil
	Logger *slog.Logger
	Now    func() time.Time
}

// Service runs programs.
type Service struct {
	store *mongoStore
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	hooks []PhaseHook
}

// NewService returns the service over db. Call Init before use.
func NewService(db *mongo.Database, cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: &mongoStore{db: db}, cfg: cfg, log: cfg.Logger, now: cfg.Now}
}

// Init makes sure the standing open program exists.
func (s *Service) Init(ctx context.Context) error {
	return s.store.ensureOpenProgram(ctx, s.now().UTC())
}

// OnPhase registers h to run after every phase change (wiring only: call it
// before serving).
func (s *Service) OnPhase(h PhaseHook) { s.hooks = append(s.hooks, h) }

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

// Actions lists every action of the phase table.
var Actions = []string{CanRequest, CanPropose, CanAnswer, CanMeet, CanEnd, CanFeedback, CanEdit}

var actionNames = map[string]string{
	CanRequest: "submitting or changing requests", CanPropose: "proposing tandems", CanAnswer: "answering proposals",
	CanMeet: "agreeing a cadence and logging meetings", CanEnd: "ending a tandem", CanFeedback: "giving feedback",
	CanEdit: "changing the program",
}

// Allows reports whether the program's phase allows action.
func (pr *Program) Allows(action string) bool { return slices.Contains(phaseAllows[action], pr.Phase) }

// AllowedIn lists the cohort phases that allow action (the open program
// allows everything but phase changes).
func AllowedIn(action string) []string {
	var in []string
	for _, ph := range phaseAllows[action] {
		if ph != PhaseOpen {
			in = append(in, ph)
		}
	}
	return in
}

// Next returns the phase after phase, "" when there is none (evaluated, and
// the open program, which never changes phase).
func Next(phase string) string {
	i := slices.Index(Phases, phase)
	if i < 0 || i+1 >= len(Phases) {
		return ""
	}
	return Phases[i+1]
}

// Require refuses action outside its phases: ECONFLICT with rule
// wrong_phase and args program, phase, action and allowed (the phases that
// allow it), also as the field "phase".
func (pr *Program) Require(action string) error {
	if pr.Allows(action) {
		return nil
	}
	in := AllowedIn(action)
	args := otm.Args{"program": pr.Name, "phase": pr.Phase, "action": action, "allowed": in}
	return &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleWrongPhase, Args: args,
		Message: fmt.Sprintf("The program %q is in its %s phase; %s is possible in the %s phase.", pr.Name, pr.Phase, actionNames[action], strings.Join(in, " or ")),
		Fields:  []otm.FieldError{otm.Field("phase", otm.RuleWrongPhase, args, "is %s", pr.Phase)}}
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
func (w *ProgramWeights) normalize(fe *otm.Problems) {
	vals := []*float64{&w.Topic, &w.Language, &w.Availability, &w.Interests, &w.TimeZone, &w.Preference}
	names := []string{"topic", "language", "availability", "interests", "timezone", "preference"}
	sum, ok := 0.0, true
	for i, v := range vals {
		if math.IsNaN(*v) || *v < 0 || *v > 1 {
			fe.Add("weights."+names[i], otm.RuleRange, otm.Args{"min": 0, "max": 1}, "must be between 0 and 1")
			ok = false
		}
		sum += *v
	}
	if !ok {
		return
	}
	if sum == 0 {
		fe.Add("weights", otm.RuleNotAllZero, nil, "at least one weight must be above 0")
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
	// DataDeletedAt is when the retention period deleted the cohort's
	// requests, tandems, meetings and feedback (MarkDataDeleted).
	DataDeletedAt *time.Time `bson:"dataDeletedAt,omitempty" json:"dataDeletedAt,omitempty"`
	Version       int64      `bson:"version" json:"version"`
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
	var fe otm.Problems
	check.Text(&fe, "name", &in.Name, 3, ProgramNameMax, false, true)
	check.Text(&fe, "description", &in.Description, 0, ProgramDescriptionMax, true, false)
	check.Text(&fe, "sponsor", &in.Sponsor, 0, ProgramNameMax, false, false)
	if creating {
		in.ID = strings.TrimSpace(in.ID)
		if in.ID == "" {
			in.ID = Slug(in.Name)
		}
		switch {
		case in.ID == OpenProgram:
			fe.Add("id", otm.RuleReserved, otm.Args{"value": OpenProgram}, "%q is reserved", OpenProgram)
		case !slugRE.MatchString(in.ID):
			fe.Add("id", otm.RuleSlug, otm.Args{"min": 3, "max": 40}, "must be 3–40 lowercase letters, digits or dashes")
		}
	}
	in.Term = strings.TrimSpace(in.Term)
	if in.Term != "" {
		check.OneOf(&fe, "term", in.Term, Terms...)
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
				fe.Add(d.field, otm.RuleRequiredOnce, nil, "required once registration has opened")
			}
			continue
		}
		t, err := time.Parse(DateLayout, *d.v)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			fe.Add(d.field, otm.RuleDate, nil, "must be a date YYYY-MM-DD")
			continue
		}
		parsed = append(parsed, t)
		if len(parsed) > 1 && t.Before(parsed[len(parsed)-2]) {
			fe.Add(d.field, otm.RuleDateOrder, nil, "must not be before the date above it (registration opens ≤ closes ≤ kick-off ≤ wrap-up)")
		}
	}
	if in.KickOff != "" && in.KickOff == in.WrapUp {
		fe.Add("wrapUp", otm.RuleAfterKickOff, nil, "must be after the kick-off")
	}
	if len(in.Curators) > MaxProgramCurators {
		fe.Add("curators", otm.RuleMaxItems, otm.Args{"max": MaxProgramCurators}, "at most %d curators", MaxProgramCurators)
	}
	in.Curators = normEmails(in.Curators)
	for i, e := range in.Curators {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			fe.Add(fmt.Sprintf("curators[%d]", i), otm.RuleEmail, otm.Args{"value": check.Truncate(e, 60)}, "must be an e-mail address")
		}
	}
	if in.Capacity == 0 {
		in.Capacity = 1
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		fe.Add("capacity", otm.RuleRange, otm.Args{"min": 1, "max": MaxCapacity}, "must be 1–%d tandems per mentor", MaxCapacity)
	}
	if in.Weights == nil {
		w := DefaultProgramWeights()
		in.Weights = &w
	}
	in.Weights.normalize(&fe)
	return fe.Err("Some program fields need attention.")
}

func normEmails(in []string) []string {
	return check.NormList(in, func(e string) string { return strings.ToLower(strings.TrimSpace(e)) })
}

// Curates reports whether p may act as a curator within program pr: admins
// everywhere; anyone the program names as a curator (by an e-mail their
// identity provider vouches for), with or without the global curator role;
// global curators also in the standing open program.
func Curates(p *otm.Principal, pr *Program) bool {
	switch {
	case p == nil:
		return false
	case p.HasRole(otm.RoleAdmin):
		return true
	case p.EmailTrusted && slices.Contains(pr.Curators, strings.ToLower(p.Email)):
		return true
	}
	return p.HasRole(otm.RoleCurator) && pr.ID == OpenProgram
}

// CuratesAny reports whether p curates at least one program (the matching
// workspace is theirs). Errors: only the database's.
func (s *Service) CuratesAny(ctx context.Context, p *otm.Principal) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.HasRole(otm.RoleAdmin) || p.HasRole(otm.RoleCurator) {
		return true, nil // the open program at least
	}
	if !p.EmailTrusted {
		return false, nil
	}
	all, err := s.store.programs(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(all, func(pr Program) bool { return Curates(p, &pr) }), nil
}

// CuratedIDs lists the ids of the programs p curates.
func (s *Service) CuratedIDs(ctx context.Context, p *otm.Principal) ([]string, error) {
	all, err := s.store.programs(ctx)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for i := range all {
		if Curates(p, &all[i]) {
			ids = append(ids, all[i].ID)
		}
	}
	return ids, nil
}

// RequireCuratorOfAny refuses anyone who curates no program, before anything
// is looked up (so that nobody else learns whether an object exists).
// Errors: EUNAUTHORIZED, EFORBIDDEN (rule role).
func (s *Service) RequireCuratorOfAny(ctx context.Context, p *otm.Principal) error {
	if err := otm.RequireSignedIn(p); err != nil {
		return err
	}
	ok, err := s.CuratesAny(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return otm.Refuse(otm.EFORBIDDEN, otm.RuleRole, otm.Args{"roles": []string{otm.RoleCurator}}, "Only curators may do this.")
	}
	return nil
}

func requireAdmin(p *otm.Principal) error {
	return otm.RequireRole(p, "Only admins may do this.", otm.RoleAdmin)
}

// Lookup loads a program ("" is the open program) without checking who
// asks: for features that check access themselves. Errors: ENOTFOUND.
func (s *Service) Lookup(ctx context.Context, id string) (*Program, error) {
	if id == "" {
		id = OpenProgram
	}
	return s.store.getProgram(ctx, id)
}

// Curated loads a program the caller curates; a program they may not see
// at all is ENOTFOUND. Errors: EUNAUTHORIZED, EFORBIDDEN (not a curator, or
// not one of this program), ENOTFOUND.
func (s *Service) Curated(ctx context.Context, p *otm.Principal, id string) (*Program, error) {
	if err := s.RequireCuratorOfAny(ctx, p); err != nil {
		return nil, err
	}
	pr, err := s.Lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	if !Curates(p, pr) {
		if !visible(p, pr) {
			return nil, otm.Errorf(otm.ENOTFOUND, "Program not found.")
		}
		return nil, otm.Refuse(otm.EFORBIDDEN, otm.RuleProgramCurator, nil, "You are not a curator of this program.")
	}
	return pr, nil
}

// All returns every program without checking who asks: for features that
// check access themselves (Curates).
func (s *Service) All(ctx context.Context) ([]Program, error) { return s.store.programs(ctx) }

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
	pr, err := s.Lookup(ctx, id)
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
			return nil, &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleTaken, Args: otm.Args{"value": in.ID}, Message: "A program with this id exists already.",
				Fields: []otm.FieldError{otm.Field("id", otm.RuleTaken, otm.Args{"value": in.ID}, "taken: %s", in.ID)}}
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
	cur, err := s.Curated(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := cur.Require(CanEdit); err != nil {
		return nil, err
	}
	if version != 0 && version != cur.Version {
		return nil, &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleChanged, Args: otm.Args{"version": cur.Version}, Message: "The program was changed meanwhile. Reload it and try again.",
			Fields: []otm.FieldError{otm.Field("version", otm.RuleChanged, otm.Args{"version": cur.Version}, "is %d", cur.Version)}}
	}
	if !p.HasRole(otm.RoleAdmin) && !slices.Equal(normEmails(in.Curators), cur.Curators) {
		return nil, &otm.Error{Code: otm.EFORBIDDEN, Rule: otm.RuleAdminsOnly, Message: "Only admins change who curates a program.",
			Fields: []otm.FieldError{otm.Field("curators", otm.RuleAdminsOnly, nil, "admins only")}}
	}
	phase := cur.Phase
	if cur.ID == OpenProgram {
		phase = PhasePlanning // no dates
		if in.RegistrationOpens != "" || in.RegistrationCloses != "" || in.KickOff != "" || in.WrapUp != "" {
			return nil, otm.Invalid("The open program has no dates.", otm.Field("kickOff", otm.RuleNoDates, nil, "the open program has no dates"))
		}
	}
	if err := s.cleanProgram(&in, false, phase); err != nil {
		return nil, err
	}
	if cur.Capacity > in.Capacity && cur.ID != OpenProgram && cur.Phase != PhasePlanning && cur.Phase != PhaseRegistration {
		return nil, otm.Invalid("Capacity cannot shrink once matching has begun.",
			otm.Field("capacity", otm.RuleMinValue, otm.Args{"min": cur.Capacity}, "at least %d", cur.Capacity))
	}
	upd := *cur
	upd.apply(in, s.now().UTC())
	if err := s.store.replaceProgram(ctx, &upd, cur.Version); err != nil {
		return nil, err
	}
	s.recordProgram(ctx, p, "program.update", &upd, "")
	return &upd, nil
}

// EraseCurator takes an erased person's e-mail off every program's curators
// (account erasure): it would otherwise keep naming them, and give the role to
// whoever signs in with that address next. Idempotent.
func (s *Service) EraseCurator(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil
	}
	all, err := s.store.programs(ctx)
	if err != nil {
		return err
	}
	system := &otm.Principal{UserID: "system", Name: "OpenToMentor"}
	for i := range all {
		for attempt := 0; slices.Contains(all[i].Curators, email); attempt++ {
			upd := all[i]
			upd.Curators = slices.DeleteFunc(slices.Clone(upd.Curators), func(c string) bool { return c == email })
			upd.UpdatedAt = s.now().UTC()
			err := s.store.replaceProgram(ctx, &upd, all[i].Version)
			if err == nil {
				s.recordProgram(ctx, system, "program.update", &upd, "a curator's account was erased")
				break
			}
			if otm.ErrorCode(err) != otm.ECONFLICT || attempt == 3 {
				return err
			}
			cur, err := s.store.getProgram(ctx, all[i].ID) // changed meanwhile: again on the new version
			if err != nil {
				return err
			}
			all[i] = *cur
		}
	}
	return nil
}

// AdvancePhase moves a program to its next phase (admins and its curators).
// Opening registration needs all dates; entering wrap-up ends the program's
// running tandems and withdraws open proposals. Errors: EUNAUTHORIZED,
// EFORBIDDEN, ENOTFOUND, EINVALID (not the next phase, dates missing),
// ECONFLICT.
func (s *Service) AdvancePhase(ctx context.Context, p *otm.Principal, id, to string) (*Program, error) {
	cur, err := s.Curated(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if cur.ID == OpenProgram {
		return nil, otm.Invalid("The open program has no phases.", otm.Field("phase", otm.RuleNoPhases, nil, "the open program is always open"))
	}
	if next := Next(cur.Phase); next == "" || next != to {
		word := next
		if next == "" {
			word = "none (evaluated is the last phase)"
		}
		return nil, otm.Invalid("Phases go one step at a time.",
			otm.Field("phase", otm.RuleNextPhase, otm.Args{"phase": cur.Phase, "next": next}, "the next phase after %s is %s", cur.Phase, word))
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
	// The phase itself already forbids what it must (new proposals, answers);
	// should a hook fail half-way, the next phase change or a sweep of the
	// feature finishes its work.
	for _, h := range s.hooks {
		if err := h(ctx, p, &upd); err != nil {
			return nil, err
		}
	}
	return &upd, nil
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
	pr, err := s.Lookup(ctx, id)
	if err != nil {
		return err
	}
	if pr.Phase != PhasePlanning {
		args := otm.Args{"program": pr.Name, "phase": pr.Phase, "action": "delete", "allowed": []string{PhasePlanning}}
		return &otm.Error{Code: otm.ECONFLICT, Rule: otm.RuleWrongPhase, Args: args, Message: "Only a program in planning can be deleted.",
			Fields: []otm.FieldError{otm.Field("phase", otm.RuleWrongPhase, args, "is %s", pr.Phase)}}
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
		SubjectType: "program", SubjectID: pr.ID, ProgramID: pr.ID, Reason: reason}); err != nil {
		s.log.Error("audit record failed", "program", pr.ID, "err", err)
	}
}

// OpenProgramName is the standing open program's name as first stored (pages
// translate it).
const OpenProgramName = "Open program"

// OpenProgramDefaults is the standing open program as first stored.
func openProgramDefaults(now time.Time) *Program {
	return &Program{ID: OpenProgram, Name: OpenProgramName, Phase: PhaseOpen, Capacity: 1, Curators: []string{},
		Description: "Always open: ask for a reverse mentor at any time; curators pair you when a good match is there.",
		Weights:     DefaultProgramWeights(), PhaseChangedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
}

// mongoStore keeps the programs collection (small: one document a cohort).
type mongoStore struct{ db *mongo.Database }

func mapErr(err error, what string) error { return mongostore.MapErr(err, "program", what) }

func (m *mongoStore) programsC() *mongo.Collection { return m.db.Collection("programs") }

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
	return mongostore.FindAll[Program](ctx, m.programsC(), "program", "Programs", bson.D{})
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
		return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The program was changed meanwhile. Reload it and try again.")
	}
	return nil
}

func (m *mongoStore) deleteProgram(ctx context.Context, id string, expected int64) error {
	res, err := m.programsC().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}})
	if err != nil {
		return mapErr(err, "Program")
	}
	if res.DeletedCount == 0 {
		return otm.Refuse(otm.ECONFLICT, otm.RuleChanged, nil, "The program was changed meanwhile. Reload it and try again.")
	}
	return nil
}

// MarkDataDeleted records that the retention period deleted what the
// evaluated program pr kept of its people (at most once: the first mark
// stays).
func (s *Service) MarkDataDeleted(ctx context.Context, id string, at time.Time) error {
	_, err := s.store.programsC().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "dataDeletedAt", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "dataDeletedAt", Value: at.UTC()}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	return mapErr(err, "Program")
}
