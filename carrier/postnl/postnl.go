// Package postnl is the connector for PostNL's ShippingStatus API v2
// (REST/JSON).
//
// Authentication is the API key in the "apikey" header; tracking is one
// GET /shipment/v2/status/barcode/{barcode}?detail=true per number, which
// answers with the shipment's events and its status history. Events are
// mapped from PostNL's event codes through the status code each one sets
// (PostNL's "T&T status codes" table; see codes.go). Timestamps are Dutch
// local time without an offset, so Europe/Amsterdam is assumed.
//
// Configuration (carrier.Config): APIKey, BaseURL (default
// https://api.postnl.nl; the sandbox is https://api-sandbox.postnl.nl),
// Language ("nl" or "en"; default "nl", PostNL's own default) and
// Options["max_days"] (how many days back PostNL searches; PostNL advises
// keeping it small).
package postnl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "postnl"

// DefaultBaseURL is PostNL's production host.
const DefaultBaseURL = "https://api.postnl.nl"

// DefaultLimits: one barcode per call. PostNL publishes no number; it asks
// that the service be called for relevant shipments at useful intervals,
// not every minute for every parcel, so the pace here is modest.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 4, Burst: 4}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks PostNL parcels.
type Connector struct {
	slug    string
	base    string
	lang    string // "nl" or "en"
	maxDays string
	limits  carrier.Limits
	client  *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a PostNL connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.HeaderAuth{Name: "apikey", Value: cfg.APIKey}
	cc.DecodeError = decodeError
	c := &Connector{slug: cfg.Slug, base: cfg.URL(DefaultBaseURL), lang: "nl", limits: limits, client: carrier.NewClient(cc)}
	if cfg.Language != "" {
		base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(cfg.Language, "_", "-")), "-")
		if base != "nl" && base != "en" {
			return nil, fmt.Errorf("postnl: language %q not offered (nl, en)", cfg.Language)
		}
		c.lang = base
	}
	if v := cfg.Options["max_days"]; v != "" {
		if n, err := strconv.Atoi(v); err != nil || n <= 0 {
			return nil, fmt.Errorf("postnl: options.max_days %q: want a positive number of days", v)
		}
		c.maxDays = v
	}
	return c, nil
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector with one call per barcode.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		res, err := c.trackOne(ctx, r.TrackingNumber)
		if err != nil {
			if i == 0 {
				return nil, err
			}
			// Keep what was answered; the rest carry the batch error.
			for j := i; j < len(reqs); j++ {
				out[j] = carrier.Result{TrackingNumber: reqs[j].TrackingNumber, Err: err}
			}
			return out, nil
		}
		out[i] = res
	}
	return out, nil
}

// trackOne returns the Result for one barcode; the error is for failures
// that concern the whole connector (auth, quota, carrier down, unreadable
// answer).
func (c *Connector) trackOne(ctx context.Context, barcode string) (carrier.Result, error) {
	q := url.Values{"detail": {"true"}, "language": {strings.ToUpper(c.lang)}}
	if c.maxDays != "" {
		q.Set("maxDays", c.maxDays)
	}
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet,
		URL: c.base + "/shipment/v2/status/barcode/" + url.PathEscape(barcode) + "?" + q.Encode(),
	})
	if err != nil {
		if errors.Is(err, carrier.ErrRejected) {
			// An invalid barcode is this barcode's problem only.
			return carrier.Result{TrackingNumber: barcode, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	results, err := parse(resp.Body, c.lang)
	if err != nil {
		if errors.Is(err, carrier.ErrRejected) {
			return carrier.Result{TrackingNumber: barcode, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	return pick(results, barcode), nil
}

// pick returns the Result for barcode: a multi-parcel shipment can answer
// with several parcels. Asked by its main barcode, the shipment answers
// with its first parcel, which then stands for the number asked.
func pick(results []carrier.Result, barcode string) carrier.Result {
	for _, r := range results {
		if strings.EqualFold(r.TrackingNumber, barcode) {
			return r
		}
	}
	r := results[0]
	r.TrackingNumber = barcode
	return r
}
