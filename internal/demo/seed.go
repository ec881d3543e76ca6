package demo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity/devidp"
	"github.com/opentomentor/opentomentor/organization"
	"github.com/opentomentor/opentomentor/platform"
	"github.com/opentomentor/opentomentor/profile"
	"github.com/opentomentor/opentomentor/program"
	"github.com/opentomentor/opentomentor/tandem"
)

// Options say how much synthetic data the demo seeds.
type Options struct {
	Mentors int // synthetic published applications
	Mentees int // synthetic executives with submitted requests
}

// Validate checks the ranges the demo supports.
func (o Options) Validate() error {
	if o.Mentors < 0 || o.Mentors > 200000 {
		return fmt.Errorf("--mentors: %d is not between 0 and 200000", o.Mentors)
	}
	if o.Mentees < 0 || o.Mentees > 10000 {
		return fmt.Errorf("--mentees: %d is not between 0 and 10000", o.Mentees)
	}
	return nil
}

// Pending is how many synthetic applications wait in the curators' queue.
const Pending = 6

// The demo's cohorts: one matching its registrations (half the synthetic
// requests), one open for registration (the executive personas can join).
const (
	CohortMatching     = "autumn-cohort"
	CohortRegistration = "spring-cohort"
)

type persona struct {
	devidp.Persona
	Roles []string
}

// demoOrgs are fictitious organizations across industries; their e-mail domains
// are mapped, so the demo personas' organizations count as verified.
var demoOrgs = []organization.Organization{
	{ID: "nordlicht-digital", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht-digital.example"}, Industry: "software", Group: "Nordlicht Gruppe"},
	{ID: "hanse-logistik", Name: "Hanse Logistik AG", Domains: []string{"hanse-logistik.example"}, Industry: "logistics", Group: "Hanse Holding", Competitors: []string{"suedstern-mobility"}},
	{ID: "suedstern-mobility", Name: "Südstern Mobility GmbH", Domains: []string{"suedstern-mobility.example"}, Industry: "mobility", Group: "Südstern", Competitors: []string{"hanse-logistik"}},
	{ID: "rheinwerk-energie", Name: "Rheinwerk Energie AG", Domains: []string{"rheinwerk-energie.example"}, Industry: "energy", Group: "Rheinwerk"},
	{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Industry: "banking", Group: "Alpenbank Gruppe", Competitors: []string{"bergmann-versicherung"}},
	{ID: "bergmann-versicherung", Name: "Bergmann Versicherung AG", Domains: []string{"bergmann-versicherung.example"}, Industry: "insurance", Group: "Bergmann", Competitors: []string{"alpenbank"}},
	{ID: "opentomentor-programm", Name: "OpenToMentor Programmteam", Domains: []string{"opentomentor.example"}, Industry: "non-profit", Group: "OpenToMentor"},
}

var demoPeople = []persona{
	{devidp.Persona{Email: "lena.hoffmann@nordlicht-digital.example", Name: "Lena Hoffmann", Description: "Young professional (mentor), Nordlicht Digital"}, nil},
	{devidp.Persona{Email: "yusuf.demir@rheinwerk-energie.example", Name: "Yusuf Demir", Description: "Young professional (mentor), Rheinwerk Energie"}, nil},
	{devidp.Persona{Email: "katharina.weber@hanse-logistik.example", Name: "Dr. Katharina Weber", Description: "Executive (mentee), CEO of Hanse Logistik"}, nil},
	{devidp.Persona{Email: "thomas.brandt@alpenbank.example", Name: "Thomas Brandt", Description: "Executive (mentee), Head of Retail at Alpenbank"}, nil},
	{devidp.Persona{Email: "jonas.becker@opentomentor.example", Name: "Jonas Becker", Description: "Curator, OpenToMentor program team"}, []string{otm.RoleCurator}},
	{devidp.Persona{Email: "amira.nassar@opentomentor.example", Name: "Amira Nassar", Description: "Admin, OpenToMentor program team"}, []string{otm.RoleAdmin, otm.RoleCurator}},
}

// Personas are the demo people the development identity provider offers as
// buttons.
func Personas() []devidp.Persona {
	out := make([]devidp.Persona, len(demoPeople))
	for i, p := range demoPeople {
		out[i] = p.Persona
	}
	return out
}

// Seed writes the demo organizations, grants the personas their roles
// (taking effect at their sign-in), imports synthetic mentors, creates the
// demo cohorts and lets synthetic executives register for them, all through
// the services' public methods. It is idempotent: once the first synthetic
// mentor exists it seeds nothing more. seeded reports whether it filled the
// database and the index in this call (no index rebuild needed).
func Seed(ctx context.Context, svc *platform.Services, opts Options, log *slog.Logger) (seeded bool, err error) {
	orgs := slices.Clone(demoOrgs)
	for _, o := range Orgs() {
		if slices.ContainsFunc(demoOrgs, func(d organization.Organization) bool { return d.ID == o.ID }) {
			continue // the personas' organization, with its competitors
		}
		orgs = append(orgs, organization.Organization{ID: o.ID, Name: o.Name, Domains: []string{o.Domain}, Industry: o.Industry, Group: o.Group})
	}
	for _, o := range orgs {
		o.Verified, o.Source = true, "demo"
		if o.Competitors == nil {
			o.Competitors = []string{}
		}
		if err := svc.Identity.PutOrganization(ctx, &o); err != nil {
			return false, err
		}
	}
	// Curator and admin are granted; mentor and mentee follow from what the
	// personas do (an approved application, a submitted request).
	for _, pp := range demoPeople {
		if len(pp.Roles) == 0 {
			continue
		}
		if err := svc.Identity.GrantRolesByEmail(ctx, pp.Email, pp.Roles); err != nil {
			return false, err
		}
	}
	first := profile.ProfileIDFor(mentorID(0))
	if _, err := svc.Profiles.Lookup(ctx, first); err == nil {
		log.Info("demo data already present; delete the data directory to seed anew")
		return false, nil
	} else if otm.ErrorCode(err) != otm.ENOTFOUND {
		return false, err
	}
	var topics []string
	for _, t := range svc.Profiles.Topics() {
		topics = append(topics, t.ID)
	}
	start := time.Now()
	ms := Mentors(opts.Mentors+Pending, 1, time.Now(), topics)
	in := make([]profile.Imported, len(ms))
	for i, m := range ms {
		status := profile.StatusApproved
		if i >= opts.Mentors {
			status = profile.StatusSubmitted
		}
		in[i] = profile.Imported{OwnerID: mentorID(i), Name: m.Name, Email: m.Email, OrgID: m.Org.ID, OrgName: m.Org.Name,
			Industry: m.Org.Industry, Content: m.Content, Status: status, At: m.PublishedAt, Demo: true}
	}
	if err := svc.Profiles.Import(ctx, svc.Search, in, 1000); err != nil {
		return false, err
	}
	if err := seedPrograms(ctx, svc, opts, topics, time.Now()); err != nil {
		return true, err
	}
	log.Info("demo seeded", "mentors", opts.Mentors, "pendingApplications", Pending, "menteeRequests", opts.Mentees,
		"took", time.Since(start).Round(time.Millisecond).String())
	return true, nil
}

func mentorID(i int) string { return fmt.Sprintf("u_demo%06d", i) }

// seedPrograms creates the demo cohorts as an admin would, with dates around
// now (the demo curator curates both), and imports the synthetic executives'
// requests.
func seedPrograms(ctx context.Context, svc *platform.Services, opts Options, topics []string, now time.Time) error {
	admin := &otm.Principal{UserID: "u_demo_setup", Name: "Demo setup", Roles: []string{otm.RoleAdmin}}
	day := func(d int) string { return now.AddDate(0, 0, d).Format(program.DateLayout) }
	cohorts := []struct {
		in    program.ProgramInput
		phase string
	}{
		{program.ProgramInput{ID: CohortMatching, Name: "Herbst-Kohorte / Autumn cohort", Sponsor: "Dr. Petra Hoffmann, CHRO Rheinwerk Energie", Term: "half-year",
			Description:       "Six months of reverse mentoring for leaders of six companies. Registration has closed; the program team is pairing now.",
			RegistrationOpens: day(-45), RegistrationCloses: day(-5), KickOff: day(10), WrapUp: day(190),
			Curators: []string{"jonas.becker@opentomentor.example"}}, program.PhaseMatching},
		{program.ProgramInput{ID: CohortRegistration, Name: "Frühjahrs-Kohorte / Spring cohort", Sponsor: "Markus Vogel, CEO Alpenbank AG", Term: "quarter",
			Description:       "A compact quarter on digital skills and new work. Executives: tell us what you want to learn.",
			RegistrationOpens: day(-3), RegistrationCloses: day(40), KickOff: day(60), WrapUp: day(150),
			Curators: []string{"jonas.becker@opentomentor.example"}}, program.PhaseRegistration},
	}
	for _, c := range cohorts {
		if _, err := svc.Programs.CreateProgram(ctx, admin, c.in); err != nil {
			if otm.ErrorCode(err) == otm.ECONFLICT {
				continue // seeded before
			}
			return fmt.Errorf("demo program %s: %w", c.in.ID, err)
		}
		for ph := program.Next(program.PhasePlanning); ph != ""; ph = program.Next(ph) {
			if _, err := svc.Programs.AdvancePhase(ctx, admin, c.in.ID, ph); err != nil {
				return fmt.Errorf("demo program %s: %w", c.in.ID, err)
			}
			if ph == c.phase {
				break
			}
		}
	}
	return seedRequests(ctx, svc, opts, topics, now)
}

// seedRequests imports the synthetic executives' submitted requests: the
// odd ones to the cohort in matching, the others to the open program.
func seedRequests(ctx context.Context, svc *platform.Services, opts Options, topics []string, now time.Time) error {
	execs := Executives(opts.Mentees, 1, now, topics)
	in := make([]tandem.ImportedRequest, len(execs))
	for i, e := range execs {
		programID := program.OpenProgram
		if i%2 == 1 {
			programID = CohortMatching
		}
		in[i] = tandem.ImportedRequest{OwnerID: fmt.Sprintf("u_demoexec%05d", i), Name: e.Name, Email: e.Email,
			OrgID: e.Org.ID, OrgName: e.Org.Name, ProgramID: programID, At: e.SubmittedAt,
			Content: tandem.RequestContent{Goals: e.Goals, Topics: e.Topics, Languages: e.Languages, Term: e.Term, Format: e.Format, Interests: e.Interests}}
	}
	return svc.Tandems.ImportRequests(ctx, in)
}
