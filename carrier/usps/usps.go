// Package usps is the connector for the USPS Tracking API v3 (REST/JSON,
// "Package Tracking and Notification", developers.usps.com).
//
// Authentication is OAuth 2.0 client credentials at /oauth2/v3/token
// (client id and secret as form fields, scope "tracking"); tracking is one
// GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL per number.
// Events are mapped from USPS event codes (Pub 199 Appendix G-4/G-5, see
// codes.go), their time from the GMTTimestamp/GMTOffset fields, which are
// exact, rather than from eventTimestamp, which is local time (and in some
// answers a local time wrongly suffixed "Z").
//
// Configuration (carrier.Config): ClientID and ClientSecret (the consumer
// key and secret of a USPS developer app), BaseURL (default
// https://apis.usps.com; the test environment is https://apis-tem.usps.com),
// TokenURL (default BaseURL + /oauth2/v3/token) and Options["scope"]
// (default "tracking"). Per request, Request.PostalCode is sent as
// destinationZIPCode and Request.ShipDate as mailingDate.
package usps

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
const Slug = "usps"

// DefaultBaseURL is the USPS production API host.
const DefaultBaseURL = "https://apis.usps.com"

// DefaultLimits: one number per call, and the default quota of a new USPS
// API app, 60 requests an hour, paced as one a minute so that no rolling
// hour ever exceeds it. USPS raises the quota on request; set
// requests_per_second (and burst) to match.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 1.0 / 60, Burst: 1}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks USPS parcels.
type Connector struct {
	slug   string
	base   string
	limits carrier.Limits
	client *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a USPS connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	base := cfg.URL(DefaultBaseURL)
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = base + "/oauth2/v3/token"
	}
	scope := "tracking"
	if s := strings.TrimSpace(cfg.Options["scope"]); s != "" {
		scope = s
	}
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.NewOAuth2(carrier.OAuth2Config{
		TokenURL: tokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		CredentialsInBody: true, Params: url.Values{"scope": {scope}},
	})
	cc.DecodeError = decodeError
	return &Connector{slug: cfg.Slug, base: base, limits: limits, client: carrier.NewClient(cc)}, nil
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

// trackURL builds the URL of one request.
func (c *Connector) trackURL(r carrier.Request) string {
	q := url.Values{"expand": {"DETAIL"}}
	if zip := zip5(r.PostalCode); zip != "" {
		q.Set("destinationZIPCode", zip)
	}
	if !r.ShipDate.IsZero() {
		q.Set("mailingDate", r.ShipDate.Format("2006-01-02"))
	}
	number := strings.ReplaceAll(strings.TrimSpace(r.TrackingNumber), " ", "")
	return c.base + "/tracking/v3/tracking/" + url.PathEscape(number) + "?" + q.Encode()
}

// zip5 returns the 5-digit ZIP Code of a ZIP or ZIP+4, or "".
func zip5(pc string) string {
	pc = strings.TrimSpace(pc)
	if len(pc) < 5 {
		return ""
	}
	for i := range 5 {
		if pc[i] < '0' || pc[i] > '9' {
			return ""
		}
	}
	if len(pc) > 5 && pc[5] != '-' && pc[5] != ' ' {
		return ""
	}
	return pc[:5]
}

// trackOne returns the Result for one number; the error is for failures
// that concern the whole connector (auth, quota, carrier down).
func (c *Connector) trackOne(ctx context.Context, r carrier.Request) (carrier.Result, error) {
	number := r.TrackingNumber
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{Op: "track", Method: http.MethodGet, URL: c.trackURL(r)})
	if err != nil {
		if resp != nil && resp.Status == http.StatusNotFound {
			// "Tracking is not available for this item": unknown yet, or
			// never. A 404 without USPS's error body is a wrong URL.
			if m, ok := readError(resp.Body); ok && m.Error.Code != "" {
				return carrier.Result{TrackingNumber: number, NotFound: m.reason()}, nil
			}
			return carrier.Result{}, err
		}
		if resp != nil && resp.Status == http.StatusBadRequest {
			// An invalid number is this number's problem only.
			return carrier.Result{TrackingNumber: number, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	results, err := Parse(resp.Body)
	if err != nil {
		return carrier.Result{}, err
	}
	res := results[0]
	res.TrackingNumber = number
	return res, nil
}

// decodeError reads USPS's error body (the API's ErrorMessage, or the
// OAuth endpoint's {error, error_description}) for the HTTP layer.
func decodeError(body []byte) (string, string) {
	m, ok := readError(body)
	if !ok {
		return "", ""
	}
	return m.Error.Code, m.message()
}

// readError reads an error body in either shape.
func readError(body []byte) (errorMessage, bool) {
	var raw struct {
		Error json.RawMessage `json:"error"`
		Desc  text            `json:"error_description"`
	}
	if json.Unmarshal(body, &raw) != nil || len(raw.Error) == 0 || string(raw.Error) == "null" {
		return errorMessage{}, false
	}
	var m errorMessage
	if raw.Error[0] == '"' {
		var code string
		if json.Unmarshal(raw.Error, &code) != nil {
			return errorMessage{}, false
		}
		m.Error.Code, m.Error.Message = code, string(raw.Desc)
		return m, true
	}
	if err := json.Unmarshal(raw.Error, &m.Error); err != nil {
		return errorMessage{}, false
	}
	return m, true
}

// errorMessage is the API's error shape:
// {"apiVersion", "error": {"code", "message", "errors": [{status, code, title, detail}]}}.
type errorMessage struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Status text `json:"status"`
			Code   text `json:"code"`
			Title  text `json:"title"`
			Detail text `json:"detail"`
		} `json:"errors"`
	}
}

func (m errorMessage) message() string {
	msg := strings.TrimSpace(m.Error.Message)
	for _, e := range m.Error.Errors {
		for _, s := range []text{e.Title, e.Detail} {
			if s != "" && !strings.Contains(msg, string(s)) {
				if msg != "" {
					msg += "; "
				}
				msg += string(s)
			}
		}
	}
	return msg
}

func (m errorMessage) reason() string {
	if m.Error.Code != "" {
		return m.Error.Code + ": " + m.message()
	}
	return m.message()
}

// errorKind maps an error body's code to the kind of failure.
func (m errorMessage) kind() error {
	switch strings.ToLower(m.Error.Code) {
	case "401", "403", "invalid_client", "unauthorized_client", "invalid_grant", "access_denied":
		return carrier.ErrAuth
	case "429":
		return carrier.ErrRateLimited
	case "500", "502", "503", "504":
		return carrier.ErrUnavailable
	}
	return carrier.ErrRejected
}

var errNoDetails = errors.New("answer has neither tracking details nor an error")
