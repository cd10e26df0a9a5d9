package laposte

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// itemJSON is one unitary answer of GET /idships/{idship} (Suivi swagger:
// baseResponse plus shipment, or the 400/404 error shape with
// returnMessage and idShip).
type itemJSON struct {
	Lang          string        `json:"lang"`
	ReturnCode    flexInt       `json:"returnCode"`
	ReturnMessage string        `json:"returnMessage"`
	IDShip        string        `json:"idShip"`
	Shipment      *shipmentJSON `json:"shipment"`
}

type shipmentJSON struct {
	IDShip       string      `json:"idShip"`
	Product      string      `json:"product"`
	IsFinal      bool        `json:"isFinal"`
	EstimDate    string      `json:"estimDate"`
	EstimHourMin string      `json:"estimHourMin"`
	EstimHourMax string      `json:"estimHourMax"`
	Event        []eventJSON `json:"event"`
	ContextData  *struct {
		ArrivalCountry string `json:"arrivalCountry"`
	} `json:"contextData"`
}

type eventJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Date  string `json:"date"`
}

// flexInt is a JSON number that also accepts a numeric string: returnCode
// is documented as an integer, but one written as "104" must not make the
// whole answer unreadable.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("returnCode %s: not an integer", b)
	}
	*n = flexInt(v)
	return nil
}

// Return codes without a shipment. 104: tracking not yet available (the
// documented 404 example), 105: unknown number. 504: La Poste's back end
// did not answer for this number.
const (
	codeNotYet  = 104
	codeUnknown = 105
	codeTimeout = 504
)

// Parse reads one answer of the Suivi API: the array of a 200 or 207
// answer, or the single object of a 400 or 404 answer. Every item gives one
// Result: found with its events, not found (104, 105), or an error for that
// number (invalid number, back-end timeout).
func Parse(body []byte) ([]carrier.Result, error) {
	body = bytes.TrimSpace(body)
	var items []itemJSON
	switch {
	case len(body) > 0 && body[0] == '[':
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
		}
		if len(items) == 0 {
			return nil, badResponse(errors.New("empty answer"))
		}
	case len(body) > 0 && body[0] == '{':
		var it itemJSON
		if err := json.Unmarshal(body, &it); err != nil {
			return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
		}
		items = []itemJSON{it}
	default:
		return nil, badResponse(errors.New("answer is not JSON"))
	}
	out := make([]carrier.Result, 0, len(items))
	for i := range items {
		r, err := parseItem(&items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

func parseItem(it *itemJSON) (carrier.Result, error) {
	if it.Shipment != nil {
		return parseShipment(it.Shipment, it.IDShip, langOf(it.Lang)), nil
	}
	code := int(it.ReturnCode)
	r := carrier.Result{TrackingNumber: strings.TrimSpace(it.IDShip)}
	if code == 0 && it.ReturnMessage == "" {
		return r, badResponse(errors.New("item without shipment or return code"))
	}
	reason := strings.TrimSpace(strconv.Itoa(code) + ": " + it.ReturnMessage)
	switch code {
	case codeNotYet, codeUnknown:
		r.NotFound = reason
	case codeTimeout:
		r.Err = &carrier.Error{Kind: carrier.ErrUnavailable, Carrier: Slug, Op: "parse",
			CarrierCode: strconv.Itoa(code), Message: it.ReturnMessage}
	default:
		r.Err = &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse",
			CarrierCode: strconv.Itoa(code), Message: it.ReturnMessage}
	}
	return r, nil
}

// langOf turns the answer's "fr_FR" into "fr".
func langOf(l string) string {
	base, _, _ := strings.Cut(l, "_")
	if base == "" {
		return "fr"
	}
	return strings.ToLower(base)
}

// parseShipment turns a shipment into a Result. An event whose date cannot
// be read makes the whole Result an error: no partial timeline.
func parseShipment(s *shipmentJSON, idShip, lang string) carrier.Result {
	r := carrier.Result{TrackingNumber: strings.TrimSpace(s.IDShip), Found: true}
	if r.TrackingNumber == "" {
		r.TrackingNumber = strings.TrimSpace(idShip)
	}
	events := make([]shipment.Event, 0, len(s.Event))
	final := false
	// Events come newest first; walk them oldest first so that equal times
	// keep their real order after the stable sort.
	for i := len(s.Event) - 1; i >= 0; i-- {
		ev := &s.Event[i]
		st, err := carrier.ParseISO(ev.Date, "FR", "")
		if err != nil {
			r.Err = badResponse(fmt.Errorf("%s event %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e := shipment.Event{Code: strings.TrimSpace(ev.Code), Text: strings.TrimSpace(ev.Label), Language: lang}
		st.Set(&e)
		e.Substatus = classify(e.Code, e.Text, lang)
		e.Status = e.Substatus.Status()
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		final = final || e.Status == status.Delivered || e.Substatus == status.ExceptionReturned
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	if !final && !s.IsFinal {
		r.ETA = parseETA(s)
	}
	return r
}

// parseETA reads estimDate and the estimHourMin/Max window; all carry an
// offset, so the window's instants are known.
func parseETA(s *shipmentJSON) *carrier.ETA {
	d, err := time.Parse(time.RFC3339, strings.TrimSpace(s.EstimDate))
	if err != nil {
		return nil
	}
	eta := &carrier.ETA{Date: d.Format(time.DateOnly)}
	from, err1 := time.Parse(time.RFC3339, strings.TrimSpace(s.EstimHourMin))
	to, err2 := time.Parse(time.RFC3339, strings.TrimSpace(s.EstimHourMax))
	if err1 == nil && err2 == nil && !to.Before(from) {
		eta.From, eta.To = from.Format("15:04"), to.Format("15:04")
		eta.Start, eta.End = from.UTC(), to.UTC()
	}
	return eta
}

// decodeError reads the return code and message of an error body for the
// HTTP layer.
// The Okapi gateway answers its own refusals (bad key, quota) with
// {"code": "...", "message": "..."} instead.
func decodeError(body []byte) (string, string) {
	var e struct {
		itemJSON
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &e) != nil {
		return "", ""
	}
	if e.ReturnCode != 0 {
		return strconv.Itoa(int(e.ReturnCode)), e.ReturnMessage
	}
	return e.Code, e.Message
}
