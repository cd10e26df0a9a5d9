package royalmail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// The answer of GET /mailpieces/v2/{id}/events, reduced to the fields we
// read (Royal Mail Tracking API v2 technical user guide). The summary
// operation answers with a list of mail pieces, each with a summary and
// no events; Parse reads both.
type answer struct {
	MailPieces json.RawMessage `json:"mailPieces"`
	errorBody
}

type pieceJSON struct {
	MailPieceID text `json:"mailPieceId"`
	Summary     *struct {
		OneDBarcode           text `json:"oneDBarcode"`
		ProductCategory       text `json:"productCategory"`
		OriginCountryCode     text `json:"originCountryCode"`
		DestinationCountry    text `json:"destinationCountryCode"`
		LastEventCode         text `json:"lastEventCode"`
		LastEventName         text `json:"lastEventName"`
		LastEventDateTime     text `json:"lastEventDateTime"`
		LastEventLocationName text `json:"lastEventLocationName"`
	} `json:"summary"`
	EstimatedDelivery *struct {
		Date  text `json:"date"`
		Start text `json:"startOfEstimatedWindow"`
		End   text `json:"endOfEstimatedWindow"`
	} `json:"estimatedDelivery"`
	Events []eventJSON `json:"events"`
	Error  *errorJSON  `json:"error"`
}

type eventJSON struct {
	Code     text `json:"eventCode"`
	Name     text `json:"eventName"`
	DateTime text `json:"eventDateTime"`
	Location text `json:"locationName"`
}

// text is a JSON string that also accepts a number or null (httpCode is a
// string in Royal Mail's errors, but a number must not break parsing).
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

// Parse reads one answer of the Royal Mail Tracking API v2: the events of
// one mail piece (or the summaries of several) as Results, a not-found
// Result for error E1142, or an error for any other error body or an
// unreadable answer.
func Parse(body []byte) ([]carrier.Result, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, badResponse(fmt.Errorf("unreadable JSON: %w", err))
	}
	raw := bytes.TrimSpace(a.MailPieces)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		if len(a.Errors) == 0 && a.HTTPCode == "" {
			return nil, badResponse(errNoMailPieces)
		}
		if a.notFound() {
			return []carrier.Result{{NotFound: a.reason()}}, nil
		}
		status, _ := strconv.Atoi(string(a.HTTPCode))
		return nil, &carrier.Error{Kind: a.kind(), Carrier: Slug, Op: "parse", HTTPStatus: status,
			CarrierCode: a.code(), Message: a.message()}
	}
	var pieces []pieceJSON
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &pieces); err != nil {
			return nil, badResponse(fmt.Errorf("mailPieces: %w", err))
		}
	} else {
		var p pieceJSON
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, badResponse(fmt.Errorf("mailPieces: %w", err))
		}
		pieces = []pieceJSON{p}
	}
	if len(pieces) == 0 {
		return nil, badResponse(errNoMailPieces)
	}
	out := make([]carrier.Result, 0, len(pieces))
	for i := range pieces {
		out = append(out, parsePiece(&pieces[i]))
	}
	return out, nil
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// parsePiece turns one mail piece into a Result. An event whose time
// cannot be read makes the whole Result an error: no partial timeline.
func parsePiece(p *pieceJSON) carrier.Result {
	r := carrier.Result{TrackingNumber: string(p.MailPieceID)}
	if s := p.Summary; s != nil && s.OneDBarcode != "" {
		r.TrackingNumber = string(s.OneDBarcode) // the number printed on the label
	}
	if e := p.Error; e != nil && e.Code != "" {
		eb := errorBody{Errors: []errorJSON{*e}}
		if eb.notFound() {
			r.NotFound = eb.reason()
		} else {
			r.Err = &carrier.Error{Kind: eb.kind(), Carrier: Slug, Op: "parse", CarrierCode: eb.code(), Message: eb.message()}
		}
		return r
	}
	r.Found = true
	evs := p.Events
	if len(evs) == 0 && p.Summary != nil && p.Summary.LastEventCode != "" {
		// A summary answer: its last event is the only one known.
		s := p.Summary
		evs = []eventJSON{{Code: s.LastEventCode, Name: s.LastEventName, DateTime: s.LastEventDateTime, Location: s.LastEventLocationName}}
	}
	domestic := isDomestic(p)
	events := make([]shipment.Event, 0, len(evs))
	// Royal Mail lists events newest first; walk them oldest first so equal
	// times keep their real order after the stable sort.
	for i := len(evs) - 1; i >= 0; i-- {
		e, err := parseEvent(&evs[i], domestic)
		if err != nil {
			r.Found = true
			r.Err = badResponse(fmt.Errorf("item %s event %d: %w", r.TrackingNumber, i, err))
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

// isDomestic reports whether the item stays in the United Kingdom, so that
// its events' locations (office names only) are in GB.
func isDomestic(p *pieceJSON) bool {
	s := p.Summary
	if s == nil {
		return false
	}
	if strings.EqualFold(string(s.ProductCategory), "NON-INTERNATIONAL") {
		return true
	}
	return s.OriginCountryCode == "GBR" && s.DestinationCountry == "GBR"
}

func parseEvent(ev *eventJSON, domestic bool) (shipment.Event, error) {
	e := shipment.Event{Language: "en"}
	if loc := string(ev.Location); loc != "" {
		e.Location.Text = loc
		if domestic {
			e.Location.Country = "GB"
		}
	}
	// Times carry an offset; one without is UK time (Royal Mail's clock).
	st, err := carrier.ParseISO(string(ev.DateTime), "GB", "")
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = strings.ToUpper(string(ev.Code))
	e.Text = string(ev.Name)
	e.Substatus = classify(e.Code, e.Text)
	e.Status = e.Substatus.Status()
	return e, nil
}

// parseETA reads estimatedDelivery: a date and a window of times with
// offsets ("08:00:00+01:00").
func parseETA(p *pieceJSON) *carrier.ETA {
	ed := p.EstimatedDelivery
	if ed == nil {
		return nil
	}
	d, err := time.Parse(time.DateOnly, string(ed.Date))
	if err != nil {
		return nil
	}
	eta := &carrier.ETA{Date: d.Format(time.DateOnly)}
	start, ok1 := windowTime(d, string(ed.Start))
	end, ok2 := windowTime(d, string(ed.End))
	if ok1 && ok2 {
		eta.From, eta.To = start.Local[11:16], end.Local[11:16]
		if start.Source == shipment.OffsetExplicit && end.Source == shipment.OffsetExplicit {
			eta.Start, eta.End = start.Time, end.Time
		}
	}
	return eta
}

// windowTime reads a window bound "15:04:05+01:00" (or without offset, UK
// time) on day d.
func windowTime(d time.Time, s string) (carrier.Stamp, bool) {
	if s == "" {
		return carrier.Stamp{}, false
	}
	st, err := carrier.ParseISO(d.Format(time.DateOnly)+"T"+s, "GB", "")
	return st, err == nil
}
