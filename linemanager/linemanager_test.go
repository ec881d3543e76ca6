package linemanager

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/testenv"
	"github.com/opentomentor/opentomentor/matching"
)

func TestCleanLineManagers(t *testing.T) {
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("boss%d@acme.example", i)
	}
	tests := []struct {
		name   string
		emails []string
		want   []string // the normalized list when valid
		fields []string // the fields named when invalid
	}{
		{"empty", nil, []string{}, nil},
		{"one", []string{"Klara.Boss@Acme.example"}, []string{"klara.boss@acme.example"}, nil},
		{"duplicates collapse", []string{" k@acme.example", "K@ACME.example ", "ceo@acme.example"}, []string{"k@acme.example", "ceo@acme.example"}, nil},
		{"ten", eleven[:10], eleven[:10], nil},
		{"eleven", eleven, nil, []string{"emails"}},
		{"eleven with a duplicate is ten", append(slices.Clone(eleven[:10]), eleven[0]), eleven[:10], nil},
		{"not an address", []string{"k@acme.example", "klara"}, nil, []string{"emails[1]"}},
		{"blank entry", []string{""}, nil, []string{"emails[0]"}},
		{"display name", []string{"Klara <k@acme.example>"}, nil, []string{"emails[0]"}},
		{"no dot in domain", []string{"k@localhost"}, nil, []string{"emails[0]"}},
		{"domain literal", []string{"k@[10.0.0.1]"}, nil, []string{"emails[0]"}},
		{"control character", []string{"k\u0007@acme.example"}, nil, []string{"emails[0]"}},
		{"own address", []string{"k@acme.example", " Me@Acme.example"}, nil, []string{"emails[1]"}},
		{"two bad", []string{"x", "me@acme.example", "k@acme.example"}, nil, []string{"emails[0]", "emails[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cleanLineManagers("me@acme.example", tt.emails)
			var fields []string
			for _, fe := range otm.ErrorFields(err) {
				fields = append(fields, fe.Field)
			}
			if tt.fields != nil {
				if otm.ErrorCode(err) != otm.EINVALID || !slices.Equal(fields, tt.fields) {
					t.Errorf("got %v (fields %v), want EINVALID naming %v", err, fields, tt.fields)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestMaskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"klara.boss@acme.example", "k…@acme.example"},
		{"k@acme.example", "k…@acme.example"},
		{"über@acme.example", "ü…@acme.example"},
	}
	for _, tt := range tests {
		if got := maskEmail(tt.in); got != tt.want {
			t.Errorf("maskEmail(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIntegrationLineManagersStoreFingerprintsOnly(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db := testenv.DB(t)
	s := NewService(db, func() time.Time { return now })
	ctx := context.Background()
	p := &otm.Principal{UserID: "u_tom", Email: "tom@acme.example", Name: "Tom"}

	if _, err := s.Mine(ctx, nil); otm.ErrorCode(err) != otm.EUNAUTHORIZED {
		t.Errorf("visitor: got %v, want EUNAUTHORIZED", err)
	}
	if _, err := s.Set(ctx, nil, []string{"k@acme.example"}); otm.ErrorCode(err) != otm.EUNAUTHORIZED {
		t.Errorf("visitor saving: got %v, want EUNAUTHORIZED", err)
	}
	got, err := s.Mine(ctx, p)
	if err != nil || len(got.Managers) != 0 || got.UpdatedAt != nil {
		t.Fatalf("nothing declared: got %+v, %v; want no managers", got, err)
	}
	addrs := []string{"Klara.Boss@Acme.example", "ceo.hans@acme.example", "klara.boss@acme.example"}
	got, err = s.Set(ctx, p, addrs)
	if err != nil {
		t.Fatal(err)
	}
	wantHints := []ManagerHint{{"k…@acme.example"}, {"c…@acme.example"}}
	if !slices.Equal(got.Managers, wantHints) || got.UpdatedAt == nil || !got.UpdatedAt.Equal(now) {
		t.Errorf("saved: got %+v, want hints %v at %v", got, wantHints, now)
	}
	var raw bson.M
	if err := db.Collection("line_managers").FindOne(ctx, bson.D{{Key: "_id", Value: "u_tom"}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	doc := strings.ToLower(fmt.Sprint(raw))
	for _, leak := range []string{"klara", "boss", "ceo", "hans"} {
		if strings.Contains(doc, leak) {
			t.Errorf("stored document holds %q: %s", leak, doc)
		}
	}
	if ms, _ := raw["managers"].(bson.A); len(ms) != 2 || ms[0] != Fingerprint("klara.boss@acme.example") {
		t.Errorf("stored fingerprints: got %v, want 2, the first of klara.boss@acme.example", raw["managers"])
	}
	if again, err := s.Mine(ctx, p); err != nil || !slices.Equal(again.Managers, wantHints) {
		t.Errorf("read back: got %+v, %v", again, err)
	}
	// Refused input leaves the declaration as it was.
	if _, err := s.Set(ctx, p, []string{"nobody"}); otm.ErrorCode(err) != otm.EINVALID {
		t.Errorf("invalid: got %v, want EINVALID", err)
	}
	if again, _ := s.Mine(ctx, p); len(again.Managers) != 2 {
		t.Errorf("after a refused save: got %+v, want the 2 managers kept", again)
	}
	// An empty list removes it; so does the account's erasure.
	if got, err := s.Set(ctx, p, nil); err != nil || len(got.Managers) != 0 {
		t.Errorf("clear: got %+v, %v", got, err)
	}
	if n, _ := db.Collection("line_managers").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Errorf("after clearing: %d documents, want 0", n)
	}
	if _, err := s.Set(ctx, p, []string{"k@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Erase(ctx, p.UserID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Mine(ctx, p); len(got.Managers) != 0 {
		t.Errorf("after erasure: got %+v", got)
	}
}

func TestLineChainsResolve(t *testing.T) {
	const (
		menteeMail = "ceo@bigco.example"
		mentorMail = "junior@bigco.example"
	)
	mentee := matching.Mentee{Person: matching.Person{UserID: "u_ceo", OrgID: "bigco", Languages: []string{"de"}}, RequestID: "mr_ceo_open"}
	mentor := matching.Mentor{Person: matching.Person{UserID: "u_junior", OrgID: "bigco-digital", Languages: []string{"de"}}, ProfileID: "mp_junior"}
	other := matching.Mentor{Person: matching.Person{UserID: "u_other", OrgID: "elsewhere", Languages: []string{"de"}}, ProfileID: "mp_other"}
	tests := []struct {
		name      string
		chains    Chains
		wantRule  string // on mentor; "" when allowed
		wantReads int    // calls for mentors' addresses
	}{
		{"nobody declared", Chains{}, "", 0},
		{"someone else declared", Chains{"u_x": {Fingerprint(menteeMail)}}, "", 0},
		{"mentee above mentor (mentor declared)", Chains{"u_junior": {Fingerprint("other@x.example"), Fingerprint(" CEO@BigCo.example ")}}, matching.RuleLineManagement, 0},
		{"mentor declared someone else", Chains{"u_junior": {Fingerprint("boss@bigco.example")}}, "", 0},
		{"mentor above mentee (mentee declared)", Chains{"u_ceo": {Fingerprint(mentorMail)}}, matching.RuleLineManagement, 1},
		{"mentee declared someone else", Chains{"u_ceo": {Fingerprint("board@bigco.example")}}, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mentees := []matching.Mentee{mentee}
			mentors := []matching.Mentor{mentor, other}
			reads := 0
			emails := func(_ context.Context, ids []string) (map[string]string, error) {
				reads++
				if !slices.Equal(ids, []string{"mp_junior", "mp_other"}) {
					t.Errorf("asked for %v", ids)
				}
				return map[string]string{"mp_junior": mentorMail, "mp_other": "other@elsewhere.example"}, nil
			}
			if err := tt.chains.Resolve(context.Background(), mentees, map[string]string{"u_ceo": menteeMail}, mentors, emails); err != nil {
				t.Fatal(err)
			}
			if reads != tt.wantReads {
				t.Errorf("mentors' addresses asked for %d times, want %d", reads, tt.wantReads)
			}
			_, rule, reason := matching.Allowed(nil, mentors[0], mentees[0])
			if rule != tt.wantRule {
				t.Errorf("got rule %q (%s), want %q", rule, reason, tt.wantRule)
			}
			if strings.Contains(reason.Text, "@") {
				t.Errorf("the reason reveals an address: %q", reason)
			}
			if ok, rule, _ := matching.Allowed(nil, mentors[1], mentees[0]); !ok {
				t.Errorf("an unrelated mentor is excluded by %s", rule)
			}
		})
	}
}
