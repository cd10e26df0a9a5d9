package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// ManualEventsBody adds events by hand, for carriers Waypost cannot ask.
type ManualEventsBody struct {
	Events []ManualEvent `json:"events" minItems:"1" maxItems:"100"`
}

// ManualEvent is one event entered by hand.
type ManualEvent struct {
	LegID     int64     `json:"leg_id,omitempty" doc:"The leg; default the first"`
	Time      time.Time `json:"time" doc:"RFC 3339 with the local offset, e.g. 2026-03-01T14:05:00+01:00"`
	Status    string    `json:"status,omitempty" enum:"pending,info_received,in_transit,out_for_delivery,attempt_fail,available_for_pickup,delivered,exception,expired"`
	Substatus string    `json:"substatus,omitempty" maxLength:"64" doc:"status.reason; sets status when status is absent"`
	Location  *Location `json:"location,omitempty"`
	Text      string    `json:"text,omitempty" maxLength:"2000"`
	Code      string    `json:"code,omitempty" maxLength:"100"`
	Language  string    `json:"language,omitempty" maxLength:"35"`
}

// EventsResult says what adding events did.
type EventsResult struct {
	Inserted   int             `json:"inserted"`
	Duplicates int             `json:"duplicates" doc:"Events already stored (a retry adds nothing)"`
	Rejected   []RejectedEvent `json:"rejected,omitempty"`
	Tracking   TrackingDetail  `json:"tracking"`
}

// RejectedEvent names an event left out and why.
type RejectedEvent struct {
	Index   int    `json:"index"`
	Message string `json:"message"`
}

type eventsInput struct {
	IdempotencyHeader
	ID   int64 `path:"id" minimum:"1"`
	Body ManualEventsBody
}

type eventsOutput struct {
	ReplayHeader
	Body EventsResult
}

func (a *API) registerActions() {
	var auth Auth
	op := func(id, path, summary string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: http.MethodPost, Path: Base + path, Summary: summary, Tags: tagTrackings,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, store.ScopeWrite)
		return o
	}
	retrack := op("retrack-tracking", "/trackings/{id}/retrack", "Ask the carriers again now", 404, 409)
	retrack.DefaultStatus = http.StatusAccepted
	huma.Register(a.huma, retrack, func(ctx context.Context, in *idInput) (*detailOutput, error) {
		tenant := TenantID(ctx)
		sh, err := a.st.GetShipment(ctx, tenant, in.ID)
		if err != nil {
			return nil, a.storeErr(ctx, err, "tracking")
		}
		if !sh.CompletedAt.IsZero() {
			return nil, NewError(http.StatusConflict, CodeTrackingCompleted, "the tracking is completed and no longer tracked")
		}
		ps, err := a.st.ListParcels(ctx, tenant, sh.ID)
		if err != nil {
			return nil, a.storeErr(ctx, err, "tracking")
		}
		now := a.now()
		for _, p := range ps {
			if err := a.st.ScheduleCheck(ctx, tenant, p.ID, now, "retrack requested through the API"); err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
		}
		d, err := a.detail(ctx, sh.ID)
		if err != nil {
			return nil, err
		}
		return &detailOutput{d}, nil
	})

	huma.Register(a.huma, op("complete-tracking", "/trackings/{id}/complete", "Mark a tracking complete and stop tracking it", 404),
		func(ctx context.Context, in *idInput) (*detailOutput, error) {
			tenant := TenantID(ctx)
			sh, err := a.st.GetShipment(ctx, tenant, in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			if sh.CompletedAt.IsZero() {
				sh.CompletedAt = a.now()
				if err := a.st.UpdateShipment(ctx, tenant, &sh); err != nil {
					return nil, a.storeErr(ctx, err, "tracking")
				}
			}
			d, err := a.detailOf(ctx, sh)
			if err != nil {
				return nil, err
			}
			return &detailOutput{d}, nil
		})

	events := op("add-tracking-events", "/trackings/{id}/events", "Add events by hand", 404, 413, 422)
	events.Description = "For carriers without an API. Each event is stored once: sending the same events again adds nothing. Needs scope write."
	huma.Register(a.huma, events, func(ctx context.Context, in *eventsInput) (*eventsOutput, error) {
		return idempotent(ctx, a, in.IdempotencyKey, "add-tracking-events", in, func() (*eventsOutput, error) {
			return a.addEvents(ctx, in)
		})
	})
}

func (a *API) addEvents(ctx context.Context, in *eventsInput) (*eventsOutput, error) {
	tenant := TenantID(ctx)
	ps, err := a.st.ListParcels(ctx, tenant, in.ID)
	if err != nil {
		return nil, a.storeErr(ctx, err, "tracking")
	}
	if len(ps) == 0 {
		return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "the tracking has no leg to add events to")
	}
	legs := map[int64]bool{}
	for _, p := range ps {
		legs[p.ID] = true
	}
	evs := make([]shipment.Event, 0, len(in.Body.Events))
	for i, m := range in.Body.Events {
		loc := "body.events[" + itoa(i) + "]"
		leg := m.LegID
		if leg == 0 {
			leg = ps[0].ID
		}
		if !legs[leg] {
			return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "no such leg in this tracking",
				Detail{Location: loc + ".leg_id", Message: "not a leg of this tracking", Value: m.LegID})
		}
		e := shipment.Event{ParcelID: leg, Time: m.Time, Text: m.Text, Code: m.Code, Language: m.Language,
			OffsetSource: shipment.OffsetExplicit, Status: status.Status(m.Status)}
		_, off := m.Time.Zone()
		e.UTCOffset = off
		e.LocalTime = m.Time.Format("2006-01-02T15:04:05")
		if m.Substatus != "" {
			sub := status.Substatus(m.Substatus)
			if !sub.Valid() || (e.Status != "" && sub.Status() != e.Status) {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "unknown substatus or one of another status",
					Detail{Location: loc + ".substatus", Message: "not a substatus of the status", Value: m.Substatus})
			}
			e.Substatus, e.Status = sub, sub.Status()
		} else if e.Status != "" {
			e.Substatus = status.Generic(e.Status)
		}
		if m.Location != nil {
			e.Location = shipment.Location{Text: m.Location.Text, City: m.Location.City, State: m.Location.State,
				PostalCode: m.Location.PostalCode, Country: m.Location.Country}
		}
		evs = append(evs, e)
	}
	res, err := a.st.IngestEvents(ctx, tenant, evs)
	if err != nil {
		return nil, a.storeErr(ctx, err, "tracking")
	}
	out := &eventsOutput{Body: EventsResult{Inserted: res.Inserted, Duplicates: res.Duplicates}}
	for _, r := range res.Rejected {
		out.Body.Rejected = append(out.Body.Rejected, RejectedEvent{Index: r.Index, Message: r.Err.Error()})
	}
	d, err := a.detail(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out.Body.Tracking = d
	return out, nil
}
