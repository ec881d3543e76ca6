package linemanager

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/audit"
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
	ctx := context.Background()
	s := newService(t, db, Config{Now: func() time.Time { return now }})
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
	ms, _ := raw["managers"].(bson.A)
	if len(ms) != 2 || ms[0] != s.fingerprint("klara.boss@acme.example") {
		t.Errorf("stored fingerprints: got %v, want 2, the first of klara.boss@acme.example", raw["managers"])
	}
	if len(ms) > 0 && ms[0] == Fingerprint("klara.boss@acme.example") {
		t.Error("the stored fingerprint is the plain SHA-256 of the address: anyone with a list of addresses reverses it")
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

// chains is what Service.All returns for the declared addresses, under one key.
func chains(declared map[string][]string) Chains {
	s := &Service{chain: []fpKey{{id: "k1", key: []byte("0123456789abcdef0123456789abcdef")}}}
	c := s.chains()
	for user, emails := range declared {
		for _, e := range emails {
			c.byUser[user] = append(c.byUser[user], s.fingerprint(e))
		}
	}
	return c
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
		{"nobody declared", chains(nil), "", 0},
		{"someone else declared", chains(map[string][]string{"u_x": {menteeMail}}), "", 0},
		{"mentee above mentor (mentor declared)", chains(map[string][]string{"u_junior": {"other@x.example", " CEO@BigCo.example "}}), matching.RuleLineManagement, 0},
		{"mentor declared someone else", chains(map[string][]string{"u_junior": {"boss@bigco.example"}}), "", 0},
		{"mentor above mentee (mentee declared)", chains(map[string][]string{"u_ceo": {mentorMail}}), matching.RuleLineManagement, 1},
		{"mentee declared someone else", chains(map[string][]string{"u_ceo": {"board@bigco.example"}}), "", 1},
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

// newService returns the service with its keys loaded.
func newService(t *testing.T, db *mongo.Database, cfg Config) *Service {
	t.Helper()
	s := NewService(db, cfg)
	if err := s.LoadKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIntegrationFingerprintKeys: declarations stored before keys (plain
// SHA-256) and under fewer keys are re-wrapped when a key is added, and still
// recognise the same managers; a key nobody configured leaves the declaration
// out instead of comparing it wrongly; saving and clearing are audited
// without naming anyone.
func TestIntegrationFingerprintKeys(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	log := audit.New(db)
	k1, k2 := []byte("first key, 32 bytes long........"), []byte("second key, 32 bytes long.......")
	tom := &otm.Principal{UserID: "u_tom", Email: "tom@acme.example", Name: "Tom"}
	ann := &otm.Principal{UserID: "u_ann", Email: "ann@acme.example", Name: "Ann"}

	// Before keys: a plain SHA-256, as this package stored them.
	if _, err := db.Collection("line_managers").InsertOne(ctx, bson.D{{Key: "_id", Value: "u_old"},
		{Key: "managers", Value: bson.A{Fingerprint("ceo@acme.example")}}, {Key: "hints", Value: bson.A{"c…@acme.example"}}}); err != nil {
		t.Fatal(err)
	}
	one := newService(t, db, Config{Keys: [][]byte{k1}, Audit: log})
	if _, err := one.Set(ctx, tom, []string{"ceo@acme.example"}); err != nil {
		t.Fatal(err)
	}
	two := newService(t, db, Config{Keys: [][]byte{k1, k2}, Audit: log})
	if _, err := two.Set(ctx, ann, []string{"ceo@acme.example"}); err != nil {
		t.Fatal(err)
	}
	recognises := func(s *Service, who string) bool {
		t.Helper()
		c, err := s.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(c.byUser[who], c.fp("CEO@acme.example"))
	}
	// Before the re-wrap, reading wraps the older ones on the fly.
	for _, who := range []string{"u_old", "u_tom", "u_ann"} {
		if !recognises(two, who) {
			t.Errorf("%s before the re-wrap: the declared manager is not recognised", who)
		}
	}
	n, err := two.Rewrap(ctx)
	if err != nil || n != 2 {
		t.Fatalf("rewrap: got %d, %v; want the 2 older declarations", n, err)
	}
	if n, err := two.Rewrap(ctx); err != nil || n != 0 {
		t.Errorf("second rewrap: got %d, %v; want nothing left", n, err)
	}
	cur, _ := db.Collection("line_managers").Find(ctx, bson.D{})
	var docs []lineManagersDoc
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if !slices.Equal(d.Keys, two.keyIDs()) || d.Managers[0] != two.fingerprint("ceo@acme.example") {
			t.Errorf("%s after the rewrap: keys %v, fingerprint %s; want both keys and the same fingerprint as a new save", d.ID, d.Keys, d.Managers[0])
		}
		if !recognises(two, d.ID) {
			t.Errorf("%s after the rewrap: the declared manager is not recognised", d.ID)
		}
	}
	// A process with another key cannot compare them: it leaves them out.
	other := newService(t, db, Config{Keys: [][]byte{[]byte("somebody else's key, 32 bytes..")}})
	if c, err := other.All(ctx); err != nil || len(c.byUser) != 0 {
		t.Errorf("under an unknown key: got %v, %v; want no chains", c.byUser, err)
	}
	// Audited: saving and clearing, with the count and never an address.
	if _, err := two.Set(ctx, ann, nil); err != nil {
		t.Fatal(err)
	}
	entries, _, err := log.Find(ctx, audit.Filter{Action: "line_managers.set"}, 10, 0)
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit: got %d entries, %v; want 3", len(entries), err)
	}
	for _, e := range entries {
		if strings.Contains(fmt.Sprint(e), "ceo") || e.ActorID != e.SubjectUserID {
			t.Errorf("audit entry %+v: want the person's own, with no address", e)
		}
	}
	if entries[0].Details != "managers=0" || entries[0].SubjectUserID != "u_ann" {
		t.Errorf("newest entry: got %+v, want Ann clearing hers (managers=0)", entries[0])
	}
}
