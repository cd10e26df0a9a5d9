package seventeentrack

// carrierCodes maps Waypost carrier slugs to 17TRACK carrier codes.
// SOURCE: 17TRACK's published carrier list, apicarrier.all.json
// (https://res.17track.net/asset/carrier/info/apicarrier.all.json, linked
// from help.17track.net "Supported carriers and carrier codes"); each entry
// was matched by name, country and web site. A designated postal operator's
// code is 17TRACK's country number times ten plus one (China 301 -> 3011).
// Carriers not listed here are auto-detected by 17TRACK, which works well
// for UPU S10 numbers (the country suffix names the post). Where a slug
// shares its code with another (La Poste and Colissimo), the first entry is
// the one a code maps back to.
var carrierCodes = []struct {
	slug string
	code int
}{
	// Couriers, express and e-commerce networks.
	{"4px", 190094},
	{"amazon", 100308}, // Amazon Shipping + Amazon MCF (US)
	{"aramex", 100006},
	{"cainiao", 190271},
	{"canpar", 100146},
	{"china-ems", 3013},
	{"chronopost", 100273},
	{"la-poste", 6051}, // La Poste (Colissimo)
	{"colissimo", 6051},
	{"dhl", 100001},         // DHL Express
	{"dhl-ecommerce", 7047}, // DHL eCommerce US
	{"dhl-germany", 7041},   // DHL Paket
	{"dpd", 100007},         // DPD (DE)
	{"evri", 100331},
	{"fedex", 100003},
	{"gls", 100005},
	{"gofo", 100996},
	{"hermes-de", 100031},
	{"inpost", 100043}, // InPost (PL)
	{"jd-logistics", 191121},
	{"landmark-global", 100021},
	{"lasership", 100052},
	{"old-dominion", 100783},
	{"ontrac", 100049},
	{"parcelforce", 11033},
	{"purolator", 100042},
	{"sagawa", 100040},
	{"sf-express", 100012},
	{"speedee", 100447},
	{"sto", 190324},
	{"ups", 100002},
	{"yamato", 100062},
	{"yanwen", 190012},
	{"yodel", 100017},
	{"yto", 190157},
	{"yunexpress", 190008},
	{"zto-express", 190455},

	// Designated postal operators.
	{"afghan-post", 1021},
	{"posta-shqiptare", 1031},
	{"algerie-poste", 1041},
	{"post-aruba", 92031},
	{"australia-post", 1151},
	{"austrian-post", 1161},
	{"bangladesh-post", 2031},
	{"barbados-post", 2041},
	{"belize-post", 2071},
	{"belpost", 2051},
	{"benin-post", 2081},
	{"bhutan-post", 2101},
	{"bh-posta", 2121},
	{"botswana-post", 2131},
	{"bpost", 2061},
	{"brazil-correios", 2151},
	{"brunei-post", 2161},
	{"bulgarian-posts", 2171},
	{"sonapost", 2181},
	{"burundi-post", 2191},
	{"china-post", 3011},
	{"cambodia-post", 3021},
	{"campost", 3031},
	{"canada-post", 3041},
	{"correios-cabo-verde", 3061},
	{"correos-chile", 3101},
	{"4-72", 3131},
	{"correos-costa-rica", 3181},
	{"hrvatska-posta", 3191},
	{"correos-cuba", 3201},
	{"cyprus-post", 3211},
	{"ceska-posta", 3221},
	{"posten-norge", 14081},
	{"postnord", 19241}, // PostNord Sweden
	{"inposdom", 4041},
	{"correos-ecuador", 5011},
	{"egypt-post", 5021},
	{"emirates-post", 5031},
	{"omniva", 5041},
	{"ethiopian-post", 5051},
	{"post-fiji", 6031},
	{"posti", 6041},
	{"georgian-post", 7031},
	{"deutsche-post", 7044}, // Deutsche Post Mail
	{"ghana-post", 7051},
	{"elta", 7071},
	{"guatemala-post", 7121},
	{"guyana-post", 7141},
	{"hong-kong-post", 8011},
	{"honducor", 8041},
	{"magyar-posta", 8051},
	{"iceland-post", 9011},
	{"india-post", 9021},
	{"pos-indonesia", 9031},
	{"iran-post", 9041},
	{"an-post", 9051},
	{"israel-post", 9061},
	{"poste-italiane", 9071},
	{"iraq-post", 9081},
	{"jamaica-post", 10011},
	{"japan-post", 10021},
	{"jordan-post", 10031},
	{"kazpost", 11011},
	{"posta-kenya", 11021},
	{"royal-mail", 11031},
	{"kiribati-post", 11041},
	{"korea-post", 11051}, // ePOST
	{"kuwait-post", 11081},
	{"kyrgyz-post", 11091},
	{"laos-post", 12011},
	{"latvijas-pasts", 12021},
	{"libanpost", 12031},
	{"lesotho-post", 12041},
	{"libya-post", 12061},
	{"lietuvos-pastas", 12081},
	{"saint-lucia-post", 12091},
	{"post-luxembourg", 12101},
	{"macau-post", 13011},
	{"posta-north-macedonia", 13021},
	{"paositra-malagasy", 13031},
	{"malaysia-post", 13051},
	{"maldives-post", 13061},
	{"mali-post", 13071},
	{"maltapost", 13081},
	{"mauritius-post", 13131},
	{"correos-de-mexico", 13141},
	{"posta-moldovei", 13161},
	{"mongol-post", 13181},
	{"posta-crne-gore", 13191},
	{"poste-maroc", 13211},
	{"correios-mocambique", 13221},
	{"myanmar-post", 13231},
	{"namibia-post", 14011},
	{"nepal-post", 14031},
	{"postnl", 14041},
	{"new-zealand-post", 14061},
	{"correos-nicaragua", 14071},
	{"nipost", 14101},
	{"oman-post", 15011},
	{"pakistan-post", 16011},
	{"correos-panama", 16031},
	{"png-post", 16041},
	{"correo-paraguayo", 16051},
	{"serpost", 16061},
	{"phlpost", 16071},
	{"poczta-polska", 16081},
	{"portugal-ctt", 16101},
	{"qatar-post", 17011},
	{"posta-romana", 18021},
	{"russian-post", 18031},
	{"rwanda-post", 18041},
	{"svg-post", 19021},
	{"correos-el-salvador", 19031},
	{"san-marino-post", 19051},
	{"saudi-post", 19071},
	{"la-poste-senegal", 19081},
	{"posta-srbije", 19091},
	{"seychelles-post", 19111},
	{"singapore-post", 19131},
	{"slovakia-post", 19141},
	{"posta-slovenije", 19151},
	{"solomon-post", 19161},
	{"sapo", 19171},
	{"spain-correos-es", 19181},
	{"sri-lanka-post", 19191},
	{"sudapost", 19201},
	{"swiss-post", 19251},
	{"samoa-post", 19281},
	{"taiwan-post", 20011}, // Chunghwa Post
	{"tanzania-post", 20031},
	{"thailand-post", 20041},
	{"togo-post", 20051},
	{"tonga-post", 20061},
	{"ttpost", 20071},
	{"tuvalu-post", 20091},
	{"tunisia-post", 20101},
	{"ptt-posta", 20111},
	{"posta-uganda", 21011},
	{"ukrposhta", 21021},
	{"uzbekistan-post", 21031},
	{"correo-uruguayo", 21041},
	{"usps", 21051},
	{"vanuatu-post", 22021},
	{"ipostel", 22031},
	{"vnpost", 22041},
	{"yemen-post", 25011},
	{"zampost", 26011},
	{"zimpost", 26021},
	{"royal-gibraltar-post", 90061},
	{"jersey-post", 90091},
	{"cpost-curacao", 92021}, // listed by 17TRACK as Antilles Post (cpostinternational.com)
	{"posta-faroe", 96021},
	{"tusass", 96031}, // Tele Post (Greenland)
	{"opt-nc", 97021},
	{"haypost", 1131},
}

// The lookup maps are built once from carrierCodes and only read afterwards.
var (
	codeBySlug = func() map[string]int {
		m := make(map[string]int, len(carrierCodes))
		for _, c := range carrierCodes {
			m[c.slug] = c.code
		}
		return m
	}()
	slugByCode = func() map[int]string {
		m := make(map[int]string, len(carrierCodes))
		for _, c := range carrierCodes {
			if _, dup := m[c.code]; !dup {
				m[c.code] = c.slug
			}
		}
		return m
	}()
)

// CarrierCode returns the 17TRACK carrier code of a Waypost carrier slug;
// ok is false when 17TRACK should detect the carrier itself.
func CarrierCode(slug string) (code int, ok bool) {
	code, ok = codeBySlug[slug]
	return code, ok
}

// SlugFor returns the Waypost carrier slug of a 17TRACK carrier code.
func SlugFor(code int) (slug string, ok bool) {
	slug, ok = slugByCode[code]
	return slug, ok
}

// HashSlug is the carrier named in the hashes of events 17TRACK reports for
// a number: the Waypost slug of the carrier code 17TRACK tracks it under,
// or "17track" when that code is not in the table. Polls and pushes of the
// same number therefore give the same hashes, whichever slug the connector
// was opened for.
func HashSlug(code int) string {
	if s, ok := SlugFor(code); ok {
		return s
	}
	return Name
}
