package carrier

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
)

// LocalLayout is how Event.LocalTime is written by connectors: the wall
// clock at the event's location, without offset.
const LocalLayout = "2006-01-02T15:04:05"

// Stamp is the time of an event: the UTC instant plus how it was found.
type Stamp struct {
	Time   time.Time // the instant
	Local  string    // wall clock at the location, LocalLayout
	Zone   string    // "+02:00", "America/Chicago", or "" when unknown
	Offset int       // seconds east of UTC
	Source shipment.OffsetSource
}

// Set copies the stamp into an event.
func (s Stamp) Set(e *shipment.Event) {
	e.Time = s.Time.UTC()
	e.LocalTime = s.Local
	e.Zone = s.Zone
	e.UTCOffset = s.Offset
	e.OffsetSource = s.Source
}

// wallOf reads the wall-clock fields of t, ignoring its location.
func wallOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// AtOffset stamps a wall-clock time (its location is ignored) with a known
// offset in seconds east of UTC.
func AtOffset(wall time.Time, offset int, src shipment.OffsetSource) Stamp {
	w := wallOf(wall)
	return Stamp{
		Time:   w.Add(-time.Duration(offset) * time.Second),
		Local:  w.Format(LocalLayout),
		Zone:   FormatOffset(offset),
		Offset: offset,
		Source: src,
	}
}

// Assumed stamps a wall-clock time whose offset the carrier did not give:
// with the zone of (country, region) when one can be assumed
// (OffsetAssumed), else read as UTC (OffsetNone).
func Assumed(wall time.Time, country, region string) Stamp {
	w := wallOf(wall)
	if loc := AssumeZone(country, region); loc != nil {
		t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
		_, off := t.Zone()
		return Stamp{Time: t.UTC(), Local: w.Format(LocalLayout), Zone: loc.String(), Offset: off, Source: shipment.OffsetAssumed}
	}
	return Stamp{Time: w, Local: w.Format(LocalLayout), Source: shipment.OffsetNone}
}

// isoLayouts are the ISO 8601 forms carriers send without an offset.
var isoLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"}

// ParseISO reads an ISO 8601 timestamp. With an offset ("Z", "+02:00") the
// stamp is explicit; without one, the zone of (country, region) is assumed.
func ParseISO(s, country, region string) (Stamp, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		_, off := t.Zone()
		return AtOffset(t, off, shipment.OffsetExplicit), nil
	}
	// "+0200" offsets without a colon.
	if t, err := time.Parse("2006-01-02T15:04:05.999999999Z0700", s); err == nil {
		_, off := t.Zone()
		return AtOffset(t, off, shipment.OffsetExplicit), nil
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Assumed(t, country, region), nil
		}
	}
	return Stamp{}, fmt.Errorf("unreadable timestamp %q", s)
}

// ParseOffset reads a UTC offset: "Z", "+05:30", "-0500", "+8", "-05".
func ParseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "Z" || s == "z" {
		return 0, true
	}
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	body := s[1:]
	var hh, mm string
	switch {
	case strings.Contains(body, ":"):
		hh, mm, _ = strings.Cut(body, ":")
	case len(body) == 4:
		hh, mm = body[:2], body[2:]
	case len(body) <= 2:
		hh, mm = body, "0"
	default:
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 18 || m < 0 || m > 59 || len(hh) > 2 || len(mm) > 2 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// FormatOffset writes seconds east of UTC as "+05:30".
func FormatOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
}
