package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// PushReport says what a push did.
type PushReport struct {
	Matched, Unknown, NewEvents, Handoffs int
}

// Push ingests results an aggregator pushed (17TRACK, AfterShip webhooks).
// Each result goes to every parcel with its number; its events are stored
// idempotently (a repeated push changes nothing), hand-offs are followed
// and the parcel's next check is decided afresh from the news, so a pushed
// parcel is not polled again needlessly soon. Numbers Waypost does not
// follow are counted and ignored. An error means the push should be
// retried (the handlers answer 500).
func (t *Tracker) Push(ctx context.Context, source string, results []carrier.Result) (PushReport, error) {
	var rep PushReport
	now := t.cfg.Now()
	for _, r := range results {
		if r.Err != nil || !r.Found {
			continue
		}
		parcels, err := t.cfg.Store.FindParcelsByNumber(ctx, r.TrackingNumber)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return rep, fmt.Errorf("tracker: push: %w", err)
		}
		if len(parcels) == 0 {
			rep.Unknown++
			t.cfg.Metrics.push(source, "unknown", 1)
			continue
		}
		rep.Matched += len(parcels)
		t.cfg.Metrics.push(source, "matched", len(parcels))
		for _, p := range parcels {
			events := make([]shipment.Event, len(r.Events))
			copy(events, r.Events)
			for i := range events {
				events[i].ParcelID = p.ID
			}
			ir, err := t.cfg.Store.IngestEvents(ctx, p.TenantID, events)
			if err != nil {
				return rep, fmt.Errorf("tracker: push: ingest parcel %d: %w", p.ID, err)
			}
			rep.NewEvents += ir.Inserted
			t.stats.newEvents.Add(int64(ir.Inserted))
			t.cfg.Metrics.events(ir.Inserted)
			o := outcome{p: p, res: r}
			before := t.stats.handoffs.Load()
			t.followHandoff(ctx, &o)
			rep.Handoffs += int(t.stats.handoffs.Load() - before)
			if p.NextCheckAt.IsZero() {
				continue // not scheduled (finished): a push does not revive it
			}
			d := t.decideAfterNews(p, r.Events, now, o.handoff)
			if d.Stop() {
				continue // the next regular check records the end
			}
			if err := t.cfg.Store.ScheduleCheck(ctx, p.TenantID, p.ID, d.At, "push from "+source+"; "+d.Reason); err != nil {
				return rep, fmt.Errorf("tracker: push: schedule parcel %d: %w", p.ID, err)
			}
		}
	}
	return rep, nil
}

// decideAfterNews is the policy's answer for a parcel that just received
// events outside a check.
func (t *Tracker) decideAfterNews(p shipment.Parcel, events []shipment.Event, now time.Time, h *Handoff) Decision {
	st := State{Now: now, CreatedAt: p.CreatedAt, Substatus: p.Substatus, StatusAt: p.StatusAt, LastEventAt: p.LastEventAt,
		Found: true, Jitter: jitterOf(p.ID)}
	if prog := shipment.Derive(events); !prog.LastEventAt.IsZero() && prog.LastEventAt.After(st.LastEventAt) {
		st.Substatus, st.StatusAt, st.LastEventAt = prog.Substatus, prog.StatusAt, prog.LastEventAt
	}
	if h != nil && !terminal(st.Substatus) {
		return Decision{At: now.Add(t.cfg.Policy.LateCheck), Reason: fmt.Sprintf(handedOverPrefix+"%s %s: following the next leg", h.Carrier, h.TrackingNumber)}
	}
	return t.cfg.Policy.Next(st)
}

// Retrack makes a parcel due now, also one that had stopped (delivered,
// expired): the user asked for fresh data.
func (t *Tracker) Retrack(ctx context.Context, tenantID, parcelID int64) error {
	if err := t.cfg.Store.ScheduleCheck(ctx, tenantID, parcelID, t.cfg.Now(), "retrack requested"); err != nil {
		return fmt.Errorf("tracker: retrack: %w", err)
	}
	select {
	case t.wake <- struct{}{}:
	default:
	}
	return nil
}
