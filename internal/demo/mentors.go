package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/opentomentor/opentomentor/profile"
)

// Mentor is one synthetic young professional and their approved application.
type Mentor struct {
	Name, Email string // email at the org's domain, lowercase ASCII
	Org         Org
	Content     profile.Content // complete and valid, Visibility set
	PublishedAt time.Time       // within the 18 months before now
}

// Mentors returns n mentors generated deterministically from seed: the same
// arguments give the same mentors. Topics are taken from topics (topic ids;
// the core ones digital-skills, new-work-leadership and employer-branding
// are chosen more often); with no topics, Content.Topics stays empty. E-mail
// addresses are unique within one call. About 60 % of the names are German,
// half of the applications are written in German, the other half in English;
// most mentors live in Germany.
func Mentors(n int, seed int64, now time.Time, topics []string) []Mentor {
	if n <= 0 {
		return nil
	}
	g := newGen(seed, now, topics, n)
	out := make([]Mentor, n)
	for i := range out {
		g.mentor(&out[i])
	}
	return out
}

// Share of German-speaking mentors who write their application in German,
// in percent; tuned so that about half of all applications are German.
const germanPct = 57

// Topics that are chosen more often.
var coreTopics = []string{"digital-skills", "new-work-leadership", "employer-branding"}

// pools are the pre-built tables the generator draws from.
type pools struct {
	orgs       []orgInfo
	orgPick    picker
	origins    []origin
	originPick picker
	germanIdx  int

	roles      []role
	rolesByInd map[string][]int
	rolesAny   []int

	teachByCat  [numCats][]int
	teachSkills [][]int
	catSkills   [numCats][]int
	general     []int

	interestsEN []string // lower-case English tags for sentences

	countries   []string
	countryPick picker
}

type role struct {
	roleSpec
	article string // "a" or "an" before the English form
}

var data = sync.OnceValue(buildPools)

func buildPools() *pools {
	p := &pools{orgs: buildOrgs(), origins: buildOrigins(), rolesByInd: map[string][]int{}}
	w := make([]int, len(p.orgs))
	for i, o := range p.orgs {
		w[i] = o.weight
	}
	p.orgPick = newPicker(w)

	w = make([]int, len(p.origins))
	for i, o := range p.origins {
		w[i] = o.weight
		if o.german {
			p.germanIdx = i
		}
	}
	p.originPick = newPicker(w)

	industries := map[string]bool{}
	for _, o := range p.orgs {
		industries[o.Industry] = true
	}
	for i, s := range roleTable {
		p.roles = append(p.roles, role{roleSpec: s, article: article(s.en)})
		if len(s.industries) == 0 {
			p.rolesAny = append(p.rolesAny, i)
		}
	}
	for ind := range industries {
		list := slices.Clone(p.rolesAny)
		for i, s := range roleTable {
			if slices.Contains(s.industries, ind) {
				list = append(list, i)
			}
		}
		p.rolesByInd[ind] = list
	}

	skillIdx := make(map[string]int, len(skillTable))
	for i, s := range skillTable {
		skillIdx[s[0]] = i
	}
	idx := func(names []string) []int {
		out := make([]int, len(names))
		for i, n := range names {
			j, ok := skillIdx[n]
			if !ok {
				panic("demo: unknown skill " + n)
			}
			out[i] = j
		}
		return out
	}
	p.teachSkills = make([][]int, len(teachTable))
	for i, t := range teachTable {
		p.teachSkills[i] = idx(t.skills)
		for _, c := range t.cats {
			p.teachByCat[c] = append(p.teachByCat[c], i)
		}
	}
	for c := range numCats {
		p.catSkills[c] = idx(catSkills[c])
	}
	p.general = idx(generalSkills)

	p.interestsEN = make([]string, len(interestTable))
	for i, it := range interestTable {
		p.interestsEN[i] = strings.ToLower(it.en)
	}

	w = w[:0]
	for _, c := range countryDist {
		p.countries = append(p.countries, c.code)
		w = append(w, c.w)
	}
	p.countryPick = newPicker(w)
	return p
}

func article(en string) string {
	if strings.HasPrefix(en, "HR ") || strings.HasPrefix(en, "IT ") {
		return "an"
	}
	switch en[0] {
	case 'a', 'e', 'i', 'o':
		return "an"
	}
	return "a"
}

// picker draws an index with probability proportional to its weight.
type picker struct{ cum []int }

func newPicker(weights []int) picker {
	cum := make([]int, len(weights))
	t := 0
	for i, w := range weights {
		t += w
		cum[i] = t
	}
	return picker{cum}
}

func (p picker) pick(r *rand.Rand) int {
	x := r.IntN(p.cum[len(p.cum)-1])
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if p.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// gen is the state of one Mentors call.
type gen struct {
	p         *pools
	r         *rand.Rand
	now       time.Time
	span      time.Duration
	topics    []string
	topicPick picker
	emails    map[string]struct{}
	b         strings.Builder
	sk, ints  []int
}

func newGen(seed int64, now time.Time, topics []string, n int) *gen {
	g := &gen{
		p:      data(),
		r:      rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		now:    now,
		span:   now.Sub(now.AddDate(0, -18, 0)),
		emails: make(map[string]struct{}, n),
	}
	var w []int
	for _, t := range topics {
		if t == "" || slices.Contains(g.topics, t) {
			continue
		}
		g.topics = append(g.topics, t)
		if slices.Contains(coreTopics, t) {
			w = append(w, 5)
		} else {
			w = append(w, 2)
		}
	}
	if len(w) > 0 {
		g.topicPick = newPicker(w)
	}
	return g
}

func (g *gen) pct(p int) bool { return g.r.IntN(100) < p }

func (g *gen) mentor(m *Mentor) {
	p, r := g.p, g.r

	// Who.
	o := &p.origins[p.originPick.pick(r)]
	female := r.IntN(2) == 0
	givenFrom := o
	if o.germanGivenPct > 0 && g.pct(o.germanGivenPct) {
		givenFrom = &p.origins[p.germanIdx]
	}
	given := givenFrom.male[r.IntN(len(givenFrom.male))]
	if female {
		given = givenFrom.female[r.IntN(len(givenFrom.female))]
	}
	sn := o.last[r.IntN(len(o.last))]
	family := sn.m
	if female {
		family = sn.f
	}
	m.Name = given.name + " " + family.name
	org := &p.orgs[p.orgPick.pick(r)]
	m.Org = org.Org
	m.Email = g.email(given.ascii, family.ascii, org)

	// Where and in which languages.
	country := p.countries[p.countryPick.pick(r)]
	switch {
	case org.country != "DE" && g.pct(45):
		country = org.country
	case o.country != "" && g.pct(12):
		country = o.country
	}
	dach := country == "DE" || country == "AT" || country == "CH"
	var speaksDE bool
	switch {
	case dach:
		speaksDE = o.german || g.pct(97)
	case o.german:
		speaksDE = g.pct(80)
	default:
		speaksDE = g.pct(25)
	}
	german := speaksDE && g.pct(germanPct)
	langs := make([]string, 0, 5)
	if cl := countryLang[country]; cl != "" && g.pct(85) {
		langs = append(langs, cl)
	}
	if speaksDE {
		langs = addLang(langs, "de")
	}
	if !german || g.pct(93) {
		langs = addLang(langs, "en")
	}
	heritage := ""
	if len(o.heritage) > 0 && g.pct(88) {
		heritage = o.heritage[r.IntN(len(o.heritage))]
		langs = addLang(langs, heritage)
	}
	if o.german && g.pct(12) {
		langs = addLang(langs, extraLangs[r.IntN(len(extraLangs))])
	}
	if country == "CH" && g.pct(20) {
		langs = addLang(langs, []string{"fr", "it"}[r.IntN(2)])
	}

	// What they do and teach.
	roles := p.rolesByInd[org.Industry]
	rl := &p.roles[roles[r.IntN(len(roles))]]
	t1 := g.teach(rl.cat)
	t2 := -1
	if g.pct(40) {
		if t := g.teach(rl.cat); t != t1 {
			t2 = t
		}
	}
	ints := g.interests()

	c := &m.Content
	c.Headline = g.headline(german, female, rl, &teachTable[t1], org)
	c.Bio = g.bio(german, female, speaksDE, given.name, rl, t1, t2, org, ints, heritage)
	c.Topics = g.pickTopics(t1, t2)
	c.Skills = g.skills(german, rl.cat, t1, t2)
	c.Languages = langs
	c.Country = country
	c.Availability = profile.Availability{HoursPerMonth: hoursDist[r.IntN(len(hoursDist))], Paused: g.pct(4)}
	if len(ints) > 0 {
		c.Interests = make([]string, len(ints))
		for i, x := range ints {
			if german {
				c.Interests[i] = interestTable[x].de
			} else {
				c.Interests[i] = interestTable[x].en
			}
		}
	}
	if g.pct(40) {
		c.LinkedInURL = "https://www.linkedin.com/in/" + given.ascii + "-" + family.ascii + "-" + hex4(r.Uint32())
	}
	c.ShowPicture = g.pct(70)
	c.Visibility = profile.Visibility{
		Interests:    pickVis(r.IntN(100), 50, 92, profile.VisPublic, profile.VisExecutives, profile.VisCurators),
		Availability: pickVis(r.IntN(100), 80, 97, profile.VisPublic, profile.VisExecutives, profile.VisCurators),
		LinkedInURL:  pickVis(r.IntN(100), 85, 100, profile.VisExecutives, profile.VisCurators, ""),
	}

	// When: more recent publications are more frequent (a growing platform).
	age := time.Duration(float64(g.span) * (1 - math.Sqrt(r.Float64())))
	m.PublishedAt = g.now.Add(-max(age, time.Minute)).Truncate(time.Second)
}

func pickVis(x, a, b int, first, second, third string) string {
	switch {
	case x < a:
		return first
	case x < b:
		return second
	}
	return third
}

func addLang(langs []string, l string) []string {
	if slices.Contains(langs, l) {
		return langs
	}
	return append(langs, l)
}

const hexDigits = "0123456789abcdef"

func hex4(x uint32) string {
	return string([]byte{hexDigits[x>>12&15], hexDigits[x>>8&15], hexDigits[x>>4&15], hexDigits[x&15]})
}

// email returns a unique address for the person at org.
func (g *gen) email(first, last string, org *orgInfo) string {
	if first == "" {
		first = "mentor"
	}
	local := first + "." + last
	if org.initial {
		local = first[:1] + "." + last
	}
	at := "@" + org.Domain
	addr := local + at
	for i := 2; ; i++ {
		if _, dup := g.emails[addr]; !dup {
			break
		}
		addr = local + strconv.Itoa(i) + at
	}
	g.emails[addr] = struct{}{}
	return addr
}

// teach picks what someone of category cat teaches: mostly what fits the
// role, sometimes anything.
func (g *gen) teach(cat int) int {
	if list := g.p.teachByCat[cat]; len(list) > 0 && g.pct(65) {
		return list[g.r.IntN(len(list))]
	}
	return g.r.IntN(len(teachTable))
}

func (g *gen) interests() []int {
	k := interestCount[g.r.IntN(len(interestCount))]
	g.ints = g.ints[:0]
	for len(g.ints) < k {
		if x := g.r.IntN(len(interestTable)); !slices.Contains(g.ints, x) {
			g.ints = append(g.ints, x)
		}
	}
	return g.ints
}

// pickTopics starts with the topics of what the mentor teaches and fills up
// with a weighted choice (core topics more often).
func (g *gen) pickTopics(t1, t2 int) []string {
	if len(g.topics) == 0 {
		return nil
	}
	k := min(topicCount[g.r.IntN(len(topicCount))], len(g.topics))
	out := make([]string, 0, k)
	add := func(id string) {
		if len(out) < k && slices.Contains(g.topics, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	tt := teachTable[t1].topics
	add(tt[0])
	if len(tt) > 1 && g.pct(60) {
		add(tt[1])
	}
	if t2 >= 0 && g.pct(60) {
		add(teachTable[t2].topics[0])
	}
	for tries := 0; len(out) < k && tries < 64; tries++ {
		add(g.topics[g.topicPick.pick(g.r)])
	}
	for _, id := range g.topics { // only when the weighted draws kept failing
		add(id)
	}
	return out
}

func (g *gen) skills(german bool, cat, t1, t2 int) []string {
	p, r := g.p, g.r
	k := skillCount[r.IntN(len(skillCount))]
	g.sk = g.sk[:0]
	add := func(i int) {
		if len(g.sk) < k && !slices.Contains(g.sk, i) {
			g.sk = append(g.sk, i)
		}
	}
	for _, i := range p.teachSkills[t1] {
		if g.pct(70) {
			add(i)
		}
	}
	if t2 >= 0 {
		for _, i := range p.teachSkills[t2] {
			if g.pct(50) {
				add(i)
			}
		}
	}
	for tries := 0; len(g.sk) < k && tries < 64; tries++ {
		if g.pct(65) {
			cs := p.catSkills[cat]
			add(cs[r.IntN(len(cs))])
		} else {
			add(p.general[r.IntN(len(p.general))])
		}
	}
	lang := 1
	if german {
		lang = 0
	}
	out := make([]string, len(g.sk))
	for i, x := range g.sk {
		out[i] = skillTable[x][lang]
	}
	return out
}

func capFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	if r, n := utf8.DecodeRuneInString(s); r == 'ü' || r == 'ä' || r == 'ö' {
		return strings.ToUpper(string(r)) + s[n:]
	}
	return s
}

func (g *gen) headline(german, female bool, rl *role, t *teachSpec, org *orgInfo) string {
	var h string
	if german {
		R, art, in := rl.m, "der", ""
		if female {
			R, art, in = rl.f, "die", "in"
		}
		switch g.r.IntN(8) {
		case 0:
			h = R + ", " + art + " Führungskräften " + t.de + " erklärt"
		case 1:
			h = R + " " + org.atDE + " | " + capFirst(t.de) + " verständlich erklärt"
		case 2:
			h = "Als " + R + " bringe ich Führungskräften " + t.de + " näher"
		case 3:
			h = R + " | Reverse Mentoring: " + capFirst(t.de)
		case 4:
			h = R + " – " + t.de + " aus erster Hand"
		case 5:
			h = R + " und Brückenbauer" + in + " zwischen Gen Z und Chefetage"
		case 6:
			h = "#OpenToMentor: " + R + " " + org.atDE + ", Schwerpunkt " + t.de
		default:
			h = "Ich zeige Führungskräften " + t.de + " – " + R + " " + org.atDE
		}
		if tooLong(h) {
			h = R + " | " + capFirst(t.de)
		}
		return h
	}
	R := rl.en
	switch g.r.IntN(8) {
	case 0:
		h = capFirst(R) + " helping leaders understand " + t.en
	case 1:
		h = capFirst(R) + " " + org.atEN + " | " + capFirst(t.en) + ", explained for executives"
	case 2:
		h = capFirst(R) + " who explains " + t.en + " to leaders"
	case 3:
		h = capFirst(R) + " | Reverse mentor for " + t.en
	case 4:
		h = "As " + rl.article + " " + R + ", I teach executives " + t.en
	case 5:
		h = capFirst(R) + " bridging Gen Z and the C-suite"
	case 6:
		h = "#OpenToMentor | " + capFirst(R) + " " + org.atEN + " | " + capFirst(t.en)
	default:
		h = capFirst(R) + " " + org.atEN + " – let's talk about " + t.en
	}
	if tooLong(h) {
		h = capFirst(R) + " | " + capFirst(t.en)
	}
	return h
}

func tooLong(h string) bool {
	return len(h) > profile.HeadlineMax && utf8.RuneCountInString(h) > profile.HeadlineMax
}

// bio assembles 2–5 sentences: what the mentor does, what they can teach, and
// optionally why reverse mentoring, something personal and a closing line.
func (g *gen) bio(german, female, speaksDE bool, given string, rl *role, t1, t2 int, org *orgInfo, ints []int, heritage string) string {
	r := g.r
	act := activities[rl.cat][r.IntN(len(activities[rl.cat]))]
	durs := len(durDE)
	if rl.cat == catStudent || rl.cat == catTech && strings.HasPrefix(rl.m, "Azubi") {
		durs = 4
	}
	var s [5]string
	n := 0
	T1 := &teachTable[t1]
	var T2 *teachSpec
	if t2 >= 0 {
		T2 = &teachTable[t2]
	}
	if german {
		R := rl.m
		if female {
			R = rl.f
		}
		switch r.IntN(4) {
		case 0:
			s[n] = "Ich arbeite als " + R + " " + org.atDE + " und " + act[0] + "."
		case 1:
			s[n] = "Ich bin " + R + " " + org.atDE + " und " + act[0] + "."
		case 2:
			s[n] = "Seit " + durDE[r.IntN(durs)] + " bin ich " + R + " " + org.atDE + " und " + act[0] + "."
		default:
			s[n] = "Ich bin " + given + ", " + R + " " + org.atDE + ", und " + act[0] + "."
		}
		n++
		if T2 != nil && g.pct(60) {
			s[n] = "Besonders gern spreche ich über " + T1.de + " und " + T2.de + "."
		} else {
			switch r.IntN(4) {
			case 0:
				s[n] = "Führungskräften möchte ich vor allem " + T1.de + " näherbringen."
			case 1:
				s[n] = "Im Reverse Mentoring teile ich am liebsten meine Erfahrungen rund um " + T1.de + "."
			case 2:
				s[n] = "Was ich weitergeben kann: " + T1.de + " – ehrlich und ohne Fachchinesisch."
			default:
				s[n] = "Mein Thema fürs Tandem: " + T1.de + "."
			}
		}
	} else {
		R, a := rl.en, rl.article
		switch r.IntN(4) {
		case 0:
			s[n] = "I work as " + a + " " + R + " " + org.atEN + ", where I " + act[1] + "."
		case 1:
			s[n] = "As " + a + " " + R + " " + org.atEN + ", I " + act[1] + "."
		case 2:
			s[n] = "For the past " + durEN[r.IntN(durs)] + ", I've been " + a + " " + R + " " + org.atEN + ", where I " + act[1] + "."
		default:
			s[n] = "I'm " + given + ", " + a + " " + R + " " + org.atEN + ", and I " + act[1] + "."
		}
		n++
		if T2 != nil && g.pct(60) {
			s[n] = "I especially enjoy talking about " + T1.en + " and " + T2.en + "."
		} else {
			switch r.IntN(4) {
			case 0:
				s[n] = "With executives, I'd most like to share " + T1.en + "."
			case 1:
				s[n] = "What I can bring to a tandem: " + T1.en + ", explained without jargon."
			case 2:
				s[n] = "In reverse mentoring I focus on " + T1.en + "."
			default:
				s[n] = "My topic for a tandem: " + T1.en + "."
			}
		}
	}
	n++
	why, personal, closing := "", "", ""
	if g.pct(75) {
		if german {
			why = whyDE[r.IntN(len(whyDE))]
		} else {
			why = whyEN[r.IntN(len(whyEN))]
		}
	}
	if g.pct(65) {
		personal = g.personal(german, speaksDE, ints, heritage)
	}
	if g.pct(45) {
		if german {
			closing = closingDE[r.IntN(len(closingDE))]
		} else {
			closing = closingEN[r.IntN(len(closingEN))]
		}
	}
	if g.pct(30) {
		why, personal = personal, why
	}
	for _, x := range [...]string{why, personal, closing} {
		if x != "" {
			s[n] = x
			n++
		}
	}
	b := &g.b
	b.Reset()
	brk := -1
	if n >= 4 && g.pct(30) {
		brk = 2 + r.IntN(n-2) // a paragraph break before a later sentence
	}
	for i := range n {
		if i > 0 {
			if i == brk {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s[i])
	}
	return b.String()
}

func (g *gen) personal(german, speaksDE bool, ints []int, heritage string) string {
	r := g.r
	if heritage != "" && g.pct(35) {
		names := langNames[heritage]
		switch {
		case german && g.pct(50):
			return "Ich bin mit Deutsch und " + names[0] + " aufgewachsen und bringe gern beide Perspektiven ein."
		case german:
			return "Zu Hause haben wir " + names[0] + " gesprochen – zwischen Welten zu wechseln ist für mich Alltag."
		case speaksDE && g.pct(50):
			return "Growing up with " + names[1] + " and German taught me to see things from more than one side."
		default:
			return "I grew up speaking " + names[1] + " at home and enjoy switching between cultures."
		}
	}
	if len(ints) == 0 {
		return ""
	}
	if g.pct(60) {
		for _, x := range ints {
			it := &interestTable[x]
			if german && it.sentDE != "" {
				return it.sentDE
			}
			if !german && it.sentEN != "" {
				return it.sentEN
			}
		}
	}
	k := min(len(ints), 1+r.IntN(3))
	b := &g.b
	b.Reset()
	for i, x := range ints[:k] {
		switch {
		case i == 0:
		case i == k-1 && german:
			b.WriteString(" und ")
		case i == k-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		if german {
			b.WriteString(interestTable[x].de)
		} else {
			b.WriteString(g.p.interestsEN[x])
		}
	}
	list := b.String()
	switch {
	case german && g.pct(50):
		return "Privat interessiere ich mich für " + list + "."
	case german:
		return "Wenn ich nicht arbeite, dreht sich bei mir viel um " + list + "."
	case g.pct(50):
		return "Outside work I'm into " + list + "."
	default:
		return "When I'm not working, you'll probably find me busy with " + list + "."
	}
}
