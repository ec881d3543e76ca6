package demo

// Text pools for headlines and bios. German sentences address no one directly
// (or use the formal "Sie"), English ones are written for executives.

// Role categories: what a role does, which skills and teaching topics fit it.
const (
	catData = iota
	catDesign
	catMarketing
	catEng
	catHR
	catTech
	catStudent
	catConsult
	catSustain
	catHealth
	catMedia
	catProduct
	catPublic
	numCats
)

// roleSpec is a job title: German female and male form, English form (lower
// case as used mid-sentence), category and, if restricted, the industries
// where it occurs.
type roleSpec struct {
	f, m, en   string
	cat        int
	industries []string
}

var roleTable = []roleSpec{
	{"Data Analystin", "Data Analyst", "data analyst", catData, nil},
	{"Data Scientistin", "Data Scientist", "data scientist", catData, nil},
	{"Risikoanalystin", "Risikoanalyst", "risk analyst", catData, []string{"banking", "insurance"}},
	{"Aktuarin in Ausbildung", "Aktuar in Ausbildung", "actuarial trainee", catData, []string{"insurance"}},
	{"Werkstudentin", "Werkstudent", "working student", catStudent, nil},
	{"Duale Studentin", "Dualer Student", "work-study student", catStudent, nil},
	{"Studentin der Wirtschaftsinformatik", "Student der Wirtschaftsinformatik", "business informatics student", catStudent, nil},
	{"Masterandin", "Masterand", "master's student", catStudent, nil},
	{"Azubi Industriekauffrau", "Azubi Industriekaufmann", "industrial business apprentice", catStudent, []string{"automotive", "manufacturing", "chemicals", "energy", "food", "pharma", "construction"}},
	{"Software Engineer", "Software Engineer", "software engineer", catEng, nil},
	{"Backend-Entwicklerin", "Backend-Entwickler", "backend developer", catEng, nil},
	{"Cloud Engineer", "Cloud Engineer", "cloud engineer", catEng, nil},
	{"IT-Security-Analystin", "IT-Security-Analyst", "IT security analyst", catEng, nil},
	{"Azubi Fachinformatik", "Azubi Fachinformatik", "IT apprentice", catEng, nil},
	{"UX Designerin", "UX Designer", "UX designer", catDesign, nil},
	{"Produktdesignerin", "Produktdesigner", "product designer", catDesign, nil},
	{"Marketing Trainee", "Marketing Trainee", "marketing trainee", catMarketing, nil},
	{"Social Media Managerin", "Social Media Manager", "social media manager", catMarketing, nil},
	{"Content Creatorin", "Content Creator", "content creator", catMarketing, nil},
	{"Community Managerin", "Community Manager", "community manager", catMarketing, nil},
	{"Junior Brand Managerin", "Junior Brand Manager", "junior brand manager", catMarketing, []string{"retail", "food", "pharma", "telecom", "automotive", "tourism", "banking", "insurance"}},
	{"Recruiterin", "Recruiter", "recruiter", catHR, nil},
	{"HR Business Partnerin", "HR Business Partner", "HR business partner", catHR, nil},
	{"Trainee Personal", "Trainee Personal", "HR trainee", catHR, nil},
	{"Junior Consultant", "Junior Consultant", "junior consultant", catConsult, nil},
	{"Trainee Digitalisierung", "Trainee Digitalisierung", "digital transformation trainee", catConsult, nil},
	{"Agile Coach", "Agile Coach", "agile coach", catConsult, nil},
	{"Bankkauffrau", "Bankkaufmann", "banking associate", catConsult, []string{"banking"}},
	{"Product Owner", "Product Owner", "product owner", catProduct, nil},
	{"Projektmanagerin", "Projektmanager", "project manager", catProduct, nil},
	{"Nachhaltigkeitsmanagerin", "Nachhaltigkeitsmanager", "sustainability manager", catSustain, nil},
	{"Werkstudentin Nachhaltigkeit", "Werkstudent Nachhaltigkeit", "sustainability working student", catSustain, nil},
	{"Azubi Mechatronik", "Azubi Mechatronik", "mechatronics apprentice", catTech, []string{"automotive", "manufacturing", "energy", "mobility", "aviation", "chemicals", "logistics"}},
	{"Ingenieurin", "Ingenieur", "engineer", catTech, []string{"automotive", "manufacturing", "energy", "mobility", "aviation", "chemicals", "construction", "pharma", "telecom"}},
	{"Laborantin", "Laborant", "lab technician", catTech, []string{"pharma", "chemicals", "food"}},
	{"Pflegefachfrau", "Pflegefachmann", "nurse", catHealth, []string{"healthcare"}},
	{"Assistenzärztin", "Assistenzarzt", "junior doctor", catHealth, []string{"healthcare"}},
	{"Volontärin", "Volontär", "trainee journalist", catMedia, []string{"media"}},
	{"Videojournalistin", "Videojournalist", "video journalist", catMedia, []string{"media"}},
	{"Referentin Digitalisierung", "Referent Digitalisierung", "digital transformation officer", catPublic, []string{"public-sector", "non-profit", "education"}},
	{"Projektkoordinatorin", "Projektkoordinator", "project coordinator", catPublic, []string{"public-sector", "non-profit", "education"}},
}

// activities are what someone of a category does, as a German first-person
// verb phrase ("[ich] baue …") and an English one ("[I] build …").
var activities = [numCats][][2]string{
	catData: {
		{"baue Dashboards für unseren Vertrieb", "build dashboards for our sales team"},
		{"mache aus Kundendaten echte Entscheidungsgrundlagen", "turn customer data into real decisions"},
		{"automatisiere Reports, die früher Tage gedauert haben", "automate reports that used to take days"},
		{"teste, wo KI uns im Alltag wirklich Zeit spart", "test where AI actually saves us time"},
	},
	catDesign: {
		{"gestalte Apps, die ohne Anleitung funktionieren", "design apps that work without a manual"},
		{"führe Interviews mit Nutzerinnen und Nutzern", "run interviews with our users"},
		{"sorge dafür, dass unsere Produkte barrierearm sind", "make sure our products are accessible"},
	},
	catMarketing: {
		{"betreue unsere Kanäle auf TikTok, Instagram und LinkedIn", "run our TikTok, Instagram and LinkedIn channels"},
		{"entwickle Kampagnen für junge Zielgruppen", "develop campaigns for young audiences"},
		{"arbeite mit Creatorinnen und Creatorn an unseren Inhalten", "collaborate with creators on our content"},
	},
	catEng: {
		{"entwickle Software für unsere Kundinnen und Kunden", "build software for our customers"},
		{"bringe Anwendungen in die Cloud", "move applications to the cloud"},
		{"kümmere mich um sichere Schnittstellen", "take care of secure APIs"},
		{"baue interne Tools, die Abläufe vereinfachen", "build internal tools that simplify everyday work"},
	},
	catHR: {
		{"suche Talente über Social Media", "find talent through social media"},
		{"gestalte unser Onboarding neu", "redesign our onboarding"},
		{"zeige auf unseren Karrierekanälen, wie es bei uns wirklich ist", "show on our careers channels what working here is really like"},
	},
	catTech: {
		{"programmiere Roboter für die Fertigung", "program robots for our production line"},
		{"lerne, wie Produktion und digitale Werkzeuge zusammenkommen", "learn how production and digital tools come together"},
		{"pendle zwischen Werkstatt, Berufsschule und Projektteam", "switch between the workshop, vocational school and project teams"},
	},
	catStudent: {
		{"bringe neben dem Studium frische Ideen ins Team", "bring fresh ideas to the team alongside my studies"},
		{"unterstütze unser Digitalisierungsteam", "support our digital transformation team"},
		{"schreibe gerade meine Abschlussarbeit über KI im Mittelstand", "write my thesis on AI in mid-sized companies"},
	},
	catConsult: {
		{"begleite Kundinnen und Kunden bei der digitalen Transformation", "support clients with their digital transformation"},
		{"moderiere Workshops zu neuen Arbeitsformen", "facilitate workshops on new ways of working"},
		{"entwickle KI-Anwendungsfälle mit Fachabteilungen", "develop AI use cases with business teams"},
	},
	catSustain: {
		{"messe und senke unseren CO₂-Fußabdruck", "measure and reduce our carbon footprint"},
		{"bereite unseren Nachhaltigkeitsbericht vor", "prepare our sustainability report"},
		{"bringe Kreislaufwirtschaft in unsere Produkte", "bring circular design into our products"},
	},
	catHealth: {
		{"arbeite im Schichtdienst auf der Intensivstation", "work shifts in intensive care"},
		{"teste digitale Dokumentation auf Station", "pilot digital documentation on the ward"},
	},
	catMedia: {
		{"produziere Videos und Podcasts", "produce videos and podcasts"},
		{"recherchiere für unser Digitalressort", "research stories for our digital desk"},
		{"entwickle Formate für junge Leserinnen und Leser", "develop formats for younger readers"},
	},
	catProduct: {
		{"verantworte ein Produkt von der Idee bis zum Release", "own a product from idea to release"},
		{"arbeite mit agilen Teams über mehrere Standorte hinweg", "work with agile teams across several locations"},
	},
	catPublic: {
		{"digitalisiere Verwaltungsleistungen für Bürgerinnen und Bürger", "digitise public services for citizens"},
		{"bringe agile Methoden in die Verwaltung", "bring agile methods into public administration"},
	},
}

// teachSpec is something a mentor can teach: a German noun phrase
// (accusative), an English noun phrase, the topic ids and skills it suggests,
// and the role categories it fits best.
type teachSpec struct {
	de, en string
	topics []string
	skills []string
	cats   []int
}

var teachTable = []teachSpec{
	{"KI ohne Buzzwords", "AI without the buzzwords", []string{"ai-data", "digital-skills"}, []string{"ChatGPT", "Prompt Engineering"}, []int{catData, catEng, catConsult, catStudent}},
	{"TikTok und Instagram", "TikTok and Instagram", []string{"social-media", "digital-skills"}, []string{"TikTok", "Instagram"}, []int{catMarketing, catMedia, catHR}},
	{"Prompt Engineering für den Arbeitsalltag", "prompt engineering for everyday work", []string{"ai-data", "digital-skills"}, []string{"Prompt Engineering", "ChatGPT"}, []int{catData, catEng, catConsult, catStudent}},
	{"hybride Zusammenarbeit", "hybrid teamwork", []string{"remote-hybrid-work", "new-work-leadership"}, []string{"Miro", "Microsoft Teams"}, []int{catProduct, catConsult, catHR}},
	{"die Erwartungen der Gen Z an Führung", "what Gen Z expects from leaders", []string{"new-work-leadership"}, nil, []int{catHR, catStudent, catConsult, catTech, catHealth}},
	{"Employer Branding aus Sicht der Azubis", "employer branding through an apprentice's eyes", []string{"employer-branding"}, []string{"Employer Branding"}, []int{catHR, catTech, catStudent}},
	{"LinkedIn als Bühne für Führungskräfte", "LinkedIn as a stage for leaders", []string{"social-media", "employer-branding"}, []string{"LinkedIn-Strategie"}, []int{catMarketing, catHR, catMedia}},
	{"Datenkompetenz ohne Angst vor Zahlen", "data literacy without the fear of numbers", []string{"ai-data", "digital-skills"}, []string{"Power BI", "SQL"}, []int{catData}},
	{"No-Code-Tools für schnelle Prototypen", "no-code tools for quick prototypes", []string{"digital-skills"}, []string{"Zapier", "Airtable"}, []int{catProduct, catConsult, catDesign}},
	{"digitale Barrierefreiheit", "digital accessibility", []string{"diversity-inclusion", "digital-skills"}, []string{"Barrierefreiheit"}, []int{catDesign, catPublic}},
	{"mentale Gesundheit im Job", "mental health at work", []string{"wellbeing", "new-work-leadership"}, nil, []int{catHealth, catHR}},
	{"Nachhaltigkeit im Arbeitsalltag", "sustainability in everyday work", []string{"sustainability"}, []string{"CSRD"}, []int{catSustain}},
	{"Vielfalt im Team", "diversity in teams", []string{"diversity-inclusion", "new-work-leadership"}, nil, []int{catHR, catPublic}},
	{"Feedbackkultur auf Augenhöhe", "feedback culture without hierarchy", []string{"new-work-leadership"}, []string{"Moderation"}, []int{catConsult, catProduct, catHealth}},
	{"Gaming und Online-Communitys", "gaming and online communities", []string{"social-media", "digital-skills"}, []string{"Discord", "Twitch"}, []int{catMarketing, catEng, catMedia}},
	{"ChatGPT und andere KI-Tools im Büroalltag", "ChatGPT and other AI tools in office life", []string{"ai-data", "digital-skills"}, []string{"ChatGPT"}, []int{catStudent, catPublic, catData}},
	{"Social Recruiting", "social recruiting", []string{"employer-branding", "social-media"}, []string{"Active Sourcing"}, []int{catHR}},
	{"Dashboards statt Excel-Chaos", "dashboards instead of spreadsheet chaos", []string{"ai-data", "digital-skills"}, []string{"Power BI"}, []int{catData}},
	{"agiles Arbeiten jenseits von Buzzwords", "agile ways of working beyond the buzzwords", []string{"new-work-leadership"}, []string{"Scrum", "Kanban"}, []int{catProduct, catConsult, catEng}},
	{"Onboarding im Homeoffice", "remote onboarding", []string{"remote-hybrid-work", "employer-branding"}, nil, []int{catHR}},
	{"Creator-Marketing", "creator marketing", []string{"social-media"}, []string{"Content Creation"}, []int{catMarketing, catMedia}},
	{"Cybersicherheit im Alltag", "everyday cybersecurity", []string{"digital-skills"}, []string{"Cybersecurity"}, []int{catEng}},
	{"das Nutzungsverhalten der Gen Z", "Gen Z users", []string{"digital-skills", "social-media"}, []string{"UX Research"}, []int{catDesign, catMarketing, catProduct}},
	{"Sinn und Purpose im Job", "purpose at work", []string{"new-work-leadership", "wellbeing"}, nil, []int{catSustain, catHealth, catPublic}},
	{"flexible Arbeitsmodelle", "flexible work models", []string{"remote-hybrid-work", "new-work-leadership"}, nil, []int{catHR, catEng, catHealth}},
	{"Slack statt E-Mail-Flut", "Slack instead of endless e-mail threads", []string{"remote-hybrid-work", "digital-skills"}, []string{"Slack"}, []int{catEng, catProduct}},
	{"Karrierewege jenseits der klassischen Leiter", "careers beyond the classic ladder", []string{"employer-branding", "new-work-leadership"}, nil, []int{catHR, catStudent}},
	{"Kreislaufwirtschaft in der Praxis", "the circular economy in practice", []string{"sustainability"}, nil, []int{catSustain, catTech}},
	{"inklusive Sprache", "inclusive language", []string{"diversity-inclusion"}, nil, []int{catMedia, catHR, catPublic}},
	{"die Work-Life-Balance meiner Generation", "work-life balance the way my generation sees it", []string{"wellbeing", "new-work-leadership"}, nil, []int{catStudent, catHealth}},
	{"Podcasts und Audioformate", "podcasts and audio formats", []string{"social-media"}, []string{"Podcasting"}, []int{catMedia, catMarketing}},
	{"Automatisierung mit Python", "automation with Python", []string{"digital-skills", "ai-data"}, []string{"Python"}, []int{catData, catEng}},
	{"die Arbeitgeberwahl meiner Generation", "how my generation chooses an employer", []string{"employer-branding"}, nil, []int{catHR, catStudent, catTech}},
	{"digitale Werkzeuge in der Werkshalle", "digital tools on the shop floor", []string{"digital-skills"}, []string{"Robotik"}, []int{catTech}},
	{"E-Mobilität aus Sicht der Nutzer", "e-mobility from a user's point of view", []string{"sustainability", "digital-skills"}, nil, []int{catTech}},
	{"Videokonferenzen, die nicht ermüden", "video calls that don't drain everyone", []string{"remote-hybrid-work"}, []string{"Microsoft Teams"}, []int{catConsult, catPublic}},
	{"das Erkennen von Desinformation", "spotting disinformation", []string{"digital-skills", "social-media"}, nil, []int{catMedia, catPublic}},
}

// skillTable: German and English form (mostly the same).
var skillTable = [][2]string{
	{"Python", "Python"}, {"SQL", "SQL"}, {"Power BI", "Power BI"}, {"Tableau", "Tableau"},
	{"Excel-Automatisierung", "Excel automation"}, {"Figma", "Figma"}, {"Miro", "Miro"}, {"Notion", "Notion"},
	{"Canva", "Canva"}, {"TikTok", "TikTok"}, {"Instagram", "Instagram"}, {"LinkedIn-Strategie", "LinkedIn strategy"},
	{"Prompt Engineering", "Prompt engineering"}, {"ChatGPT", "ChatGPT"}, {"Midjourney", "Midjourney"},
	{"Agile Coaching", "Agile coaching"}, {"Scrum", "Scrum"}, {"Kanban", "Kanban"}, {"Design Thinking", "Design thinking"},
	{"UX Research", "UX research"}, {"Storytelling", "Storytelling"}, {"Content Creation", "Content creation"},
	{"Community Management", "Community management"}, {"Videoschnitt", "Video editing"}, {"CapCut", "CapCut"},
	{"Jira", "Jira"}, {"Confluence", "Confluence"}, {"Git", "Git"}, {"JavaScript", "JavaScript"},
	{"TypeScript", "TypeScript"}, {"React", "React"}, {"Docker", "Docker"}, {"Kubernetes", "Kubernetes"},
	{"AWS", "AWS"}, {"Azure", "Azure"}, {"Zapier", "Zapier"}, {"Airtable", "Airtable"},
	{"Google Analytics", "Google Analytics"}, {"SEO", "SEO"}, {"Employer Branding", "Employer branding"},
	{"Active Sourcing", "Active sourcing"}, {"Moderation", "Facilitation"},
	{"Nachhaltigkeitsberichte", "Sustainability reporting"}, {"CSRD", "CSRD"}, {"Barrierefreiheit", "Accessibility"},
	{"Datenvisualisierung", "Data visualisation"}, {"Machine Learning", "Machine learning"},
	{"Cybersecurity", "Cybersecurity"}, {"Slack", "Slack"}, {"Microsoft Teams", "Microsoft Teams"},
	{"Podcasting", "Podcasting"}, {"Twitch", "Twitch"}, {"Discord", "Discord"}, {"CAD", "CAD"},
	{"3D-Druck", "3D printing"}, {"Robotik", "Robotics"}, {"SPS-Programmierung", "PLC programming"},
	{"Arduino", "Arduino"}, {"Telemedizin", "Telemedicine"}, {"Digitale Pflegedokumentation", "Digital care records"},
	{"Präsentieren", "Presenting"}, {"Webflow", "Webflow"}, {"Open Data", "Open data"},
}

// catSkills are the skills typical of a category (German keys of skillTable).
var catSkills = [numCats][]string{
	catData:      {"Python", "SQL", "Power BI", "Tableau", "Excel-Automatisierung", "Datenvisualisierung", "Machine Learning"},
	catDesign:    {"Figma", "Miro", "UX Research", "Design Thinking", "Barrierefreiheit", "Webflow"},
	catMarketing: {"TikTok", "Instagram", "Canva", "CapCut", "LinkedIn-Strategie", "Content Creation", "Community Management", "Storytelling", "SEO", "Google Analytics"},
	catEng:       {"Python", "Git", "JavaScript", "TypeScript", "React", "Docker", "Kubernetes", "AWS", "Azure", "Cybersecurity"},
	catHR:        {"Employer Branding", "Active Sourcing", "LinkedIn-Strategie", "Moderation", "Storytelling", "Canva"},
	catTech:      {"CAD", "3D-Druck", "Robotik", "SPS-Programmierung", "Arduino", "Python"},
	catStudent:   {"Notion", "ChatGPT", "Python", "Canva", "Miro", "Excel-Automatisierung", "Präsentieren"},
	catConsult:   {"Miro", "Power BI", "Agile Coaching", "Scrum", "Design Thinking", "Moderation", "Präsentieren"},
	catSustain:   {"CSRD", "Nachhaltigkeitsberichte", "Excel-Automatisierung", "Power BI", "Storytelling"},
	catHealth:    {"Telemedizin", "Digitale Pflegedokumentation", "Microsoft Teams", "Notion"},
	catMedia:     {"Videoschnitt", "Podcasting", "Storytelling", "TikTok", "Instagram", "SEO", "CapCut"},
	catProduct:   {"Jira", "Confluence", "Scrum", "Kanban", "Miro", "Notion", "UX Research", "Figma"},
	catPublic:    {"Open Data", "Barrierefreiheit", "Moderation", "Miro", "Microsoft Teams", "Python"},
}

// generalSkills anyone may list.
var generalSkills = []string{"ChatGPT", "Notion", "Miro", "Prompt Engineering", "Canva", "Microsoft Teams", "Slack", "LinkedIn-Strategie", "Midjourney", "Präsentieren"}

// interestSpec: German tag, English tag, and optionally a sentence about it.
type interestSpec struct {
	de, en, sentDE, sentEN string
}

var interestTable = []interestSpec{
	{"Bouldern", "Bouldering", "Nach Feierabend findet man mich meistens in der Boulderhalle.", "After work you'll usually find me at the bouldering gym."},
	{"Kochen", "Cooking", "Am Wochenende koche ich gern für Freunde – je mehr Gäste, desto besser.", "On weekends I love cooking for friends – the more guests, the better."},
	{"Podcasts", "Podcasts", "Auf dem Weg zur Arbeit höre ich Podcasts über Tech und Gesellschaft.", "On my commute I listen to podcasts about tech and society."},
	{"Fußball", "Football", "Ich spiele seit meiner Kindheit Fußball und stehe bis heute jeden Sonntag auf dem Platz.", "I've played football since I was a kid and still play every Sunday."},
	{"Gaming", "Gaming", "Beim Gaming habe ich mehr über Teamwork gelernt als in manchem Workshop.", "Gaming has taught me more about teamwork than many workshops."},
	{"Nachhaltigkeit", "Sustainability", "Nachhaltigkeit ist mir auch privat wichtig – ich repariere lieber, als neu zu kaufen.", "Sustainability matters to me outside work too – I'd rather repair than buy new."},
	{"Reisen", "Travel", "Ich reise gern mit dem Zug durch Europa und sammle dabei Geschichten.", "I love travelling across Europe by train and collecting stories on the way."},
	{"Fotografie", "Photography", "In meiner Freizeit fotografiere ich analog – Geduld inklusive.", "In my spare time I shoot on film – patience included."},
	{"Laufen", "Running", "Meine besten Ideen habe ich beim Laufen am Fluss.", "I get my best ideas while running along the river."},
	{"Yoga", "Yoga", "Yoga hilft mir, auch in vollen Wochen den Kopf frei zu bekommen.", "Yoga helps me keep a clear head even in busy weeks."},
	{"Lesen", "Reading", "Ich lese viel, am liebsten Sachbücher über Psychologie und die Zukunft der Arbeit.", "I read a lot, mostly non-fiction about psychology and the future of work."},
	{"Musik", "Music", "Abends spiele ich Gitarre in einer kleinen Band.", "In the evenings I play guitar in a small band."},
	{"Radfahren", "Cycling", "Ich fahre jeden Tag mit dem Rad zur Arbeit, bei jedem Wetter.", "I cycle to work every day, whatever the weather."},
	{"Ehrenamt", "Volunteering", "Ehrenamtlich gebe ich Nachhilfe für Schülerinnen und Schüler.", "I volunteer as a tutor for school students."},
	{"Wandern", "Hiking", "Am Wochenende zieht es mich zum Wandern in die Berge.", "On weekends I head to the mountains to hike."},
	{"Tanzen", "Dancing", "", ""},
	{"Basketball", "Basketball", "", ""},
	{"Schach", "Chess", "Schach spiele ich am liebsten online gegen Menschen aus aller Welt.", "I play chess online against people from all over the world."},
	{"Gärtnern", "Gardening", "Auf unserem Balkon wächst mehr Gemüse, als wir essen können.", "Our balcony grows more vegetables than we can eat."},
	{"Kaffee", "Coffee", "", ""},
	{"Filme & Serien", "Films & series", "", ""},
	{"Brettspiele", "Board games", "Mein Freundeskreis trifft sich jede Woche zum Brettspielabend.", "My friends and I meet every week for board game night."},
	{"Sprachen", "Languages", "Gerade lerne ich Japanisch – mit mäßigem, aber stetigem Erfolg.", "I'm currently learning Japanese – with modest but steady progress."},
	{"Streetart", "Street art", "", ""},
	{"Volleyball", "Volleyball", "", ""},
	{"Improtheater", "Improv theatre", "Beim Improtheater habe ich gelernt, mit Unsicherheit entspannt umzugehen.", "Improv theatre taught me to stay relaxed when things are uncertain."},
	{"Backen", "Baking", "", ""},
	{"Segeln", "Sailing", "", ""},
	{"Skateboarden", "Skateboarding", "", ""},
	{"Handball", "Handball", "", ""},
	{"Zeichnen", "Drawing", "", ""},
	{"Imkern", "Beekeeping", "Seit zwei Jahren imkere ich – meine Bienen sind die entspanntesten Kolleginnen.", "I've kept bees for two years – they're my most relaxed colleagues."},
	{"Festivals", "Festivals", "", ""},
	{"Klimaschutz", "Climate action", "", ""},
	{"Comics", "Comics", "", ""},
	{"Tischtennis", "Table tennis", "", ""},
}

var whyDE = []string{
	"Reverse Mentoring finde ich spannend, weil dabei beide Seiten lernen.",
	"Ich glaube, dass gute Führung vom Zuhören lebt – auch den Jüngeren gegenüber.",
	"Mich reizt der Blick über den eigenen Tellerrand und in andere Unternehmen.",
	"Ich möchte dazu beitragen, dass Entscheidungen nicht über die Köpfe meiner Generation hinweg getroffen werden.",
	"Im Austausch mit erfahrenen Führungskräften lerne ich selbst mindestens genauso viel.",
	"Für mich ist Reverse Mentoring eine Chance, Vorurteile zwischen den Generationen abzubauen.",
	"Ich habe selbst erlebt, wie viel ein ehrliches Gespräch auf Augenhöhe bewirken kann.",
	"Neue Technologien machen nur Spaß, wenn niemand dabei abgehängt wird.",
	"Unternehmen, die junge Talente gewinnen wollen, sollten zuerst zuhören.",
	"Ich will zeigen, dass Digitalisierung kein Selbstzweck ist, sondern Arbeit leichter machen kann.",
	"Mir ist wichtig, dass auch Azubis und Berufseinsteiger eine Stimme haben.",
	"Die besten Ideen entstehen, wenn unterschiedliche Perspektiven zusammenkommen.",
}

var whyEN = []string{
	"I find reverse mentoring exciting because both sides learn.",
	"I believe good leadership depends on listening – to younger colleagues too.",
	"I love looking beyond my own company and learning how others work.",
	"I want decisions about my generation to be made with us, not about us.",
	"Talking to experienced leaders teaches me at least as much as I can share.",
	"For me, reverse mentoring is a chance to break down stereotypes between generations.",
	"I've seen how much an honest conversation on equal footing can change.",
	"New technology is only fun when nobody gets left behind.",
	"Companies that want to attract young talent should start by listening to it.",
	"I want to show that digital tools aren't an end in themselves – they can make work easier.",
	"It matters to me that apprentices and career starters have a voice too.",
	"The best ideas come up when different perspectives meet.",
}

var closingDE = []string{
	"Ich freue mich auf ehrliche Gespräche auf Augenhöhe.",
	"Sprechen Sie mich gern an – ich freue mich auf den Austausch!",
	"Lassen Sie uns gemeinsam herausfinden, was wir voneinander lernen können.",
	"Ob bei einem Kaffee oder im Videocall – ich bin gespannt auf den Austausch.",
	"Ich freue mich auf ein Tandem mit jemandem, der neugierig bleibt.",
}

var closingEN = []string{
	"Looking forward to honest conversations on equal footing.",
	"Feel free to reach out – I'm looking forward to the exchange!",
	"Let's find out together what we can learn from each other.",
	"Over coffee or on a video call – I'm curious where the conversation takes us.",
	"I'd love to be paired with someone who stays curious.",
}

// durDE and durEN: how long someone has been in the role, shortest first;
// students and apprentices take one of the first four.
var durDE = []string{"Kurzem", "ein paar Monaten", "einem Jahr", "anderthalb Jahren", "zwei Jahren", "drei Jahren"}

var durEN = []string{"few months", "six months", "year", "18 months", "two years", "three years"}

// Distributions (values repeated by weight).
var (
	hoursDist     = []int{1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 8, 8, 8, 8, 10, 10, 10, 12, 15, 16, 20}
	skillCount    = []int{2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 7, 8}
	interestCount = []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 5}
	topicCount    = []int{1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4}
)

// Countries where mentors live, per mille (besides heritage and org country).
var countryDist = []struct {
	code string
	w    int
}{
	{"DE", 745}, {"AT", 55}, {"CH", 45}, {"NL", 30}, {"GB", 20}, {"FR", 15}, {"PL", 15},
	{"ES", 12}, {"IT", 12}, {"US", 10}, {"IN", 8}, {"BE", 8}, {"DK", 5}, {"SE", 5}, {"IE", 5}, {"PT", 5},
}

// countryLang is the main language of a country, if a mentor living there
// would list it.
var countryLang = map[string]string{
	"NL": "nl", "FR": "fr", "PL": "pl", "ES": "es", "IT": "it", "IN": "hi", "BE": "nl",
	"DK": "da", "SE": "sv", "PT": "pt", "GR": "el", "HR": "hr", "TR": "tr",
}

// extraLangs: school languages German mentors sometimes add.
var extraLangs = []string{"fr", "fr", "es", "es", "it", "nl", "sv", "pt", "ru", "ja"}
