package usps

import (
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// eventTime reads an event's time. eventTimestamp is the local wall clock
// at the event's place; current answers add GMTTimestamp (the instant) and
// GMTOffset ("-05:00", "-7:00"). In order of trust:
//
//  1. GMTTimestamp is the instant, with GMTOffset as the local offset (or,
//     without it, the difference between the two clocks);
//  2. GMTOffset alone applied to the local time;
//  3. an explicit numeric offset in eventTimestamp;
//  4. the zone of the event's state assumed (US) or of its country.
//
// A trailing "Z" on eventTimestamp is not trusted: USPS's own example
// answer writes 7:31 am local time in Richmond, VA as "07:31:00Z".
func eventTime(ev *eventJSON, country, state string) (carrier.Stamp, error) {
	wall, off, hasOff, errLocal := parseLocal(string(ev.EventTimestamp))
	gmtOff, hasGMTOff := carrier.ParseOffset(string(ev.GMTOffset))
	if s := string(ev.GMTTimestamp); s != "" {
		gmt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return carrier.Stamp{}, fmt.Errorf("GMTTimestamp %q: %w", s, err)
		}
		gmt = gmt.UTC()
		if errLocal != nil {
			// The instant is exact; the local clock is unknown.
			return carrier.Stamp{Time: gmt, Source: shipment.OffsetNone}, nil
		}
		if !hasGMTOff {
			// Zones differ from UTC in whole quarter hours.
			d := wall.Sub(gmt).Round(15 * time.Minute)
			if d < -maxOffset || d > maxOffset {
				return carrier.Stamp{}, fmt.Errorf("eventTimestamp %s and GMTTimestamp %s are %s apart", ev.EventTimestamp, s, d)
			}
			gmtOff = int(d / time.Second)
		}
		st := carrier.AtOffset(wall, gmtOff, shipment.OffsetCarrierGMT)
		st.Time = gmt
		return st, nil
	}
	if errLocal != nil {
		return carrier.Stamp{}, errLocal
	}
	switch {
	case hasGMTOff:
		return carrier.AtOffset(wall, gmtOff, shipment.OffsetCarrierGMT), nil
	case hasOff:
		return carrier.AtOffset(wall, off, shipment.OffsetExplicit), nil
	}
	return carrier.Assumed(wall, country, state), nil
}

// maxOffset bounds a zone's distance from UTC (UTC+14 is the farthest).
const maxOffset = 14 * time.Hour

// parseLocal reads eventTimestamp as a wall clock, ignoring a "Z" suffix.
// A numeric offset ("-05:00") is returned as such.
func parseLocal(s string) (wall time.Time, off int, hasOff bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, 0, false, fmt.Errorf("event without eventTimestamp")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
			return t, 0, false, nil // a local time wrongly marked UTC
		}
		_, off := t.Zone()
		return t, off, true, nil
	}
	for _, l := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, 0, false, nil
		}
	}
	return time.Time{}, 0, false, fmt.Errorf("unreadable eventTimestamp %q", s)
}
