// Package fedex is the connector for the FedEx Track API v1 (REST/JSON).
//
// Authentication is OAuth 2.0 client credentials (client_id and
// client_secret as form fields at /oauth/token); tracking is
// POST /track/v1/trackingnumbers with up to 30 numbers. A number unknown to
// FedEx comes back inside the 200 answer; a number reused by several
// shipments yields several track results, of which Track returns the one
// asked for (Request.Extra["unique_id"]) or else the most recent one.
//
// Configuration (carrier.Config): ClientID, ClientSecret, BaseURL (default
// https://apis.fedex.com; sandbox https://apis-sandbox.fedex.com) and
// Language (X-locale, e.g. "fr" asks for fr_FR). Request.Extra keys:
// "carrier_code" (FDXE, FDXG, ...), "unique_id" (trackingNumberUniqueId);
// Request.ShipDate narrows the search to shipments of that day.
package fedex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "fedex"

// DefaultBaseURL is FedEx's production host.
const DefaultBaseURL = "https://apis.fedex.com"

// MaxBatch is the most numbers FedEx accepts in one request.
const MaxBatch = 30

// DefaultLimits: FedEx publishes no rate limit for tracking in the sources
// read; the pace here is a polite default.
var DefaultLimits = carrier.Limits{BatchSize: MaxBatch, RequestsPerSecond: 2, Burst: 2}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks FedEx parcels.
type Connector struct {
	slug   string
	base   string
	locale string
	lang   string
	limits carrier.Limits
	client *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a FedEx connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	base := cfg.URL(DefaultBaseURL)
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = base + "/oauth/token"
	}
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.NewOAuth2(carrier.OAuth2Config{
		TokenURL: tokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, CredentialsInBody: true,
	})
	cc.DecodeError = decodeError
	c := &Connector{slug: cfg.Slug, base: base, locale: "en_US", lang: "en", limits: limits, client: carrier.NewClient(cc)}
	if cfg.Language != "" {
		c.locale, c.lang = locale(cfg.Language), cfg.Language
	}
	return c, nil
}

func locale(tag string) string {
	lang, region, ok := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if !ok {
		region = lang
		if lang == "en" {
			region = "US"
		}
	}
	return strings.ToLower(lang) + "_" + strings.ToUpper(region)
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

type trackingInfo struct {
	TrackingNumberInfo struct {
		TrackingNumber         string `json:"trackingNumber"`
		CarrierCode            string `json:"carrierCode,omitempty"`
		TrackingNumberUniqueID string `json:"trackingNumberUniqueId,omitempty"`
	} `json:"trackingNumberInfo"`
	ShipDateBegin string `json:"shipDateBegin,omitempty"`
	ShipDateEnd   string `json:"shipDateEnd,omitempty"`
}

// Track implements carrier.Connector with one request for the batch.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	if len(reqs) > MaxBatch {
		return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: "track",
			Message: fmt.Sprintf("batch of %d numbers exceeds FedEx's %d", len(reqs), MaxBatch)}
	}
	body := struct {
		IncludeDetailedScans bool           `json:"includeDetailedScans"`
		TrackingInfo         []trackingInfo `json:"trackingInfo"`
	}{IncludeDetailedScans: true}
	for _, r := range reqs {
		var ti trackingInfo
		ti.TrackingNumberInfo.TrackingNumber = r.TrackingNumber
		ti.TrackingNumberInfo.CarrierCode = r.Extra["carrier_code"]
		ti.TrackingNumberInfo.TrackingNumberUniqueID = r.Extra["unique_id"]
		if !r.ShipDate.IsZero() {
			ti.ShipDateBegin = r.ShipDate.Format(time.DateOnly)
			ti.ShipDateEnd = r.ShipDate.AddDate(0, 0, 1).Format(time.DateOnly)
		}
		body.TrackingInfo = append(body.TrackingInfo, ti)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("fedex: encode request: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-locale", c.locale)
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{Op: "track", Method: http.MethodPost,
		URL: c.base + "/track/v1/trackingnumbers", Header: h, Body: raw})
	if err != nil {
		var ce *carrier.Error
		if errors.As(err, &ce) && ce.HTTPStatus == http.StatusNotFound && isNotFound(ce.CarrierCode) {
			out := make([]carrier.Result, len(reqs))
			for i, r := range reqs {
				out[i] = carrier.Result{TrackingNumber: r.TrackingNumber, NotFound: ce.CarrierCode + ": " + ce.Message}
			}
			return out, nil
		}
		return nil, err
	}
	results, err := Parse(resp.Body)
	if err != nil {
		return nil, err
	}
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		out[i] = pick(results, r)
		for j := range out[i].Events {
			out[i].Events[j].Language = c.lang
		}
	}
	return out, nil
}

// pick chooses the result for one request: the shipment asked for by
// unique id, else the one with the most recent event.
func pick(results []carrier.Result, r carrier.Request) carrier.Result {
	var best *carrier.Result
	for i := range results {
		res := &results[i]
		if !strings.EqualFold(res.TrackingNumber, r.TrackingNumber) {
			continue
		}
		if id := r.Extra["unique_id"]; id != "" && res.UniqueID == id {
			return *res
		}
		if best == nil || latest(res).After(latest(best)) {
			best = res
		}
	}
	if best == nil {
		return carrier.Result{TrackingNumber: r.TrackingNumber, NotFound: "number missing from FedEx's answer"}
	}
	return *best
}

func latest(r *carrier.Result) time.Time {
	if n := len(r.Events); n > 0 {
		return r.Events[n-1].Time
	}
	return time.Time{}
}

// decodeError reads FedEx's error body for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var a struct {
		Errors []codeMessage `json:"errors"`
	}
	if json.Unmarshal(body, &a) != nil || len(a.Errors) == 0 {
		return "", ""
	}
	return string(a.Errors[0].Code), string(a.Errors[0].Message)
}
