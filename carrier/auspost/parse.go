package auspost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of GET /shipping/v1/track, reduced to the fields we read.
type answer struct {
	TrackingResults []resultJSON `json:"tracking_results"`
	Errors          []errorJSON  `json:"errors"`
}

type resultJSON struct {
	TrackingID     string      `json:"tracking_id"`
	Status         string      `json:"status"`
	TrackableItems []itemJSON  `json:"trackable_items"`
	Errors         []errorJSON `json:"errors"`
}

// itemJSON is an article, or a consignment whose articles are in Items.
type itemJSON struct {
	ArticleID     string      `json:"article_id"`
	ConsignmentID string      `json:"consignment_id"`
	ProductType   string      `json:"product_type"`
	Status        string      `json:"status"`
	Events        []eventJSON `json:"events"`
	Items         []itemJSON  `json:"items"`
}

type eventJSON struct {
	Location    string `json:"location"`
	Description string `json:"description"`
	Date        string `json:"date"`
}

// errorJSON carries the field names Australia Post uses across its APIs:
// code/name in per-id errors, error_code/error_name/message at the top.
type errorJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Message   string `json:"message"`
	ErrorCode string `json:"error_code"`
	ErrorName string `json:"error_name"`
}

func (e errorJSON) code() string { return firstNonEmpty(e.Code, e.ErrorCode) }
func (e errorJSON) text() string { return firstNonEmpty(e.Name, e.ErrorName, e.Message) }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Parse reads one answer of Track items: one Result per tracking id (found
// with its events, not found, or rejected), or a top-level error body,
// returned as an error.
func Parse(body []byte) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(bytes.TrimSpace(body), &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if len(a.TrackingResults) == 0 {
		if len(a.Errors) > 0 {
			e := a.Errors[0]
			return nil, &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse", CarrierCode: e.code(), Message: e.text()}
		}
		return nil, badResponse(errors.New("no tracking_results in answer"))
	}
	out := make([]carrier.Result, 0, len(a.TrackingResults))
	for i := range a.TrackingResults {
		out = append(out, parseResult(&a.TrackingResults[i]))
	}
	return out, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// parseResult turns one tracking id's answer into a Result. A consignment's
// articles are merged into one timeline (an event repeated by several
// articles appears once). An event whose date cannot be read makes the
// whole Result an error: no partial timeline.
func parseResult(tr *resultJSON) carrier.Result {
	r := carrier.Result{TrackingNumber: strings.TrimSpace(tr.TrackingID)}
	if len(tr.TrackableItems) == 0 {
		if len(tr.Errors) == 0 {
			r.NotFound = "no trackable items"
			return r
		}
		e := tr.Errors[0]
		if isNotFound(e) {
			r.NotFound = strings.TrimPrefix(e.code()+": "+e.text(), ": ")
			return r
		}
		r.Err = &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse", CarrierCode: e.code(), Message: e.text()}
		return r
	}
	r.Found = true
	var events []shipment.Event
	seen := map[string]bool{}
	for _, it := range articles(tr.TrackableItems) {
		evs, err := itemEvents(it, r.TrackingNumber)
		if err != nil {
			r.Err = badResponse(fmt.Errorf("%s: %w", r.TrackingNumber, err))
			return r
		}
		for _, e := range evs {
			if !seen[e.Hash] {
				seen[e.Hash] = true
				events = append(events, e)
			}
		}
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	return r
}

// isNotFound tells an id Australia Post does not know from one it refuses.
func isNotFound(e errorJSON) bool {
	t := strings.ToLower(e.text())
	return strings.Contains(t, "not found") || strings.Contains(t, "no tracking") || strings.Contains(t, "not trackable")
}

// articles flattens consignments into their articles.
func articles(items []itemJSON) []*itemJSON {
	var out []*itemJSON
	for i := range items {
		it := &items[i]
		if len(it.Items) > 0 {
			out = append(out, articles(it.Items)...)
			continue
		}
		out = append(out, it)
	}
	return out
}

// itemEvents reads one article's events, oldest first. The article's
// enumerated status stands in for a newest event whose wording says
// nothing we recognise.
func itemEvents(it *itemJSON, number string) ([]shipment.Event, error) {
	out := make([]shipment.Event, 0, len(it.Events))
	// Events are listed newest first; walk them oldest first so that equal
	// times keep their real order after the stable sort.
	for i := len(it.Events) - 1; i >= 0; i-- {
		ev := &it.Events[i]
		e := shipment.Event{Text: strings.TrimSpace(ev.Description), Language: "en"}
		e.Location = parseLocation(ev.Location)
		st, err := eventStamp(ev.Date, e.Location)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		st.Set(&e)
		e.Substatus = classify(e.Text)
		if i == 0 && e.Substatus == noStatus {
			e.Substatus = byItemStatus[strings.ToLower(strings.TrimSpace(it.Status))]
		}
		e.Status = e.Substatus.Status()
		e.Hash = shipment.HashEvent(Slug, number, &e)
		out = append(out, e)
	}
	return out, nil
}

// eventStamp reads an event date. Australia Post writes every date with the
// offset of Australian time, also for events abroad: the instant is right,
// and LocalTime stays Australia Post's own wording, not the wall clock at
// the event's place. A date without offset (seen in relayed answers) is
// read in the zone of the Australian state named in the location, else in
// Melbourne's, marked assumed.
func eventStamp(date string, loc shipment.Location) (carrier.Stamp, error) {
	region := "VIC"
	if loc.Country == "AU" && loc.State != "" {
		region = loc.State
	}
	return carrier.ParseISO(strings.TrimSpace(date), "AU", region)
}

// auStates are the state and territory abbreviations ending AusPost
// locations ("KEW VIC", "Sydney,NSW").
var auStates = map[string]bool{"ACT": true, "NSW": true, "NT": true, "QLD": true, "SA": true, "TAS": true, "VIC": true, "WA": true}

// parseLocation reads Australia Post's location wording: "KEW VIC",
// "CHICAGO (US)", a bare country code ("NZ"), or free text ("Transit Scan",
// "US-60199, UNITED STATES") kept as text only.
func parseLocation(s string) shipment.Location {
	s = strings.TrimSpace(s)
	l := shipment.Location{Text: s}
	if s == "" {
		return l
	}
	if i := strings.LastIndexAny(s, " ,"); i > 0 {
		if st := strings.ToUpper(s[i+1:]); auStates[st] {
			l.City, l.State, l.Country = strings.TrimRight(s[:i], " ,"), st, "AU"
			return l
		}
	}
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, "("); i > 0 {
			if cc := strings.ToUpper(strings.TrimSpace(s[i+1 : len(s)-1])); len(cc) == 2 && shipment.ValidCountry(cc) {
				l.City, l.Country = strings.TrimSpace(s[:i]), cc
				return l
			}
		}
	}
	if cc := strings.ToUpper(s); len(cc) == 2 && shipment.ValidCountry(cc) {
		l.Country = cc
	}
	return l
}

// decodeError reads the first top-level error for the HTTP layer.
func decodeError(body []byte) (string, string) {
	var a answer
	if json.Unmarshal(bytes.TrimSpace(body), &a) != nil {
		return "", ""
	}
	if len(a.Errors) > 0 {
		return a.Errors[0].code(), a.Errors[0].text()
	}
	for _, r := range a.TrackingResults {
		if len(r.Errors) > 0 {
			return r.Errors[0].code(), r.Errors[0].text()
		}
	}
	return "", ""
}
