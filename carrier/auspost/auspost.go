// Package auspost is the connector for Australia Post's Shipping and
// Tracking API ("Track items", REST/JSON), open to eParcel and StarTrack
// contract customers.
//
// Authentication is HTTP Basic with the API key and its password, plus the
// contract's Account-Number header; tracking is GET
// /shipping/v1/track?tracking_ids=a,b,... with up to ten numbers per call.
// Events carry no codes, only descriptions, so they are mapped from
// Australia Post's wording (see codes.go), with the item's enumerated
// status as a cross-check for the newest event. Dates carry an offset,
// always Australian time, even for events abroad.
//
// Configuration (carrier.Config): APIKey (or Username) and Password,
// Account (the Account-Number), BaseURL (default
// https://digitalapi.auspost.com.au; the test environment is
// https://digitalapi.auspost.com.au/test).
package auspost

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "australia-post"

// DefaultBaseURL is Australia Post's production API host.
const DefaultBaseURL = "https://digitalapi.auspost.com.au"

// MaxBatch is the most tracking ids one call accepts.
const MaxBatch = 10

// DefaultLimits: ten ids per call, paced at ten calls a minute, the Track
// items rate limit per API key as we understand Australia Post's
// documentation (raise it with requests_per_second if the key allows more).
var DefaultLimits = carrier.Limits{BatchSize: MaxBatch, RequestsPerSecond: 10.0 / 60, Burst: 2}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks Australia Post parcels.
type Connector struct {
	slug    string
	base    string
	account string
	limits  carrier.Limits
	client  *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens an Australia Post connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	user := cfg.Username
	if user == "" && !cfg.APIKey.IsZero() {
		user = cfg.APIKey.Reveal()
	}
	cc.Auth = carrier.BasicAuth{Username: user, Password: cfg.Password}
	cc.DecodeError = decodeError
	if strings.TrimSpace(cfg.Account) == "" {
		return nil, errors.New("auspost: account (the Account-Number of the contract) is required")
	}
	return &Connector{slug: cfg.Slug, base: cfg.URL(DefaultBaseURL), account: strings.TrimSpace(cfg.Account),
		limits: limits, client: carrier.NewClient(cc)}, nil
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector: one call per ten numbers.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, 0, len(reqs))
	size := max(1, min(c.limits.BatchSize, MaxBatch))
	for start := 0; start < len(reqs); start += size {
		numbers := make([]string, 0, size)
		for _, r := range reqs[start:min(start+size, len(reqs))] {
			numbers = append(numbers, r.TrackingNumber)
		}
		rs, err := c.trackBatch(ctx, numbers)
		if err != nil {
			if start == 0 {
				return nil, err
			}
			// Keep what was answered; the rest carry the batch error.
			for _, r := range reqs[start:] {
				out = append(out, carrier.Result{TrackingNumber: r.TrackingNumber, Err: err})
			}
			return out, nil
		}
		out = append(out, rs...)
	}
	return out, nil
}

func (c *Connector) trackBatch(ctx context.Context, numbers []string) ([]carrier.Result, error) {
	h := http.Header{}
	h.Set("Account-Number", c.account)
	q := url.Values{"tracking_ids": {strings.Join(numbers, ",")}}
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet, Header: h, URL: c.base + "/shipping/v1/track?" + q.Encode(),
	})
	if err != nil {
		// A 4xx that still lists results per id (an invalid id among them)
		// is answered per number.
		if resp != nil && errors.Is(err, carrier.ErrRejected) {
			if rs, perr := Parse(resp.Body); perr == nil {
				return match(c.slug, numbers, rs), nil
			}
			if len(numbers) == 1 {
				return []carrier.Result{{TrackingNumber: numbers[0], Err: err}}, nil
			}
		}
		return nil, err
	}
	results, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	return match(c.slug, numbers, results), nil
}

// match orders the answered Results like the request. A number the answer
// leaves out gets an error, not a not-found: nothing was said about it.
func match(slug string, numbers []string, results []carrier.Result) []carrier.Result {
	out := make([]carrier.Result, len(numbers))
	for i, n := range numbers {
		out[i] = carrier.Result{TrackingNumber: n, Err: &carrier.Error{Kind: carrier.ErrBadResponse,
			Carrier: slug, Op: "track", Message: "tracking id missing from the answer"}}
		for _, r := range results {
			if strings.EqualFold(r.TrackingNumber, n) {
				out[i] = r
				break
			}
		}
	}
	return out
}
