package shipment

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/waypost/waypost/status"
)

// Limits applied to carrier input. Carriers have sent megabyte-long
// descriptions; nothing a person reads on a tracking page needs more.
const (
	MaxTextBytes  = 2048 // event text and location text
	MaxShortBytes = 256  // codes, city, state, postal code, zone, local time
	MaxTagBytes   = 35   // language tags (BCP 47 practical limit)
)

// Bounds on event times. Tracking was not online before 1990, and a carrier
// clock or a wrong zone can put a scan a day ahead, but not more.
var (
	MinEventTime  = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxFutureSkew = 48 * time.Hour
)

// Repair records one change made to make input acceptable.
type Repair struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (r Repair) String() string { return r.Field + ": " + r.Reason }

// InvalidError rejects input that cannot be repaired. Nothing of the
// rejected value is stored.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("shipment: invalid %s: %s", e.Field, e.Reason)
}

// ErrInvalid matches every *InvalidError with errors.Is.
var ErrInvalid = errors.New("shipment: invalid input")

// Is makes errors.Is(err, ErrInvalid) true for rejections.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// NormalizeEvent checks an event against now and returns a repaired copy
// plus the repairs made, or an *InvalidError when the event must be
// rejected. Rejected: a zero time, a time before MinEventTime or more than
// MaxFutureSkew after now, an unknown status, an unknown offset source.
// Repaired: invalid UTF-8 (replaced by U+FFFD), NUL bytes (removed: no
// database stores them in text), over-long strings (cut on a rune
// boundary), unknown or lower-case country codes, a substatus that does not
// belong to its status. The time is converted to UTC and cut to
// microseconds, the precision both storage engines keep.
func NormalizeEvent(e Event, now time.Time) (Event, []Repair, error) {
	var rs []Repair
	switch {
	case e.Time.IsZero():
		return e, nil, &InvalidError{"time", "zero time"}
	case e.Time.Before(MinEventTime):
		return e, nil, &InvalidError{"time", fmt.Sprintf("%s is before %d", e.Time.UTC().Format(time.RFC3339), MinEventTime.Year())}
	case e.Time.After(now.Add(MaxFutureSkew)):
		return e, nil, &InvalidError{"time", fmt.Sprintf("%s is more than %s in the future", e.Time.UTC().Format(time.RFC3339), MaxFutureSkew)}
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)

	if e.OffsetSource == "" {
		e.OffsetSource = OffsetNone
	}
	if !e.OffsetSource.Valid() {
		return e, nil, &InvalidError{"offset_source", fmt.Sprintf("unknown offset source %q", e.OffsetSource)}
	}
	if e.UTCOffset < -18*3600 || e.UTCOffset > 18*3600 {
		return e, nil, &InvalidError{"utc_offset", fmt.Sprintf("offset %ds is beyond ±18h", e.UTCOffset)}
	}

	if err := normalizeStatus(&e, &rs); err != nil {
		return e, nil, err
	}

	text := func(field string, s *string, limit int) { cleanString(field, s, limit, &rs) }
	text("local_time", &e.LocalTime, MaxShortBytes)
	text("zone", &e.Zone, MaxShortBytes)
	text("code", &e.Code, MaxShortBytes)
	text("text", &e.Text, MaxTextBytes)
	text("language", &e.Language, MaxTagBytes)
	text("location.text", &e.Location.Text, MaxTextBytes)
	text("location.city", &e.Location.City, MaxShortBytes)
	text("location.state", &e.Location.State, MaxShortBytes)
	text("location.postal_code", &e.Location.PostalCode, MaxShortBytes)
	text("location.country", &e.Location.Country, MaxShortBytes)
	if c, ok := cleanCountry("location.country", e.Location.Country, &rs); ok {
		e.Location.Country = c
	}
	return e, rs, nil
}

// normalizeStatus accepts an empty status (no status meaning), fills in a
// missing status from a valid substatus, and replaces a substatus that is
// unknown or belongs to another status by the generic one.
func normalizeStatus(e *Event, rs *[]Repair) error {
	if e.Status == "" && e.Substatus != "" {
		if !e.Substatus.Valid() {
			return &InvalidError{"substatus", fmt.Sprintf("unknown substatus %q without a status", e.Substatus)}
		}
		e.Status = e.Substatus.Status()
		return nil
	}
	if e.Status == "" {
		return nil
	}
	if !e.Status.Valid() {
		return &InvalidError{"status", fmt.Sprintf("unknown status %q", e.Status)}
	}
	if e.Substatus == "" {
		e.Substatus = status.Generic(e.Status)
		return nil
	}
	if !e.Substatus.Valid() || e.Substatus.Status() != e.Status {
		*rs = append(*rs, Repair{"substatus", fmt.Sprintf("%q does not belong to %q; using the generic substatus", e.Substatus, e.Status)})
		e.Substatus = status.Generic(e.Status)
	}
	return nil
}

// CleanString returns s with invalid UTF-8 replaced by U+FFFD, NUL bytes
// removed and its length cut to limit bytes on a rune boundary, appending
// a Repair naming field for each change to rs.
func CleanString(field, s string, limit int, rs *[]Repair) string {
	cleanString(field, &s, limit, rs)
	return s
}

// cleanString repairs invalid UTF-8, removes NUL bytes and cuts s to limit
// bytes on a rune boundary, recording each repair.
func cleanString(field string, s *string, limit int, rs *[]Repair) {
	v := *s
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
		*rs = append(*rs, Repair{field, "invalid UTF-8 replaced by U+FFFD"})
	}
	if strings.IndexByte(v, 0) >= 0 {
		v = strings.ReplaceAll(v, "\x00", "")
		*rs = append(*rs, Repair{field, "NUL bytes removed"})
	}
	if len(v) > limit {
		*rs = append(*rs, Repair{field, fmt.Sprintf("%d bytes cut to %d", len(v), limit)})
		v = truncate(v, limit)
	}
	*s = v
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cleanCountry upper-cases a country code, maps aliases and drops it when it is not an
// ISO 3166-1 alpha-2 code (the rest of the location is kept).
func cleanCountry(field, c string, rs *[]Repair) (string, bool) {
	if c == "" {
		return "", false
	}
	norm, ok := NormalizeCountry(c)
	if !ok {
		*rs = append(*rs, Repair{field, fmt.Sprintf("unknown country code %q dropped", c)})
		return "", true
	}
	if _, alias := countryAliases[strings.ToUpper(strings.TrimSpace(c))]; alias {
		*rs = append(*rs, Repair{field, fmt.Sprintf("%q written as %q", c, norm)})
	}
	return norm, true
}
