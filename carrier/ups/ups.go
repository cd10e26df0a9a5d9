// Package ups is the connector for the UPS Tracking API v1 (REST/JSON).
//
// Authentication is OAuth 2.0 client credentials (HTTP Basic client
// id:secret at /security/v1/oauth/token); tracking is one
// GET /api/track/v1/details/{inquiryNumber} per number. Events are mapped
// from UPS's status codes (statusCode first, then the activity type, then
// the scan or exception code, then the text; see codes.go).
//
// Configuration (carrier.Config): ClientID, ClientSecret, optionally
// Account (sent as x-merchant-id), BaseURL (default
// https://onlinetools.ups.com; the test environment is
// https://wwwcie.ups.com), Language (e.g. "de" asks for locale de_DE) and
// Options["transaction_src"] (the transactionSrc header, default "waypost").
package ups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "ups"

// DefaultBaseURL is UPS's production host.
const DefaultBaseURL = "https://onlinetools.ups.com"

// DefaultLimits: UPS tracks one number per call and publishes no rate limit
// for tracking; the pace here is a polite default, to be raised per account.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 5, Burst: 5}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks UPS parcels.
type Connector struct {
	slug     string
	base     string
	locale   string
	lang     string
	transSrc string
	limits   carrier.Limits
	client   *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a UPS connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	base := cfg.URL(DefaultBaseURL)
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = base + "/security/v1/oauth/token"
	}
	hdr := http.Header{}
	if cfg.Account != "" {
		hdr.Set("x-merchant-id", cfg.Account)
	}
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.NewOAuth2(carrier.OAuth2Config{
		TokenURL: tokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Header: hdr,
	})
	cc.DecodeError = decodeError
	c := &Connector{
		slug:     cfg.Slug,
		base:     base,
		locale:   "en_US",
		lang:     "en",
		transSrc: "waypost",
		limits:   limits,
		client:   carrier.NewClient(cc),
	}
	if cfg.Language != "" {
		c.locale, c.lang = locale(cfg.Language), cfg.Language
	}
	if v := cfg.Options["transaction_src"]; v != "" {
		c.transSrc = v
	}
	return c, nil
}

// locale turns a BCP 47 tag into UPS's language_COUNTRY form.
func locale(tag string) string {
	lang, region, ok := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if !ok {
		region = lang // "de" -> "de_DE", "fr" -> "fr_FR"
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

// Track implements carrier.Connector with one call per number.
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

// trackOne returns the Result for one number; the error is for failures
// that concern the whole connector (auth, quota, carrier down).
func (c *Connector) trackOne(ctx context.Context, number string) (carrier.Result, error) {
	q := url.Values{"locale": {c.locale}, "returnSignature": {"false"},
		"returnMilestones": {"false"}, "returnPOD": {"false"}}
	h := http.Header{}
	h.Set("transId", transID())
	h.Set("transactionSrc", c.transSrc)
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet, Header: h,
		URL: c.base + "/api/track/v1/details/" + url.PathEscape(number) + "?" + q.Encode(),
	})
	if err != nil {
		var ce *carrier.Error
		if errors.As(err, &ce) && ce.CarrierCode == notFoundCode {
			return carrier.Result{TrackingNumber: number, NotFound: notFoundReason(codeMessage{Code: text(ce.CarrierCode), Message: text(ce.Message)})}, nil
		}
		if errors.Is(err, carrier.ErrRejected) {
			// An invalid number is this number's problem only.
			return carrier.Result{TrackingNumber: number, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	results, err := Parse(resp.Body)
	if err != nil {
		return carrier.Result{}, err
	}
	res := pick(results, number)
	for i := range res.Events {
		res.Events[i].Language = c.lang
	}
	return res, nil
}

// pick returns the Result for number: an inquiry by shipment number can
// answer with several packages.
func pick(results []carrier.Result, number string) carrier.Result {
	for _, r := range results {
		if strings.EqualFold(r.TrackingNumber, number) {
			return r
		}
	}
	if len(results) > 0 {
		r := results[0]
		if r.TrackingNumber == "" {
			r.TrackingNumber = number
		}
		return r
	}
	return carrier.Result{TrackingNumber: number, NotFound: "empty answer"}
}

// transID is the unique transaction id UPS requires per request (at most
// 32 characters).
func transID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// decodeError reads UPS's error body for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var a struct {
		Response errorBody `json:"response"`
	}
	if json.Unmarshal(body, &a) != nil || len(a.Response.Errors) == 0 {
		return "", ""
	}
	e := a.Response.Errors[0]
	return string(e.Code), string(e.Message)
}
