// Package canadapost is the connector for Canada Post's tracking web service
// (REST/XML, "Get Tracking Details").
//
// Authentication is HTTP Basic with the API key's user id and password;
// tracking is one GET /vis/track/pin/{pin}/detail per number (or
// /vis/track/dnc/{dnc}/detail for a 15-digit delivery notice card number),
// answered in application/vnd.cpc.track-v2+xml. Events are mapped from
// Canada Post's numeric event identifiers (see codes.go); their times carry
// a zone abbreviation such as "EST" (see time.go).
//
// Configuration (carrier.Config): Username and Password (the API key pair
// from the Developer Program), BaseURL (default
// https://soa-gw.canadapost.ca; the development environment is
// https://ct.soa-gw.canadapost.ca) and Language ("fr" asks for fr-CA
// descriptions, anything else en-CA).
package canadapost

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
)

// Slug is the carrier slug and connector name.
const Slug = "canada-post"

// DefaultBaseURL is Canada Post's production gateway.
const DefaultBaseURL = "https://soa-gw.canadapost.ca"

// mediaType is the tracking service's version-2 media type; "*/*" is
// refused by the service.
const mediaType = "application/vnd.cpc.track-v2+xml"

// DefaultLimits: one number per call. Canada Post throttles Get Tracking
// Summary and Get Tracking Details together (group E) at 840 calls per
// rolling minute per API key by default; 13/s with a burst of 10 stays under
// that in any 60-second window.
var DefaultLimits = carrier.Limits{BatchSize: 1, RequestsPerSecond: 13, Burst: 10}

// throttleWait is how long Canada Post blocks a key that exceeded its
// throttle limit ("up to a minute").
const throttleWait = time.Minute

func init() {
	carrier.Register(carrier.Driver{Name: Slug, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks Canada Post parcels.
type Connector struct {
	slug   string
	base   string
	lang   string // "en" or "fr"
	limits carrier.Limits
	client *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a Canada Post connector.
func New(cfg carrier.Config) (carrier.Connector, error) {
	limits := cfg.Limits(DefaultLimits)
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.BasicAuth{Username: cfg.Username, Password: cfg.Password}
	cc.DecodeError = decodeError
	c := &Connector{
		slug:   cfg.Slug,
		base:   cfg.URL(DefaultBaseURL),
		lang:   "en",
		limits: limits,
		client: carrier.NewClient(cc),
	}
	if strings.HasPrefix(strings.ToLower(cfg.Language), "fr") {
		c.lang = "fr"
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

// detailURL picks the PIN or the delivery-notice-card endpoint: a DNC
// number is exactly 15 digits, PINs are 12, 13 or 16 characters.
func (c *Connector) detailURL(number string) string {
	kind := "pin"
	if len(number) == 15 && strings.Trim(number, "0123456789") == "" {
		kind = "dnc"
	}
	return c.base + "/vis/track/" + kind + "/" + url.PathEscape(number) + "/detail"
}

// trackOne returns the Result for one number; the error is for failures
// that concern the whole connector (auth, throttle, carrier down, unreadable
// answer).
func (c *Connector) trackOne(ctx context.Context, number string) (carrier.Result, error) {
	h := http.Header{}
	h.Set("Accept", mediaType)
	h.Set("Accept-Language", c.lang+"-CA")
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{
		Op: "track", Method: http.MethodGet, Header: h, URL: c.detailURL(number),
	})
	if err != nil {
		return c.failed(number, resp, err)
	}
	results, err := Parse(resp.Body)
	if err != nil {
		if errors.Is(err, carrier.ErrRejected) {
			return carrier.Result{TrackingNumber: number, Err: err}, nil
		}
		return carrier.Result{}, err
	}
	res := results[0]
	// A DNC lookup answers with the parcel's PIN; the caller asked by the
	// number it holds.
	res.TrackingNumber = number
	for i := range res.Events {
		res.Events[i].Language = c.lang
	}
	return res, nil
}

// failed sorts a non-2xx answer: the XML messages document says whether it
// is this number's problem (not found, rejected) or the connector's.
func (c *Connector) failed(number string, resp *carrier.HTTPResponse, err error) (carrier.Result, error) {
	var ce *carrier.Error
	if resp == nil || !errors.As(err, &ce) {
		return carrier.Result{}, err
	}
	if isThrottle(ce.CarrierCode, ce.Message) {
		return carrier.Result{}, throttled(ce)
	}
	if rs, perr := Parse(resp.Body); perr == nil && len(rs) == 1 && !rs[0].Found {
		return carrier.Result{TrackingNumber: number, NotFound: rs[0].NotFound}, nil
	}
	if errors.Is(err, carrier.ErrRejected) {
		return carrier.Result{TrackingNumber: number, Err: err}, nil
	}
	return carrier.Result{}, err
}

// throttled turns Canada Post's throttle answer ("Rejected by SLM
// Monitor", sent with a server-error status) into a rate-limit error that
// tells the poller to wait out the block.
func throttled(ce *carrier.Error) error {
	return &carrier.Error{Kind: carrier.ErrRateLimited, Carrier: ce.Carrier, Op: ce.Op,
		HTTPStatus: ce.HTTPStatus, CarrierCode: ce.CarrierCode, Message: ce.Message,
		RetryAfter: max(ce.RetryAfter, throttleWait)}
}

// decodeError reads the first message of Canada Post's XML error document
// for the HTTP layer.
func decodeError(body []byte) (string, string) {
	m, ok := readMessages(body)
	if !ok || len(m.Messages) == 0 {
		return "", ""
	}
	return m.Messages[0].Code, m.Messages[0].Description
}
