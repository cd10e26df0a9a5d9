package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// outcome is what one parcel's check produced, before it is stored.
type outcome struct {
	p       shipment.Parcel
	res     carrier.Result
	err     error // per-parcel or batch failure
	fresh   []shipment.Event
	handoff *Handoff
	legDone bool // a hand-off was already followed: this leg is finished
}

// check sends one batch to the carrier and records every outcome.
func (l *lane) check(ctx context.Context, batch []shipment.Parcel) {
	t := l.t
	now := t.cfg.Now()
	// Leases are renewed while parcels wait (renewLoop). One that could
	// not be renewed, or is nearly over, is left alone: another node may
	// take it any moment, and two nodes must never check one parcel at
	// once. It is checked once the lease expires.
	live := batch[:0]
	for _, p := range batch {
		if t.held.until(p).Sub(now) < t.cfg.LeaseFor/3 {
			t.stats.lost.Add(1)
			t.done(p)
			continue
		}
		t.held.checking(p)
		live = append(live, p)
	}
	batch = live
	if len(batch) == 0 {
		return
	}
	if until, why := l.paused(now); !until.IsZero() {
		for _, p := range batch {
			t.postpone(ctx, p, spread(until, p.ID, until.Sub(now)), "deferred: "+why)
			t.done(p)
		}
		return
	}
	reqs := make([]carrier.Request, len(batch))
	for i, p := range batch {
		reqs[i] = request(p)
	}
	started := time.Now()
	cctx, cancel := context.WithTimeout(ctx, t.cfg.CallTimeout)
	results, err := l.conn.Track(cctx, reqs)
	cancel()
	stretch := l.countCall(now)
	t.cfg.Metrics.call(l.slug, err)
	now = t.cfg.Now()

	if err != nil {
		if until, why, ok := l.pauseFor(err, now); ok {
			l.setPause(until, why)
			t.log.Info("tracker: carrier paused", "carrier", l.slug, "until", until, "reason", why)
			for _, p := range batch {
				t.postpone(ctx, p, spread(until, p.ID, until.Sub(now)), "deferred: "+why)
				t.done(p)
			}
			return
		}
	}
	outs := make([]outcome, len(batch))
	for i, p := range batch {
		outs[i].p = p
		switch {
		case err != nil:
			outs[i].err = err
		case i >= len(results):
			outs[i].err = fmt.Errorf("tracker: %s answered %d results for %d numbers", l.slug, len(results), len(batch))
		default:
			outs[i].res = results[i]
			outs[i].err = results[i].Err
		}
	}
	if !t.ingest(ctx, outs) {
		// The store refused the events: give the parcels back so they are
		// checked again soon rather than marked checked without their news.
		l.release(ctx, batch)
		return
	}
	pcs := make([]store.ParcelCheck, len(outs))
	cs := make([]Check, len(outs))
	for i := range outs {
		pcs[i], cs[i] = t.decide(ctx, &outs[i], now, stretch, started)
	}
	t.record(ctx, pcs, cs)
}

// request builds the carrier request of a parcel from its extra keys.
func request(p shipment.Parcel) carrier.Request {
	r := carrier.Request{TrackingNumber: p.TrackingNumber, Extra: p.Extra}
	if p.Extra != nil {
		r.PostalCode = p.Extra["postal_code"]
		r.DestinationCountry = p.Extra["destination_country"]
		if d, err := time.Parse("2006-01-02", p.Extra["ship_date"]); err == nil {
			r.ShipDate = d
		}
	}
	return r
}

// spread places a parcel at a deterministic point of [at, at+width/4], so a
// carrier that reopens is not hit by every deferred parcel at once.
func spread(at time.Time, id int64, width time.Duration) time.Time {
	return at.Add(time.Duration(jitterOf(id) * float64(max(width/4, time.Minute))))
}

// fresh returns the events worth ingesting: all of them when at least one
// is newer than what the parcel has seen (ingest is idempotent, so older
// ones that were missed come along), none otherwise. This keeps the common
// "nothing new" check free of writes.
func fresh(p shipment.Parcel, events []shipment.Event) []shipment.Event {
	if len(events) == 0 {
		return nil
	}
	if p.LastEventAt.IsZero() {
		return events
	}
	for i := range events {
		if events[i].Time.After(p.LastEventAt) {
			return events
		}
	}
	return nil
}

// ingest stores the new events of a batch, one transaction per tenant, and
// opens hand-off legs. It reports false when the store failed.
func (t *Tracker) ingest(ctx context.Context, outs []outcome) bool {
	byTenant := map[int64][]shipment.Event{}
	for i := range outs {
		o := &outs[i]
		if o.err != nil || !o.res.Found {
			continue
		}
		o.fresh = fresh(o.p, o.res.Events)
		for _, e := range o.fresh {
			e.ParcelID = o.p.ID
			byTenant[o.p.TenantID] = append(byTenant[o.p.TenantID], e)
		}
	}
	for tenant, events := range byTenant {
		res, err := t.cfg.Store.IngestEvents(ctx, tenant, events)
		if err != nil {
			t.log.Warn("tracker: ingest", "tenant_id", tenant, "events", len(events), "error", err)
			return false
		}
		t.stats.newEvents.Add(int64(res.Inserted))
		t.cfg.Metrics.events(res.Inserted)
	}
	for i := range outs {
		o := &outs[i]
		if o.err == nil && o.res.Found {
			t.recordCarrierETA(ctx, o.p, o.res.ETA)
			t.followHandoff(ctx, o)
		}
	}
	return true
}

// followHandoff opens the next leg when the events show a hand-off.
func (t *Tracker) followHandoff(ctx context.Context, o *outcome) {
	if prev, ok := followed(o.p.NextCheckReason); ok {
		// The row says the next leg was opened at an earlier check.
		o.handoff, o.legDone = &prev, true
		return
	}
	if !mayHandOff(o.p, o.res.Events) {
		return
	}
	sh, err := t.cfg.Store.GetShipment(ctx, o.p.TenantID, o.p.ShipmentID)
	if err != nil {
		t.log.Warn("tracker: hand-off: shipment", "parcel_id", o.p.ID, "error", err)
		return
	}
	h, ok := DetectHandoff(o.p, sh.DestinationCountry, o.res.Events, t.cfg.Handoff)
	if !ok {
		return
	}
	o.handoff = &h
	legs, err := t.cfg.Store.ListParcels(ctx, o.p.TenantID, o.p.ShipmentID)
	if err != nil {
		t.log.Warn("tracker: hand-off: parcels", "parcel_id", o.p.ID, "error", err)
		return
	}
	for _, q := range legs {
		if q.Carrier == h.Carrier && q.TrackingNumber == h.TrackingNumber {
			o.legDone = q.ID != o.p.ID
			return
		}
	}
	next := shipment.Parcel{ShipmentID: o.p.ShipmentID, Carrier: h.Carrier, TrackingNumber: h.TrackingNumber, Leg: o.p.Leg + 1}
	if pc := o.p.Extra["postal_code"]; pc != "" {
		next.Extra = map[string]string{"postal_code": pc}
	}
	switch err := t.cfg.Store.CreateParcel(ctx, o.p.TenantID, &next); {
	case err == nil:
		t.stats.handoffs.Add(1)
		t.cfg.Metrics.handoff(o.p.Carrier, h.Carrier)
		t.log.Info("tracker: hand-off", "shipment_id", o.p.ShipmentID, "from", o.p.Carrier, "to", h.Carrier, "leg", next.Leg, "why", h.Why)
	case errors.Is(err, store.ErrConflict):
		// Another node opened it first, or the number is on another
		// shipment of the tenant; either way it is tracked.
	default:
		t.log.Warn("tracker: hand-off: create parcel", "parcel_id", o.p.ID, "error", err)
	}
}

// mayHandOff is a cheap filter before the store is asked anything: a
// handed_over event, or an S10 item that left its country.
func mayHandOff(p shipment.Parcel, events []shipment.Event) bool {
	departed := false
	for i := range events {
		switch events[i].Substatus {
		case status.InTransitHandedOver:
			return true
		case status.InTransitDepartedOriginCountry:
			departed = true
		}
	}
	return departed && isS10(p.TrackingNumber)
}

// handedOverPrefix starts the scheduling reason of a leg whose successor
// was opened; followed reads it back from the row.
const handedOverPrefix = "handed over to "

func followed(reason string) (Handoff, bool) {
	rest, ok := strings.CutPrefix(reason, handedOverPrefix)
	if !ok {
		return Handoff{}, false
	}
	if c := strings.IndexByte(rest, ':'); c >= 0 {
		rest = rest[:c]
	}
	carrierSlug, number, _ := strings.Cut(rest, " ")
	return Handoff{Carrier: carrierSlug, TrackingNumber: number, Why: "opened at an earlier check"}, true
}

// decide chooses the next check of one parcel from its outcome.
func (t *Tracker) decide(ctx context.Context, o *outcome, now time.Time, stretch float64, started time.Time) (store.ParcelCheck, Check) {
	p := o.p
	st := State{Now: now, CreatedAt: p.CreatedAt, Substatus: p.Substatus, StatusAt: p.StatusAt,
		LastEventAt: p.LastEventAt, Found: p.LastEventAt.After(time.Time{}), Stretch: stretch, Jitter: jitterOf(p.ID)}
	cr := store.CheckResult{CheckedAt: now}
	c := Check{Node: t.cfg.Node, Parcel: p, Started: started, At: now}
	switch {
	case o.err != nil:
		st.Failed, st.ConsecutiveErrors = true, p.ConsecutiveErrors+1
		var ce *carrier.Error
		if errors.As(o.err, &ce) {
			st.RetryAfter = ce.RetryAfter
		}
		cr.Result, cr.Err = "error", errText(o.err)
		c.Outcome = "error"
		t.stats.errors.Add(1)
	case !o.res.Found:
		cr.Result = "not_found"
		if o.res.NotFound != "" {
			cr.Result = "not_found: " + o.res.NotFound
		}
		c.Outcome = "not_found"
	default:
		st.Found = true
		if len(o.res.Events) > 0 {
			prog := shipment.Derive(o.res.Events)
			if !prog.LastEventAt.IsZero() {
				st.Substatus, st.StatusAt, st.LastEventAt = prog.Substatus, prog.StatusAt, prog.LastEventAt
			}
		}
		st.LateChecked = terminal(p.Substatus) && !p.LastCheckedAt.IsZero()
		cr.Result = fmt.Sprintf("ok: %d events, %d new", len(o.res.Events), countNewer(p, o.res.Events))
		c.Outcome, c.NewEvents = "ok", countNewer(p, o.res.Events)
	}
	d := t.cfg.Policy.Next(st)
	if o.handoff != nil && !terminal(st.Substatus) {
		// The next leg carries the parcel on; this one gets one late check
		// for stray scans, then stops.
		d = Decision{At: now.Add(t.cfg.Policy.LateCheck), Reason: fmt.Sprintf(handedOverPrefix+"%s %s: following the next leg", o.handoff.Carrier, o.handoff.TrackingNumber)}
		if o.legDone {
			d = Decision{Reason: fmt.Sprintf(handedOverPrefix+"%s %s: leg complete", o.handoff.Carrier, o.handoff.TrackingNumber)}
		}
	}
	cr.NextCheckAt, cr.Reason = d.At, d.Reason
	c.Next, c.Handoff, c.Substatus = d, o.handoff, string(st.Substatus)
	if d.Stop() && d.Reason == ReasonExpired {
		// The moment it expired, from what the policy saw: the same
		// whichever check records it, so a repeat stores nothing new.
		lastNews := st.LastEventAt
		if lastNews.IsZero() {
			lastNews = st.CreatedAt
		}
		c.expireAt = lastNews.Add(t.cfg.Policy.ExpireAfter)
	}
	return store.ParcelCheck{TenantID: p.TenantID, ParcelID: p.ID, Owner: p.LeaseOwner, CheckResult: cr}, c
}

// record stores the outcomes of a batch in one transaction and reports
// each check.
func (t *Tracker) record(ctx context.Context, pcs []store.ParcelCheck, cs []Check) {
	// A check ends when its outcome is handed to the store: from the
	// commit on, another node may claim the parcel.
	fin := time.Now()
	lost, err := t.cfg.Store.RescheduleMany(ctx, pcs)
	if err != nil {
		// Nothing was stored; the leases expire and the parcels are
		// checked again.
		t.log.Warn("tracker: reschedule", "parcels", len(pcs), "error", err)
	}
	isLost := make(map[int64]bool, len(lost))
	for _, id := range lost {
		isLost[id] = true
	}
	for i := range cs {
		c := &cs[i]
		c.Finished = fin
		if isLost[c.Parcel.ID] || err != nil {
			c.Lost = true
			t.stats.lost.Add(1)
			if err == nil {
				t.log.Warn("tracker: lease lost before the outcome was stored", "parcel_id", c.Parcel.ID, "node", t.cfg.Node)
			}
		}
		if !c.Lost && !c.expireAt.IsZero() {
			t.expire(ctx, c.Parcel.TenantID, c.Parcel.ID, c.expireAt)
		}
		t.stats.checked.Add(1)
		t.cfg.Metrics.check(c.Parcel.Carrier, c.Outcome)
		t.observe(*c)
		t.done(c.Parcel)
	}
}

func (t *Tracker) observe(c Check) {
	if t.cfg.OnCheck != nil {
		t.cfg.OnCheck(c)
	}
}

func countNewer(p shipment.Parcel, events []shipment.Event) int {
	n := 0
	for i := range events {
		if events[i].Time.After(p.LastEventAt) {
			n++
		}
	}
	return n
}

// errText is the stored error: the stable code first, then the message.
func errText(err error) string {
	return carrier.ErrorCode(err) + ": " + err.Error()
}

// expire records that tracking stopped for lack of news: an event of
// Waypost's own, so the timeline says so and the status becomes expired.
// Its time is the moment the parcel expired (last news + ExpireAfter), not
// the moment of the check, so recording it twice stores it once.
func (t *Tracker) expire(ctx context.Context, tenantID, parcelID int64, at time.Time) {
	e := ExpiryEvent(parcelID, at, t.cfg.Policy.ExpireAfter)
	res, err := t.cfg.Store.IngestEvents(ctx, tenantID, []shipment.Event{e})
	switch {
	case err != nil:
		t.log.Warn("tracker: expire", "parcel_id", parcelID, "error", err)
	case len(res.Rejected) > 0:
		t.log.Warn("tracker: expiry event rejected", "parcel_id", parcelID, "error", res.Rejected[0].Err)
	}
}

// ExpiryCode is the event code of Waypost's own expiry event.
const ExpiryCode = "waypost.expired"

// ExpiryEvent is the event recorded when a parcel expires at the given
// time after the given silence.
func ExpiryEvent(parcelID int64, at time.Time, after time.Duration) shipment.Event {
	return shipment.Event{
		ParcelID: parcelID, Time: at.UTC().Truncate(time.Second), Zone: "UTC", OffsetSource: shipment.OffsetExplicit,
		Code: ExpiryCode, Language: "en",
		Text:   fmt.Sprintf("No new tracking information for %s; tracking stopped", days(after)),
		Status: status.Expired, Substatus: status.ExpiredExpired,
	}
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// deferParcel pushes a claimed parcel to at and releases the lease.
func deferParcel(ctx context.Context, s store.Store, p shipment.Parcel, at time.Time, why string) error {
	return s.DeferCheck(ctx, p.TenantID, p.ID, p.LeaseOwner, at, why)
}
