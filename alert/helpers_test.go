package alert_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// t0 is a fixed instant in the past: events may not lie in the future, and
// the engine's clock is moved by hand from there.
var t0 = time.Now().UTC().Add(-40 * 24 * time.Hour).Truncate(time.Hour)

func hours(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

// env is a real SQLite store with one tenant and an engine whose clock
// the test sets.
type env struct {
	t      *testing.T
	ctx    context.Context
	st     *sqlite.Store
	tenant shipment.Tenant
	eng    *alert.Engine
	box    *memOutbox
	mu     sync.Mutex
	now    time.Time
	seq    atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: t.Context(), box: &memOutbox{}, now: t0}
	// The store shares the test's clock, so change tasks are due when the
	// engine looks.
	e.st = testdb.OpenSQLite(t, sqlite.Options{Logger: quiet, Now: e.clock})
	e.tenant = shipment.Tenant{Slug: "shop", Name: "Ada's Shop"}
	if err := e.st.CreateTenant(e.ctx, &e.tenant); err != nil {
		t.Fatal(err)
	}
	e.eng = e.engine(alert.Options{})
	return e
}

func (e *env) engine(o alert.Options) *alert.Engine {
	e.t.Helper()
	o.Store, o.Log, o.Now = e.st, quiet, e.clock
	if o.Outbox == nil {
		o.Outbox = e.box
	}
	if o.Audience == nil {
		o.Audience = alert.StaticAudience{Emails: []string{"ops@shop.example"}, Webhooks: []string{"7"}, Slack: []string{"9"}}
	}
	o.BaseURL = "https://waypost.example"
	eng, err := alert.New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return eng
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) at(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// parcel creates a shipment CN -> DE with one parcel of carrier.
func (e *env) parcel(carrier string, promised time.Time) (shipment.Shipment, shipment.Parcel) {
	e.t.Helper()
	n := e.seq.Add(1)
	sh := shipment.Shipment{Reference: fmt.Sprintf("#10%02d", n), OriginCountry: "CN", DestinationCountry: "DE",
		PromisedDate: promised, Customer: shipment.Contact{Name: "Jonas", Email: "jonas@example.de", Language: "de-DE"}}
	if err := e.st.CreateShipment(e.ctx, e.tenant.ID, &sh); err != nil {
		e.t.Fatal(err)
	}
	p := shipment.Parcel{ShipmentID: sh.ID, Carrier: carrier, TrackingNumber: fmt.Sprintf("LX%09dCN", n)}
	if err := e.st.CreateParcel(e.ctx, e.tenant.ID, &p); err != nil {
		e.t.Fatal(err)
	}
	return sh, p
}

// scan ingests the events (at hours after t0) of one parcel.
func (e *env) scan(p shipment.Parcel, steps ...step) {
	e.t.Helper()
	var evs []shipment.Event
	for _, s := range steps {
		// A carrier reports what happened, never the future.
		if hours(s.h).After(e.clock()) {
			e.at(hours(s.h))
		}
		evs = append(evs, shipment.Event{ParcelID: p.ID, Time: hours(s.h), Status: s.sub.Status(), Substatus: s.sub,
			Text: string(s.sub), Location: shipment.Location{Country: "DE"}})
	}
	res, err := e.st.IngestEvents(e.ctx, e.tenant.ID, evs)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(res.Rejected) > 0 {
		e.t.Fatalf("events rejected: %v", res.Rejected[0].Err)
	}
}

type step struct {
	h   float64
	sub status.Substatus
}

// evaluate runs the rules on the shipment at hour h.
func (e *env) evaluate(sh shipment.Shipment, h float64) store.AlertChanges {
	e.t.Helper()
	e.at(hours(h))
	ch, err := e.eng.EvaluateShipment(e.ctx, e.tenant.ID, sh.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// open returns the open alert kinds of a shipment.
func (e *env) open(sh shipment.Shipment) map[alert.Kind]store.Alert {
	e.t.Helper()
	p, err := e.st.ListAlerts(e.ctx, e.tenant.ID, store.AlertQuery{ShipmentID: sh.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[alert.Kind]store.Alert{}
	for _, a := range p.Alerts {
		out[alert.Kind(a.Kind)] = a
	}
	return out
}

// all returns every alert of a shipment, open or cleared, by kind.
func (e *env) all(sh shipment.Shipment) map[alert.Kind][]store.Alert {
	e.t.Helper()
	p, err := e.st.ListAlerts(e.ctx, e.tenant.ID, store.AlertQuery{ShipmentID: sh.ID, All: true})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[alert.Kind][]store.Alert{}
	for _, a := range p.Alerts {
		out[alert.Kind(a.Kind)] = append(out[alert.Kind(a.Kind)], a)
	}
	return out
}

func kinds(m map[alert.Kind]store.Alert) []alert.Kind {
	var out []alert.Kind
	for _, k := range alert.Kinds {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// wantOpen fails unless exactly the given kinds are open.
func (e *env) wantOpen(sh shipment.Shipment, when string, want ...alert.Kind) {
	e.t.Helper()
	got := kinds(e.open(sh))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Errorf("%s: open alerts %v, want %v", when, got, want)
	}
}

// wantCleared fails unless the latest alert of kind is cleared for reason.
func (e *env) wantCleared(sh shipment.Shipment, k alert.Kind, reason string) {
	e.t.Helper()
	list := e.all(sh)[k]
	if len(list) == 0 {
		e.t.Errorf("no %s alert was ever raised", k)
		return
	}
	if a := list[0]; a.Open() || a.ClearedReason != reason {
		e.t.Errorf("%s: open=%v reason %q, want cleared for %q", k, a.Open(), a.ClearedReason, reason)
	}
}

// memOutbox keeps messages by ID, as the real outbox does.
type memOutbox struct {
	mu   sync.Mutex
	msgs []notify.Message
	ids  map[string]bool
}

func (m *memOutbox) Enqueue(_ context.Context, msgs ...notify.Message) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids = map[string]bool{}
	}
	n := 0
	for _, msg := range msgs {
		if m.ids[msg.ID] {
			continue
		}
		m.ids[msg.ID] = true
		m.msgs = append(m.msgs, msg)
		n++
	}
	return n, nil
}

func (m *memOutbox) take() []notify.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}
