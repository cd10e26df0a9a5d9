// Package dhl is the connector for DHL's Shipment Tracking – Unified API
// (UTAPI), which answers for DHL Express, DHL Parcel DE (Paket), DHL
// eCommerce, Deutsche Post and the other DHL business units.
//
// Authentication is an API key in the DHL-API-Key header; tracking is one
// GET /track/shipments?trackingNumber=… per number. UTAPI's statusCode is
// coarse (pre-transit, transit, delivered, failure, unknown); it fixes the
// main status and the event text, in the language DHL answers in, only
// sharpens it within what the code allows (see codes.go).
//
// Configuration (carrier.Config): APIKey (required), BaseURL (default
// https://api-eu.dhl.com; DHL offers no test environment to external
// customers), Language (asks DHL for event texts in that language, e.g.
// "de"), Options["service"] (the UTAPI business unit to ask, e.g.
// "parcel-de"; by default derived from the slug: dhl-germany → parcel-de,
// dhl-ecommerce → ecommerce, deutsche-post → post-de, dhl → any unit) and
// Options["requester_country"] (requesterCountryCode). Per request,
// Request.PostalCode is sent as recipientPostalCode (it unlocks full
// details for Parcel DE/NL), Extra["service"] overrides the service and
// Extra["origin_country"] is sent as originCountryCode.
package dhl

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "dhl"

// DefaultBaseURL is DHL's production API host.
const DefaultBaseURL = "https://api-eu.dhl.com"

// DefaultLimits are the initial UTAPI service level published by DHL: one
// number per call, at most one call per second and 250 calls a day (the
// quota resets at 00:00 GMT). DHL raises both on request.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 1, Burst: 1, RequestsPerDay: 250}

// slugServices is the UTAPI service asked for by default when the connector
// serves one of DHL's business units under its own slug. Without a service
// UTAPI may answer with another unit's shipment of the same number.
var slugServices = map[string]string{
	"dhl-germany":   "parcel-de",
	"dhl-ecommerce": "ecommerce",
	"deutsche-post": "post-de",
}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks DHL parcels through UTAPI.
type Connector struct {
	slug      string
	base      string
	service   string
	lang      string
	requester string
	limits    carrier.Limits
	client    *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a DHL connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.HeaderAuth{Name: "DHL-API-Key", Value: cfg.APIKey}
	cc.DecodeError = decodeError
	c := &Connector{
		slug:      cfg.Slug,
		base:      cfg.URL(DefaultBaseURL),
		service:   slugServices[cfg.Slug],
		lang:      strings.TrimSpace(cfg.Language),
		requester: strings.ToUpper(strings.TrimSpace(cfg.Options["requester_country"])),
		limits:    limits,
		client:    carrier.NewClient(cc),
	}
	if s := strings.TrimSpace(cfg.Options["service"]); s != "" {
		c.service = s
	}
	return c, nil
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector with one call per number.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		res, err := c.trackOne(ctx, r)
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

// query builds the UTAPI query of one request.
func (c *Connector) query(r carrier.Request) url.Values {
	q := url.Values{"trackingNumber": {strings.TrimSpace(r.TrackingNumber)}}
	service := c.service
	if s := strings.TrimSpace(r.Extra["service"]); s != "" {
		service = s
	}
	if service != "" {
		q.Set("service", service)
	}
	if c.lang != "" {
		q.Set("language", c.lang)
	}
	if pc := strings.TrimSpace(r.PostalCode); pc != "" {
		q.Set("recipientPostalCode", pc)
	}
	if oc := strings.ToUpper(strings.TrimSpace(r.Extra["origin_country"])); oc != "" {
		q.Set("originCountryCode", oc)
	}
	if c.requester != "" {
		q.Set("requesterCountryCode", c.requester)
	}
	return q
}

// trackOne returns the Result for one number; the error is for failures
// that concern the whole connector (auth, quota, carrier down).
func (c *Connector) trackOne(ctx context.Context, r carrier.Request) (carrier.Result, error) {
	number := r.TrackingNumber
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet,
		URL: c.base + "/track/shipments?" + c.query(r).Encode(),
	})
	if err != nil {
		if resp != nil && resp.Status == http.StatusNotFound {
			// UTAPI answers an unknown number with a 404 problem document.
			// A 404 without one means a wrong base URL: a batch failure.
			if p, ok := readProblem(resp.Body); ok {
				return carrier.Result{TrackingNumber: number, NotFound: p.reason()}, nil
			}
			return carrier.Result{}, err
		}
		if errors.Is(err, carrier.ErrRejected) {
			// An invalid number (400) is this number's problem only.
			return carrier.Result{TrackingNumber: number, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	lang := c.lang
	if cl := contentLanguage(resp.Header); cl != "" {
		lang = cl
	}
	results, err := parse(resp.Body, lang)
	if err != nil {
		return carrier.Result{}, err
	}
	return pick(results, number), nil
}

// contentLanguage reads the language DHL actually answered in.
func contentLanguage(h http.Header) string {
	v := strings.TrimSpace(h.Get("Content-Language"))
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

// pick returns the Result for number. UTAPI may list shipments of several
// business units for one number; the first match is the one it ranks first.
func pick(results []carrier.Result, number string) carrier.Result {
	want := normNumber(number)
	for _, r := range results {
		if normNumber(r.TrackingNumber) == want {
			r.TrackingNumber = number
			return r
		}
	}
	if len(results) > 0 {
		r := results[0]
		r.TrackingNumber = number
		return r
	}
	return carrier.Result{TrackingNumber: number, NotFound: "empty answer"}
}

func normNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// decodeError reads a problem document for the HTTP layer.
func decodeError(body []byte) (string, string) {
	p, ok := readProblem(body)
	if !ok {
		return "", ""
	}
	return string(p.Status), p.message()
}

// readProblem reads an RFC 7807 problem document ({title, detail, status}).
func readProblem(body []byte) (problem, bool) {
	var p problem
	if json.Unmarshal(body, &p) != nil || (p.Title == "" && p.Detail == "") {
		return problem{}, false
	}
	return p, true
}
