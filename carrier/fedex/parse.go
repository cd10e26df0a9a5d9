package fedex

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of POST /track/v1/trackingnumbers, reduced to the fields we
// read (FedEx Track API OpenAPI, TrackingNumbers-Resource.json).
type answer struct {
	Output *struct {
		CompleteTrackResults []struct {
			TrackingNumber text          `json:"trackingNumber"`
			TrackResults   []trackResult `json:"trackResults"`
		} `json:"completeTrackResults"`
	} `json:"output"`
	Errors []codeMessage `json:"errors"`
}

type text = carrier.LooseString

type codeMessage struct {
	Code    text `json:"code"`
	Message text `json:"message"`
}

type trackResult struct {
	TrackingNumberInfo struct {
		TrackingNumber         text `json:"trackingNumber"`
		TrackingNumberUniqueID text `json:"trackingNumberUniqueId"`
		CarrierCode            text `json:"carrierCode"`
	} `json:"trackingNumberInfo"`
	ScanEvents   []scanEvent `json:"scanEvents"`
	DateAndTimes []struct {
		Type     text `json:"type"`
		DateTime text `json:"dateTime"`
	} `json:"dateAndTimes"`
	EstimatedDeliveryTimeWindow *window      `json:"estimatedDeliveryTimeWindow"`
	Error                       *codeMessage `json:"error"`
}

type window struct {
	Window struct {
		Begins text `json:"begins"`
		Ends   text `json:"ends"`
	} `json:"window"`
}

type scanEvent struct {
	Date                 text `json:"date"`
	EventType            text `json:"eventType"`
	EventDescription     text `json:"eventDescription"`
	DerivedStatusCode    text `json:"derivedStatusCode"`
	ExceptionCode        text `json:"exceptionCode"`
	ExceptionDescription text `json:"exceptionDescription"`
	ScanLocation         *struct {
		City                text `json:"city"`
		StateOrProvinceCode text `json:"stateOrProvinceCode"`
		PostalCode          text `json:"postalCode"`
		CountryCode         text `json:"countryCode"`
	} `json:"scanLocation"`
}

// Per-result error codes meaning "not found (yet)".
func isNotFound(code string) bool {
	return strings.Contains(code, "NOTFOUND") || strings.Contains(code, "NOT.FOUND")
}

// Parse reads one answer of the FedEx Track API: one Result per
// trackResult (a reused number yields several, told apart by UniqueID),
// or an error body, returned as an error.
func Parse(body []byte) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	if a.Output == nil {
		if len(a.Errors) > 0 {
			return nil, answerError(a.Errors[0])
		}
		return nil, badResponse(errors.New("no output in answer"))
	}
	var out []carrier.Result
	for _, c := range a.Output.CompleteTrackResults {
		for i := range c.TrackResults {
			out = append(out, parseResult(&c.TrackResults[i], string(c.TrackingNumber)))
		}
		if len(c.TrackResults) == 0 {
			out = append(out, carrier.Result{TrackingNumber: string(c.TrackingNumber), NotFound: "no track result in answer"})
		}
	}
	return out, nil
}

// answerError turns a FedEx error body into a typed error.
func answerError(e codeMessage) error {
	kind := carrier.ErrRejected
	switch code := string(e.Code); {
	case strings.HasPrefix(code, "NOT.AUTHORIZED"), strings.Contains(code, "UNAUTHORIZED"):
		kind = carrier.ErrAuth
	case strings.Contains(code, "UNAVAILABLE"), strings.Contains(code, "INTERNAL.SERVER"):
		kind = carrier.ErrUnavailable
	}
	return &carrier.Error{Kind: kind, Carrier: Slug, Op: "parse", CarrierCode: string(e.Code), Message: string(e.Message)}
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

func parseResult(tr *trackResult, number string) carrier.Result {
	r := carrier.Result{TrackingNumber: number, UniqueID: string(tr.TrackingNumberInfo.TrackingNumberUniqueID), Found: true}
	if r.TrackingNumber == "" {
		r.TrackingNumber = string(tr.TrackingNumberInfo.TrackingNumber)
	}
	// A per-result error without scans: not found, or rejected. (FedEx's
	// documented example carries an error next to a full result; then the
	// scans are what counts.)
	if e := tr.Error; e != nil && e.Code != "" && len(tr.ScanEvents) == 0 {
		r.Found = false
		if isNotFound(string(e.Code)) {
			r.NotFound = string(e.Code) + ": " + string(e.Message)
			return r
		}
		r.Err = &carrier.Error{Kind: carrier.ErrRejected, Carrier: Slug, Op: "track", CarrierCode: string(e.Code), Message: string(e.Message)}
		return r
	}
	events := make([]shipment.Event, 0, len(tr.ScanEvents))
	// Scans come newest first; walk them oldest first so equal times keep
	// their order through the stable sort.
	for i := len(tr.ScanEvents) - 1; i >= 0; i-- {
		e, err := parseScan(&tr.ScanEvents[i])
		if err != nil {
			r.Err = badResponse(fmt.Errorf("%s scan %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	r.ETA = parseETA(tr)
	return r
}

func parseScan(s *scanEvent) (shipment.Event, error) {
	var e shipment.Event
	if l := s.ScanLocation; l != nil {
		e.Location = shipment.Location{
			City:       string(l.City),
			State:      string(l.StateOrProvinceCode),
			PostalCode: string(l.PostalCode),
			Country:    strings.ToUpper(string(l.CountryCode)),
		}
		e.Location.Text = joinNonEmpty(", ", e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country)
	}
	st, err := carrier.ParseISO(string(s.Date), e.Location.Country, e.Location.State)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = joinCode(string(s.EventType), string(s.DerivedStatusCode), string(s.ExceptionCode))
	e.Text = string(s.EventDescription)
	if d := string(s.ExceptionDescription); d != "" {
		e.Text = joinNonEmpty(": ", e.Text, d)
	}
	e.Substatus = classify(string(s.EventType), string(s.DerivedStatusCode), string(s.ExceptionCode), e.Text)
	e.Status = e.Substatus.Status()
	e.Language = "en"
	return e, nil
}

// joinCode writes "eventType/derivedStatusCode/exceptionCode" without
// trailing empty parts: "AR/IT", "DE/DE/08".
func joinCode(parts ...string) string {
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, "/")
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

// parseETA reads the estimated delivery window, else an
// ESTIMATED_DELIVERY time; nothing once delivered.
func parseETA(tr *trackResult) *carrier.ETA {
	var est string
	for _, d := range tr.DateAndTimes {
		switch d.Type {
		case "ACTUAL_DELIVERY":
			return nil
		case "ESTIMATED_DELIVERY":
			est = string(d.DateTime)
		}
	}
	begins, ends := "", ""
	if w := tr.EstimatedDeliveryTimeWindow; w != nil {
		begins, ends = string(w.Window.Begins), string(w.Window.Ends)
	}
	if begins == "" && ends == "" {
		begins = est
	}
	from, errF := carrier.ParseISO(begins, "", "")
	to, errT := carrier.ParseISO(ends, "", "")
	var eta carrier.ETA
	switch {
	case errF == nil:
		eta.Date = from.Local[:10]
	case errT == nil:
		eta.Date = to.Local[:10]
	default:
		return nil
	}
	// A window only when both ends fall on the ETA date and carry a time.
	if errF == nil && errT == nil && to.Local[:10] == eta.Date && (from.Local[11:] != "00:00:00" || to.Local[11:] != "00:00:00") {
		eta.From, eta.To = from.Local[11:16], to.Local[11:16]
		if from.Source == shipment.OffsetExplicit && to.Source == shipment.OffsetExplicit {
			eta.Start, eta.End = from.Time, to.Time
		}
	}
	return &eta
}
