package shipment

import "strings"

// countries is the set of officially assigned ISO 3166-1 alpha-2 codes
// (249 codes). SOURCE: ISO 3166 Maintenance Agency, list of officially
// assigned codes; checked in tests against the region table of
// golang.org/x/text/language.
const countries = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW"

// countryAliases maps codes carriers use that are not ISO 3166-1 alpha-2
// to the code that is: "UK" (exceptionally reserved for the United
// Kingdom) and "EL" (the EU's code for Greece).
var countryAliases = map[string]string{"UK": "GB", "EL": "GR"}

// userAssigned lists user-assigned codes accepted as countries because
// carriers and postal operators use them: XK for Kosovo.
const userAssigned = "XK"

var countrySet = func() map[string]bool {
	m := make(map[string]bool, 260)
	for _, c := range strings.Fields(countries + " " + userAssigned) {
		m[c] = true
	}
	return m
}()

// ValidCountry reports whether c is an ISO 3166-1 alpha-2 code (upper case)
// or one of the user-assigned codes Waypost accepts (XK).
func ValidCountry(c string) bool { return countrySet[c] }

// NormalizeCountry upper-cases c, maps known aliases (UK, EL) and reports
// whether the result is a valid code.
func NormalizeCountry(c string) (string, bool) {
	c = strings.ToUpper(strings.TrimSpace(c))
	if a, ok := countryAliases[c]; ok {
		c = a
	}
	return c, countrySet[c]
}

// Countries returns every accepted country code, sorted.
func Countries() []string { return strings.Fields(countries + " " + userAssigned) }
