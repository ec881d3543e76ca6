package assignment

import (
	"reflect"
	"testing"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/matching"
	"github.com/opentomentor/opentomentor/suggest"
)

// cohortOf builds a cohort of mentees and mentors with cards named by id.
func cohortOf(t *testing.T, mentees []matching.Mentee, mentors []matching.Mentor) *suggest.Cohort {
	t.Helper()
	c := &suggest.Cohort{ProgramID: "p", Weights: matching.DefaultWeights(), World: &matching.World{},
		Mentees: mentees, Mentors: mentors, Names: map[string]string{}, Cards: map[string]suggest.Candidate{}}
	for _, e := range mentees {
		c.Names[e.RequestID] = "Exec " + e.RequestID
	}
	for _, m := range mentors {
		c.Cards[m.ProfileID] = suggest.Candidate{ProfileID: m.ProfileID, Name: "Mentor " + m.ProfileID}
	}
	return c
}

func mentor(id, org string, topics ...string) matching.Mentor {
	return matching.Mentor{Person: matching.Person{UserID: "u-" + id, OrgID: org, Languages: []string{"de"}, Country: "DE"},
		ProfileID: id, Topics: topics, HoursPerMonth: 4, Capacity: 1}
}

func mentee(id, org string, topics ...string) matching.Mentee {
	return matching.Mentee{Person: matching.Person{UserID: "u-" + id, OrgID: org, Languages: []string{"de"}, Country: "DE"},
		RequestID: id, Topics: topics, Term: "half-year"}
}

// TestComputeExplains: each pair lists the next best allowed mentors (Free
// when the assignment leaves them capacity), and each request without a
// mentor says why, as a reason key with arguments.
func TestComputeExplains(t *testing.T) {
	type alt struct {
		id   string
		free bool
	}
	tests := []struct {
		name      string
		mentees   []matching.Mentee
		mentors   []matching.Mentor
		wantPairs map[string]string // request → mentor
		wantAlts  map[string][]alt  // request → alternatives, in order
		wantWhy   []Unassigned
	}{
		{
			name:      "alternatives, free and taken",
			mentees:   []matching.Mentee{mentee("r1", "x", "ai", "data"), mentee("r2", "y", "ai")},
			mentors:   []matching.Mentor{mentor("a", "m1", "ai", "data"), mentor("b", "m2", "ai"), mentor("c", "m3", "cloud")},
			wantPairs: map[string]string{"r1": "a", "r2": "b"},
			wantAlts: map[string][]alt{
				"r1": {{"b", false}, {"c", true}},
				"r2": {{"a", false}, {"c", true}},
			},
			wantWhy: []Unassigned{},
		},
		{
			name:      "taken by a better fit",
			mentees:   []matching.Mentee{mentee("r1", "x", "ai", "data"), mentee("r2", "y", "ai")},
			mentors:   []matching.Mentor{mentor("a", "m1", "ai", "data")},
			wantPairs: map[string]string{"r1": "a"},
			wantAlts:  map[string][]alt{"r1": {}},
			wantWhy:   []Unassigned{{RequestID: "r2", MenteeName: "Exec r2", Reason: ReasonTaken, Args: otm.Args{"count": 1}}},
		},
		{
			name:      "every candidate refused",
			mentees:   []matching.Mentee{mentee("r1", "m1", "ai")},
			mentors:   []matching.Mentor{mentor("a", "m1", "ai"), mentor("b", "m1", "ai")},
			wantPairs: map[string]string{},
			wantWhy:   []Unassigned{{RequestID: "r1", MenteeName: "Exec r1", Reason: ReasonRefused, Args: otm.Args{"rule": matching.RuleSameOrganization, "count": 2}}},
		},
		{
			name:      "no candidates",
			mentees:   []matching.Mentee{mentee("r1", "x", "ai")},
			wantPairs: map[string]string{},
			wantWhy:   []Unassigned{{RequestID: "r1", MenteeName: "Exec r1", Reason: ReasonNoCandidates}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := compute(cohortOf(t, tt.mentees, tt.mentors), nil)
			got := map[string]string{}
			for _, p := range a.Pairs {
				got[p.RequestID] = p.Mentor.ProfileID
				var alts []alt
				for _, x := range p.Alternatives {
					alts = append(alts, alt{x.Mentor.ProfileID, x.Free})
				}
				if want := tt.wantAlts[p.RequestID]; len(alts)+len(want) > 0 && !reflect.DeepEqual(alts, want) {
					t.Errorf("alternatives of %s: got %v, want %v", p.RequestID, alts, want)
				}
			}
			if !reflect.DeepEqual(got, tt.wantPairs) {
				t.Errorf("pairs: got %v, want %v", got, tt.wantPairs)
			}
			if !reflect.DeepEqual(a.UnassignedReasons, tt.wantWhy) {
				t.Errorf("unassigned reasons: got %+v, want %+v", a.UnassignedReasons, tt.wantWhy)
			}
			if len(a.Unassigned) != len(a.UnassignedReasons) {
				t.Errorf("unassigned: got %d ids and %d reasons, want as many", len(a.Unassigned), len(a.UnassignedReasons))
			}
		})
	}
}
