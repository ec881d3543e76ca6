package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/identity/devidp"
	"github.com/opentomentor/opentomentor/internal/demo"
	"github.com/opentomentor/opentomentor/moderation"
)

// DemoOptions configure "opentomentor demo".
type DemoOptions struct {
	Mentors int // synthetic published applications
	Mentees int // synthetic executives with submitted requests
}

// demoPending is how many synthetic applications wait in the curators' queue.
const demoPending = 6

func (o DemoOptions) validate() error {
	if o.Mentors < 0 || o.Mentors > 200000 {
		return fmt.Errorf("--mentors: %d is not between 0 and 200000", o.Mentors)
	}
	if o.Mentees < 0 || o.Mentees > 10000 {
		return fmt.Errorf("--mentees: %d is not between 0 and 10000", o.Mentees)
	}
	return nil
}

type demoPersona struct {
	devidp.Persona
	Roles []string
}

// demoOrgs are fictitious organizations across industries; their e-mail domains
// are mapped, so the demo personas' organizations count as verified.
var demoOrgs = []identity.Organization{
	{ID: "nordlicht-digital", Name: "Nordlicht Digital GmbH", Domains: []string{"nordlicht-digital.example"}, Industry: "software", Group: "Nordlicht Gruppe"},
	{ID: "hanse-logistik", Name: "Hanse Logistik AG", Domains: []string{"hanse-logistik.example"}, Industry: "logistics", Group: "Hanse Holding", Competitors: []string{"suedstern-mobility"}},
	{ID: "suedstern-mobility", Name: "Südstern Mobility GmbH", Domains: []string{"suedstern-mobility.example"}, Industry: "mobility", Group: "Südstern", Competitors: []string{"hanse-logistik"}},
	{ID: "rheinwerk-energie", Name: "Rheinwerk Energie AG", Domains: []string{"rheinwerk-energie.example"}, Industry: "energy", Group: "Rheinwerk"},
	{ID: "alpenbank", Name: "Alpenbank AG", Domains: []string{"alpenbank.example"}, Industry: "banking", Group: "Alpenbank Gruppe", Competitors: []string{"bergmann-versicherung"}},
	{ID: "bergmann-versicherung", Name: "Bergmann Versicherung AG", Domains: []string{"bergmann-versicherung.example"}, Industry: "insurance", Group: "Bergmann", Competitors: []string{"alpenbank"}},
	{ID: "opentomentor-programm", Name: "OpenToMentor Programmteam", Domains: []string{"opentomentor.example"}, Industry: "non-profit", Group: "OpenToMentor"},
}

var demoPeople = []demoPersona{
	{devidp.Persona{Email: "lena.hoffmann@nordlicht-digital.example", Name: "Lena Hoffmann", Description: "Young professional (mentor), Nordlicht Digital"}, []string{otm.RoleMentor}},
	{devidp.Persona{Email: "yusuf.demir@rheinwerk-energie.example", Name: "Yusuf Demir", Description: "Young professional (mentor), Rheinwerk Energie"}, []string{otm.RoleMentor}},
	{devidp.Persona{Email: "katharina.weber@hanse-logistik.example", Name: "Dr. Katharina Weber", Description: "Executive (mentee), CEO of Hanse Logistik"}, []string{otm.RoleMentee}},
	{devidp.Persona{Email: "thomas.brandt@alpenbank.example", Name: "Thomas Brandt", Description: "Executive (mentee), Head of Retail at Alpenbank"}, []string{otm.RoleMentee}},
	{devidp.Persona{Email: "jonas.becker@opentomentor.example", Name: "Jonas Becker", Description: "Curator, OpenToMentor program team"}, []string{otm.RoleCurator}},
	{devidp.Persona{Email: "amira.nassar@opentomentor.example", Name: "Amira Nassar", Description: "Admin, OpenToMentor program team"}, []string{otm.RoleAdmin, otm.RoleCurator}},
}

func demoPersonas() []devidp.Persona {
	out := make([]devidp.Persona, len(demoPeople))
	for i, p := range demoPeople {
		out[i] = p.Persona
	}
	return out
}

// seedDemo writes the demo organizations, grants the personas their roles
// (taking effect at their sign-in) and publishes synthetic mentors. It is
// idempotent: mentors are seeded once per data directory.
func seedDemo(ctx context.Context, p *Program, opts DemoOptions) error {
	ids := p.Identity
	orgs := demoOrgs
	for _, o := range demo.Orgs() {
		orgs = append(orgs, identity.Organization{ID: o.ID, Name: o.Name, Domains: []string{o.Domain}, Industry: o.Industry, Group: o.Group})
	}
	for _, o := range orgs {
		o := o
		o.Verified, o.Source = true, "demo"
		if o.Competitors == nil {
			o.Competitors = []string{}
		}
		if err := ids.PutOrganization(ctx, &o); err != nil {
			return err
		}
	}
	for _, pp := range demoPeople {
		if err := ids.GrantRolesByEmail(ctx, pp.Email, pp.Roles); err != nil {
			return err
		}
	}
	seeded, err := p.Moderation.Seeded(ctx)
	if err != nil {
		return err
	}
	if seeded > 0 {
		p.Logger.Info("demo mentors already present; delete the data directory to seed anew", "mentors", seeded)
		return nil
	}
	var topics []string
	for _, t := range p.Moderation.Topics() {
		topics = append(topics, t.ID)
	}
	start := time.Now()
	ms := demo.Mentors(opts.Mentors+demoPending, 1, time.Now(), topics)
	seeds := make([]moderation.SeedProfile, len(ms))
	for i, m := range ms {
		status := moderation.StatusApproved
		if i >= opts.Mentors {
			status = moderation.StatusSubmitted
		}
		seeds[i] = moderation.SeedProfile{OwnerID: fmt.Sprintf("u_demo%06d", i), Name: m.Name, Email: m.Email,
			OrgID: m.Org.ID, OrgName: m.Org.Name, Industry: m.Org.Industry, Content: m.Content, Status: status, At: m.PublishedAt}
	}
	if err := p.Moderation.Seed(ctx, p.Search, seeds, 1000); err != nil {
		return err
	}
	p.seededNow = true
	if err := seedDemoPrograms(ctx, p, time.Now()); err != nil {
		return err
	}
	execs := demo.Executives(opts.Mentees, 1, time.Now(), topics)
	reqs := make([]moderation.SeedRequest, len(execs))
	for i, e := range execs {
		program := "" // the open program
		if i%2 == 1 {
			program = demoCohortMatching
		}
		reqs[i] = moderation.SeedRequest{OwnerID: fmt.Sprintf("u_demoexec%05d", i), Name: e.Name, Email: e.Email, ProgramID: program,
			OrgID: e.Org.ID, OrgName: e.Org.Name, At: e.SubmittedAt, Content: moderation.RequestContent{
				Goals: e.Goals, Topics: e.Topics, Languages: e.Languages, Term: e.Term, Format: e.Format, Interests: e.Interests}}
	}
	if err := p.Moderation.SeedRequests(ctx, reqs); err != nil {
		return err
	}
	p.Logger.Info("demo seeded", "mentors", opts.Mentors, "pendingApplications", demoPending, "menteeRequests", opts.Mentees, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// The demo's cohorts: one matching its registrations (half the synthetic
// requests), one open for registration (the executive personas can join).
const (
	demoCohortMatching     = "autumn-cohort"
	demoCohortRegistration = "spring-cohort"
)

// seedDemoPrograms creates the demo cohorts through the service, as an admin
// would, with dates around now; the demo curator curates both.
func seedDemoPrograms(ctx context.Context, p *Program, now time.Time) error {
	admin := &otm.Principal{UserID: "u_demo_setup", Name: "Demo setup", Roles: []string{otm.RoleAdmin}}
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	cohorts := []struct {
		in    moderation.ProgramInput
		phase string
	}{
		{moderation.ProgramInput{ID: demoCohortMatching, Name: "Herbst-Kohorte / Autumn cohort", Sponsor: "Dr. Petra Hoffmann, CHRO Rheinwerk Energie", Term: "half-year",
			Description:       "Six months of reverse mentoring for leaders of six companies. Registration has closed; the program team is pairing now.",
			RegistrationOpens: day(-45), RegistrationCloses: day(-5), KickOff: day(10), WrapUp: day(190),
			Curators: []string{"jonas.becker@opentomentor.example"}}, moderation.PhaseMatching},
		{moderation.ProgramInput{ID: demoCohortRegistration, Name: "Frühjahrs-Kohorte / Spring cohort", Sponsor: "Markus Vogel, CEO Alpenbank AG", Term: "quarter",
			Description:       "A compact quarter on digital skills and new work. Executives: tell us what you want to learn.",
			RegistrationOpens: day(-3), RegistrationCloses: day(40), KickOff: day(60), WrapUp: day(150),
			Curators: []string{"jonas.becker@opentomentor.example"}}, moderation.PhaseRegistration},
	}
	for _, c := range cohorts {
		if _, err := p.Moderation.CreateProgram(ctx, admin, c.in); err != nil {
			if otm.ErrorCode(err) == otm.ECONFLICT {
				continue // seeded before
			}
			return fmt.Errorf("demo program %s: %w", c.in.ID, err)
		}
		for _, ph := range moderation.Phases[1:] {
			if _, err := p.Moderation.AdvancePhase(ctx, admin, c.in.ID, ph); err != nil {
				return fmt.Errorf("demo program %s: %w", c.in.ID, err)
			}
			if ph == c.phase {
				break
			}
		}
	}
	return nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
