package ups

import (
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// activityTime reads an activity's time. UPS gives the local date and time
// ("20220126", "163000") and, in some answers, gmtDate/gmtTime/gmtOffset.
// In order of trust: the GMT fields, the gmtOffset alone, a zone assumed
// from the location, else the local time read as UTC.
func activityTime(a *activityJSON, country, region string) (carrier.Stamp, error) {
	local, err := parseDateClock(string(a.Date), string(a.Time))
	if err != nil {
		return carrier.Stamp{}, err
	}
	off, hasOff := carrier.ParseOffset(string(a.GMTOffset))
	if a.GMTDate != "" && a.GMTTime != "" {
		gmt, err := parseDateClock(string(a.GMTDate), string(a.GMTTime))
		if err == nil {
			if !hasOff {
				// The offset is what separates the two clocks, to the
				// quarter hour (zones are not finer).
				off = int(local.Sub(gmt).Round(15*time.Minute) / time.Second)
			}
			st := carrier.AtOffset(local, off, shipment.OffsetCarrierGMT)
			st.Time = gmt // the GMT fields are the instant, whatever the offset says
			return st, nil
		}
	}
	if hasOff {
		return carrier.AtOffset(local, off, shipment.OffsetCarrierGMT), nil
	}
	return carrier.Assumed(local, country, region), nil
}

// parseDateClock reads "YYYYMMDD" (or "YYYY-MM-DD") and a time of day.
func parseDateClock(date, clock string) (time.Time, error) {
	date = strings.ReplaceAll(strings.TrimSpace(date), "-", "")
	d, err := time.Parse("20060102", date)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYYMMDD", date)
	}
	if strings.TrimSpace(clock) == "" {
		return d, nil
	}
	c, err := parseClock(clock)
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second), nil
}

// parseClock reads "HHMMSS", "HMMSS" (UPS drops the leading zero of gmtTime,
// e.g. "74700"), "HHMM" or "HH:MM:SS".
func parseClock(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		for _, l := range []string{"15:04:05", "15:04"} {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("time %q: want HHMMSS or HH:MM:SS", s)
	}
	switch len(s) {
	case 5:
		s = "0" + s
	case 4:
		s += "00"
	}
	t, err := time.Parse("150405", s)
	if err != nil || len(s) != 6 {
		return time.Time{}, fmt.Errorf("time %q: want HHMMSS or HH:MM:SS", s)
	}
	return t, nil
}
