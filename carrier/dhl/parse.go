package dhl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of GET /track/shipments, reduced to the fields we read
// (DHL "Shipment Tracking – Unified" OpenAPI, supermodelIoLogisticsTracking*
// schemas). A problem document shares the top level, with a numeric status.
type answer struct {
	Shipments *[]shipmentJSON `json:"shipments"`
	problem
}

// problem is an RFC 7807 problem document, UTAPI's error shape.
type problem struct {
	Title  text `json:"title"`
	Detail text `json:"detail"`
	Status text `json:"status"`
}

func (p problem) message() string {
	switch {
	case p.Title != "" && p.Detail != "":
		return string(p.Title) + ": " + string(p.Detail)
	case p.Detail != "":
		return string(p.Detail)
	}
	return string(p.Title)
}

func (p problem) reason() string {
	if p.Status != "" {
		return string(p.Status) + " " + p.message()
	}
	return p.message()
}

type shipmentJSON struct {
	ID          text        `json:"id"`
	Service     text        `json:"service"`
	Origin      *placeJSON  `json:"origin"`
	Destination *placeJSON  `json:"destination"`
	Status      *eventJSON  `json:"status"`
	Events      []eventJSON `json:"events"`
	ETA         text        `json:"estimatedTimeOfDelivery"`
	ETAFrame    *struct {
		From    text `json:"estimatedFrom"`
		Through text `json:"estimatedThrough"`
	} `json:"estimatedDeliveryTimeFrame"`
}

type placeJSON struct {
	Address *struct {
		CountryCode     text `json:"countryCode"`
		PostalCode      text `json:"postalCode"`
		AddressLocality text `json:"addressLocality"`
	} `json:"address"`
}

type eventJSON struct {
	Timestamp      text       `json:"timestamp"`
	Location       *placeJSON `json:"location"`
	StatusCode     text       `json:"statusCode"`
	Status         text       `json:"status"`
	StatusDetailed text       `json:"statusDetailed"`
	Description    text       `json:"description"`
}

// text is a JSON string that also accepts a number or null: the OpenAPI
// example itself sends the shipment id as a number.
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
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or number, got %.40s", b)
	}
	*t = text(n)
	return nil
}

// Parse reads one answer of UTAPI's GET /track/shipments: one Result per
// shipment, a not-found Result for a 404 problem document, or an error for
// any other problem document or an unreadable body. The language of event
// texts is detected from the text; the connector sets the one DHL declares.
func Parse(body []byte) ([]carrier.Result, error) { return parse(body, "") }

func parse(body []byte, lang string) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if a.Shipments == nil {
		if a.Title == "" && a.Detail == "" {
			return nil, badResponse(errors.New("no shipments in answer"))
		}
		code, _ := strconv.Atoi(string(a.Status))
		if code == http.StatusNotFound {
			return []carrier.Result{{NotFound: a.reason()}}, nil
		}
		e := &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "parse", HTTPStatus: code,
			CarrierCode: string(a.Status), Message: a.message()}
		switch {
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			e.Kind = carrier.ErrAuth
		case code == http.StatusTooManyRequests:
			e.Kind = carrier.ErrRateLimited
		case code >= 500:
			e.Kind = carrier.ErrUnavailable
		}
		return nil, e
	}
	if len(*a.Shipments) == 0 {
		return []carrier.Result{{NotFound: "no shipment in answer"}}, nil
	}
	out := make([]carrier.Result, 0, len(*a.Shipments))
	for i := range *a.Shipments {
		out = append(out, parseShipment(&(*a.Shipments)[i], lang))
	}
	return out, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// parseShipment turns one shipment into a Result. An event whose time
// cannot be read makes the whole Result an error: no partial timeline.
func parseShipment(s *shipmentJSON, lang string) carrier.Result {
	r := carrier.Result{TrackingNumber: string(s.ID), Found: true}
	evs := s.Events
	if len(evs) == 0 && s.Status != nil {
		// Some answers carry only the current status.
		evs = []eventJSON{*s.Status}
	}
	home := homeCountry(s)
	events := make([]shipment.Event, 0, len(evs))
	// UTAPI lists events newest first; walk them oldest first so equal
	// times keep their real order after the stable sort.
	for i := len(evs) - 1; i >= 0; i-- {
		e, err := parseEvent(&evs[i], home, lang)
		if err != nil {
			r.Err = badResponse(fmt.Errorf("shipment %s event %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	r.ETA = parseETA(s, home)
	return r
}

func parseEvent(ev *eventJSON, home, lang string) (shipment.Event, error) {
	var e shipment.Event
	e.Location = place(ev.Location)
	country := e.Location.Country
	if country == "" {
		country = home
	}
	st, err := carrier.ParseISO(string(ev.Timestamp), country, e.Location.State)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = string(ev.StatusCode)
	e.Text = string(ev.Description)
	if e.Text == "" {
		e.Text = string(ev.Status)
	}
	e.Substatus, e.Language = classify(string(ev.StatusCode), classText(ev), lang)
	e.Status = e.Substatus.Status()
	return e, nil
}

// classText is what the classifier reads: the short status, the detailed
// status and the description, without repeats.
func classText(ev *eventJSON) string {
	parts := make([]string, 0, 3)
	for _, p := range []text{ev.Status, ev.StatusDetailed, ev.Description} {
		if p != "" && !slices.Contains(parts, string(p)) {
			parts = append(parts, string(p))
		}
	}
	return strings.Join(parts, ". ")
}

// parseETA reads the estimated delivery: the time frame when there is one,
// else the estimated time of delivery (its date only).
func parseETA(s *shipmentJSON, home string) *carrier.ETA {
	country := home
	if s.Destination != nil {
		if l := place(s.Destination); l.Country != "" {
			country = l.Country
		}
	}
	if f := s.ETAFrame; f != nil && f.From != "" && f.Through != "" {
		from, err1 := carrier.ParseISO(string(f.From), country, "")
		to, err2 := carrier.ParseISO(string(f.Through), country, "")
		if err1 == nil && err2 == nil {
			eta := &carrier.ETA{Date: from.Local[:10], From: from.Local[11:16], To: to.Local[11:16]}
			if from.Source == shipment.OffsetExplicit && to.Source == shipment.OffsetExplicit {
				eta.Start, eta.End = from.Time, to.Time
			}
			return eta
		}
	}
	if s.ETA != "" {
		if st, err := carrier.ParseISO(string(s.ETA), country, ""); err == nil {
			return &carrier.ETA{Date: st.Local[:10]}
		}
	}
	return nil
}
