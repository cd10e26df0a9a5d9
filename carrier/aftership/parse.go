package aftership

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// trackingJSON is AfterShip's tracking object, reduced to the fields read
// (tracking-sdk-go model.Tracking; 2024 versions name countries
// *_country_region, older ones *_country_iso3).
type trackingJSON struct {
	ID             flexText         `json:"id"`
	LegacyID       flexText         `json:"legacy_id"`
	TrackingNumber flexText         `json:"tracking_number"`
	Slug           flexText         `json:"slug"`
	Tag            flexText         `json:"tag"`
	Subtag         flexText         `json:"subtag"`
	SubtagMessage  flexText         `json:"subtag_message"`
	Checkpoints    []checkpointJSON `json:"checkpoints"`
	CourierEDD     *struct {
		Date flexText `json:"estimated_delivery_date"`
		Min  flexText `json:"estimated_delivery_date_min"`
		Max  flexText `json:"estimated_delivery_date_max"`
	} `json:"courier_estimated_delivery_date"`
	ExpectedDelivery flexText `json:"expected_delivery"`
}

// checkpointJSON is one checkpoint. checkpoint_time is the carrier's local
// time, with an offset when the carrier gives one.
type checkpointJSON struct {
	Slug           flexText `json:"slug"`
	CheckpointTime flexText `json:"checkpoint_time"`
	Location       flexText `json:"location"`
	City           flexText `json:"city"`
	State          flexText `json:"state"`
	Zip            flexText `json:"zip"`
	PostalCode     flexText `json:"postal_code"`
	CountryISO3    flexText `json:"country_iso3"`
	CountryRegion  flexText `json:"country_region"`
	Message        flexText `json:"message"`
	Tag            flexText `json:"tag"`
	Subtag         flexText `json:"subtag"`
	RawTag         flexText `json:"raw_tag"`
}

// webhookJSON is the body of a webhook: {ts, event, event_id, msg}.
type webhookJSON struct {
	Event   flexText      `json:"event"`
	EventID flexText      `json:"event_id"`
	Msg     *trackingJSON `json:"msg"`
}

// Parse reads one saved AfterShip answer (a list, a single tracking) or one
// webhook body, and returns a Result per tracking. An error answer (a meta
// code of 4xx/5xx) is returned as the error; 4004 (tracking does not exist)
// is a not-found Result.
func Parse(body []byte) ([]carrier.Result, error) {
	body = bytes.TrimSpace(body)
	var probe struct {
		Msg  json.RawMessage `json:"msg"`
		Meta json.RawMessage `json:"meta"`
	}
	if json.Unmarshal(body, &probe) == nil && len(probe.Msg) > 0 && len(probe.Meta) == 0 {
		w, err := parseWebhook(body)
		if err != nil {
			return nil, err
		}
		return []carrier.Result{w.Msg.result()}, nil
	}
	env, err := decodeEnvelope(body)
	if err != nil {
		return nil, err
	}
	if code := int(env.Meta.Code); code >= 400 {
		if code == metaNotFound {
			return []carrier.Result{{NotFound: "4004: " + string(env.Meta.Message)}}, nil
		}
		kind := carrier.ErrRejected
		switch {
		case code == 401 || code == 403:
			kind = carrier.ErrAuth
		case code == 429:
			kind = carrier.ErrRateLimited
		case code >= 500 && code < 600:
			kind = carrier.ErrUnavailable
		}
		return nil, &carrier.Error{Kind: kind, Carrier: Name, Op: "parse",
			CarrierCode: strconv.Itoa(int(env.Meta.Code)), Message: string(env.Meta.Message)}
	}
	ts, err := env.trackings()
	if err != nil {
		return nil, err
	}
	out := make([]carrier.Result, len(ts))
	for i := range ts {
		out[i] = ts[i].result()
	}
	return out, nil
}

func parseWebhook(body []byte) (*webhookJSON, error) {
	var w webhookJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return nil, badResponse(errf("unreadable webhook body: %w", err))
	}
	if dec.More() {
		return nil, badResponse(errors.New("trailing data after the webhook body"))
	}
	if w.Msg == nil || w.Msg.TrackingNumber == "" {
		return nil, badResponse(errors.New("webhook without msg.tracking_number"))
	}
	return &w, nil
}

// result turns a tracking into a Result. A checkpoint that cannot be read
// makes the whole Result an error: no partial timeline.
func (t *trackingJSON) result() carrier.Result {
	num := string(t.TrackingNumber)
	r := carrier.Result{TrackingNumber: num, UniqueID: string(t.ID)}
	hashSlug := Name
	if t.Slug != "" {
		hashSlug = WaypostSlug(string(t.Slug))
	}
	events := make([]shipment.Event, 0, len(t.Checkpoints))
	for i := range t.Checkpoints {
		e, err := parseCheckpoint(&t.Checkpoints[i])
		if err != nil {
			r.Err = badResponse(errf("tracking %s checkpoint %d: %w", num, i, err))
			return r
		}
		e.Hash = shipment.HashEvent(hashSlug, num, &e)
		events = append(events, e)
	}
	// Checkpoints come oldest first; the stable sort only mends strays.
	slices.SortStableFunc(events, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
	r.Events = events
	r.ETA = t.eta()
	tag := string(t.Tag)
	r.Found = len(events) > 0 || (tag != "" && tag != "Pending")
	if !r.Found {
		r.NotFound = strings.TrimSpace(string(t.Subtag) + ": " + string(t.SubtagMessage))
		if r.NotFound == ":" {
			r.NotFound = "pending at AfterShip: no tracking information yet"
		}
	}
	return r
}

func parseCheckpoint(cp *checkpointJSON) (shipment.Event, error) {
	var e shipment.Event
	country := alpha2(string(cp.CountryRegion))
	if country == "" {
		country = alpha2(string(cp.CountryISO3))
	}
	postal := string(cp.PostalCode)
	if postal == "" {
		postal = string(cp.Zip)
	}
	e.Location = shipment.Location{Text: string(cp.Location), City: string(cp.City), State: string(cp.State),
		PostalCode: postal, Country: country}
	ts := string(cp.CheckpointTime)
	if ts == "" {
		return e, errors.New("checkpoint without checkpoint_time")
	}
	st, err := carrier.ParseISO(ts, country, string(cp.State))
	if err != nil {
		return e, err
	}
	st.Set(&e)
	e.Code = string(cp.RawTag)
	e.Text = string(cp.Message)
	e.Substatus = classify(string(cp.Subtag), string(cp.Tag), e.Text)
	e.Status = e.Substatus.Status()
	return e, nil
}

// classify maps a checkpoint: its subtag, then its tag (through the tables
// of package status), refined by the English text where the code is
// generic; the text classifier only when AfterShip gave no code. Pending
// describes a tracking, never one of its events.
func classify(subtag, tag, text string) status.Substatus {
	for _, code := range []string{subtag, tag} {
		if code == "" {
			continue
		}
		if s, ok := status.FromAfterShip(code); ok {
			if s.Status() == status.Pending {
				return ""
			}
			return carrier.RefineByText(s, text)
		}
	}
	if text == "" {
		return ""
	}
	r := status.Classify(text)
	if r.Confidence <= 0 || r.Status == status.Pending {
		return ""
	}
	return r.Substatus
}

// eta reads the courier's estimated delivery (a date, or a window).
func (t *trackingJSON) eta() *carrier.ETA {
	var date, from, to string
	if e := t.CourierEDD; e != nil {
		date, from, to = string(e.Date), string(e.Min), string(e.Max)
	}
	if date == "" {
		date = from
	}
	if date == "" {
		date = string(t.ExpectedDelivery)
	}
	if len(date) < 10 {
		return nil
	}
	eta := &carrier.ETA{Date: date[:10]}
	if _, err := carrier.ParseISO(eta.Date, "", ""); err != nil {
		return nil
	}
	for dst, v := range map[*string]string{&eta.From: from, &eta.To: to} {
		if len(v) >= 16 && v[10] == 'T' && v[:10] == eta.Date {
			*dst = v[11:16]
		}
	}
	return eta
}
