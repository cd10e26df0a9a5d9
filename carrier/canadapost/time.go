package canadapost

import (
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// zoneAbbrevs are the offsets of the North American zone abbreviations
// Canada Post writes in event-time-zone (seconds east of UTC). Standard and
// daylight forms are distinct abbreviations, so the abbreviation alone
// fixes the offset. CST is Central Standard Time here: the service only
// uses North American abbreviations.
var zoneAbbrevs = map[string]int{
	"NST": -(3*3600 + 1800), "NDT": -(2*3600 + 1800),
	"AST": -4 * 3600, "ADT": -3 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600,
	"HST": -10 * 3600,
	"GMT": 0, "UTC": 0, "UT": 0,
}

// provinces are the province and territory codes of event-province.
var provinces = map[string]bool{
	"AB": true, "BC": true, "MB": true, "NB": true, "NL": true, "NS": true, "NT": true,
	"NU": true, "ON": true, "PE": true, "QC": true, "SK": true, "YT": true,
}

// eventStamp reads event-date ("2011-02-03"), event-time ("11:59:59") and
// event-time-zone. In order of trust: a known abbreviation (OffsetTZAbbrev),
// an offset written in the zone field, the zone of the province (assumed),
// else the local time read as UTC. International events carry an empty zone
// or a country name ("ISRAEL"), which fixes no offset.
func eventStamp(date, clock, zone, country, province string) (carrier.Stamp, error) {
	wall, err := parseDateClock(date, clock)
	if err != nil {
		return carrier.Stamp{}, err
	}
	z := strings.ToUpper(strings.TrimSpace(zone))
	if off, ok := zoneAbbrevs[z]; ok {
		st := carrier.AtOffset(wall, off, shipment.OffsetTZAbbrev)
		st.Zone = z
		return st, nil
	}
	if off, ok := carrier.ParseOffset(strings.TrimPrefix(strings.TrimPrefix(z, "GMT"), "UTC")); ok && z != "" {
		return carrier.AtOffset(wall, off, shipment.OffsetCarrierGMT), nil
	}
	return carrier.Assumed(wall, country, province), nil
}

// parseDateClock reads "YYYY-MM-DD" and "HH:MM:SS" (or "HH:MM", or no
// time at all) as a wall clock.
func parseDateClock(date, clock string) (time.Time, error) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return time.Time{}, fmt.Errorf("event-date %q: want YYYY-MM-DD", date)
	}
	if clock == "" {
		return d, nil
	}
	for _, l := range []string{"15:04:05", "15:04"} {
		if c, err := time.Parse(l, clock); err == nil {
			return d.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute +
				time.Duration(c.Second())*time.Second), nil
		}
	}
	return time.Time{}, fmt.Errorf("event-time %q: want HH:MM:SS", clock)
}
