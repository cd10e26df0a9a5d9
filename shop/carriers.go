package shop

import (
	"strings"

	"github.com/waypost/waypost/trackno"
)

// carrierNames maps a shop's carrier name, folded by foldName, to a Waypost
// carrier slug (package carrier's directory).
//
// Sources: the "Supported tracking companies" list of Shopify's
// FulfillmentTrackingInfo.company (shopify.dev, Admin GraphQL API
// 2025-10); the provider names of the WooCommerce Shipment Tracking
// extension (stored as tracking_provider, e.g. "royal-mail",
// "australia-post"); and Magento 2's built-in carrier codes (ups, usps,
// fedex, dhl). Names Shopify lists per language (Japan Post (EN), Japan
// Post (JA)) fold to one key because the parenthesis is dropped. Carriers
// without a Waypost slug are left out: their numbers go to detection.
var carrierNames = map[string]string{
	"4px":                "4px",
	"amazon":             "amazon",
	"amazonlogistics":    "amazon",
	"amazonlogisticsus":  "amazon",
	"amazonlogisticsuk":  "amazon",
	"anpost":             "an-post",
	"australiapost":      "australia-post",
	"auspost":            "australia-post",
	"bpost":              "bpost",
	"bpostinternational": "bpost",
	"canadapost":         "canada-post",
	"canpar":             "canpar",
	"cainiao":            "cainiao",
	"chinapost":          "china-post",
	"chinaems":           "china-ems",
	"ems":                "china-ems",
	"epacket":            "china-post",
	"chronopost":         "chronopost",
	"colissimo":          "colissimo",
	"correios":           "brazil-correios",
	"correos":            "spain-correos-es",
	"ctt":                "portugal-ctt",
	"cypruspost":         "cyprus-post",
	"deutschepost":       "deutsche-post",
	"dhl":                "dhl",
	"dhlexpress":         "dhl",
	"dhlecommerce":       "dhl-ecommerce",
	"dhlecommerceasia":   "dhl-ecommerce",
	"dhlglobalmail":      "dhl-ecommerce",
	"dhlpaket":           "dhl-germany",
	"dhlparcel":          "dhl-germany",
	"dhlde":              "dhl-germany",
	"dpd":                "dpd",
	"dpdlocal":           "dpd",
	"dpduk":              "dpd",
	"evri":               "evri",
	"hermesuk":           "evri",
	"hermes":             "hermes-de",
	"fedex":              "fedex",
	"gls":                "gls",
	"icelandpost":        "iceland-post",
	"israelpost":         "israel-post",
	"indiapost":          "india-post",
	"inpost":             "inpost",
	"japanpost":          "japan-post",
	"jtexpress":          "jtexpress",
	"jdlogistics":        "jd-logistics",
	"koreapost":          "korea-post",
	"laposte":            "la-poste",
	"lasership":          "lasership",
	"latviapost":         "latvijas-pasts",
	"lietuvospastas":     "lietuvos-pastas",
	"newzealandpost":     "new-zealand-post",
	"nzpost":             "new-zealand-post",
	"ontrac":             "ontrac",
	"parcelforce":        "parcelforce",
	"postnl":             "postnl",
	"posteitaliane":      "poste-italiane",
	"postnord":           "postnord",
	"purolator":          "purolator",
	"royalmail":          "royal-mail",
	"sagawa":             "sagawa",
	"sfexpress":          "sf-express",
	"singaporepost":      "singapore-post",
	"swisspost":          "swiss-post",
	"ups":                "ups",
	"upsmailinnovations": "ups",
	"usps":               "usps",
	"yamato":             "yamato",
	"yanwen":             "yanwen",
	"yodel":              "yodel",
	"yunexpress":         "yunexpress",
	"ztoexpress":         "zto-express",
}

// foldName reduces a carrier name to lower-case letters and digits, with
// any parenthesised part dropped: "DHL Express", "dhl-express" and
// "DHL_EXPRESS" all become "dhlexpress", "Japan Post (EN)" "japanpost".
func foldName(name string) string {
	if i := strings.IndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// CarrierSlug maps a shop's carrier name to a Waypost slug; ok is false for
// names the table does not know.
func CarrierSlug(name string) (slug string, ok bool) {
	slug, ok = carrierNames[foldName(name)]
	return slug, ok
}

// How says how a parcel's carrier was chosen.
type How string

// The ways a carrier is chosen.
const (
	ByName   How = "name"     // the shop's carrier name is in the table
	ByNumber How = "detected" // the number's format names the carrier
	NotFound How = ""         // neither: the number is kept on the link only
)

// ResolveCarrier chooses the carrier of a tracking number a shop sent:
// the shop's carrier name when the table knows it, else the best carrier
// whose number format matches (ranked with the destination country). It
// returns the number as normalised by package trackno when a format
// matched, else as given (trimmed).
func ResolveCarrier(company, number, destination string) (slug, normalized string, how How) {
	normalized = strings.TrimSpace(number)
	res := trackno.DetectHints(number, trackno.Hints{Destination: destination})
	if res.Valid && res.Number != "" {
		normalized = res.Number
	}
	if s, ok := CarrierSlug(company); ok {
		return s, normalized, ByName
	}
	if best, ok := res.Best(); ok && res.Valid {
		return best.Carrier, normalized, ByNumber
	}
	return "", normalized, NotFound
}
