package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/identity"
	"github.com/opentomentor/opentomentor/identity/devidp"
)

// DemoOptions configure "opentomentor demo".
type DemoOptions struct{}

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

// seedDemo writes the demo organizations and grants the personas their roles
// (taking effect at their sign-in). It is idempotent.
func seedDemo(ctx context.Context, ids *identity.Service, _ DemoOptions) error {
	for _, o := range demoOrgs {
		o := o
		o.Verified, o.Source = true, "demo"
		if o.Competitors == nil {
			o.Competitors = []string{}
		}
		if err := ids.PutOrganization(ctx, &o); err != nil {
			return err
		}
	}
	for _, p := range demoPeople {
		if err := ids.GrantRolesByEmail(ctx, p.Email, p.Roles); err != nil {
			return err
		}
	}
	return nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
