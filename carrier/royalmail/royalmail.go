// Package royalmail is the connector for Royal Mail's Tracking API v2
// (REST/JSON, "mailpieces/v2"), registered as "royal-mail".
//
// Authentication is an IBM API Connect client id and secret sent as the
// X-IBM-Client-Id and X-IBM-Client-Secret headers, with X-Accept-RMG-Terms:
// yes (Royal Mail refuses requests without it, error E0004); tracking is
// one GET /mailpieces/v2/{mailPieceId}/events per number, which returns the
// full history. Events are mapped from Royal Mail's event codes (see
// codes.go); their times carry a UTC offset, and a time without one is read
// as UK time.
//
// Configuration (carrier.Config): ClientID and ClientSecret (from the
// application registered on the Royal Mail developer portal), BaseURL
// (default https://api.royalmail.net), and the limits of the portal plan
// (the free Assessment plan allows 50 calls a day, the default here).
package royalmail

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
const Slug = "royal-mail"

// DefaultBaseURL is Royal Mail's API host.
const DefaultBaseURL = "https://api.royalmail.net"

// DefaultLimits: the events operation takes one number; the daily quota is
// the Assessment plan's 50 calls (paid plans set their own in the
// configuration). Royal Mail publishes no per-second figure for it; the
// pace is a polite default under its burst limits.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 2, Burst: 2, RequestsPerDay: 50}

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks Royal Mail items.
type Connector struct {
	slug   string
	base   string
	limits carrier.Limits
	client *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a Royal Mail connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = ibmAuth{id: cfg.ClientID, secret: cfg.ClientSecret}
	cc.DecodeError = decodeError
	return &Connector{slug: cfg.Slug, base: cfg.URL(DefaultBaseURL), limits: limits, client: carrier.NewClient(cc)}, nil
}

// ibmAuth sends the client id and secret headers of IBM API Connect, the
// gateway in front of Royal Mail's APIs.
type ibmAuth struct {
	id     string
	secret carrier.Secret
}

// Authorize implements carrier.Auth.
func (a ibmAuth) Authorize(_ context.Context, r *http.Request) error {
	if a.id == "" || a.secret.IsZero() {
		return &carrier.Error{Kind: carrier.ErrConfig, Carrier: Slug, Op: "auth", Message: "client id or secret not configured"}
	}
	r.Header.Set("X-IBM-Client-Id", a.id)
	r.Header.Set("X-IBM-Client-Secret", a.secret.Reveal())
	return nil
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
	id := strings.ToUpper(strings.Join(strings.Fields(number), ""))
	h := http.Header{}
	h.Set("X-Accept-RMG-Terms", "yes")
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet, Header: h,
		URL: c.base + "/mailpieces/v2/" + url.PathEscape(id) + "/events",
	})
	if err != nil {
		if resp != nil && resp.Status >= 400 && resp.Status < 500 && resp.Status != http.StatusTooManyRequests &&
			resp.Status != http.StatusUnauthorized && resp.Status != http.StatusForbidden {
			if e, ok := readErrors(resp.Body); ok {
				switch {
				case e.notFound():
					return carrier.Result{TrackingNumber: number, NotFound: e.reason()}, nil
				case e.itemError():
					// Not trackable, bad barcode: this number's problem only.
					return carrier.Result{TrackingNumber: number, Err: err}, nil
				}
			}
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

// decodeError reads Royal Mail's error body for the HTTP layer.
func decodeError(body []byte) (string, string) {
	e, ok := readErrors(body)
	if !ok {
		return "", ""
	}
	return e.code(), e.message()
}

// errorBody is Royal Mail's error shape: {httpCode, httpMessage,
// moreInformation, errors[{errorCode, errorDescription, errorCause,
// errorResolution}]}.
type errorBody struct {
	HTTPCode        text        `json:"httpCode"`
	HTTPMessage     text        `json:"httpMessage"`
	MoreInformation text        `json:"moreInformation"`
	Errors          []errorJSON `json:"errors"`
}

type errorJSON struct {
	Code        text `json:"errorCode"`
	Description text `json:"errorDescription"`
	Cause       text `json:"errorCause"`
}

func readErrors(body []byte) (errorBody, bool) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil || (len(e.Errors) == 0 && e.HTTPCode == "") {
		return errorBody{}, false
	}
	return e, true
}

func (e errorBody) code() string {
	if len(e.Errors) > 0 {
		return string(e.Errors[0].Code)
	}
	return string(e.HTTPCode)
}

func (e errorBody) message() string {
	if len(e.Errors) > 0 {
		return string(e.Errors[0].Description)
	}
	return strings.TrimSpace(string(e.HTTPMessage) + " " + string(e.MoreInformation))
}

func (e errorBody) reason() string { return strings.TrimSpace(e.code() + ": " + e.message()) }

// Royal Mail error codes (Tracking API v2 technical user guide).
const (
	codeNotRecognised = "E1142" // barcode reference not recognised
	codeRateLimited   = "E0010" // too many requests
	codeUnavailable   = "E1307" // tracking temporarily unavailable
	codeServiceDown   = "E0001"
	codeInternalError = "E0009"
	itemErrorPrefix   = "E1" // E1xxx concern the item asked about
)

func (e errorBody) notFound() bool { return e.code() == codeNotRecognised }

func (e errorBody) itemError() bool { return strings.HasPrefix(e.code(), itemErrorPrefix) }

// kind maps an error body to the kind of failure.
func (e errorBody) kind() error {
	switch c := e.code(); {
	case c == codeRateLimited || e.HTTPCode == "429":
		return carrier.ErrRateLimited
	case c == codeUnavailable || c == codeServiceDown || c == codeInternalError || strings.HasPrefix(string(e.HTTPCode), "5"):
		return carrier.ErrUnavailable
	case e.HTTPCode == "401" || e.HTTPCode == "403":
		return carrier.ErrAuth
	}
	return carrier.ErrRejected
}

var errNoMailPieces = errors.New("answer has neither mailPieces nor errors")
