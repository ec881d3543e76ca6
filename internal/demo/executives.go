package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Executive is one synthetic executive and their (submitted) mentee request.
type Executive struct {
	Name, Email string
	Org         Org
	Title       string
	Goals       string
	Topics      []string
	Languages   []string
	Term        string
	Format      string
	Interests   []string
	SubmittedAt time.Time
}

var execFirst = []string{"Katharina", "Thomas", "Andreas", "Sabine", "Michael", "Claudia", "Stefan", "Birgit", "Ralf", "Petra", "Frank", "Susanne", "Jürgen", "Martina", "Dirk", "Ulrike", "Oliver", "Anja", "Markus", "Heike", "Ayşe", "Giovanni", "Elena", "Pierre", "Monika"}
var execLast = []string{"Weber", "Brandt", "Krüger", "Hartmann", "Schröder", "Lange", "Vogel", "Keller", "Frank", "Berger", "Winkler", "Lorenz", "Baumann", "Albrecht", "Simon", "Böhm", "Roth", "Schuster", "Yıldız", "Rossi", "Dubois", "Novak"}
var execTitles = []string{"CEO", "CFO", "COO", "CHRO", "CTO", "Geschäftsführerin", "Geschäftsführer", "Vorständin", "Vorstand", "Head of Sales", "Head of Marketing", "Bereichsleiterin Personal", "Head of Operations", "Gründer", "Gründerin"}

var goalsDE = []string{
	"Ich möchte verstehen, wie meine jüngeren Kolleginnen und Kollegen KI-Werkzeuge im Alltag nutzen und was davon für unser Unternehmen taugt.",
	"Mir fehlt das Gespür dafür, was die Generation Z von Führung erwartet. Ich will zuhören, Fragen stellen und meine Annahmen überprüfen.",
	"Wir finden kaum noch Nachwuchs. Ich möchte lernen, was uns als Arbeitgeber für junge Menschen attraktiv macht – ehrlich, nicht als Marketing.",
	"Ich will TikTok und LinkedIn nicht nur beobachten, sondern selbst souverän nutzen, um unsere Marke und mich als Führungskraft sichtbar zu machen.",
	"Hybride Zusammenarbeit fühlt sich bei uns noch holprig an. Ich suche jemanden, der zeigt, wie gute digitale Teamarbeit wirklich aussieht.",
}
var goalsEN = []string{
	"I want to understand how younger colleagues use AI tools day to day, and which of it would really help our teams.",
	"I lack a feel for what Gen Z expects from leaders. I want to listen, ask naive questions and test my assumptions.",
	"We struggle to attract young talent. I'd like to learn, honestly, what makes an employer attractive to people starting their careers.",
	"I want to use LinkedIn and short-video platforms myself with confidence instead of delegating everything to the comms team.",
	"Our hybrid work still feels clumsy. I'm looking for someone who shows me what good digital collaboration looks like in practice.",
}
var execInterests = []string{"Segeln", "Golf", "Wandern", "Jazz", "Kochen", "Marathon", "Oper", "Fußball", "Reisen", "Fotografie", "Gärtnern", "Tennis"}

// Executives returns n executives with submitted requests, deterministically
// from seed, using topic ids from topics.
func Executives(n int, seed int64, now time.Time, topics []string) []Executive {
	if n <= 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x6578656373))
	orgs := Orgs()
	terms := []string{"quarter", "half-year", "half-year", "year"}
	formats := []string{"remote", "hybrid", "in-person", "hybrid"}
	seen := map[string]int{}
	out := make([]Executive, n)
	for i := range out {
		first, last := execFirst[r.IntN(len(execFirst))], execLast[r.IntN(len(execLast))]
		org := orgs[r.IntN(len(orgs))]
		local := ascii(strings.ToLower(first + "." + last))
		seen[local]++
		if seen[local] > 1 {
			local = fmt.Sprintf("%s%d", local, seen[local])
		}
		german := r.IntN(100) < 65
		goals := goalsEN[r.IntN(len(goalsEN))]
		langs := []string{"en"}
		if german {
			goals = goalsDE[r.IntN(len(goalsDE))]
			langs = []string{"de", "en"}
		}
		ts := []string{}
		for len(ts) < 1+r.IntN(2) && len(topics) > 0 {
			t := topics[r.IntN(min(len(topics), 5))]
			if !contains(ts, t) {
				ts = append(ts, t)
			}
		}
		var ints []string
		for range r.IntN(3) {
			x := execInterests[r.IntN(len(execInterests))]
			if !contains(ints, x) {
				ints = append(ints, x)
			}
		}
		out[i] = Executive{
			Name: first + " " + last, Email: local + "@" + org.Domain, Org: org,
			Title: execTitles[r.IntN(len(execTitles))], Goals: goals, Topics: ts, Languages: langs,
			Term: terms[r.IntN(len(terms))], Format: formats[r.IntN(len(formats))], Interests: ints,
			SubmittedAt: now.Add(-time.Duration(r.IntN(60*24)) * time.Hour),
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
