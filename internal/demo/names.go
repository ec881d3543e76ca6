package demo

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// originSpec is a naming tradition: given names, family names (a "/" separates
// the male and female form where they differ), heritage languages (ISO 639-1)
// and the country of origin where mentors may also live.
type originSpec struct {
	key      string
	weight   int // per mille of mentors
	female   string
	male     string
	last     string
	heritage []string
	country  string
}

var originTable = []originSpec{
	{key: "de", weight: 600,
		female: "Lena,Anna,Laura,Lea,Sophie,Marie,Julia,Hannah,Lisa,Sarah,Katharina,Johanna,Clara,Emma,Mia,Lina,Paula,Charlotte,Franziska,Theresa,Jana,Carolin,Vanessa,Miriam,Svenja,Annika,Nele,Pia,Luisa,Greta,Frieda,Antonia,Helena,Jasmin,Nina,Kim,Alina,Celine,Melina,Selina,Lara,Leonie,Chiara,Emily,Isabel,Ronja,Maja,Merle,Finja,Jule,Carla,Amelie,Sina,Svea,Tabea,Rebecca,Saskia,Stefanie,Verena,Nora,Ida,Mara,Eva,Magdalena,Hanna,Luise,Anne,Kira,Josefine,Marlene",
		male:   "Jonas,Lukas,Leon,Felix,Maximilian,Paul,Finn,Tim,Jan,Niklas,Moritz,Julian,Tobias,David,Simon,Philipp,Alexander,Florian,Sebastian,Fabian,Jannik,Lennart,Luca,Noah,Elias,Ben,Henrik,Jakob,Johannes,Matthias,Nico,Marvin,Kevin,Dennis,Marcel,Robin,Till,Malte,Ole,Hendrik,Kilian,Constantin,Vincent,Benedikt,Leopold,Anton,Oskar,Emil,Carl,Theo,Mats,Timo,Jonathan,Daniel,Christian,Dominik,Patrick,Pascal,Sven,Torben,Lasse,Mika,Arne,Bastian,Valentin,Konstantin,Frederik,Justus,Levin,Joshua",
		last:   "Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schulz,Hoffmann,Schäfer,Koch,Bauer,Richter,Klein,Wolf,Schröder,Neumann,Schwarz,Zimmermann,Braun,Krüger,Hofmann,Hartmann,Lange,Schmitt,Werner,Schmitz,Krause,Meier,Lehmann,Schmid,Schulze,Maier,Köhler,Herrmann,König,Walter,Mayer,Huber,Kaiser,Fuchs,Peters,Lang,Scholz,Möller,Weiß,Jung,Hahn,Schubert,Vogel,Friedrich,Keller,Günther,Frank,Berger,Winkler,Roth,Beck,Lorenz,Baumann,Franke,Albrecht,Schuster,Simon,Ludwig,Böhm,Winter,Kraus,Martin,Schumacher,Krämer,Vogt,Stein,Jäger,Otto,Sommer,Groß,Seidel,Heinrich,Brandt,Haas,Schreiber,Graf,Schulte,Dietrich,Ziegler,Kuhn,Kühn,Pohl,Engel,Horn,Busch,Bergmann,Thomas,Voigt,Sauer,Arnold,Wolff,Pfeiffer,Brinkmann,Ernst,Lindner,Heinz,Jansen,Dittrich,Vollmer,Petersen,Hansen,Kuhlmann,Schwab,Böttcher,Ebert,Thiele,Reuter,Hesse,Brückner,Lindemann"},
	{key: "tr", weight: 90, heritage: []string{"tr"}, country: "TR",
		female: "Elif,Zeynep,Ayşe,Merve,Büşra,Esra,Selin,Derya,Melike,Aylin,Deniz,Ebru,Gizem,Hatice,İrem,Leyla,Nur,Sibel,Tuğba,Yasemin,Cansu,Dilara,Ece,Sena",
		male:   "Mehmet,Yusuf,Emre,Can,Burak,Kerem,Murat,Ömer,Serkan,Tolga,Hakan,Onur,Cem,Eren,Baran,Mert,Kaan,Furkan,Oğuz,Volkan,Arda,Selim,Tarık,Umut",
		last:   "Yılmaz,Kaya,Demir,Şahin,Çelik,Yıldız,Yıldırım,Öztürk,Aydın,Özdemir,Arslan,Doğan,Kılıç,Aslan,Çetin,Kara,Koç,Kurt,Özkan,Şimşek,Polat,Korkmaz,Karakaya,Güneş,Erdem,Acar,Bulut,Tekin,Keskin,Ünal"},
	{key: "pl", weight: 50, heritage: []string{"pl"}, country: "PL",
		female: "Agnieszka,Katarzyna,Magdalena,Joanna,Natalia,Aleksandra,Zuzanna,Weronika,Karolina,Marta,Paulina,Kinga,Justyna,Ewa,Monika",
		male:   "Piotr,Tomasz,Krzysztof,Michał,Paweł,Jakub,Kacper,Mateusz,Łukasz,Bartosz,Wojciech,Szymon,Marek,Dawid,Kamil",
		last:   "Nowak,Kowalski/Kowalska,Lewandowski/Lewandowska,Wiśniewski/Wiśniewska,Wójcik,Kamiński/Kamińska,Kowalczyk,Zieliński/Zielińska,Szymański/Szymańska,Woźniak,Dąbrowski/Dąbrowska,Kozłowski/Kozłowska,Jankowski/Jankowska,Mazur,Krawczyk,Piotrowski/Piotrowska,Grabowski/Grabowska,Pawlak,Michalski/Michalska,Zając,Król,Wieczorek,Jabłoński/Jabłońska,Majewski/Majewska"},
	{key: "it", weight: 40, heritage: []string{"it"}, country: "IT",
		female: "Giulia,Chiara,Francesca,Sofia,Martina,Alessia,Valentina,Elisa,Sara,Federica,Giorgia,Beatrice,Aurora,Ilaria",
		male:   "Marco,Luca,Matteo,Alessandro,Lorenzo,Andrea,Francesco,Davide,Simone,Riccardo,Giuseppe,Stefano,Tommaso,Gabriele",
		last:   "Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,Conti,De Luca,Costa,Giordano,Mancini,Rizzo,Lombardi,Moretti,Barbieri,Fontana,Santoro,Mariani,Rinaldi,Caruso,Ferrara,Galli"},
	{key: "el", weight: 25, heritage: []string{"el"}, country: "GR",
		female: "Eleni,Maria,Katerina,Sofia,Anastasia,Dimitra,Georgia,Ioanna,Christina,Vasiliki,Despina,Athina,Zoi",
		male:   "Giorgos,Dimitris,Nikos,Kostas,Giannis,Christos,Panagiotis,Vasilis,Alexandros,Thanos,Stavros,Michalis,Petros",
		last:   "Papadopoulos/Papadopoulou,Georgiou,Nikolaidis/Nikolaidou,Konstantinidis/Konstantinidou,Ioannou,Papadakis/Papadaki,Vlachos/Vlachou,Antoniou,Christodoulou,Dimitriou,Makris/Makri,Oikonomou,Alexiou,Karagiannis/Karagianni,Pappas/Pappa,Theodorou,Stavrou"},
	{key: "ar", weight: 40, heritage: []string{"ar"},
		female: "Amira,Layla,Nour,Yasmin,Fatima,Mariam,Rania,Lina,Hana,Salma,Aya,Dana,Sara,Rim,Jana",
		male:   "Omar,Ahmad,Karim,Youssef,Khaled,Samir,Tarek,Ali,Hassan,Bilal,Nabil,Ziad,Rami,Mahmoud,Adam",
		last:   "Nassar,Haddad,Khalil,Saleh,Mansour,Hamdan,Aziz,Farouk,Ibrahim,Darwish,El-Amin,Suleiman,Abboud,Najjar,Kassem,Hijazi,Rahman,Al-Masri,Youssef,Qasim,Barakat,Shami"},
	{key: "in", weight: 35, heritage: []string{"hi", "hi", "hi", "ta", "te", "mr", "bn"}, country: "IN",
		female: "Priya,Ananya,Aisha,Divya,Kavya,Meera,Neha,Pooja,Riya,Shreya,Sneha,Isha,Aditi,Lakshmi",
		male:   "Arjun,Rahul,Rohan,Vikram,Aditya,Karthik,Siddharth,Nikhil,Amit,Varun,Aryan,Rajesh,Sanjay,Kabir",
		last:   "Sharma,Patel,Singh,Gupta,Iyer,Reddy,Nair,Menon,Mehta,Joshi,Rao,Kulkarni,Chatterjee,Banerjee,Pillai,Desai,Agarwal,Krishnan,Bhat,Das,Kapoor,Verma"},
	{key: "vi", weight: 25, heritage: []string{"vi"},
		female: "Linh,Lan,Mai,Thảo,Hương,Trang,Ngọc,Hà,Thu,Anh,Vy,My,Quỳnh,Hạnh",
		male:   "Minh,Đức,Huy,Tuấn,Nam,Long,Quang,Hoàng,Bảo,Khoa,Phúc,Trung,Thắng,Việt",
		last:   "Nguyễn,Trần,Lê,Phạm,Hoàng,Huỳnh,Phan,Vũ,Võ,Đặng,Bùi,Đỗ,Hồ,Ngô,Dương,Lý"},
	{key: "es", weight: 25, heritage: []string{"es"}, country: "ES",
		female: "Lucía,Carmen,Paula,Sofía,Elena,Marta,Alba,Andrea,Claudia,Irene,Nerea,Ainhoa,Valeria,Inés",
		male:   "Javier,Pablo,Alejandro,Diego,Sergio,Adrián,Daniel,Álvaro,Mario,Carlos,Hugo,Iker,Raúl,Marcos",
		last:   "García,Fernández,González,Rodríguez,López,Martínez,Sánchez,Pérez,Gómez,Martín,Jiménez,Ruiz,Hernández,Díaz,Moreno,Muñoz,Álvarez,Romero,Navarro,Torres,Domínguez,Vázquez,Ramos,Gil,Serrano"},
	{key: "uk", weight: 25, heritage: []string{"uk"},
		female: "Olena,Iryna,Kateryna,Oksana,Yuliia,Anastasiia,Sofiia,Daria,Viktoriia,Mariia,Khrystyna,Alina",
		male:   "Oleksandr,Andrii,Dmytro,Serhii,Maksym,Bohdan,Taras,Yurii,Mykola,Vladyslav,Artem,Denys",
		last:   "Shevchenko,Kovalenko,Bondarenko,Tkachenko,Kravchenko,Melnyk,Boiko,Kovalchuk,Oliinyk,Lysenko,Marchenko,Savchenko,Rudenko,Moroz,Pavlenko,Kuzmenko,Petrenko,Hnatiuk"},
	{key: "ng", weight: 15, heritage: []string{"yo", "ig", "yo", "ig", "ha"},
		female: "Chiamaka,Ngozi,Adaeze,Funmilayo,Temitope,Oluwaseun,Amaka,Folake,Ifeoma,Yetunde,Zainab,Chidinma",
		male:   "Chinedu,Emeka,Oluwadamilare,Tunde,Obinna,Babajide,Ifeanyi,Segun,Kelechi,Adebayo,Uche,Ibrahim",
		last:   "Okafor,Adeyemi,Okonkwo,Balogun,Eze,Nwosu,Ogunleye,Chukwu,Obi,Afolabi,Bello,Onyekachi,Oyelaran,Nnamdi,Okeke,Adewale"},
	{key: "fr", weight: 15, heritage: []string{"fr"}, country: "FR",
		female: "Camille,Manon,Léa,Chloé,Inès,Juliette,Clémence,Margaux,Élise,Louise,Anaïs,Pauline",
		male:   "Louis,Hugo,Théo,Lucas,Antoine,Mathis,Julien,Maxime,Baptiste,Clément,Nicolas,Arthur",
		last:   "Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,Laurent,Lefèvre,Fontaine,Girard,Mercier,Chevalier,Roussel,Lambert"},
	{key: "hr", weight: 15, heritage: []string{"hr"}, country: "HR",
		female: "Ana,Ivana,Petra,Marija,Lucija,Katarina,Mia,Nika,Dora,Ema",
		male:   "Ivan,Luka,Marko,Josip,Filip,Matej,Ante,Tomislav,Karlo,Dino",
		last:   "Horvat,Kovačević,Babić,Marić,Jurić,Novak,Knežević,Vuković,Perić,Pavlović,Tomić,Matić"},
	{key: "fa", weight: 15, heritage: []string{"fa"},
		female: "Shirin,Parisa,Niloufar,Maryam,Sahar,Setareh,Ladan,Roya,Yasaman,Mahsa",
		male:   "Arash,Dariush,Kian,Reza,Navid,Babak,Farid,Omid,Kaveh,Ramin",
		last:   "Ahmadi,Hosseini,Karimi,Rahimi,Moradi,Jafari,Tehrani,Rostami,Sadeghi,Mohammadi,Abbasi,Farahani"},
}

// langNames are the heritage and country languages' names for bios.
var langNames = map[string][2]string{ // code → German, English
	"tr": {"Türkisch", "Turkish"}, "pl": {"Polnisch", "Polish"}, "it": {"Italienisch", "Italian"},
	"el": {"Griechisch", "Greek"}, "ar": {"Arabisch", "Arabic"}, "hi": {"Hindi", "Hindi"},
	"ta": {"Tamil", "Tamil"}, "te": {"Telugu", "Telugu"}, "mr": {"Marathi", "Marathi"},
	"bn": {"Bengalisch", "Bengali"}, "vi": {"Vietnamesisch", "Vietnamese"}, "es": {"Spanisch", "Spanish"},
	"uk": {"Ukrainisch", "Ukrainian"}, "yo": {"Yoruba", "Yoruba"}, "ig": {"Igbo", "Igbo"},
	"ha": {"Hausa", "Hausa"}, "fr": {"Französisch", "French"}, "hr": {"Kroatisch", "Croatian"},
	"fa": {"Persisch", "Persian"},
}

type person struct{ name, ascii string }

type surname struct{ m, f person }

type origin struct {
	weight         int
	female, male   []person
	last           []surname
	heritage       []string
	country        string
	german         bool
	germanGivenPct int // share of mentors of this origin with a German given name
}

func buildOrigins() []origin {
	out := make([]origin, len(originTable))
	for i, s := range originTable {
		o := origin{weight: s.weight, heritage: s.heritage, country: s.country, german: s.key == "de"}
		o.female = persons(s.female)
		o.male = persons(s.male)
		for _, l := range strings.Split(s.last, ",") {
			m, f, ok := strings.Cut(l, "/")
			if !ok {
				f = m
			}
			o.last = append(o.last, surname{m: person{m, ascii(m)}, f: person{f, ascii(f)}})
		}
		if !o.german {
			o.germanGivenPct = 12
		}
		out[i] = o
	}
	return out
}

func persons(list string) []person {
	parts := strings.Split(list, ",")
	out := make([]person, len(parts))
	for i, p := range parts {
		out[i] = person{p, ascii(p)}
	}
	return out
}

// ascii transliterates a name for e-mail addresses and URLs: lowercase
// ASCII letters, digits and dashes (ü → ue, ß → ss, ł → l, ş → s, ễ → e …).
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch r {
		case 'ä', 'Ä':
			b.WriteString("ae")
			continue
		case 'ö', 'Ö':
			b.WriteString("oe")
			continue
		case 'ü', 'Ü':
			b.WriteString("ue")
			continue
		case 'ß':
			b.WriteString("ss")
			continue
		case 'ł', 'Ł':
			b.WriteByte('l')
			continue
		case 'đ', 'Đ':
			b.WriteByte('d')
			continue
		case 'ı', 'İ':
			b.WriteByte('i')
			continue
		case 'ø', 'Ø':
			b.WriteByte('o')
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		case ' ', '\'':
			continue
		case '-':
			b.WriteByte('-')
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			d = unicode.ToLower(d)
			if d >= 'a' && d <= 'z' || d >= '0' && d <= '9' {
				b.WriteRune(d)
			}
		}
	}
	return b.String()
}
