package aftership

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// AfterShip meta codes the connector acts on. SOURCE: AfterShip Tracking
// API error codes, as listed in the official tracking-sdk-go (errorx).
const (
	metaAlreadyExists = 4003 // tracking already exists
	metaNotFound      = 4004 // tracking does not exist
	metaInvalidNumber = 4005
	metaSlugInvalid   = 4010
	metaMissingField  = 4011 // a courier needs more fields
	metaBadCourier    = 4012 // courier not detected or not enabled
)

// envelope is every answer: {meta:{code,message,type}, data:{...}}.
type envelope struct {
	Meta *struct {
		Code    flexInt  `json:"code"`
		Message flexText `json:"message"`
		Type    flexText `json:"type"`
	} `json:"meta"`
	Data json.RawMessage `json:"data"`
}

// dataJSON covers the data shapes of the endpoints used: a list
// (trackings), a wrapped tracking (tracking, older versions), or the
// tracking itself (2024 versions).
type dataJSON struct {
	Trackings []trackingJSON `json:"trackings"`
	Tracking  *trackingJSON  `json:"tracking"`
	trackingJSON
}

func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, badResponse(errf("unreadable JSON: %w", err))
	}
	if dec.More() {
		return nil, badResponse(errors.New("trailing data after the JSON answer"))
	}
	if env.Meta == nil {
		return nil, badResponse(errors.New("answer has no meta"))
	}
	return &env, nil
}

// trackings reads the trackings an envelope carries.
func (e *envelope) trackings() ([]trackingJSON, error) {
	if len(e.Data) == 0 || string(e.Data) == "null" {
		return nil, badResponse(errors.New("answer has no data"))
	}
	var d dataJSON
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return nil, badResponse(errf("unreadable data: %w", err))
	}
	switch {
	case d.Trackings != nil:
		return d.Trackings, nil
	case d.Tracking != nil:
		return []trackingJSON{*d.Tracking}, nil
	case d.TrackingNumber != "":
		return []trackingJSON{d.trackingJSON}, nil
	}
	// A list answer with no match is {"trackings":[]} or a null list.
	var probe map[string]json.RawMessage
	if json.Unmarshal(e.Data, &probe) == nil {
		if _, ok := probe["trackings"]; ok {
			return nil, nil
		}
	}
	return nil, badResponse(errors.New("answer holds no tracking"))
}

// list reads the trackings of numbers (GET /trackings, filtered).
func (c *Connector) list(ctx context.Context, numbers []string, courier string) ([]trackingJSON, error) {
	q := url.Values{"tracking_numbers": {strings.Join(numbers, ",")}, "limit": {"200"}}
	if courier != "" {
		q.Set("slug", courier)
	}
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{Op: "list", Method: http.MethodGet,
		URL: c.base + "/trackings?" + q.Encode()})
	if err != nil {
		return nil, err
	}
	env, err := decodeEnvelope(resp.Body)
	if err != nil {
		return nil, err
	}
	return env.trackings()
}

// create creates one tracking and returns its Result. The error is for
// failures of the whole connector (auth, quota, AfterShip down).
func (c *Connector) create(ctx context.Context, r carrier.Request, number string) (carrier.Result, error) {
	body, err := json.Marshal(c.createBody(r, number))
	if err != nil {
		return carrier.Result{}, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: "create", Err: err}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{Op: "create", Method: http.MethodPost,
		URL: c.base + "/trackings", Header: h, Body: body})
	if err != nil {
		var ce *carrier.Error
		if !errors.As(err, &ce) || !errors.Is(err, carrier.ErrRejected) {
			return carrier.Result{}, err
		}
		if ce.CarrierCode == strconv.Itoa(metaAlreadyExists) {
			// Created meanwhile by someone else: read it.
			ts, lerr := c.list(ctx, []string{number}, c.courierFor(r))
			if lerr != nil {
				return carrier.Result{}, lerr
			}
			if t := pick(ts, number, c.courierFor(r)); t != nil {
				return t.result(), nil
			}
			return carrier.Result{TrackingNumber: number, NotFound: "4003: tracking exists under another courier"}, nil
		}
		ce.Message = strings.TrimSpace(ce.Message + " " + hint(ce.CarrierCode))
		return carrier.Result{TrackingNumber: number, Err: err}, nil
	}
	env, err := decodeEnvelope(resp.Body)
	if err != nil {
		return carrier.Result{}, err
	}
	ts, err := env.trackings()
	if err != nil {
		return carrier.Result{}, err
	}
	if len(ts) == 0 {
		return carrier.Result{}, badResponse(errors.New("creation answer holds no tracking"))
	}
	res := ts[0].result()
	if res.TrackingNumber == "" {
		res.TrackingNumber = number
	}
	return res, nil
}

// hint tells an operator what to do about a per-number rejection.
func hint(code string) string {
	switch code {
	case strconv.Itoa(metaSlugInvalid), strconv.Itoa(metaBadCourier):
		return "(set the AfterShip courier slug with option slug, or \"auto\")"
	case strconv.Itoa(metaMissingField):
		return "(the courier needs more fields: postal code, ship date, account or key)"
	case strconv.Itoa(metaInvalidNumber):
		return "(AfterShip rejects the number format)"
	}
	return ""
}

// decodeError reads AfterShip's meta for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var env envelope
	if json.Unmarshal(body, &env) != nil || env.Meta == nil {
		return "", ""
	}
	return strconv.Itoa(int(env.Meta.Code)), string(env.Meta.Message)
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Name, Op: "parse", Err: err}
}

// flexInt is a JSON integer that also accepts a numeric string or null.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "null" || s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return errf("want an integer, got %s", b)
	}
	*n = flexInt(v)
	return nil
}

// flexText is a JSON string that also accepts a number, a boolean or null.
type flexText string

func (t *flexText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		// The decoder has validated the literal; only escapes need decoding.
		if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 {
			*t = flexText(strings.TrimSpace(string(b[1 : len(b)-1])))
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = flexText(strings.TrimSpace(s))
		return nil
	}
	switch s := string(bytes.TrimSpace(b)); s {
	case "null":
		return nil
	case "true", "false":
		*t = flexText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errf("want a string or number, got %s", b)
	}
	*t = flexText(n)
	return nil
}
