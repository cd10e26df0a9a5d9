package notify

import (
	"strings"
	"time"
	_ "time/tzdata" // zone names must resolve on hosts without a zoneinfo database

	"github.com/waypost/waypost/shipment"
)

// QuietHours is a daily window, in the buyer's local time, during which
// SMS are held back; minutes after midnight. Start > End spans midnight
// (21:00–08:00); Start == End means no quiet hours.
type QuietHours struct{ Start, End int }

// DefaultQuietHours keep texts from arriving between 21:00 and 08:00.
var DefaultQuietHours = QuietHours{Start: 21 * 60, End: 8 * 60}

// Release returns when a message due at now may go out in loc: the zero
// time when now is outside the quiet window, else the window's end.
func (q QuietHours) Release(now time.Time, loc *time.Location) time.Time {
	if q.Start == q.End || loc == nil {
		return time.Time{}
	}
	l := now.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	min := l.Hour()*60 + l.Minute()
	at := func(day time.Time, m int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
	}
	switch {
	case q.Start < q.End && min >= q.Start && min < q.End:
		return at(midnight, q.End)
	case q.Start > q.End && min >= q.Start:
		return at(midnight.AddDate(0, 0, 1), q.End)
	case q.Start > q.End && min < q.End:
		return at(midnight, q.End)
	}
	return time.Time{}
}

// countryZones gives each country the zone most of its people live in.
// SOURCE: IANA tz database zone1970.tab and zone.tab (country → zones),
// choosing the capital's or most populous zone for countries with several.
var countryZones = map[string]string{
	"AE": "Asia/Dubai", "AR": "America/Argentina/Buenos_Aires", "AT": "Europe/Vienna", "AU": "Australia/Sydney",
	"BE": "Europe/Brussels", "BG": "Europe/Sofia", "BR": "America/Sao_Paulo", "CA": "America/Toronto",
	"CH": "Europe/Zurich", "CL": "America/Santiago", "CN": "Asia/Shanghai", "CO": "America/Bogota",
	"CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen",
	"EE": "Europe/Tallinn", "EG": "Africa/Cairo", "ES": "Europe/Madrid", "FI": "Europe/Helsinki",
	"FR": "Europe/Paris", "GB": "Europe/London", "GR": "Europe/Athens", "HK": "Asia/Hong_Kong",
	"HR": "Europe/Zagreb", "HU": "Europe/Budapest", "ID": "Asia/Jakarta", "IE": "Europe/Dublin",
	"IL": "Asia/Jerusalem", "IN": "Asia/Kolkata", "IS": "Atlantic/Reykjavik", "IT": "Europe/Rome",
	"JP": "Asia/Tokyo", "KR": "Asia/Seoul", "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg",
	"LV": "Europe/Riga", "MA": "Africa/Casablanca", "MT": "Europe/Malta", "MX": "America/Mexico_City",
	"MY": "Asia/Kuala_Lumpur", "NG": "Africa/Lagos", "NL": "Europe/Amsterdam", "NO": "Europe/Oslo",
	"NZ": "Pacific/Auckland", "PE": "America/Lima", "PH": "Asia/Manila", "PK": "Asia/Karachi",
	"PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "RS": "Europe/Belgrade",
	"RU": "Europe/Moscow", "SA": "Asia/Riyadh", "SE": "Europe/Stockholm", "SG": "Asia/Singapore",
	"SI": "Europe/Ljubljana", "SK": "Europe/Bratislava", "TH": "Asia/Bangkok", "TR": "Europe/Istanbul",
	"TW": "Asia/Taipei", "UA": "Europe/Kyiv", "US": "America/New_York", "VN": "Asia/Ho_Chi_Minh",
	"ZA": "Africa/Johannesburg",
}

// BuyerZone guesses the buyer's time zone: the zone of the latest event
// in the destination country when the carrier named one (it is nearer the
// buyer than a country-wide guess in countries with several zones), else
// the destination country's main zone, else that latest event's stated
// offset. nil when nothing is known.
func BuyerZone(destCountry string, events []shipment.Event) *time.Location {
	dest := strings.ToUpper(destCountry)
	var last *shipment.Event
	for i := range events {
		e := &events[i]
		if dest != "" && e.Location.Country != "" && e.Location.Country != dest {
			continue
		}
		if last == nil || e.Time.After(last.Time) {
			last = e
		}
	}
	if last != nil && strings.Contains(last.Zone, "/") {
		if loc, err := time.LoadLocation(last.Zone); err == nil {
			return loc
		}
	}
	if name, ok := countryZones[dest]; ok {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	if last != nil && last.OffsetSource != "" && last.OffsetSource != shipment.OffsetNone {
		return time.FixedZone(last.Zone, last.UTCOffset)
	}
	return nil
}
