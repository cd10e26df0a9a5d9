package seventeentrack

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// eventTime stamps an event from time_iso (the carrier's wall clock, with
// an offset) and time_utc (the same instant in UTC), at the event's
// country and state:
//
//   - time_iso with an offset is explicit, except for one known upstream
//     fault: 17TRACK applies a zone's standard offset in summer (a DHL Paket
//     event in Hamburg in September sent as +01:00). When the stated offset
//     is the location's other seasonal offset, one hour off the real one,
//     the wall clock is kept and the real zone applied, marked assumed;
//   - time_iso without an offset takes the offset from time_utc (a
//     separate GMT field), or else assumes the location's zone;
//   - time_utc alone gives the instant; the local time is then shown in the
//     location's zone (assumed) or in UTC.
func eventTime(iso, utc, country, state string) (carrier.Stamp, error) {
	iso, utc = strings.TrimSpace(iso), strings.TrimSpace(utc)
	if iso == "" && utc == "" {
		return carrier.Stamp{}, errors.New("event without time")
	}
	var u time.Time
	if utc != "" {
		t, err := time.Parse(time.RFC3339Nano, utc)
		if err != nil {
			return carrier.Stamp{}, fmt.Errorf("unreadable time_utc %q", utc)
		}
		u = t.UTC()
	}
	if iso == "" {
		if loc := carrier.AssumeZone(country, state); loc != nil {
			lt := u.In(loc)
			_, off := lt.Zone()
			return carrier.Stamp{Time: u, Local: lt.Format(carrier.LocalLayout), Zone: loc.String(),
				Offset: off, Source: shipment.OffsetAssumed}, nil
		}
		return carrier.AtOffset(u, 0, shipment.OffsetExplicit), nil
	}
	st, err := carrier.ParseISO(iso, country, state)
	if err != nil {
		return st, err
	}
	if st.Source == shipment.OffsetExplicit {
		return fixSeasonalOffset(st, country, state), nil
	}
	if !u.IsZero() {
		wall, _ := time.Parse(carrier.LocalLayout, st.Local)
		off := int(wall.Sub(u).Round(15*time.Minute) / time.Second)
		if off >= -14*3600 && off <= 14*3600 {
			return carrier.AtOffset(wall, off, shipment.OffsetCarrierGMT), nil
		}
	}
	return st, nil
}

// fixSeasonalOffset corrects an explicit offset that is the location's
// offset of the other season (see eventTime); any other offset is kept.
func fixSeasonalOffset(st carrier.Stamp, country, state string) carrier.Stamp {
	loc := carrier.AssumeZone(country, state)
	if loc == nil {
		return st
	}
	wall, err := time.Parse(carrier.LocalLayout, st.Local)
	if err != nil {
		return st
	}
	_, real := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(),
		wall.Second(), 0, loc).Zone()
	if d := real - st.Offset; d != 3600 && d != -3600 {
		return st
	}
	_, winter := time.Date(wall.Year(), time.January, 15, 12, 0, 0, 0, loc).Zone()
	_, summer := time.Date(wall.Year(), time.July, 15, 12, 0, 0, 0, loc).Zone()
	if winter == summer || (st.Offset != winter && st.Offset != summer) {
		return st
	}
	return carrier.Assumed(wall, country, state)
}
