package usps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of GET /tracking/v3/tracking/{n}?expand=DETAIL (TrackingDetails
// in the USPS tracking OpenAPI 3.2.x), reduced to the fields we read. Real
// answers spell some keys differently from the spec (uniqueMailPieceID) and
// send booleans as strings; JSON keys match case-insensitively and fields
// we do not read are not decoded, so neither breaks parsing.
type answer struct {
	TrackingNumber        text            `json:"trackingNumber"`
	StatusCategory        text            `json:"statusCategory"`
	UniqueMailPieceID     text            `json:"uniqueMailPieceID"`
	PredictedDeliveryDate text            `json:"predictedDeliveryDate"`
	WindowStart           text            `json:"predictedDeliveryWindowStartTime"`
	WindowEnd             text            `json:"predictedDeliveryWindowEndTime"`
	ExpectedDelivery      text            `json:"expectedDeliveryTimeStamp"`
	TrackingEvents        *[]eventJSON    `json:"trackingEvents"`
	Error                 json.RawMessage `json:"error"`
	TrackResults          *legacyResults  `json:"TrackResults"`
}

// legacyResults is the older summary shape some answers still use
// ({"TrackResults": {"TrackInfo": {"@ID", "TrackSummary", "Error"}}}).
type legacyResults struct {
	TrackInfo *struct {
		ID      text `json:"@ID"`
		Summary text `json:"TrackSummary"`
		Error   *struct {
			Number      text `json:"Number"`
			Description text `json:"Description"`
		} `json:"Error"`
	} `json:"TrackInfo"`
}

type eventJSON struct {
	EventType      text `json:"eventType"`
	EventTimestamp text `json:"eventTimestamp"`
	GMTTimestamp   text `json:"GMTTimestamp"`
	GMTOffset      text `json:"GMTOffset"`
	EventCountry   text `json:"eventCountry"`
	EventCity      text `json:"eventCity"`
	EventState     text `json:"eventState"`
	EventZIP       text `json:"eventZIP"`
	EventCode      text `json:"eventCode"`
}

// text is a JSON string that also accepts a number, a boolean or null:
// USPS documents booleans and sends strings, and the reverse must not turn
// an answer unreadable either.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
		return nil
	}
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*t = text(b)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or number, got %.40s", b)
	}
	*t = text(n)
	return nil
}

// Parse reads one answer of the USPS tracking API: the tracking details of
// one number as a single Result, a not-found Result for a 404 error body,
// or an error for any other error body or an unreadable answer.
func Parse(body []byte) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if len(a.Error) > 0 && string(a.Error) != "null" {
		m, ok := readError(body)
		if !ok {
			return nil, badResponse(fmt.Errorf("unreadable error body"))
		}
		if m.Error.Code == strconv.Itoa(http.StatusNotFound) {
			return []carrier.Result{{NotFound: m.reason()}}, nil
		}
		status, _ := strconv.Atoi(m.Error.Code)
		return nil, &carrier.Error{Kind: m.kind(), Carrier: Slug, Op: "parse", HTTPStatus: status,
			CarrierCode: m.Error.Code, Message: m.message()}
	}
	if a.TrackResults != nil && a.TrackResults.TrackInfo != nil {
		return []carrier.Result{parseLegacy(a.TrackResults)}, nil
	}
	if a.TrackingEvents == nil && a.TrackingNumber == "" {
		return nil, badResponse(errNoDetails)
	}
	return []carrier.Result{parseDetails(&a)}, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// parseLegacy reads the summary shape: it names the item and says whether
// USPS knows it, but its one line of text has no structured event.
func parseLegacy(l *legacyResults) carrier.Result {
	ti := l.TrackInfo
	r := carrier.Result{TrackingNumber: string(ti.ID)}
	if ti.Error != nil {
		r.NotFound = strings.TrimSpace(string(ti.Error.Number) + " " + string(ti.Error.Description))
		return r
	}
	r.Found = true
	return r
}

// parseDetails turns the tracking details into a Result. An event whose
// time cannot be read makes the whole Result an error: no partial timeline.
func parseDetails(a *answer) carrier.Result {
	r := carrier.Result{TrackingNumber: string(a.TrackingNumber), UniqueID: string(a.UniqueMailPieceID), Found: true}
	var evs []eventJSON
	if a.TrackingEvents != nil {
		evs = *a.TrackingEvents
	}
	events := make([]shipment.Event, 0, len(evs))
	// USPS lists events newest first; walk them oldest first so equal times
	// keep their real order after the stable sort.
	for i := len(evs) - 1; i >= 0; i-- {
		e, err := parseEvent(&evs[i])
		if err != nil {
			r.Err = badResponse(fmt.Errorf("item %s event %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	if !strings.EqualFold(string(a.StatusCategory), "delivered") {
		r.ETA = parseETA(a)
	}
	return r
}

func parseEvent(ev *eventJSON) (shipment.Event, error) {
	e := shipment.Event{Location: location(ev), Language: "en"}
	st, err := eventTime(ev, e.Location.Country, e.Location.State)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = strings.ToUpper(string(ev.EventCode))
	e.Text = string(ev.EventType)
	e.Substatus = classify(e.Code, e.Text)
	e.Status = e.Substatus.Status()
	return e, nil
}

// countryNames maps the country names USPS may write in eventCountry for
// the United States to its code; other names are kept as text.
var countryNames = map[string]string{"UNITED STATES": "US", "USA": "US", "UNITED STATES OF AMERICA": "US"}

// location reads an event's place. USPS leaves eventCountry empty for
// domestic events and names the country for events abroad.
func location(ev *eventJSON) shipment.Location {
	l := shipment.Location{
		City:       string(ev.EventCity),
		State:      strings.ToUpper(string(ev.EventState)),
		PostalCode: string(ev.EventZIP),
	}
	c := strings.ToUpper(string(ev.EventCountry))
	switch {
	case c == "":
		if l.City != "" || l.State != "" || l.PostalCode != "" {
			l.Country = "US"
		}
	case countryNames[c] != "":
		l.Country = countryNames[c]
	default:
		if cc, ok := shipment.NormalizeCountry(c); ok {
			l.Country = cc
		}
	}
	var b strings.Builder
	b.WriteString(l.City)
	if l.State != "" || l.PostalCode != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimSpace(l.State + " " + l.PostalCode))
	}
	if c != "" && l.Country != "US" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(ev.EventCountry))
	}
	l.Text = b.String()
	return l
}

// parseETA reads the predicted delivery date and window, else the expected
// delivery date.
func parseETA(a *answer) *carrier.ETA {
	if d, err := time.Parse(time.DateOnly, string(a.PredictedDeliveryDate)); err == nil {
		return &carrier.ETA{Date: d.Format(time.DateOnly), From: clock(string(a.WindowStart)), To: clock(string(a.WindowEnd))}
	}
	if s := string(a.ExpectedDelivery); len(s) >= 10 {
		if d, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			return &carrier.ETA{Date: d.Format(time.DateOnly)}
		}
	}
	return nil
}

// clock turns "09:00", "09:00:00" or "9:00 am" into "15:04"; "" when
// unreadable.
func clock(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, l := range []string{"15:04:05", "15:04", "3:04 PM", "3:04PM", "3:04:05 PM"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("15:04")
		}
	}
	return ""
}
