// Package aftership is the connector for the AfterShip Tracking API
// (dated versions, 2024-10 by default), an aggregator of more than 1,000
// carriers, and the receiver of its webhooks (see NewWebhookHandler).
//
// AfterShip tracks a number once it has been created (POST /trackings,
// which counts against the plan). Track first lists the batch with
// GET /trackings?tracking_numbers=... (up to 50 numbers per call), creates
// the numbers AfterShip does not know yet, and reads them from the
// creation answer; a "tracking already exists" answer (4003, a creation
// raced by another process) is answered by listing that number again.
// Authentication is the "as-api-key" header.
//
// A connector is opened for a Waypost carrier slug routed through
// AfterShip (carrier.Config.Connector "aftership"); the slug is sent as
// AfterShip's courier slug (see CourierSlug), or AfterShip detects the
// courier when Options["slug"] is "auto".
//
// Configuration (carrier.Config): APIKey, BaseURL (default
// https://api.aftership.com/tracking/2024-10; a later dated version works
// the same), Account (sent as tracking_account_number), Options["slug"]
// (the AfterShip courier slug, overriding the mapping; "auto" to detect).
// Per request: PostalCode (destination_postal_code), DestinationCountry
// (destination_country_iso3), ShipDate (tracking_ship_date),
// Extra["tracking_key"], Extra["slug"].
package aftership

import (
	"context"
	"fmt"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Name is the connector's registered name.
const Name = "aftership"

// DefaultBaseURL is the API root of the pinned API version.
const DefaultBaseURL = "https://api.aftership.com/tracking/2024-10"

// MaxBatch is the most numbers one GET /trackings filter takes.
const MaxBatch = 50

// DefaultLimits: 50 numbers per list call; AfterShip's per-endpoint limits
// (2024-07 and later) are 5 to 20 requests per second, so the lowest one,
// which covers every endpoint used, paces the connector. The tracking
// quota is per plan and not known here.
var DefaultLimits = carrier.Limits{BatchSize: MaxBatch, RequestsPerSecond: 5, Burst: 5}

func init() {
	carrier.Register(carrier.Driver{Name: Name, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks parcels through AfterShip for one Waypost carrier slug.
type Connector struct {
	slug    string
	courier string // AfterShip courier slug; "" lets AfterShip detect
	account string
	base    string
	limits  carrier.Limits
	client  *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens an AfterShip connector for cfg.Slug.
func New(cfg carrier.Config) (carrier.Connector, error) {
	return newConnector(cfg)
}

func newConnector(cfg carrier.Config) (*Connector, error) {
	if cfg.APIKey.IsZero() {
		return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: cfg.Slug, Op: "open",
			Message: "AfterShip needs api_key (an AfterShip API key, sent as as-api-key)"}
	}
	limits := cfg.Limits(DefaultLimits)
	if limits.BatchSize <= 0 || limits.BatchSize > MaxBatch {
		limits.BatchSize = MaxBatch
	}
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.HeaderAuth{Name: "as-api-key", Value: cfg.APIKey}
	cc.DecodeError = decodeError
	c := &Connector{
		slug:    cfg.Slug,
		courier: CourierSlug(cfg.Slug),
		account: cfg.Account,
		base:    cfg.URL(DefaultBaseURL),
		limits:  limits,
		client:  carrier.NewClient(cc),
	}
	if v, ok := cfg.Options["slug"]; ok {
		c.courier = courierOption(v)
	}
	return c, nil
}

func courierOption(v string) string {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "auto") {
		return ""
	}
	return v
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector. Batches larger than 50 are split.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, 0, len(reqs))
	size := c.limits.BatchSize
	for start := 0; start < len(reqs); start += size {
		chunk := reqs[start:min(start+size, len(reqs))]
		res, err := c.trackBatch(ctx, chunk)
		if err != nil {
			if start == 0 {
				return nil, err
			}
			for _, r := range reqs[start:] {
				out = append(out, carrier.Result{TrackingNumber: r.TrackingNumber, Err: err})
			}
			return out, nil
		}
		out = append(out, res...)
	}
	return out, nil
}

func (c *Connector) courierFor(r carrier.Request) string {
	if v, ok := r.Extra["slug"]; ok {
		return courierOption(v)
	}
	return c.courier
}

// trackBatch lists the batch, creates the unknown numbers one by one and
// reads them from the creation answers.
func (c *Connector) trackBatch(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	numbers := make([]string, len(reqs))
	for i, r := range reqs {
		numbers[i] = strings.TrimSpace(r.TrackingNumber)
		if numbers[i] == "" {
			return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: "track", Message: "empty tracking number"}
		}
	}
	listed, err := c.list(ctx, numbers, c.courier)
	if err != nil {
		return nil, err
	}
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		if t := pick(listed, numbers[i], c.courierFor(r)); t != nil {
			out[i] = t.result()
			continue
		}
		res, err := c.create(ctx, r, numbers[i])
		if err != nil {
			if i == 0 {
				return nil, err
			}
			for j := i; j < len(reqs); j++ {
				out[j] = carrier.Result{TrackingNumber: numbers[j], Err: err}
			}
			return out, nil
		}
		out[i] = res
	}
	return out, nil
}

// pick finds a number's tracking among listed ones, preferring the courier
// asked for (a number may be tracked under several couriers).
func pick(ts []trackingJSON, number, courier string) *trackingJSON {
	var any *trackingJSON
	for i := range ts {
		if !strings.EqualFold(string(ts[i].TrackingNumber), number) {
			continue
		}
		if courier == "" || string(ts[i].Slug) == courier {
			return &ts[i]
		}
		if any == nil {
			any = &ts[i]
		}
	}
	if courier == "" {
		return any
	}
	return nil
}

// createBody is the body of POST /trackings.
type createBody struct {
	TrackingNumber         string `json:"tracking_number"`
	Slug                   string `json:"slug,omitempty"`
	DestinationPostalCode  string `json:"destination_postal_code,omitempty"`
	DestinationCountryISO3 string `json:"destination_country_iso3,omitempty"`
	TrackingShipDate       string `json:"tracking_ship_date,omitempty"`
	TrackingAccountNumber  string `json:"tracking_account_number,omitempty"`
	TrackingKey            string `json:"tracking_key,omitempty"`
}

func (c *Connector) createBody(r carrier.Request, number string) createBody {
	b := createBody{TrackingNumber: number, Slug: c.courierFor(r), DestinationPostalCode: r.PostalCode,
		DestinationCountryISO3: alpha3(r.DestinationCountry), TrackingAccountNumber: c.account,
		TrackingKey: r.Extra["tracking_key"]}
	if !r.ShipDate.IsZero() {
		b.TrackingShipDate = r.ShipDate.Format("20060102")
	}
	if v := r.Extra["account"]; v != "" {
		b.TrackingAccountNumber = v
	}
	return b
}

func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }
