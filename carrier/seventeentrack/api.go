package seventeentrack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// 17TRACK error codes the connector acts on. SOURCE: help.17track.net
// "Error Codes and Troubleshooting" and the v2.2 API document, as summarised
// in the project's research notes (carrier-apis.md §7).
const (
	codeIPNotAllowed      = -18010001 // IP address not in the allow-list
	codeInvalidKey        = -18010002 // invalid security key
	codeInternal          = -18010003 // 17TRACK internal error
	codeAccountDisabled   = -18010004 // account disabled
	codeUnauthorized      = -18010005 // unauthorized access
	codeTooMany           = -18010014 // more than 40 numbers in one call
	codeNeedsParamFirst   = -18010018 // carrier needs more data (country and postal code)
	codeNeedsParamLast    = -18010020 // ... (phone number)
	codeAlreadyRegistered = -18019901 // already registered: fine, ask for it
	codeNotRegistered     = -18019902 // not registered yet: register first
	codeNotDetected       = -18019903 // carrier cannot be detected from the number
	codeRetrackOnce       = -18019904 // only stopped numbers can be retracked
	codeDailyLimit        = -18019907 // daily tracking limit exceeded
	codeQuotaUsed         = -18019908 // registration quota used up
	codeNoInfoYet         = -18019909 // no tracking information at the moment
	codeWrongCarrier      = -18019910 // carrier code is not right for the number
)

// numberItem is one entry of gettrackinfo, stoptrack and retrack.
type numberItem struct {
	Number  string `json:"number"`
	Carrier int    `json:"carrier,omitempty"`
}

// registerItem is one entry of register.
type registerItem struct {
	Number        string `json:"number"`
	Carrier       int    `json:"carrier,omitempty"`
	AutoDetection bool   `json:"auto_detection,omitempty"`
	Param         string `json:"param,omitempty"`
	Lang          string `json:"lang,omitempty"`
}

// envelope is every answer of the API: {code, data:{accepted, rejected}},
// or {code, data:{errors}} when the call failed as a whole.
type envelope struct {
	Code *flexInt `json:"code"`
	Data *struct {
		Accepted []acceptedJSON `json:"accepted"`
		Rejected []rejectedJSON `json:"rejected"`
		Errors   []apiError     `json:"errors"`
	} `json:"data"`
}

type apiError struct {
	Code    flexInt  `json:"code"`
	Message flexText `json:"message"`
}

type rejectedJSON struct {
	Number  flexText `json:"number"`
	Carrier flexInt  `json:"carrier"`
	Error   apiError `json:"error"`
}

// answer is what an envelope says about one number.
type answer struct {
	accepted *acceptedJSON
	rejected *rejectedJSON
}

// find looks a number up in an envelope, ignoring case and spaces (17TRACK
// echoes numbers as it stores them).
func (e *envelope) find(number string) (answer, bool) {
	key := numberKey(number)
	for i := range e.Data.Accepted {
		if numberKey(string(e.Data.Accepted[i].Number)) == key {
			return answer{accepted: &e.Data.Accepted[i]}, true
		}
	}
	for i := range e.Data.Rejected {
		if numberKey(string(e.Data.Rejected[i].Number)) == key {
			return answer{rejected: &e.Data.Rejected[i]}, true
		}
	}
	return answer{}, false
}

func numberKey(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// result turns an answer into the Result of one number.
func (a answer) result() carrier.Result {
	if a.accepted != nil {
		return a.accepted.result()
	}
	return a.rejected.result(string(a.rejected.Number))
}

// result of a rejected number: "no information yet" is a not-found answer,
// everything else a failure of that number.
func (r *rejectedJSON) result(number string) carrier.Result {
	switch int(r.Error.Code) {
	case codeNoInfoYet:
		return carrier.Result{TrackingNumber: number, NotFound: r.reason()}
	case codeNotRegistered:
		return carrier.Result{TrackingNumber: number, NotFound: r.reason()}
	}
	return carrier.Result{TrackingNumber: number, Err: r.err("track")}
}

func (r *rejectedJSON) reason() string {
	return strconv.Itoa(int(r.Error.Code)) + ": " + string(r.Error.Message)
}

// err is the typed error of a rejected number.
func (r *rejectedJSON) err(op string) error {
	kind := carrier.ErrRejected
	switch int(r.Error.Code) {
	case codeDailyLimit, codeQuotaUsed:
		kind = carrier.ErrQuotaExhausted
	case codeInternal:
		kind = carrier.ErrUnavailable
	}
	msg := string(r.Error.Message)
	if h := hint(int(r.Error.Code)); h != "" {
		msg = strings.TrimSpace(msg + " (" + h + ")")
	}
	return &carrier.Error{Kind: kind, Carrier: Name, Op: op,
		CarrierCode: strconv.Itoa(int(r.Error.Code)), Message: msg}
}

// hint tells an operator what to do about a per-number rejection.
func hint(code int) string {
	switch {
	case code == codeNotDetected:
		return "17TRACK cannot tell the carrier from the number: set the parcel's carrier_code"
	case code == codeWrongCarrier:
		return "the carrier code does not fit this number"
	case code >= codeNeedsParamFirst && code <= codeNeedsParamLast:
		return "the carrier needs more data: give the destination postal code (or phone) as the parcel's postal code or param"
	case code == codeRetrackOnce:
		return "only stopped numbers can be retracked, once"
	case code == codeTooMany:
		return "at most 40 numbers per call"
	}
	return ""
}

// call POSTs a JSON array to one endpoint and reads the envelope. A
// non-zero envelope code is a failure of the whole call.
func (c *Connector) call(ctx context.Context, op string, body any) (*envelope, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: op, Err: err}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	resp, err := c.client.Do(ctx, carrier.HTTPRequest{Op: op, Method: http.MethodPost,
		URL: c.base + "/" + op, Header: h, Body: raw})
	if err != nil {
		return nil, err
	}
	env, err := decodeEnvelope(resp.Body)
	if err != nil {
		return nil, err
	}
	if err := env.failure(op); err != nil {
		return nil, err
	}
	return env, nil
}

// decodeEnvelope reads an answer; unreadable or truncated JSON is a bad
// response, never a partial one.
func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if dec.More() {
		return nil, badResponse(fmt.Errorf("trailing data after the JSON answer"))
	}
	if env.Code == nil {
		return nil, badResponse(fmt.Errorf("answer has no code"))
	}
	return &env, nil
}

// failure is the error of a whole call (a non-zero code), nil when the
// call succeeded.
func (e *envelope) failure(op string) error {
	if int(*e.Code) == 0 {
		if e.Data == nil {
			return badResponse(errNoAnswer)
		}
		return nil
	}
	code, msg := int(*e.Code), ""
	if e.Data != nil && len(e.Data.Errors) > 0 {
		code, msg = int(e.Data.Errors[0].Code), string(e.Data.Errors[0].Message)
	}
	kind := carrier.ErrRejected
	switch code {
	case codeIPNotAllowed, codeInvalidKey, codeAccountDisabled, codeUnauthorized:
		kind = carrier.ErrAuth
	case codeInternal:
		kind = carrier.ErrUnavailable
	case codeDailyLimit, codeQuotaUsed:
		kind = carrier.ErrQuotaExhausted
	}
	return &carrier.Error{Kind: kind, Carrier: Name, Op: op, CarrierCode: strconv.Itoa(code), Message: msg}
}

func (c *Connector) getTrackInfo(ctx context.Context, items []numberItem) (*envelope, error) {
	return c.call(ctx, "gettrackinfo", items)
}

func (c *Connector) doRegister(ctx context.Context, items []registerItem) (*envelope, error) {
	return c.call(ctx, "register", items)
}

// decodeError reads 17TRACK's error body for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return "", ""
	}
	if env.Data != nil && len(env.Data.Errors) > 0 {
		e := env.Data.Errors[0]
		return strconv.Itoa(int(e.Code)), string(e.Message)
	}
	if env.Code != nil && *env.Code != 0 {
		return strconv.Itoa(int(*env.Code)), ""
	}
	return "", ""
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Name, Op: "parse", Err: err}
}

// flexInt is a JSON integer that also accepts a numeric string or null:
// codes and carrier keys must not make an answer unreadable when they
// arrive quoted.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	s = strings.Trim(s, `"`)
	if s == "" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("want an integer, got %s", b)
		}
		v = int64(f)
	}
	*n = flexInt(v)
	return nil
}

// flexText is a JSON string that also accepts a number or null.
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
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or number, got %s", b)
	}
	*t = flexText(n)
	return nil
}
