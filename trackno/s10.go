package trackno

import "github.com/waypost/waypost/carrier"

// S10 numbers name their issuing country; the issuer is that country's
// designated post, except that some posts run EMS under their own brand.

// countryIndex maps two letters to 0..675, anything else to 676.
func countryIndex(a, b byte) int {
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return 676
	}
	return int(a-'A')*26 + int(b-'A')
}

// noCountry is the country index of "".
const noCountry = 676

// countryOf returns the country index of "" or a two-letter code, the only
// forms tables hold; it panics on anything else, at start up.
func countryOf(cc string) uint16 {
	if cc == "" {
		return noCountry
	}
	if len(cc) != 2 || countryIndex(cc[0], cc[1]) == 676 {
		panic("trackno: bad country code " + cc)
	}
	return uint16(countryIndex(cc[0], cc[1]))
}

var (
	// s10Post is the issuer of S10 numbers per country index.
	s10Post [677]*carrierRef
	// s10EMS is the EMS operator where it is not the post's own brand:
	// China EMS, Parcelforce Worldwide (UK EMS), Chronopost (French EMS).
	s10EMS [677]*carrierRef
	// countryCodes holds "AA".."ZZ", then "" for noCountry, so results can
	// name a country without allocating.
	countryCodes = func() (t [677]string) {
		for i := 0; i < 676; i++ {
			t[i] = string([]byte{byte('A' + i/26), byte('A' + i%26)})
		}
		return t
	}()
	uspsRef *carrierRef
)

func initS10() {
	for _, cc := range carrier.PostCountries() {
		info, _ := carrier.PostOf(cc)
		s10Post[countryIndex(cc[0], cc[1])] = refOf(info.Slug)
	}
	for cc, slug := range map[string]string{"CN": "china-ems", "GB": "parcelforce", "FR": "chronopost"} {
		p := refOf(slug)
		if p == nil {
			panic("trackno: unknown EMS operator " + slug)
		}
		s10EMS[countryIndex(cc[0], cc[1])] = p
	}
	uspsRef = refOf("usps")
}

// s10Emit names the issuer from the country code. EMS items (E?) of a
// country whose EMS arm has its own brand list that arm first and the post
// second.
func s10Emit(n []byte, base cand, out []cand) []cand {
	idx := countryIndex(n[11], n[12])
	post := s10Post[idx]
	base.country = uint16(idx)
	if ems := s10EMS[idx]; ems != nil && n[0] == 'E' {
		c := base
		c.carrier = ems.id
		out = append(out, c)
		base.score *= 0.85
		base.reasons |= ReasonSharedBarcode
	}
	base.carrier = post.id
	return append(out, base)
}

// s10Service describes an S10 service indicator (UPU S10, section on
// service indicator values).
func s10Service(v string) string {
	if len(v) != 2 {
		return ""
	}
	return s10ServiceOf(v[0], v[1])
}

// s10ServiceOf is s10Service of the two letters a, b.
func s10ServiceOf(a, b byte) string {
	switch a {
	case 'E':
		return "EMS"
	case 'C':
		return "Parcel post"
	case 'H':
		return "E-commerce parcel"
	case 'R':
		return "Letter post, registered"
	case 'V':
		return "Letter post, insured"
	case 'L':
		return "Letter post, tracked (non-registered)"
	case 'U':
		return "Letter post, other (bar-coded, untracked)"
	case 'M':
		return "Letter post, M-bag"
	case 'Q':
		if b <= 'M' {
			return "International Business Reply Service"
		}
	case 'A', 'B', 'D', 'N', 'P', 'Z':
		return "Domestic or bilateral use"
	case 'G':
		if b == 'A' || b == 'D' {
			return "Domestic or bilateral use"
		}
	}
	return ""
}

func s10Fields(n string, dst []Field) []Field {
	idx := countryIndex(n[11], n[12])
	issuer := ""
	if p := s10Post[idx]; p != nil {
		issuer = p.name
	}
	return append(dst,
		Field{Name: "service_indicator", Value: n[:2], Meaning: s10Service(n[:2])},
		Field{Name: "serial", Value: n[2:10]},
		Field{Name: "check_digit", Value: n[10:11]},
		Field{Name: "country", Value: n[11:13], Meaning: issuer},
	)
}
