package app

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// filter is the shipment list's query string, shared by the list page and
// the CSV export so that an export holds exactly what the list shows.
type filter struct {
	Q           string // tracking number, reference or e-mail
	Status      string
	Carrier     string
	Origin      string
	Destination string
	From, To    string // YYYY-MM-DD, creation date, both inclusive
	Cursor      string
}

var (
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	slugRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
)

// filterError is a filter value the list cannot use; it is shown next to
// the form, not as a failed page.
type filterError struct{ Field, Reason string }

func (e *filterError) Error() string { return e.Field + ": " + e.Reason }

func parseFilter(v url.Values) filter {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return filter{Q: g("q"), Status: g("status"), Carrier: strings.ToLower(g("carrier")),
		Origin: strings.ToUpper(g("origin")), Destination: strings.ToUpper(g("destination")),
		From: g("from"), To: g("to"), Cursor: g("cursor")}
}

// query turns the filter into a store query, validating each field.
func (f filter) query(limit int) (store.ListQuery, error) {
	q := store.ListQuery{Search: f.Q, Carrier: f.Carrier, OriginCountry: f.Origin,
		DestinationCountry: f.Destination, Limit: limit, Cursor: f.Cursor}
	if f.Status != "" {
		st := status.Status(f.Status)
		if !slices.Contains(status.Statuses, st) {
			return q, &filterError{"status", fmt.Sprintf("unknown status %q", f.Status)}
		}
		q.Status = st
	}
	if f.Carrier != "" && !slugRE.MatchString(f.Carrier) {
		return q, &filterError{"carrier", "must be a carrier slug such as dhl or royal-mail"}
	}
	for _, c := range []struct{ name, v string }{{"origin", f.Origin}, {"destination", f.Destination}} {
		if c.v != "" && !countryRE.MatchString(c.v) {
			return q, &filterError{c.name, "must be a two-letter country code"}
		}
	}
	var err error
	if q.CreatedFrom, err = parseDay("from", f.From); err != nil {
		return q, err
	}
	to, err := parseDay("to", f.To)
	if err != nil {
		return q, err
	}
	if !to.IsZero() {
		q.CreatedTo = to.AddDate(0, 0, 1) // the whole "to" day
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedTo.IsZero() && !q.CreatedFrom.Before(q.CreatedTo) {
		return q, &filterError{"to", "must not be before the start date"}
	}
	return q, nil
}

func parseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, &filterError{field, "must be a date, YYYY-MM-DD"}
	}
	return t, nil
}

// values is the filter as a query string, without the cursor unless
// withCursor.
func (f filter) values(withCursor bool) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Q)
	set("status", f.Status)
	set("carrier", f.Carrier)
	set("origin", f.Origin)
	set("destination", f.Destination)
	set("from", f.From)
	set("to", f.To)
	if withCursor {
		set("cursor", f.Cursor)
	}
	return v
}

// Query is the filter's query string for links (no cursor).
func (f filter) Query() string { return f.values(false).Encode() }

// Active reports whether any filter is set.
func (f filter) Active() bool { return len(f.values(false)) > 0 }
