package ups

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of GET /api/track/v1/details/{inquiryNumber}, reduced to the
// fields we read (UPS Tracking OpenAPI, Tracking.yaml).
type answer struct {
	TrackResponse *struct {
		Shipment []shipmentJSON `json:"shipment"`
	} `json:"trackResponse"`
	Response *errorBody `json:"response"`
}

// errorBody is UPS's error shape: {"response":{"errors":[{code,message}]}}.
type errorBody struct {
	Errors []codeMessage `json:"errors"`
}

type codeMessage struct {
	Code    text `json:"code"`
	Message text `json:"message"`
}

type shipmentJSON struct {
	InquiryNumber text          `json:"inquiryNumber"`
	Package       []packageJSON `json:"package"`
	Warnings      []codeMessage `json:"warnings"`
}

type packageJSON struct {
	TrackingNumber text           `json:"trackingNumber"`
	Activity       []activityJSON `json:"activity"`
	DeliveryDate   []struct {
		Type text `json:"type"`
		Date text `json:"date"`
	} `json:"deliveryDate"`
	DeliveryTime *struct {
		Type      text `json:"type"`
		StartTime text `json:"startTime"`
		EndTime   text `json:"endTime"`
	} `json:"deliveryTime"`
}

type activityJSON struct {
	Date      text `json:"date"`
	Time      text `json:"time"`
	GMTDate   text `json:"gmtDate"`
	GMTTime   text `json:"gmtTime"`
	GMTOffset text `json:"gmtOffset"`
	Location  *struct {
		Address *struct {
			City          text `json:"city"`
			StateProvince text `json:"stateProvince"`
			PostalCode    text `json:"postalCode"`
			CountryCode   text `json:"countryCode"`
			Country       text `json:"country"`
		} `json:"address"`
	} `json:"location"`
	Status *struct {
		Type        text `json:"type"`
		Code        text `json:"code"`
		Description text `json:"description"`
		StatusCode  text `json:"statusCode"`
	} `json:"status"`
}

// text is the lenient string of all UPS fields: UPS documents strings, but
// numeric-looking fields ("statusCode", "time") must not make an answer
// unreadable if they arrive as numbers.
type text = carrier.LooseString

// notFoundCode is UPS's "Tracking Information Not Found", sent as a warning
// in a 200 answer (or as an error code in a 4xx one).
const notFoundCode = "TW0001"

// Parse reads one answer of the UPS Track API: a trackResponse with one
// Result per package (or one not-found Result per shipment with warnings),
// or an error body, returned as an error. Events are in English unless the
// request asked for another locale; the connector sets the language.
func Parse(body []byte) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if a.TrackResponse == nil {
		if a.Response != nil && len(a.Response.Errors) > 0 {
			e := a.Response.Errors[0]
			if string(e.Code) == notFoundCode {
				return []carrier.Result{{NotFound: notFoundReason(e)}}, nil
			}
			kind := carrier.ErrRejected
			if strings.HasPrefix(string(e.Code), "2500") {
				kind = carrier.ErrAuth // 250001-250003: invalid access license / authentication
			}
			return nil, &carrier.Error{Kind: kind, Carrier: Slug, Op: "parse",
				CarrierCode: string(e.Code), Message: string(e.Message)}
		}
		return nil, badResponse(errors.New("no trackResponse in answer"))
	}
	var out []carrier.Result
	for _, s := range a.TrackResponse.Shipment {
		if len(s.Package) == 0 {
			r := carrier.Result{TrackingNumber: string(s.InquiryNumber), NotFound: "no package in answer"}
			if len(s.Warnings) > 0 {
				r.NotFound = notFoundReason(s.Warnings[0])
			}
			out = append(out, r)
			continue
		}
		for i := range s.Package {
			out = append(out, parsePackage(&s.Package[i], string(s.InquiryNumber)))
		}
	}
	return out, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

func notFoundReason(w codeMessage) string {
	switch {
	case w.Code != "" && w.Message != "":
		return string(w.Code) + ": " + string(w.Message)
	case w.Code != "":
		return string(w.Code)
	}
	return string(w.Message)
}

// parsePackage turns one package into a Result. An activity whose time
// cannot be read makes the whole Result an error: no partial timeline.
func parsePackage(p *packageJSON, inquiry string) carrier.Result {
	r := carrier.Result{TrackingNumber: string(p.TrackingNumber), Found: true}
	if r.TrackingNumber == "" {
		r.TrackingNumber = inquiry
	}
	events := make([]shipment.Event, 0, len(p.Activity))
	// UPS lists activities newest first; walk them oldest first so that
	// equal times keep their real order after the stable sort.
	for i := len(p.Activity) - 1; i >= 0; i-- {
		e, err := parseActivity(&p.Activity[i])
		if err != nil {
			r.Err = badResponse(fmt.Errorf("package %s activity %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	r.ETA = parseETA(p)
	return r
}

func parseActivity(a *activityJSON) (shipment.Event, error) {
	var e shipment.Event
	if l := a.Location; l != nil && l.Address != nil {
		ad := l.Address
		country := string(ad.CountryCode)
		if country == "" && len(ad.Country) == 2 {
			country = string(ad.Country)
		}
		e.Location = shipment.Location{
			City:       string(ad.City),
			State:      string(ad.StateProvince),
			PostalCode: string(ad.PostalCode),
			Country:    strings.ToUpper(country),
		}
		e.Location.Text = joinNonEmpty(", ", e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country)
	}
	st, err := activityTime(a, e.Location.Country, e.Location.State)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	if s := a.Status; s != nil {
		e.Code = string(s.Type) + "/" + string(s.Code) + "/" + string(s.StatusCode)
		e.Text = string(s.Description)
		e.Substatus = classify(string(s.Type), string(s.Code), string(s.StatusCode), e.Text)
		e.Status = e.Substatus.Status()
	}
	e.Language = "en"
	return e, nil
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// parseETA reads the scheduled (SDD) or rescheduled (RDD) delivery date and
// the delivery window; an actual delivery (DEL) is not an estimate.
func parseETA(p *packageJSON) *carrier.ETA {
	var date string
	for _, d := range p.DeliveryDate {
		t, err := time.Parse("20060102", string(d.Date))
		if err != nil {
			continue
		}
		switch d.Type {
		case "RDD":
			date = t.Format(time.DateOnly) // a rescheduled date wins
		case "SDD":
			if date == "" {
				date = t.Format(time.DateOnly)
			}
		}
	}
	if date == "" {
		return nil
	}
	eta := &carrier.ETA{Date: date}
	if dt := p.DeliveryTime; dt != nil && dt.Type != "DEL" {
		eta.From = clockHHMM(string(dt.StartTime))
		eta.To = clockHHMM(string(dt.EndTime))
	}
	return eta
}

// clockHHMM turns "HHMMSS" (or "HMMSS") into "15:04"; "" when unreadable.
func clockHHMM(s string) string {
	t, err := parseClock(s)
	if err != nil {
		return ""
	}
	return t.Format("15:04")
}
