// Package simcarrier answers for sandbox carriers in-process: a
// carrier.Connector that reads the journeys of a sandbox catalog at the
// sandbox clock's time, without HTTP.
//
// The HTTP sandbox (carrier/sandbox) speaks the APIs of a few carriers
// (UPS, FedEx, DHL, Canada Post). The journeys it scripts also travel on
// carriers it has no dialect for — China Post, Cainiao, YunExpress and
// destination posts — which Waypost would follow through an aggregator.
// This connector stands in for those, so a demo or a test can follow every
// leg of every journey, hand-offs included. Events carry the journey's
// neutral texts; a hand-over names the next carrier and its number, as
// consolidators' scans do.
package simcarrier

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
)

// Connector serves one carrier slug from a catalog.
type Connector struct {
	slug   string
	cat    *sandbox.Catalog
	clock  *sandbox.Clock
	limits carrier.Limits
	// Faults, when set, decides per call whether the call fails (and how);
	// nil never fails.
	Faults func(slug string) error
}

// New returns the connector for slug. Zero limits mean batches of 40 and
// no rate limit.
func New(slug string, cat *sandbox.Catalog, clock *sandbox.Clock, limits carrier.Limits) *Connector {
	if limits.BatchSize <= 0 {
		limits.BatchSize = 40
	}
	return &Connector{slug: slug, cat: cat, clock: clock, limits: limits}
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, &carrier.Error{Kind: carrier.ErrTimeout, Carrier: c.slug, Op: "track", Err: err}
	}
	if len(reqs) > c.limits.BatchSize {
		return nil, &carrier.Error{Kind: carrier.ErrRejected, Carrier: c.slug, Op: "track",
			Message: fmt.Sprintf("%d numbers, at most %d per call", len(reqs), c.limits.BatchSize)}
	}
	if c.Faults != nil {
		if err := c.Faults(c.slug); err != nil {
			return nil, err
		}
	}
	now := c.clock.Now()
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		out[i] = c.result(r.TrackingNumber, now)
	}
	return out, nil
}

func (c *Connector) result(number string, now time.Time) carrier.Result {
	res := carrier.Result{TrackingNumber: number}
	j, leg, ok := c.cat.Find(c.slug, number)
	if !ok {
		res.NotFound = "not found"
		return res
	}
	steps := j.Visible(leg, now)
	if len(steps) == 0 {
		res.NotFound = "no information yet"
		return res
	}
	res.Found = true
	res.Events = make([]shipment.Event, 0, len(steps))
	for _, s := range steps {
		res.Events = append(res.Events, Event(c.slug, number, s))
	}
	return res
}

// Event renders one journey step as the normalised event a connector
// would produce.
func Event(slug, number string, s sandbox.Step) shipment.Event {
	local := s.Local()
	_, off := local.Zone()
	text := s.Kind.Text()
	if s.Detail != "" {
		text += ": " + s.Detail
	}
	sub := s.Kind.Substatus()
	loc := shipment.Location{City: s.Place.City, State: s.Place.State, PostalCode: s.Place.PostalCode, Country: s.Place.Country}
	loc.Text = s.Place.City + ", " + s.Place.Country
	if s.Place.Facility != "" {
		loc.Text = s.Place.Facility + ", " + loc.Text
	}
	e := shipment.Event{
		Time:         s.At,
		LocalTime:    local.Format("2006-01-02T15:04:05"),
		Zone:         s.Place.Zone,
		UTCOffset:    off,
		OffsetSource: shipment.OffsetExplicit,
		Location:     loc,
		Code:         s.Kind.String(),
		Text:         text,
		Language:     "en",
		Status:       sub.Status(),
		Substatus:    sub,
	}
	e.Hash = shipment.HashEvent(slug, number, &e)
	return e
}

// Slugs returns the carriers of journeys that have no HTTP dialect in the
// sandbox, sorted: the ones this connector should serve.
func Slugs(journeys []*sandbox.Journey) []string {
	have := map[string]bool{}
	for _, d := range sandbox.Dialects() {
		have[d] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, j := range journeys {
		for _, l := range j.Legs {
			if !have[l.Carrier] && !seen[l.Carrier] {
				seen[l.Carrier] = true
				out = append(out, l.Carrier)
			}
		}
	}
	slices.Sort(out)
	return out
}

// DestinationPosts is the post the sandbox's S10 journeys are delivered by
// in each destination country (SOURCE: the route table documented in
// carrier/sandbox, "post S10: China Post, then the destination post").
var DestinationPosts = map[string]string{
	"US": "usps", "GB": "royal-mail", "CA": "canada-post", "FR": "la-poste",
	"NL": "postnl", "AU": "australia-post", "DE": "dhl",
}

// PostOf looks a country up in DestinationPosts.
func PostOf(country string) (string, bool) {
	s, ok := DestinationPosts[country]
	return s, ok
}
