package canadapost

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// The answer of Get Tracking Details (track.xsd, <tracking-detail>), reduced
// to the fields we read. Tags carry no namespace, so they match whatever
// namespace the service declares (the v1 and v2 namespaces differ, and
// recorded answers often carry none).
type detailXML struct {
	PIN                  string          `xml:"pin"`
	ExpectedDeliveryDate string          `xml:"expected-delivery-date"`
	ChangedExpectedDate  string          `xml:"changed-expected-date"`
	ServiceName          string          `xml:"service-name"`
	Occurrences          []occurrenceXML `xml:"significant-events>occurrence"`
}

type occurrenceXML struct {
	Identifier    string `xml:"event-identifier"`
	Date          string `xml:"event-date"`
	Time          string `xml:"event-time"`
	TimeZone      string `xml:"event-time-zone"`
	Description   string `xml:"event-description"`
	SignatoryName string `xml:"signatory-name"`
	Site          string `xml:"event-site"`
	Province      string `xml:"event-province"`
	RetailName    string `xml:"event-retail-name"`
}

// messagesXML is Canada Post's error document:
// <messages><message><code/><description/></message></messages>, in the
// track or the messages namespace.
type messagesXML struct {
	Messages []struct {
		Code        string `xml:"code"`
		Description string `xml:"description"`
	} `xml:"message"`
}

// noPinHistory is the message code of an unknown PIN ("No Pin History").
const noPinHistory = "004"

// Parse reads one answer of the tracking service: a <tracking-detail>
// document gives one Result; a <messages> document gives a not-found
// Result (code 004) or an error (authentication, throttle, rejection).
// Event texts are English unless the request asked for French; the
// connector sets the language.
func Parse(body []byte) ([]carrier.Result, error) {
	root, dec, err := rootElement(body)
	if err != nil {
		return nil, badResponse(err)
	}
	switch root.Name.Local {
	case "tracking-detail":
		var d detailXML
		if err := dec.DecodeElement(&d, &root); err != nil {
			return nil, badResponse(fmt.Errorf("unreadable tracking-detail: %w", err))
		}
		return []carrier.Result{parseDetail(&d)}, nil
	case "messages":
		var m messagesXML
		if err := dec.DecodeElement(&m, &root); err != nil {
			return nil, badResponse(fmt.Errorf("unreadable messages: %w", err))
		}
		return parseMessages(&m)
	}
	return nil, badResponse(fmt.Errorf("unexpected root element <%s>", root.Name.Local))
}

// rootElement returns the first element of an XML document and the decoder
// positioned after it.
func rootElement(body []byte) (xml.StartElement, *xml.Decoder, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return xml.StartElement{}, nil, errors.New("no XML element in answer")
			}
			return xml.StartElement{}, nil, fmt.Errorf("unreadable XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, dec, nil
		}
	}
}

// charsetReader accepts the Latin-1 declarations older gateways send; the
// service itself answers in UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1.NewDecoder().Reader(r), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// readMessages parses an error document, if body is one.
func readMessages(body []byte) (messagesXML, bool) {
	var m messagesXML
	root, dec, err := rootElement(body)
	if err != nil || root.Name.Local != "messages" || dec.DecodeElement(&m, &root) != nil {
		return m, false
	}
	return m, true
}

func parseMessages(m *messagesXML) ([]carrier.Result, error) {
	if len(m.Messages) == 0 {
		return nil, badResponse(errors.New("empty messages document"))
	}
	code := strings.TrimSpace(m.Messages[0].Code)
	desc := strings.TrimSpace(m.Messages[0].Description)
	e := &carrier.Error{Carrier: Slug, Op: "parse", CarrierCode: code, Message: desc}
	switch {
	case code == noPinHistory:
		return []carrier.Result{{NotFound: code + ": " + desc}}, nil
	case isAuthCode(code):
		e.Kind = carrier.ErrAuth
	case isThrottle(code, desc):
		e.Kind, e.RetryAfter = carrier.ErrRateLimited, throttleWait
	default:
		e.Kind = carrier.ErrRejected
	}
	return nil, e
}

// isAuthCode: E002 "AAA Authentication Failure" and the AA0xx family
// (deactivated user, key of the other environment, key not matching the
// customer, platform not authorised).
func isAuthCode(code string) bool {
	return code == "E002" || strings.HasPrefix(code, "AA0")
}

// isThrottle recognises the throttle answer: code "Server", description
// "Rejected by SLM Monitor".
func isThrottle(code, desc string) bool {
	return strings.EqualFold(code, "Server") && strings.Contains(desc, "SLM")
}

func badResponse(err error) error {
	return &carrier.Error{Kind: carrier.ErrBadResponse, Carrier: Slug, Op: "parse", Err: err}
}

// parseDetail turns a tracking-detail into a Result. An occurrence whose
// time cannot be read makes the whole Result an error: no partial timeline.
func parseDetail(d *detailXML) carrier.Result {
	r := carrier.Result{TrackingNumber: strings.TrimSpace(d.PIN), Found: true}
	events := make([]shipment.Event, 0, len(d.Occurrences))
	delivered := false
	// Canada Post lists occurrences newest first; walk them oldest first so
	// that equal times keep their real order after the stable sort.
	for i := len(d.Occurrences) - 1; i >= 0; i-- {
		e, err := parseOccurrence(&d.Occurrences[i])
		if err != nil {
			r.Err = badResponse(fmt.Errorf("pin %s occurrence %d: %w", r.TrackingNumber, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(Slug, r.TrackingNumber, &e)
		delivered = delivered || e.Status == status.Delivered
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	if !delivered {
		r.ETA = parseETA(d)
	}
	return r
}

func parseOccurrence(o *occurrenceXML) (shipment.Event, error) {
	var e shipment.Event
	prov := strings.ToUpper(strings.TrimSpace(o.Province))
	site := strings.TrimSpace(o.Site)
	e.Location = shipment.Location{City: site, State: prov}
	if provinces[prov] {
		e.Location.Country = "CA"
	}
	e.Location.Text = joinNonEmpty(", ", strings.TrimSpace(o.RetailName), site, prov)
	st, err := eventStamp(o.Date, o.Time, o.TimeZone, e.Location.Country, prov)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = strings.TrimSpace(o.Identifier)
	e.Text = strings.TrimSpace(o.Description)
	e.Language = "en"
	e.Substatus = classify(e.Code, e.Text, strings.TrimSpace(o.SignatoryName) != "", e.Language)
	e.Status = e.Substatus.Status()
	return e, nil
}

// parseETA reads the expected delivery date; a changed date wins.
func parseETA(d *detailXML) *carrier.ETA {
	for _, s := range []string{d.ChangedExpectedDate, d.ExpectedDeliveryDate} {
		if t, err := time.Parse(time.DateOnly, strings.TrimSpace(s)); err == nil {
			return &carrier.ETA{Date: t.Format(time.DateOnly)}
		}
	}
	return nil
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
