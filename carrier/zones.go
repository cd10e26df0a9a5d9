package carrier

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone rules inside the binary: hosts and containers may lack /usr/share/zoneinfo
)

// Zone tables used to assume an event's zone when a carrier gives a local
// time without an offset. Facts from the IANA time zone database; for
// regions that span several zones the zone where most people live is used,
// so the guess is marked OffsetAssumed, never explicit.

// countryZones maps ISO 3166-1 alpha-2 codes of countries with one zone (or
// one dominant zone) to it. Large multi-zone countries (US, CA, AU, BR, MX,
// RU, ID, KZ) are resolved by region in regionZones or not at all.
var countryZones = map[string]string{
	"AE": "Asia/Dubai", "AR": "America/Argentina/Buenos_Aires", "AT": "Europe/Vienna", "BD": "Asia/Dhaka",
	"BE": "Europe/Brussels", "BG": "Europe/Sofia", "CH": "Europe/Zurich", "CL": "America/Santiago",
	"CN": "Asia/Shanghai", "CO": "America/Bogota", "CY": "Asia/Nicosia", "CZ": "Europe/Prague",
	"DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn", "EG": "Africa/Cairo",
	"ES": "Europe/Madrid", "FI": "Europe/Helsinki", "FR": "Europe/Paris", "GB": "Europe/London",
	"GR": "Europe/Athens", "HK": "Asia/Hong_Kong", "HR": "Europe/Zagreb", "HU": "Europe/Budapest",
	"IE": "Europe/Dublin", "IL": "Asia/Jerusalem", "IN": "Asia/Kolkata", "IS": "Atlantic/Reykjavik",
	"IT": "Europe/Rome", "JP": "Asia/Tokyo", "KE": "Africa/Nairobi", "KR": "Asia/Seoul",
	"LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "LV": "Europe/Riga", "MA": "Africa/Casablanca",
	"MT": "Europe/Malta", "MY": "Asia/Kuala_Lumpur", "NG": "Africa/Lagos", "NL": "Europe/Amsterdam",
	"NO": "Europe/Oslo", "NZ": "Pacific/Auckland", "PE": "America/Lima", "PH": "Asia/Manila",
	"PK": "Asia/Karachi", "PL": "Europe/Warsaw", "PR": "America/Puerto_Rico", "PT": "Europe/Lisbon",
	"RO": "Europe/Bucharest", "RS": "Europe/Belgrade", "SA": "Asia/Riyadh", "SE": "Europe/Stockholm",
	"SG": "Asia/Singapore", "SI": "Europe/Ljubljana", "SK": "Europe/Bratislava", "TH": "Asia/Bangkok",
	"TR": "Europe/Istanbul", "TW": "Asia/Taipei", "UA": "Europe/Kyiv", "VN": "Asia/Ho_Chi_Minh",
	"ZA": "Africa/Johannesburg",
}

// regionZones maps "CC-REGION" (country plus the state or province code
// carriers send) to the zone of most of the region's population.
var regionZones = map[string]string{
	// United States
	"US-AL": "America/Chicago", "US-AK": "America/Anchorage", "US-AZ": "America/Phoenix",
	"US-AR": "America/Chicago", "US-CA": "America/Los_Angeles", "US-CO": "America/Denver",
	"US-CT": "America/New_York", "US-DC": "America/New_York", "US-DE": "America/New_York",
	"US-FL": "America/New_York", "US-GA": "America/New_York", "US-HI": "Pacific/Honolulu",
	"US-IA": "America/Chicago", "US-ID": "America/Boise", "US-IL": "America/Chicago",
	"US-IN": "America/Indiana/Indianapolis", "US-KS": "America/Chicago", "US-KY": "America/New_York",
	"US-LA": "America/Chicago", "US-MA": "America/New_York", "US-MD": "America/New_York",
	"US-ME": "America/New_York", "US-MI": "America/Detroit", "US-MN": "America/Chicago",
	"US-MO": "America/Chicago", "US-MS": "America/Chicago", "US-MT": "America/Denver",
	"US-NC": "America/New_York", "US-ND": "America/Chicago", "US-NE": "America/Chicago",
	"US-NH": "America/New_York", "US-NJ": "America/New_York", "US-NM": "America/Denver",
	"US-NV": "America/Los_Angeles", "US-NY": "America/New_York", "US-OH": "America/New_York",
	"US-OK": "America/Chicago", "US-OR": "America/Los_Angeles", "US-PA": "America/New_York",
	"US-PR": "America/Puerto_Rico", "US-RI": "America/New_York", "US-SC": "America/New_York",
	"US-SD": "America/Chicago", "US-TN": "America/Chicago", "US-TX": "America/Chicago",
	"US-UT": "America/Denver", "US-VA": "America/New_York", "US-VT": "America/New_York",
	"US-WA": "America/Los_Angeles", "US-WI": "America/Chicago", "US-WV": "America/New_York",
	"US-WY": "America/Denver", "US-GU": "Pacific/Guam", "US-VI": "America/St_Thomas",
	// Canada
	"CA-AB": "America/Edmonton", "CA-BC": "America/Vancouver", "CA-MB": "America/Winnipeg",
	"CA-NB": "America/Moncton", "CA-NL": "America/St_Johns", "CA-NS": "America/Halifax",
	"CA-NT": "America/Yellowknife", "CA-NU": "America/Iqaluit", "CA-ON": "America/Toronto",
	"CA-PE": "America/Halifax", "CA-QC": "America/Toronto", "CA-SK": "America/Regina",
	"CA-YT": "America/Whitehorse",
	// Australia
	"AU-ACT": "Australia/Sydney", "AU-NSW": "Australia/Sydney", "AU-NT": "Australia/Darwin",
	"AU-QLD": "Australia/Brisbane", "AU-SA": "Australia/Adelaide", "AU-TAS": "Australia/Hobart",
	"AU-VIC": "Australia/Melbourne", "AU-WA": "Australia/Perth",
}

// zoneCache loads each named zone once; the map is read-only afterwards.
var zoneCache = sync.OnceValue(func() map[string]*time.Location {
	m := map[string]*time.Location{}
	for _, tbl := range []map[string]string{countryZones, regionZones} {
		for _, name := range tbl {
			if _, ok := m[name]; ok {
				continue
			}
			if loc, err := time.LoadLocation(name); err == nil {
				m[name] = loc
			}
		}
	}
	return m
})

// AssumeZone returns the zone a local time at (country, region) most likely
// uses, or nil when it cannot be told (unknown country, or a multi-zone
// country without a known region).
func AssumeZone(country, region string) *time.Location {
	country = strings.ToUpper(strings.TrimSpace(country))
	region = strings.ToUpper(strings.TrimSpace(region))
	name := ""
	if region != "" {
		name = regionZones[country+"-"+region]
	}
	if name == "" {
		name = countryZones[country]
	}
	if name == "" {
		return nil
	}
	return zoneCache()[name]
}
