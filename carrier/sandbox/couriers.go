package sandbox

import (
	"regexp"
	"strings"
)

// courier is how the aggregators know a carrier of the journeys: its
// 17TRACK carrier code (17TRACK's carrier list, apicarrier.all.json; a
// designated post's code is its country number times ten plus one), its
// AfterShip courier slug (AfterShip's GET /couriers list) and the names
// both show.
type courier struct {
	slug      string // the sandbox's carrier slug
	code17    int
	afterShip string
	name      string
	country   string // ISO 3166-1 alpha-2 of the carrier's home
	homepage  string
}

var couriers = []courier{
	{"china-post", 3011, "china-post", "China Post", "CN", "http://www.chinapost.com.cn/"},
	{"cainiao", 190271, "cainiao", "Cainiao", "CN", "https://global.cainiao.com/"},
	{"yunexpress", 190008, "yunexpress", "YunExpress", "CN", "https://www.yuntrack.com/"},
	{"ups", 100002, "ups", "UPS", "US", "https://www.ups.com/"},
	{"fedex", 100003, "fedex", "FedEx", "US", "https://www.fedex.com/"},
	{"dhl", 100001, "dhl", "DHL Express", "DE", "https://www.dhl.com/"},
	{"dhl-paket", 7041, "dhl-germany", "DHL Paket", "DE", "https://www.dhl.de/"},
	{"usps", 21051, "usps", "USPS", "US", "https://www.usps.com/"},
	{"royal-mail", 11031, "royal-mail", "Royal Mail", "GB", "https://www.royalmail.com/"},
	{"canada-post", 3041, "canada-post", "Canada Post", "CA", "https://www.canadapost-postescanada.ca/"},
	{"la-poste", 6051, "la-poste-colissimo", "La Poste", "FR", "https://www.laposte.fr/"},
	{"postnl", 14041, "postnl", "PostNL", "NL", "https://www.postnl.nl/"},
	{"australia-post", 1151, "australia-post", "Australia Post", "AU", "https://auspost.com.au/"},
}

// courierOf returns the courier of a journey's leg. DHL is DHL Express on
// the express route and DHL Paket as Germany's last mile.
func courierOf(j *Journey, leg int) courier {
	slug := j.Legs[leg].Carrier
	if slug == "dhl" && j.Route != RouteExpress {
		slug = "dhl-paket"
	}
	return courierBySlug(slug)
}

func courierBySlug(slug string) courier {
	for _, c := range couriers {
		if c.slug == slug {
			return c
		}
	}
	return courier{slug: slug, name: slug}
}

func courierByCode(code int) (courier, bool) {
	for _, c := range couriers {
		if c.code17 == code {
			return c, true
		}
	}
	return courier{}, false
}

func courierByAfterShip(slug string) (courier, bool) {
	for _, c := range couriers {
		if c.afterShip == slug {
			return c, true
		}
	}
	return courier{}, false
}

// numberFormats recognise a number's carrier from its format alone, as
// the aggregators' detection does for numbers they have not seen.
var numberFormats = []struct {
	re   *regexp.Regexp
	slug string
}{
	{regexp.MustCompile(`^1Z[0-9A-Z]{16}$`), "ups"},
	{regexp.MustCompile(`^LP\d{14}$`), "cainiao"},
	{regexp.MustCompile(`^YT\d{16}$`), "yunexpress"},
	{regexp.MustCompile(`^[A-Z]{2}\d{9}CN$`), "china-post"},
	{regexp.MustCompile(`^[A-Z]{2}\d{9}GB$`), "royal-mail"},
	{regexp.MustCompile(`^9[2-5]\d{20}$`), "usps"},
	{regexp.MustCompile(`^003404\d{14}$`), "dhl-paket"},
	{regexp.MustCompile(`^3S[A-Z]{4}\d{9}$`), "postnl"},
	{regexp.MustCompile(`^\d[A-Z]\d{11}$`), "la-poste"},
	{regexp.MustCompile(`^7\d{15}$`), "canada-post"},
	{regexp.MustCompile(`^[A-Z]{3}\d{15}$`), "australia-post"},
	{regexp.MustCompile(`^\d{12}$`), "fedex"},
	{regexp.MustCompile(`^\d{10}$`), "dhl"},
}

// detect returns the courier of a number by its format.
func detect(number string) (courier, bool) {
	n := normNumber(number)
	for _, f := range numberFormats {
		if f.re.MatchString(n) {
			return courierBySlug(f.slug), true
		}
	}
	return courier{}, false
}

// aggregatorRef finds number in the catalogue for an aggregator: the leg
// whose courier matches (when match is given), else the first leg with
// the number.
func (c *Catalog) aggregatorRef(number string, match func(courier) bool) (*Journey, int, bool) {
	rs := c.byAny[normNumber(number)]
	for _, r := range rs {
		if match == nil || match(courierOf(r.j, r.leg)) {
			return r.j, r.leg, true
		}
	}
	return nil, 0, false
}

// alpha3 are the ISO 3166-1 alpha-3 codes of the journeys' countries, as
// AfterShip writes them.
var alpha3 = map[string]string{
	"CN": "CHN", "US": "USA", "GB": "GBR", "CA": "CAN", "FR": "FRA", "NL": "NLD", "AU": "AUS", "DE": "DEU",
}

// placeLine is "City, ST, CC" (or "City, CC").
func placeLine(p Place) string {
	parts := []string{p.City}
	if p.State != "" {
		parts = append(parts, p.State)
	}
	return strings.Join(append(parts, p.Country), ", ")
}
