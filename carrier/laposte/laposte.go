// Package laposte is the connector for La Poste's Suivi v2 API on the Okapi
// gateway, which tracks La Poste (Courrier), Colissimo and Chronopost
// numbers alike.
//
// Authentication is the application's Okapi key in the X-Okapi-Key header;
// tracking is GET /idships/{id,id,...}?lang=fr_FR with 1 to 10 numbers per
// call, answered with an array (200) or a multi-status array mixing
// per-number successes and errors (207). Events are mapped from La Poste's
// event codes (DR1, PC1, ET1 ... DI1; see codes.go); their dates carry an
// offset.
//
// Configuration (carrier.Config): APIKey (the Okapi key), BaseURL (default
// https://api.laposte.fr/suivi/v2) and Language (fr, en, de, es, it or nl;
// default fr, the API's own default). Colissimo and Chronopost parcels are
// served by configuring those slugs with connector "la-poste".
package laposte

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "la-poste"

// DefaultBaseURL is the Suivi v2 server (the only one the API lists).
const DefaultBaseURL = "https://api.laposte.fr/suivi/v2"

// MaxBatch is the most numbers one call accepts.
const MaxBatch = 10

// DefaultLimits: ten numbers per call. La Poste publishes no rate for
// production keys (only that the shared test key answers 429 when its small
// quota is exceeded); the pace here is a polite default.
var DefaultLimits = carrier.Limits{BatchSize: MaxBatch, RequestsPerSecond: 5, Burst: 5}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks La Poste, Colissimo and Chronopost parcels.
type Connector struct {
	slug   string
	base   string
	lang   string // the API's form, e.g. "fr_FR"
	limits carrier.Limits
	client *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// langs maps a BCP 47 language to the API's lang values.
var langs = map[string]string{"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}

// New opens a La Poste connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.HeaderAuth{Name: "X-Okapi-Key", Value: cfg.APIKey}
	cc.DecodeError = decodeError
	c := &Connector{slug: cfg.Slug, base: cfg.URL(DefaultBaseURL), lang: "fr_FR", limits: limits,
		client: carrier.NewClient(cc)}
	if cfg.Language != "" {
		base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(cfg.Language, "_", "-")), "-")
		l, ok := langs[base]
		if !ok {
			return nil, fmt.Errorf("laposte: language %q not offered (fr, en, de, es, it, nl)", cfg.Language)
		}
		c.lang = l
	}
	return c, nil
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

// trackBatch asks about up to ten numbers and returns their Results in
// order; the error is for failures of the whole call.
func (c *Connector) trackBatch(ctx context.Context, numbers []string) ([]carrier.Result, error) {
	ids := make([]string, len(numbers))
	for i, n := range numbers {
		ids[i] = url.PathEscape(n)
	}
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet,
		URL: c.base + "/idships/" + strings.Join(ids, ",") + "?lang=" + c.lang,
	})
	if err != nil {
		return c.rejected(ctx, numbers, resp, err)
	}
	results, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	return c.match(numbers, results), nil
}

// match orders the answered Results like the request. A number the answer
// leaves out gets an error, not a not-found: nothing was said about it.
func (c *Connector) match(numbers []string, results []carrier.Result) []carrier.Result {
	out := make([]carrier.Result, len(numbers))
	for i, n := range numbers {
		out[i] = carrier.Result{TrackingNumber: n, Err: &carrier.Error{Kind: carrier.ErrBadResponse,
			Carrier: c.slug, Op: "track", Message: "number missing from the answer"}}
		for _, r := range results {
			if strings.EqualFold(r.TrackingNumber, n) || (len(numbers) == 1 && len(results) == 1 && r.TrackingNumber == "") {
				r.TrackingNumber = n
				out[i] = r
				break
			}
		}
	}
	return out
}

// rejected handles a 400 or 404 answer to the whole call. Its body names
// one number (La Poste answers a single invalid or unknown number this
// way): that number gets the answer, and the others are asked again
// without it. Any other failure is the batch's.
func (c *Connector) rejected(ctx context.Context, numbers []string, resp *carrier.HTTPResponse, err error) ([]carrier.Result, error) {
	if resp == nil || (resp.Status != http.StatusBadRequest && resp.Status != http.StatusNotFound) {
		return nil, err
	}
	var named *carrier.Result
	if rs, perr := Parse(resp.Body); perr == nil && len(rs) == 1 {
		named = &rs[0]
	}
	idx := -1
	if named != nil {
		for i, n := range numbers {
			if strings.EqualFold(n, named.TrackingNumber) || len(numbers) == 1 {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		if len(numbers) > 1 {
			// The answer does not say which number failed: ask one by one.
			out := make([]carrier.Result, 0, len(numbers))
			for _, n := range numbers {
				rs, err := c.trackBatch(ctx, []string{n})
				if err != nil {
					return nil, err
				}
				out = append(out, rs...)
			}
			return out, nil
		}
		r := carrier.Result{TrackingNumber: numbers[0], Err: err}
		if resp.Status == http.StatusNotFound {
			r = carrier.Result{TrackingNumber: numbers[0], NotFound: "not found"}
		}
		return []carrier.Result{r}, nil
	}
	one := *named
	one.TrackingNumber = numbers[idx]
	if one.Err != nil {
		one.Err = mergeHTTP(one.Err, err)
	}
	rest := append(append([]string{}, numbers[:idx]...), numbers[idx+1:]...)
	out := make([]carrier.Result, 0, len(numbers))
	if len(rest) > 0 {
		rs, err := c.trackBatch(ctx, rest)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return slices.Insert(out, idx, one), nil
}

// mergeHTTP adds the HTTP status of the call to a per-number error read
// from the body.
func mergeHTTP(perNumber, call error) error {
	var pe, ce *carrier.Error
	if errors.As(perNumber, &pe) && errors.As(call, &ce) {
		e := *pe
		e.HTTPStatus = ce.HTTPStatus
		e.Op = "track"
		return &e
	}
	return perNumber
}
