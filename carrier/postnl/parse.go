package postnl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// The answer of GET /shipment/v2/status/barcode/{barcode} (PostNL
// ShippingStatus v2: CurrentStatus or, with detail=true, CompleteStatus),
// reduced to the fields we read. The JSON is converted from XML on PostNL's
// side: a list with one element arrives as a bare object, and an empty
// value as {} (or the string "{}"), never null.
type answer struct {
	CompleteStatus *statusBlock    `json:"CompleteStatus"`
	CurrentStatus  *statusBlock    `json:"CurrentStatus"`
	Warnings       many[message]   `json:"Warnings"`
	Fault          *faultJSON      `json:"fault"`
	Errors         many[errorJSON] `json:"Errors"`
}

type statusBlock struct {
	Shipment many[shipmentJSON] `json:"Shipment"`
}

type shipmentJSON struct {
	MainBarcode  text            `json:"MainBarcode"`
	Barcode      text            `json:"Barcode"`
	DeliveryDate text            `json:"DeliveryDate"`
	Event        many[eventJSON] `json:"Event"`
	Expectation  *struct {
		ETAFrom text `json:"ETAFrom"`
		ETATo   text `json:"ETATo"`
	} `json:"Expectation"`
	Status    *statusJSON      `json:"Status"`
	OldStatus many[statusJSON] `json:"OldStatus"`
}

type eventJSON struct {
	Code         text `json:"Code"`
	Description  text `json:"Description"`
	LocationCode text `json:"LocationCode"`
	TimeStamp    text `json:"TimeStamp"`
}

// statusJSON is a status record. The field is "TimeStamp" in status answers
// and "Timestamp" in updatedshipments; JSON field matching ignores case.
type statusJSON struct {
	TimeStamp         text `json:"TimeStamp"`
	StatusCode        text `json:"StatusCode"`
	StatusDescription text `json:"StatusDescription"`
	PhaseCode         text `json:"PhaseCode"`
}

type message struct {
	Code    text `json:"Code"`
	Message text `json:"Message"`
}

// faultJSON is the API gateway's error: {"fault": {"faultstring", "detail":
// {"errorcode"}}}.
type faultJSON struct {
	FaultString text `json:"faultstring"`
	Detail      *struct {
		ErrorCode text `json:"errorcode"`
	} `json:"detail"`
}

type errorJSON struct {
	Code        text `json:"Code"`
	Description text `json:"Description"`
	Message     text `json:"Message"`
}

// updatedJSON is one element of GET /shipment/v2/status/{customer}/updatedshipments.
type updatedJSON struct {
	Barcode text        `json:"Barcode"`
	Status  *statusJSON `json:"Status"`
}

// text is a JSON value read as a string: strings and numbers as they are;
// {}, [], "{}" and null (PostNL's empty values) as "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "{}" {
			s = ""
		}
		*t = text(s)
	case b[0] == '{' || b[0] == '[':
		if !json.Valid(b) {
			return errors.New("invalid JSON value")
		}
		*t = ""
	case bytes.Equal(b, []byte("null")):
		*t = ""
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or number, got %s", b)
		}
		*t = text(n)
	}
	return nil
}

// many is a list that PostNL may send as a bare object when it has one
// element, or as {} when it has none.
type many[T any] []T

func (m *many[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")), bytes.Equal(b, []byte("{}")), bytes.Equal(b, []byte(`"{}"`)):
		*m = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*m = list
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*m = many[T]{one}
	return nil
}

// Parse reads one answer of the ShippingStatus API: a status answer (one
// Result per parcel of the shipment, or a not-found Result when PostNL
// warns that it found no shipment), the array of updatedshipments (one
// Result per barcode with its latest status), or an error body, returned as
// an error. The language of the texts (Dutch or English, as the request
// asked) is recognised from them.
func Parse(body []byte) ([]carrier.Result, error) { return parse(body, "") }

// parse reads an answer whose texts are in lang ("nl" or "en"); an empty
// lang is recognised from the texts.
func parse(body []byte, lang string) ([]carrier.Result, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return parseUpdated(body, lang)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if a.Fault != nil {
		return nil, faultError(a.Fault)
	}
	block := a.CompleteStatus
	if block == nil || len(block.Shipment) == 0 {
		block = a.CurrentStatus
	}
	if block == nil || len(block.Shipment) == 0 {
		switch {
		case len(a.Warnings) > 0:
			w := a.Warnings[0]
			return []carrier.Result{{NotFound: strings.TrimPrefix(string(w.Code)+": "+string(w.Message), ": ")}}, nil
		case len(a.Errors) > 0:
			e := a.Errors[0]
			return nil, &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse",
				CarrierCode: string(e.Code), Message: firstNonEmpty(string(e.Description), string(e.Message))}
		}
		return nil, badResponse(errors.New("no shipment and no warning in answer"))
	}
	out := make([]carrier.Result, 0, len(block.Shipment))
	for i := range block.Shipment {
		sh := &block.Shipment[i]
		l := lang
		if l == "" {
			l = guessLang(sh.Status)
		}
		out = append(out, parseShipment(sh, l))
	}
	return out, nil
}

// guessLang tells English from Dutch status texts ("Shipment delivered",
// "Zending afgeleverd"). PostNL's Dutch texts are short enough to fool a
// general language detector, so its own key words decide first; Dutch,
// PostNL's default, when unsure.
func guessLang(s *statusJSON) string {
	if s == nil {
		return "nl"
	}
	t := strings.ToLower(string(s.StatusDescription))
	for _, w := range []string{"zending", "pakket", "bezorg", "voorgemeld", "manco", "niet van toepassing"} {
		if strings.Contains(t, w) {
			return "nl"
		}
	}
	for _, w := range []string{"shipment", "parcel", "pre-alerted", "not applicable", "missing"} {
		if strings.Contains(t, w) {
			return "en"
		}
	}
	return "nl"
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// faultError classifies a gateway fault found in a 200 answer; the HTTP
// layer classifies those that come with their own status.
func faultError(f *faultJSON) error {
	e := &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse", Message: string(f.FaultString)}
	if f.Detail != nil {
		e.CarrierCode = string(f.Detail.ErrorCode)
	}
	low := strings.ToLower(e.Message + " " + e.CarrierCode)
	switch {
	case strings.Contains(low, "apikey") || strings.Contains(low, "api key"):
		e.Kind = carrier.ErrAuth
	case strings.Contains(low, "quota") || strings.Contains(low, "rate limit") || strings.Contains(low, "spike"):
		e.Kind = carrier.ErrRateLimited
	}
	return e
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func parseUpdated(body []byte, lang string) ([]carrier.Result, error) {
	var list []updatedJSON
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	out := make([]carrier.Result, 0, len(list))
	for _, u := range list {
		r := carrier.Result{TrackingNumber: string(u.Barcode), Found: true}
		if u.Status == nil {
			r.Err = badResponse(fmt.Errorf("%s: no status", r.TrackingNumber))
			out = append(out, r)
			continue
		}
		l := lang
		if l == "" {
			l = guessLang(u.Status)
		}
		e, err := statusEvent(u.Status, l)
		if err != nil {
			r.Err = badResponse(fmt.Errorf("%s: %w", r.TrackingNumber, err))
		} else {
			e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
			r.Events = []shipment.Event{e}
		}
		out = append(out, r)
	}
	return out, nil
}

// statusRec is a status record with its parsed time.
type statusRec struct {
	at   carrier.Stamp
	s    *statusJSON
	used bool
}

// parseShipment turns one parcel into a Result: its events, each given the
// status its event code sets (or, for codes outside PostNL's table, the
// status recorded at the same second), plus the status records no event
// accounts for. A time that cannot be read makes the whole Result an
// error: no partial timeline.
func parseShipment(s *shipmentJSON, lang string) carrier.Result {
	r := carrier.Result{TrackingNumber: string(s.Barcode), Found: true}
	if r.TrackingNumber == "" {
		r.TrackingNumber = string(s.MainBarcode)
	}
	fail := func(err error) carrier.Result {
		r.Err, r.Events, r.ETA = badResponse(fmt.Errorf("%s: %w", r.TrackingNumber, err)), nil, nil
		return r
	}
	recs, err := statusRecords(s)
	if err != nil {
		return fail(err)
	}
	events := make([]shipment.Event, 0, len(s.Event)+1)
	// Events come newest first; walk them oldest first so that equal times
	// keep their real order after the stable sort.
	for i := len(s.Event) - 1; i >= 0; i-- {
		ev := &s.Event[i]
		st, err := parseTime(string(ev.TimeStamp))
		if err != nil {
			return fail(fmt.Errorf("event %d: %w", i, err))
		}
		e := shipment.Event{Code: string(ev.Code), Text: string(ev.Description), Language: lang}
		st.Set(&e)
		sameSecond := ""
		for j := range recs {
			if recs[j].at.Time.Unix() == e.Time.Unix() {
				recs[j].used = true
				if c := string(recs[j].s.StatusCode); c != statusNotApplicable && sameSecond == "" {
					sameSecond = c
				}
			}
		}
		e.Substatus = classifyEvent(e.Code, sameSecond, e.Text, e.Language)
		e.Status = e.Substatus.Status()
		events = append(events, e)
	}
	for j := range recs {
		rec := &recs[j]
		if rec.used || string(rec.s.StatusCode) == statusNotApplicable {
			continue
		}
		e := shipment.Event{Code: "status:" + string(rec.s.StatusCode), Text: string(rec.s.StatusDescription), Language: lang}
		rec.at.Set(&e)
		e.Substatus = classifyStatus(string(rec.s.StatusCode), string(rec.s.PhaseCode), e.Text, e.Language)
		e.Status = e.Substatus.Status()
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	delivered := false
	for i := range events {
		events[i].Hash = shipment.HashEvent(Slug, r.TrackingNumber, &events[i])
		delivered = delivered || events[i].Status == status.Delivered
	}
	r.Events = events
	if !delivered {
		r.ETA = parseETA(s)
	}
	return r
}

// statusRecords collects Status and OldStatus, oldest first, without the
// repeats (the current status is usually also the newest old status).
func statusRecords(s *shipmentJSON) ([]statusRec, error) {
	all := make([]*statusJSON, 0, len(s.OldStatus)+1)
	for i := len(s.OldStatus) - 1; i >= 0; i-- {
		all = append(all, &s.OldStatus[i])
	}
	if s.Status != nil && s.Status.StatusCode != "" {
		all = append(all, s.Status)
	}
	recs := make([]statusRec, 0, len(all))
	seen := map[string]bool{}
	for _, st := range all {
		at, err := parseTime(string(st.TimeStamp))
		if err != nil {
			return nil, fmt.Errorf("status %s: %w", st.StatusCode, err)
		}
		key := fmt.Sprint(at.Time.Unix(), "/", st.StatusCode)
		if seen[key] {
			continue
		}
		seen[key] = true
		recs = append(recs, statusRec{at: at, s: st})
	}
	return recs, nil
}

func statusEvent(s *statusJSON, lang string) (shipment.Event, error) {
	st, err := parseTime(string(s.TimeStamp))
	if err != nil {
		return shipment.Event{}, err
	}
	e := shipment.Event{Code: "status:" + string(s.StatusCode), Text: string(s.StatusDescription), Language: lang}
	st.Set(&e)
	if string(s.StatusCode) != statusNotApplicable {
		e.Substatus = classifyStatus(string(s.StatusCode), string(s.PhaseCode), e.Text, e.Language)
		e.Status = e.Substatus.Status()
	}
	return e, nil
}

// parseTime reads PostNL's "dd-MM-yyyy HH:mm:ss[.SSS]" (or the ISO form of
// updatedshipments), Dutch local time: Europe/Amsterdam is assumed.
func parseTime(s string) (carrier.Stamp, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{"02-01-2006 15:04:05", "02-01-2006 15:04"} {
		if t, err := time.Parse(l, s); err == nil {
			return carrier.Assumed(t, "NL", ""), nil
		}
	}
	st, err := carrier.ParseISO(s, "NL", "")
	if err != nil {
		return st, fmt.Errorf("timestamp %q: want dd-MM-yyyy HH:mm:ss", s)
	}
	return st, nil
}

// parseETA reads the expected window (local times without offset) or,
// failing that, the expected delivery date.
func parseETA(s *shipmentJSON) *carrier.ETA {
	if x := s.Expectation; x != nil {
		from, err1 := time.Parse("2006-01-02T15:04:05", string(x.ETAFrom))
		to, err2 := time.Parse("2006-01-02T15:04:05", string(x.ETATo))
		if err1 == nil {
			eta := &carrier.ETA{Date: from.Format(time.DateOnly), From: from.Format("15:04")}
			if err2 == nil && !to.Before(from) && to.Format(time.DateOnly) == eta.Date {
				eta.To = to.Format("15:04")
			} else {
				eta.From = ""
			}
			return eta
		}
	}
	if d, err := time.Parse(time.DateOnly, string(s.DeliveryDate)); err == nil {
		return &carrier.ETA{Date: d.Format(time.DateOnly)}
	}
	return nil
}

// decodeError reads the gateway fault or the first error of an error body
// for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var a answer
	if json.Unmarshal(bytes.TrimSpace(body), &a) != nil {
		return "", ""
	}
	switch {
	case a.Fault != nil:
		code := ""
		if a.Fault.Detail != nil {
			code = string(a.Fault.Detail.ErrorCode)
		}
		return code, string(a.Fault.FaultString)
	case len(a.Errors) > 0:
		return string(a.Errors[0].Code), firstNonEmpty(string(a.Errors[0].Description), string(a.Errors[0].Message))
	}
	return "", ""
}
