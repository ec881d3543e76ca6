// Package demo generates realistic synthetic data for demonstrations, local
// development and load tests: fictitious organizations, young professionals
// with approved #OpenToMentor applications and executives with requests. Seed
// writes them, with the demo personas and cohorts, through the services'
// public methods ("opentomentor demo").
//
// Everything is deterministic: the same arguments give the same output. All
// organizations are invented; their e-mail domains end in .example.
package demo

import (
	"slices"
	"strings"
)

// Org is a fictitious organization.
type Org struct {
	ID, Name, Industry, Group string
	Domain                    string // e.g. "nordlicht-digital.example" (always .example)
}

// orgSpec is one row of the organization table. Group defaults to the short
// name; atDE and atEN ("bei …", "at …") default to the short name after the
// preposition.
type orgSpec struct {
	id, name, industry, country string
	size                        int // relative number of mentors
	group, atDE, atEN           string
}

// orgTable: the first six are the organizations of "opentomentor demo"
// (cmd/opentomentor/demo.go), so generated mentors fit the demo personas.
var orgTable = []orgSpec{
	{"nordlicht-digital", "Nordlicht Digital GmbH", "software", "DE", 3, "Nordlicht Gruppe", "", ""},
	{"hanse-logistik", "Hanse Logistik AG", "logistics", "DE", 3, "Hanse Holding", "", ""},
	{"suedstern-mobility", "Südstern Mobility GmbH", "mobility", "DE", 2, "Südstern", "", ""},
	{"rheinwerk-energie", "Rheinwerk Energie AG", "energy", "DE", 3, "Rheinwerk", "", ""},
	{"alpenbank", "Alpenbank AG", "banking", "AT", 3, "Alpenbank Gruppe", "", ""},
	{"bergmann-versicherung", "Bergmann Versicherung AG", "insurance", "DE", 3, "Bergmann", "", ""},

	{"nordlicht-media", "Nordlicht Media GmbH", "media", "DE", 2, "Nordlicht Gruppe", "", ""},
	{"hanse-hafenbetrieb", "Hanse Hafenbetrieb GmbH", "logistics", "DE", 1, "Hanse Holding", "", ""},
	{"kolbenwerk-fahrzeugtechnik", "Kolbenwerk Fahrzeugtechnik AG", "automotive", "DE", 3, "Kolbenwerk", "", ""},
	{"neckartal-antriebe", "Neckartal Antriebe GmbH", "automotive", "DE", 2, "", "", ""},
	{"voltara-automotive", "Voltara Automotive SE", "automotive", "DE", 3, "", "", ""},
	{"weissdorn-karosseriebau", "Weißdorn Karosseriebau GmbH", "automotive", "DE", 1, "", "", ""},
	{"elbufer-privatbank", "Elbufer Privatbank AG", "banking", "DE", 1, "", "", ""},
	{"lindgruen-direktbank", "Lindgrün Direktbank AG", "banking", "DE", 2, "", "", ""},
	{"rotfuchs-bank", "Rotfuchs Bank AG", "banking", "DE", 2, "", "", ""},
	{"harbourstone-capital", "Harbourstone Capital Ltd", "banking", "GB", 1, "", "", ""},
	{"tulpenveld-fintech", "Tulpenveld Fintech B.V.", "banking", "NL", 1, "", "", ""},
	{"eichenhain-versicherung", "Eichenhain Versicherung AG", "insurance", "DE", 3, "Eichenhain Gruppe", "", ""},
	{"eichenhain-leben", "Eichenhain Lebensversicherung AG", "insurance", "DE", 1, "Eichenhain Gruppe", "", ""},
	{"lumenvest-assurances", "Lumenvest Assurances S.A.", "insurance", "FR", 1, "", "", ""},
	{"seeblick-rueckversicherung", "Seeblick Rückversicherung AG", "insurance", "CH", 2, "", "", ""},
	{"pixelfjord-software", "Pixelfjord Software GmbH", "software", "DE", 2, "", "", ""},
	{"quellcode-kollektiv", "Quellcode Kollektiv GmbH", "software", "DE", 1, "", "beim Quellcode Kollektiv", ""},
	{"bytebruecke", "Bytebrücke AG", "software", "DE", 2, "", "", ""},
	{"cloudmuehle", "Cloudmühle GmbH", "software", "DE", 1, "", "", ""},
	{"kelpstone-labs", "Kelpstone Labs Ltd", "software", "GB", 1, "", "", ""},
	{"vandelmaar-software", "Vandelmaar Software B.V.", "software", "NL", 1, "", "", ""},
	{"lotusbay-software", "Lotusbay Software Pvt. Ltd.", "software", "IN", 1, "", "", ""},
	{"pixelhain-games", "Pixelhain Games GmbH", "software", "DE", 1, "", "", ""},
	{"wislobrzeg-data", "Wisłobrzeg Data Sp. z o.o.", "software", "PL", 1, "", "", ""},
	{"kranzberg-spedition", "Kranzberg Spedition GmbH & Co. KG", "logistics", "DE", 2, "", "", ""},
	{"nordkap-cargo", "Nordkap Cargo SE", "logistics", "DE", 2, "", "", ""},
	{"portolan-freight", "Portolan Freight B.V.", "logistics", "NL", 1, "", "", ""},
	{"skovlund-shipping", "Skovlund Shipping A/S", "logistics", "DK", 1, "", "", ""},
	{"windwerk-kueste", "Windwerk Küste GmbH", "energy", "DE", 2, "", "", ""},
	{"sonnenacker-energie", "Sonnenacker Energie eG", "energy", "DE", 1, "", "", ""},
	{"solvento-energia", "Solvento Energía S.A.", "energy", "ES", 1, "", "", ""},
	{"stadtwerke-gruenfeld", "Stadtwerke Grünfeld GmbH", "energy", "DE", 2, "", "bei den Stadtwerken Grünfeld", ""},
	{"marktgold-handel", "Marktgold Handels GmbH", "retail", "DE", 3, "Marktgold", "bei Marktgold", "at Marktgold"},
	{"kraemerhof-handel", "Krämerhof Handel AG", "retail", "DE", 2, "Krämerhof", "bei Krämerhof", "at Krämerhof"},
	{"lindenhof-drogerie", "Lindenhof Drogerie GmbH", "retail", "DE", 2, "", "", ""},
	{"nahtwerk-mode", "Nahtwerk Mode AG", "retail", "DE", 1, "", "", ""},
	{"bottega-verdana", "Bottega Verdana S.p.A.", "retail", "IT", 1, "", "", ""},
	{"solenne-cosmetiques", "Solenne Cosmétiques S.A.", "retail", "FR", 1, "", "", ""},
	{"lalezar-tekstil", "Lalezar Tekstil A.Ş.", "retail", "TR", 1, "", "", ""},
	{"heilquell-pharma", "Heilquell Pharma AG", "pharma", "DE", 3, "", "", ""},
	{"moleklar-biotech", "Moleklar Biotech GmbH", "pharma", "DE", 1, "", "", ""},
	{"zirbel-arzneimittel", "Zirbel Arzneimittel GmbH", "pharma", "AT", 1, "", "", ""},
	{"aurelion-therapeutics", "Aurelion Therapeutics Ltd", "pharma", "GB", 1, "", "", ""},
	{"funkturm-telekommunikation", "Funkturm Telekommunikation AG", "telecom", "DE", 3, "", "", ""},
	{"wellenreiter-netze", "Wellenreiter Netze GmbH", "telecom", "DE", 2, "", "", ""},
	{"signalia-telecom", "Signalia Telecom S.A.", "telecom", "ES", 1, "", "", ""},
	{"kompassnadel-beratung", "Kompassnadel Beratung GmbH", "consulting", "DE", 2, "", "", ""},
	{"brueckenbogen-consulting", "Brückenbogen Consulting GmbH", "consulting", "DE", 2, "", "", ""},
	{"thornbury-vale", "Thornbury & Vale Advisory Ltd", "consulting", "GB", 1, "", "", ""},
	{"leitstern-strategie", "Leitstern Strategieberatung AG", "consulting", "CH", 1, "", "", ""},
	{"marlowe-ridge-analytics", "Marlowe Ridge Analytics Inc.", "consulting", "US", 1, "", "", ""},
	{"stadt-muehlenbrueck", "Stadt Mühlenbrück", "public-sector", "DE", 2, "", "bei der Stadt Mühlenbrück", "at the City of Mühlenbrück"},
	{"digitalagentur-nordmark", "Digitalagentur Nordmark AöR", "public-sector", "DE", 1, "", "bei der Digitalagentur Nordmark", ""},
	{"kreis-hohenwiesen", "Kreisverwaltung Hohenwiesen", "public-sector", "DE", 1, "", "bei der Kreisverwaltung Hohenwiesen", "at the Hohenwiesen district administration"},
	{"landesamt-datenwege", "Landesamt für Datenwege", "public-sector", "DE", 1, "", "beim Landesamt für Datenwege", "at the Landesamt für Datenwege"},
	{"moewenblick-medienhaus", "Möwenblick Medienhaus GmbH", "media", "DE", 2, "", "beim Möwenblick Medienhaus", ""},
	{"funkenflug-verlag", "Funkenflug Verlag GmbH", "media", "DE", 1, "", "beim Funkenflug Verlag", ""},
	{"kanal-neun-media", "Kanal Neun Media AG", "media", "DE", 2, "", "", ""},
	{"atlasgruen-studios", "Atlasgrün Studios Ltd", "media", "GB", 1, "", "", ""},
	{"taktwerk-bahn", "Taktwerk Bahn GmbH", "mobility", "DE", 2, "", "", ""},
	{"speichenflug-sharing", "Speichenflug Sharing GmbH", "mobility", "DE", 1, "", "", ""},
	{"velomondo", "Velomondo B.V.", "mobility", "NL", 1, "", "", ""},
	{"wolkenpfad-aviation", "Wolkenpfad Aviation GmbH", "aviation", "DE", 2, "", "", ""},
	{"schraubfalke-maschinenbau", "Schraubfalke Maschinenbau GmbH", "manufacturing", "DE", 2, "", "", ""},
	{"eisenfunke-maschinenbau", "Eisenfunke Maschinenbau AG", "manufacturing", "DE", 2, "", "", ""},
	{"praezisa-werkzeugbau", "Präzisa Werkzeugbau GmbH", "manufacturing", "DE", 1, "", "", ""},
	{"feldmark-landtechnik", "Feldmark Landtechnik SE", "manufacturing", "DE", 2, "", "", ""},
	{"korvex-industrial", "Korvex Industrial S.A.", "manufacturing", "PL", 1, "", "", ""},
	{"kalkbrise-chemie", "Kalkbrise Chemie AG", "chemicals", "DE", 2, "", "", ""},
	{"mauerfuchs-bau", "Mauerfuchs Bau SE", "construction", "DE", 2, "", "", ""},
	{"klinikverbund-sonnenhang", "Klinikverbund Sonnenhang gGmbH", "healthcare", "DE", 2, "", "beim Klinikverbund Sonnenhang", ""},
	{"haferhain-lebensmittel", "Haferhain Lebensmittel GmbH", "food", "DE", 2, "", "", ""},
	{"panetteria-solare", "Panetteria Solare S.r.l.", "food", "IT", 1, "", "", ""},
	{"lernwiese-akademie", "Lernwiese Akademie gGmbH", "education", "DE", 1, "", "bei der Lernwiese Akademie", ""},
	{"gamsgrat-bergbahnen", "Gamsgrat Bergbahnen AG", "tourism", "AT", 1, "", "bei den Gamsgrat Bergbahnen", ""},
	{"fernwehkompass-reisen", "Fernwehkompass Reisen GmbH", "tourism", "DE", 1, "", "", ""},
	{"brueckenbauer-ev", "Brückenbauer e.V.", "non-profit", "DE", 1, "", "beim Verein Brückenbauer", ""},
	{"zukunftsfunke-jugend", "Zukunftsfunke Jugend gGmbH", "non-profit", "DE", 1, "", "bei Zukunftsfunke Jugend", ""},
	{"stiftung-morgenfalter", "Stiftung Morgenfalter", "non-profit", "DE", 1, "", "bei der Stiftung Morgenfalter", "at the Morgenfalter Foundation"},
	{"lanternfield-foundation", "Lanternfield Foundation", "non-profit", "GB", 1, "", "bei der Lanternfield Foundation", "at the Lanternfield Foundation"},
}

// legalForms are stripped from names to get the short name used in
// sentences ("bei Nordlicht Digital"). Longest first.
var legalForms = []string{
	" GmbH & Co. KG", " Sp. z o.o.", " Pvt. Ltd.", " S.p.A.", " S.r.l.", " gGmbH", " GmbH",
	" B.V.", " S.A.", " A.Ş.", " A/S", " Inc.", " Ltd", " AöR", " e.V.", " eG", " AG", " SE",
}

// orgInfo is an organization with what the generator needs about it.
type orgInfo struct {
	Org
	country    string
	weight     int
	atDE, atEN string
	initial    bool // e-mail style "l.hoffmann" instead of "lena.hoffmann"
}

func buildOrgs() []orgInfo {
	out := make([]orgInfo, len(orgTable))
	for i, s := range orgTable {
		short := s.name
		for _, f := range legalForms {
			if strings.HasSuffix(short, f) {
				short = strings.TrimSuffix(short, f)
				break
			}
		}
		o := orgInfo{
			Org:     Org{ID: s.id, Name: s.name, Industry: s.industry, Group: s.group, Domain: s.id + ".example"},
			country: s.country, weight: s.size, atDE: s.atDE, atEN: s.atEN,
			initial: i%9 == 4, // a few organizations use initials
		}
		if o.Group == "" {
			o.Group = short
		}
		if o.atDE == "" {
			o.atDE = "bei " + short
		}
		if o.atEN == "" {
			o.atEN = "at " + short
		}
		out[i] = o
	}
	return out
}

// Orgs returns the fictitious organizations (about 80, across industries),
// in a fixed order. IDs are slugs; domains end in .example.
func Orgs() []Org {
	p := data()
	out := make([]Org, len(p.orgs))
	for i := range p.orgs {
		out[i] = p.orgs[i].Org
	}
	return slices.Clip(out)
}
