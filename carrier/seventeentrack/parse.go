package seventeentrack

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

// acceptedJSON is one accepted number: the register answer carries only
// number and carrier, gettrackinfo and pushes add track_info (v2.2
// document; field names also in the shared samples).
type acceptedJSON struct {
	Number    flexText       `json:"number"`
	Carrier   flexInt        `json:"carrier"`
	TrackInfo *trackInfoJSON `json:"track_info"`
}

type trackInfoJSON struct {
	ShippingInfo *struct {
		ShipperAddress   *addressJSON `json:"shipper_address"`
		RecipientAddress *addressJSON `json:"recipient_address"`
	} `json:"shipping_info"`
	LatestStatus *statusJSON `json:"latest_status"`
	LatestEvent  *eventJSON  `json:"latest_event"`
	TimeMetrics  *struct {
		EstimatedDeliveryDate *struct {
			Source flexText `json:"source"`
			From   flexText `json:"from"`
			To     flexText `json:"to"`
		} `json:"estimated_delivery_date"`
	} `json:"time_metrics"`
	Tracking *struct {
		Providers []providerJSON `json:"providers"`
	} `json:"tracking"`
}

type statusJSON struct {
	Status         flexText `json:"status"`
	SubStatus      flexText `json:"sub_status"`
	SubStatusDescr flexText `json:"sub_status_descr"`
}

type addressJSON struct {
	Country    flexText `json:"country"`
	State      flexText `json:"state"`
	City       flexText `json:"city"`
	Street     flexText `json:"street"`
	PostalCode flexText `json:"postal_code"`
}

type providerJSON struct {
	Provider *struct {
		Key     flexInt  `json:"key"`
		Name    flexText `json:"name"`
		Country flexText `json:"country"`
	} `json:"provider"`
	Events []eventJSON `json:"events"`
}

// eventJSON is one event. v2.2 gives stage (a key stage or null); v2.4 adds
// sub_status per event. time_iso is the carrier's local time with offset,
// time_utc the same instant in UTC.
type eventJSON struct {
	TimeISO     flexText     `json:"time_iso"`
	TimeUTC     flexText     `json:"time_utc"`
	Description flexText     `json:"description"`
	Location    flexText     `json:"location"`
	Stage       flexText     `json:"stage"`
	SubStatus   flexText     `json:"sub_status"`
	Address     *addressJSON `json:"address"`
}

// pushJSON is the body of a push notification.
type pushJSON struct {
	Event flexText      `json:"event"`
	Data  *acceptedJSON `json:"data"`
}

// Parse reads one saved answer of gettrackinfo (or register) or one push
// notification body. It returns one Result per number; a rejected number
// becomes a not-found Result or one with Err. A whole-call failure (a
// non-zero code) is returned as the error.
func Parse(body []byte) ([]carrier.Result, error) {
	trimmed := bytes.TrimSpace(body)
	var probe struct {
		Event json.RawMessage `json:"event"`
	}
	if json.Unmarshal(trimmed, &probe) == nil && len(probe.Event) > 0 {
		p, err := parsePush(trimmed)
		if err != nil {
			return nil, err
		}
		if p.result == nil {
			return nil, nil
		}
		return []carrier.Result{*p.result}, nil
	}
	env, err := decodeEnvelope(trimmed)
	if err != nil {
		return nil, err
	}
	if err := env.failure("parse"); err != nil {
		return nil, err
	}
	out := make([]carrier.Result, 0, len(env.Data.Accepted)+len(env.Data.Rejected))
	for i := range env.Data.Accepted {
		out = append(out, env.Data.Accepted[i].result())
	}
	for i := range env.Data.Rejected {
		r := &env.Data.Rejected[i]
		out = append(out, r.result(string(r.Number)))
	}
	return out, nil
}

// Push event names (v2.2 webhook document).
const (
	EventTrackingUpdated = "TRACKING_UPDATED"
	EventTrackingStopped = "TRACKING_STOPPED"
)

// push is a parsed notification: the event name and, for updates, the
// Result it carries.
type push struct {
	event  string
	number string
	result *carrier.Result
}

func parsePush(body []byte) (push, error) {
	var p pushJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return push{}, badResponse(fmt.Errorf("unreadable push body: %w", err))
	}
	if dec.More() {
		return push{}, badResponse(errors.New("trailing data after the push body"))
	}
	out := push{event: string(p.Event)}
	if out.event == "" {
		return push{}, badResponse(errors.New("push body without event"))
	}
	if p.Data == nil || p.Data.Number == "" {
		return push{}, badResponse(fmt.Errorf("push %s without data.number", out.event))
	}
	out.number = string(p.Data.Number)
	if out.event == EventTrackingUpdated {
		if p.Data.TrackInfo == nil {
			return push{}, badResponse(fmt.Errorf("push %s for %s without track_info", out.event, out.number))
		}
		r := p.Data.result()
		out.result = &r
	}
	return out, nil
}

// result turns an accepted number into a Result. An event that cannot be
// read makes the whole Result an error: no partial timeline.
func (a *acceptedJSON) result() carrier.Result {
	num := string(a.Number)
	r := carrier.Result{TrackingNumber: num}
	ti := a.TrackInfo
	if ti == nil {
		// A register answer, or gettrackinfo before the first fetch.
		r.NotFound = "registered with 17TRACK; no tracking information yet"
		return r
	}
	hashSlug := HashSlug(int(a.Carrier))
	events, err := ti.events(num, hashSlug)
	if err != nil {
		r.Err = badResponse(fmt.Errorf("number %s: %w", num, err))
		return r
	}
	r.Events = events
	r.ETA = ti.eta()
	if len(events) == 0 {
		r.NotFound = "no tracking information yet"
		if ls := ti.LatestStatus; ls != nil && ls.Status != "" {
			r.NotFound = string(ls.Status)
			if ls.SubStatus != "" && ls.SubStatus != ls.Status {
				r.NotFound = string(ls.SubStatus)
			}
			if ls.SubStatusDescr != "" {
				r.NotFound += ": " + string(ls.SubStatusDescr)
			}
		}
		return r
	}
	r.Found = true
	return r
}

// events merges the events of every provider (origin carrier, last-mile
// carrier), oldest first, without exact duplicates.
func (ti *trackInfoJSON) events(number, hashSlug string) ([]shipment.Event, error) {
	if ti.Tracking == nil {
		return nil, nil
	}
	n := 0
	for _, p := range ti.Tracking.Providers {
		n += len(p.Events)
	}
	out := make([]shipment.Event, 0, n)
	seen := make(map[string]bool, n)
	for pi := range ti.Tracking.Providers {
		p := &ti.Tracking.Providers[pi]
		home := ""
		if p.Provider != nil {
			home = strings.ToUpper(string(p.Provider.Country))
		}
		// Providers list events newest first; walk them oldest first so
		// that equal times keep their real order after the stable sort.
		for i := len(p.Events) - 1; i >= 0; i-- {
			e, err := parseEvent(&p.Events[i], home)
			if err != nil {
				return nil, fmt.Errorf("provider %d event %d: %w", pi, i, err)
			}
			e.Hash = shipment.HashEvent(hashSlug, number, &e)
			if seen[e.Hash] {
				continue
			}
			seen[e.Hash] = true
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	applyLatestStatus(out, ti.LatestStatus)
	return out, nil
}

// parseEvent reads one event. home is the provider's country, used when the
// event's own address names none.
func parseEvent(ev *eventJSON, home string) (shipment.Event, error) {
	var e shipment.Event
	if a := ev.Address; a != nil {
		e.Location = shipment.Location{
			City:       string(a.City),
			State:      string(a.State),
			PostalCode: string(a.PostalCode),
			Country:    countryCode(string(a.Country)),
		}
	}
	e.Location.Text = string(ev.Location)
	country := e.Location.Country
	if country == "" {
		country = home
	}
	st, err := eventTime(string(ev.TimeISO), string(ev.TimeUTC), country, e.Location.State)
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Text = string(ev.Description)
	e.Code = eventCode(string(ev.SubStatus), string(ev.Stage))
	// The language of 17TRACK's texts is not stated in v2.2 answers, so
	// Language stays empty.
	e.Substatus = classifyEvent(string(ev.SubStatus), string(ev.Stage), e.Text)
	e.Status = e.Substatus.Status()
	return e, nil
}

// countryCode keeps ISO 3166-1 alpha-2 codes; 17TRACK sometimes leaves a
// country name in the field.
func countryCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if c, ok := shipment.NormalizeCountry(s); ok {
		return c
	}
	return ""
}

// eta reads time_metrics.estimated_delivery_date: the first day of the
// window is the date; the instants are kept when they carry an offset.
func (ti *trackInfoJSON) eta() *carrier.ETA {
	if ti.TimeMetrics == nil || ti.TimeMetrics.EstimatedDeliveryDate == nil {
		return nil
	}
	ed := ti.TimeMetrics.EstimatedDeliveryDate
	from, to := string(ed.From), string(ed.To)
	if from == "" {
		from = to
	}
	if from == "" {
		return nil
	}
	fs, err := carrier.ParseISO(from, "", "")
	if err != nil {
		return nil
	}
	eta := &carrier.ETA{Date: fs.Local[:10]}
	if fs.Source == shipment.OffsetExplicit {
		eta.Start = fs.Time
	}
	if to != "" {
		if ts, err := carrier.ParseISO(to, "", ""); err == nil && ts.Source == shipment.OffsetExplicit {
			eta.End = ts.Time
		}
	}
	return eta
}
