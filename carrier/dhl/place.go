package dhl

import (
	"strings"

	"github.com/waypost/waypost/shipment"
)

// serviceHome is the country whose local time a business unit's
// timestamps are in when they carry no offset (Parcel DE answers
// "2023-03-13T09:50:00", German local time).
var serviceHome = map[string]string{
	"parcel-de": "DE",
	"post-de":   "DE",
	"parcel-nl": "NL",
	"parcel-pl": "PL",
	"parcel-uk": "GB",
}

// countryNames maps the country names DHL writes as an addressLocality
// (Parcel DE writes only "Deutschland"; Express writes "LEIPZIG - GERMANY")
// to ISO 3166-1 alpha-2 codes. German and English names of the countries
// DHL's European units mostly report from.
var countryNames = map[string]string{
	"deutschland": "DE", "germany": "DE",
	"niederlande": "NL", "netherlands": "NL", "the netherlands": "NL",
	"österreich": "AT", "austria": "AT",
	"schweiz": "CH", "switzerland": "CH",
	"frankreich": "FR", "france": "FR",
	"belgien": "BE", "belgium": "BE",
	"polen": "PL", "poland": "PL",
	"tschechien": "CZ", "czech republic": "CZ", "czechia": "CZ",
	"dänemark": "DK", "denmark": "DK",
	"italien": "IT", "italy": "IT",
	"spanien": "ES", "spain": "ES",
	"luxemburg": "LU", "luxembourg": "LU",
	"großbritannien": "GB", "vereinigtes königreich": "GB", "united kingdom": "GB",
	"usa": "US", "united states": "US", "united states of america": "US",
	"china": "CN", "hong kong": "HK", "singapore": "SG",
}

// countryOf returns the ISO code for a country name, or "".
func countryOf(name string) string {
	return countryNames[strings.ToLower(strings.TrimSpace(name))]
}

// place reads a UTAPI location. addressLocality is free text: a country
// name, "CITY - COUNTRY", or "street, CITY".
func place(p *placeJSON) shipment.Location {
	if p == nil || p.Address == nil {
		return shipment.Location{}
	}
	a := p.Address
	l := shipment.Location{
		Text:       string(a.AddressLocality),
		PostalCode: string(a.PostalCode),
		Country:    strings.ToUpper(string(a.CountryCode)),
	}
	loc := l.Text
	if cc := countryOf(loc); cc != "" {
		// The locality is only a country name.
		if l.Country == "" {
			l.Country = cc
		}
		return l
	}
	if city, ctry, ok := strings.Cut(loc, " - "); ok {
		if cc := countryOf(ctry); cc != "" {
			loc = city
			if l.Country == "" {
				l.Country = cc
			}
		}
	}
	if head, tail, ok := cutLast(loc, ","); ok {
		if isRegionCode(tail) {
			// "Memphis, TN": city and state or province.
			l.State = tail
			if _, c, ok := cutLast(head, ","); ok {
				head = c
			}
			loc = head
		} else {
			loc = tail // "Oderweg 2, AMSTERDAM": the street goes first
		}
	}
	l.City = strings.TrimSpace(loc)
	if len(l.Country) != 2 {
		l.Country = ""
	}
	return l
}

// cutLast splits s around its last sep, both sides trimmed.
func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(sep):]), true
}

// isRegionCode reports whether s looks like a state or province code
// ("TN", "NSW"): two or three upper-case ASCII letters.
func isRegionCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// homeCountry is the country assumed for events without a country of their
// own: the business unit's home, else the one country of a domestic
// shipment, else none.
func homeCountry(s *shipmentJSON) string {
	if h := serviceHome[strings.ToLower(string(s.Service))]; h != "" {
		return h
	}
	o, d := place(s.Origin).Country, place(s.Destination).Country
	if o != "" && o == d {
		return o
	}
	return ""
}
