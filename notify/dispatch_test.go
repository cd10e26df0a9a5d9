package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openSQLite(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	if path == "" {
		return testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
	}
	return testdb.OpenSQLiteAt(t, path, sqlite.Options{Logger: quiet})
}

// receipt is one delivery a receiver accepted.
type receipt struct {
	ID, Type string
	Shipment int64
}

// receiver is a seller's webhook endpoint as the seller would write it: it
// checks the signature with its own HMAC code, keeps every request and a
// de-duplicated view by event id. behave decides the answer to the n-th
// request (from 1) for an event: a status and a delay before answering.
type receiver struct {
	t       testing.TB
	secret  string
	format  string
	behave  func(n int) (code int, delay time.Duration)
	srv     *httptest.Server
	mu      sync.Mutex
	raw     int
	tries   map[string]int
	firsts  []receipt // the de-duplicated view, in order of first acceptance
	seen    map[string]bool
	badSigs int
}

func newReceiver(t testing.TB, behave func(n int) (int, time.Duration)) *receiver {
	r := &receiver{t: t, behave: behave, tries: map[string]int{}, seen: map[string]bool{}, format: "waypost"}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := r.verify(req.Header, body); err != nil {
		r.mu.Lock()
		r.badSigs++
		r.mu.Unlock()
		r.t.Errorf("receiver: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev struct {
		ID      string `json:"id"`
		EventID string `json:"event_id"`
		Type    string `json:"type"`
		Event   string `json:"event"`
		Data    struct {
			Shipment struct {
				ID int64 `json:"id"`
			} `json:"shipment"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("receiver: body %q: %v", body, err)
	}
	id := ev.ID + ev.EventID
	if h := req.Header.Get("Waypost-Event-Id"); h != id {
		r.t.Errorf("receiver: Waypost-Event-Id %q, body id %q", h, id)
	}
	r.mu.Lock()
	r.raw++
	r.tries[id]++
	n := r.tries[id]
	r.mu.Unlock()
	code, delay := 200, time.Duration(0)
	if r.behave != nil {
		code, delay = r.behave(n)
	}
	if code < 300 {
		// Accepted: the seller's side has processed it, even if the
		// answer then arrives too late for the sender.
		r.mu.Lock()
		if r.tries[id] == n && !r.seen[id] {
			r.seen[id] = true
			r.firsts = append(r.firsts, receipt{ID: id, Type: ev.Type + ev.Event, Shipment: ev.Data.Shipment.ID})
		}
		r.mu.Unlock()
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-req.Context().Done():
			return
		}
	}
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"ok":%v}`, code < 300)
}

// verify checks the signature headers without this package's code.
func (r *receiver) verify(h http.Header, body []byte) error {
	header := h.Get("Waypost-Signature")
	var ts, sig string
	for _, kv := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	m := hmac.New(sha256.New, []byte(r.secret))
	m.Write([]byte(ts + "." + string(body)))
	if ts == "" || sig != hex.EncodeToString(m.Sum(nil)) {
		return fmt.Errorf("Waypost-Signature %q does not verify", header)
	}
	if r.format == "aftership" {
		m := hmac.New(sha256.New, []byte(r.secret))
		m.Write(body)
		if got := h.Get("aftership-hmac-sha256"); got != base64.StdEncoding.EncodeToString(m.Sum(nil)) {
			return fmt.Errorf("aftership-hmac-sha256 %q does not verify", got)
		}
	}
	return nil
}

// since returns the de-duplicated view from its n-th entry on.
func (r *receiver) since(n int) []receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.firsts[min(n, len(r.firsts)):])
}

func (r *receiver) view() (firsts []receipt, raw int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.firsts), r.raw
}

// fullStore is what both engines implement.
type fullStore interface {
	store.Store
	store.Outbox
	store.Webhooks
	store.Tasks
}

// pgStore opens a PostgreSQL store on a fresh schema, dropped at the end:
// WAYPOST_TEST_DATABASE_URL, skipped without it unless CI=true.
func pgStore(t testing.TB) fullStore {
	t.Helper()
	u := testdb.FreshSchema(t, "waypost_notify")
	return testdb.OpenPostgres(t, u, postgres.Options{Logger: quiet, MaxConns: 16})
}

// world is a store with one tenant, the notify pieces over it and a clock.
type world struct {
	t      testing.TB
	st     fullStore
	tenant shipment.Tenant
	ob     *Outbox
	hooks  *Webhooks
	guard  *Guard
}

func newWorld(t testing.TB, path string) *world { return newWorldOn(t, openSQLite(t, path)) }

func newWorldOn(t testing.TB, st fullStore) *world {
	w := &world{t: t, st: st}
	w.tenant = shipment.Tenant{Slug: "shop", Name: "Shop"}
	if err := st.CreateTenant(context.Background(), &w.tenant); err != nil {
		t.Fatal(err)
	}
	w.attach()
	return w
}

func (w *world) attach() {
	var err error
	if w.ob, err = NewOutbox(w.st, nil); err != nil {
		w.t.Fatal(err)
	}
	if w.guard, err = NewGuard([]string{"127.0.0.1/32"}); err != nil {
		w.t.Fatal(err)
	}
	if w.hooks, err = NewWebhooks(w.st, w.ob, w.guard, nil); err != nil {
		w.t.Fatal(err)
	}
}

// endpoint registers r as an endpoint and gives r its secret.
func (w *world) endpoint(r *receiver, events ...Moment) store.WebhookEndpoint {
	e, err := w.hooks.Create(context.Background(), w.tenant.ID, EndpointInput{URL: r.srv.URL + "/hook", Events: events, Format: r.format})
	if err != nil {
		w.t.Fatal(err)
	}
	r.secret = e.Secret
	return e
}

func (w *world) dispatcher(timeout time.Duration, opts DispatcherOptions, wopts WebhookOptions) *Dispatcher {
	wopts.Guard, wopts.Timeout, wopts.Log = w.guard, timeout, quiet
	ws, err := NewWebhookSender(w.st, wopts)
	if err != nil {
		w.t.Fatal(err)
	}
	if opts.Backoff == nil {
		opts.Backoff = func(int) time.Duration { return 20 * time.Millisecond }
	}
	if opts.Poll == 0 {
		opts.Poll = 20 * time.Millisecond
	}
	opts.Log = quiet
	d, err := NewDispatcher(w.ob, []Sender{ws}, opts)
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func (w *world) consumer() *Consumer {
	c, err := NewConsumer(w.st, w.ob, StatusPlanner{}, ConsumerOptions{Log: quiet, Poll: 20 * time.Millisecond})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := c.Subscribe(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	return c
}

// journey is the order of statuses each test shipment goes through and
// the moments StatusPlanner makes of them.
var (
	journey        = []status.Status{status.InfoReceived, status.InTransit, status.OutForDelivery, status.Delivered}
	journeyMoments = []string{"tracking.shipped", "tracking.in_transit", "tracking.out_for_delivery", "tracking.delivered"}
)

// shipments creates n shipments with one parcel each and returns the
// parcels.
func (w *world) shipments(n int) []shipment.Parcel {
	ctx := context.Background()
	var out []shipment.Parcel
	for i := range n {
		sh := shipment.Shipment{Reference: fmt.Sprintf("order-%d", i), OriginCountry: "CN", DestinationCountry: "DE"}
		if err := w.st.CreateShipment(ctx, w.tenant.ID, &sh); err != nil {
			w.t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "dhl", TrackingNumber: fmt.Sprintf("JD%018d", i+1)}
		if err := w.st.CreateParcel(ctx, w.tenant.ID, &p); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// step ingests the step-th status of the journey for parcel p.
func (w *world) step(p shipment.Parcel, step int) {
	base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	st := journey[step]
	e := shipment.Event{ParcelID: p.ID, Time: base.Add(time.Duration(step) * time.Hour), Code: string(st),
		Text: "step " + string(st), Status: st, Substatus: status.Generic(st), Location: shipment.Location{City: "Leipzig", Country: "DE"}}
	if _, err := w.st.IngestEvents(context.Background(), w.tenant.ID, []shipment.Event{e}); err != nil {
		w.t.Fatal(err)
	}
}

// drainTasks runs the consumer until the notify queue is empty.
func (w *world) drainTasks(c *Consumer) {
	ctx := context.Background()
	for {
		if _, err := c.RunOnce(ctx); err != nil {
			w.t.Fatal(err)
		}
		n, err := w.st.CountTasks(ctx, QueueName)
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// waitOutbox waits until no message is pending, failing after limit.
func (w *world) waitOutbox(limit time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		n, err := w.st.CountMessages(context.Background(), store.MessagePending)
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	n, _ := w.st.CountMessages(context.Background(), store.MessagePending)
	w.t.Fatalf("%d messages still pending after %s", n, limit)
}

// checkView asserts that a receiver's de-duplicated view holds every
// shipment's journey exactly once and in order.
func checkView(t testing.TB, name string, r *receiver, parcels []shipment.Parcel) {
	t.Helper()
	firsts, raw := r.view()
	per := map[int64][]string{}
	for _, x := range firsts {
		per[x.Shipment] = append(per[x.Shipment], x.Type)
	}
	for _, p := range parcels {
		if got := per[p.ShipmentID]; !slices.Equal(got, journeyMoments) {
			t.Errorf("%s: shipment %d got %v, want %v", name, p.ShipmentID, got, journeyMoments)
		}
	}
	if len(firsts) != len(parcels)*len(journey) {
		t.Errorf("%s: %d distinct events, want %d", name, len(firsts), len(parcels)*len(journey))
	}
	t.Logf("%s: %d requests for %d events", name, raw, len(firsts))
}

// TestDeliveryFaultyReceivers drives shipments through their journey into
// three receivers: one answering 500 to every other first try, one whose
// first answer to each event comes after the sender's timeout (it did take
// the event: a late success), one healthy. Each receiver's de-duplicated
// view must hold every event once, in order per shipment, all signed.
func TestDeliveryFaultyReceivers(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testDeliveryFaulty(t, newWorld(t, "")) })
	t.Run("postgres", func(t *testing.T) { testDeliveryFaulty(t, newWorldOn(t, pgStore(t))) })
}

func testDeliveryFaulty(t *testing.T, w *world) {
	failing := newReceiver(t, func(n int) (int, time.Duration) {
		if n%2 == 1 {
			return 500, 0
		}
		return 200, 0
	})
	late := newReceiver(t, func(n int) (int, time.Duration) {
		if n == 1 {
			return 200, 400 * time.Millisecond
		}
		return 200, 0
	})
	healthy := newReceiver(t, nil)
	for _, r := range []*receiver{failing, late, healthy} {
		w.endpoint(r)
	}
	// An endpoint that only wants deliveries gets only those.
	onlyDelivered := newReceiver(t, nil)
	w.endpoint(onlyDelivered, Delivered)

	parcels := w.shipments(6)
	c := w.consumer()
	// Interleave shipments and plan after every step so messages of one
	// shipment pile up behind each other.
	for step := range journey {
		for _, p := range parcels {
			w.step(p, step)
		}
		w.drainTasks(c)
	}
	d := w.dispatcher(150*time.Millisecond, DispatcherOptions{Concurrency: 16, Batch: 32}, WebhookOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	w.waitOutbox(30 * time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkView(t, "failing", failing, parcels)
	checkView(t, "late", late, parcels)
	checkView(t, "healthy", healthy, parcels)
	if _, raw := failing.view(); raw < 2*len(parcels)*len(journey) {
		t.Errorf("failing receiver got %d requests; every event should have needed two", raw)
	}
	if _, raw := late.view(); raw < 2*len(parcels)*len(journey) {
		t.Errorf("late receiver got %d requests; every event should have been repeated", raw)
	}
	if got, _ := onlyDelivered.view(); len(got) != len(parcels) || got[0].Type != "tracking.delivered" {
		t.Errorf("filtered endpoint got %+v", got)
	}
	// Every message is sent and its log tells the story.
	msgs, err := w.st.ListMessages(context.Background(), w.tenant.ID, store.MessageQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if want := 3*len(parcels)*len(journey) + len(parcels); len(msgs) != want {
		t.Errorf("%d messages, want %d", len(msgs), want)
	}
	for _, m := range msgs {
		if m.State != store.MessageSent {
			t.Errorf("message %s is %s (%s)", m.MessageID, m.State, m.LastError)
		}
	}
	var lateMsg store.OutboxMessage
	for _, m := range msgs {
		if m.Target == fmt.Sprint(2) {
			lateMsg = m
			break
		}
	}
	log, err := w.st.ListDeliveryAttempts(context.Background(), w.tenant.ID, lateMsg.ID)
	if err != nil || len(log) < 2 || log[0].Error == "" || log[len(log)-1].StatusCode != 200 || log[len(log)-1].Response != `{"ok":true}` {
		t.Errorf("late endpoint's delivery log: %+v, %v", log, err)
	}
}

// TestEndpointPauseResume: an endpoint failing every attempt is paused
// after messages are given up, later messages wait (paused), the notice
// fires once, and enabling it delivers the waiting messages in order.
func TestEndpointPauseResume(t *testing.T) {
	w := newWorld(t, "")
	var mu sync.Mutex
	broken := true
	r := newReceiver(t, func(int) (int, time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if broken {
			return 503, 0
		}
		return 200, 0
	})
	e := w.endpoint(r)
	notices := make(chan store.WebhookEndpoint, 4)
	d := w.dispatcher(time.Second, DispatcherOptions{GiveUpAfter: 50 * time.Millisecond},
		WebhookOptions{PauseGaveUp: 2, Notice: func(_ context.Context, e store.WebhookEndpoint) { notices <- e }})
	ctx := context.Background()
	parcels := w.shipments(3)
	c := w.consumer()
	w.step(parcels[0], 0)
	w.step(parcels[1], 0)
	w.drainTasks(c)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := w.hooks.Get(ctx, w.tenant.ID, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == store.EndpointPaused {
			if !strings.Contains(got.PausedReason, "given up") {
				t.Errorf("paused reason %q", got.PausedReason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("endpoint not paused: %+v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case n := <-notices:
		if n.ID != e.ID {
			t.Errorf("notice for endpoint %d", n.ID)
		}
	default:
		t.Error("no pause notice")
	}
	failed, _ := w.st.ListMessages(ctx, w.tenant.ID, store.MessageQuery{State: store.MessageFailed})
	if len(failed) != 2 {
		t.Errorf("%d messages given up, want 2", len(failed))
	}
	// New events while paused wait.
	// Pending changes of one shipment may be merged into one task, so
	// each step is planned before the next.
	w.step(parcels[2], 0)
	w.drainTasks(c)
	w.step(parcels[2], 1)
	w.drainTasks(c)
	time.Sleep(endpointTTL) // let the sender's cached endpoint expire
	for range 3 {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	paused, _ := w.st.ListMessages(ctx, w.tenant.ID, store.MessageQuery{State: store.MessagePaused})
	pending, _ := w.st.ListMessages(ctx, w.tenant.ID, store.MessageQuery{State: store.MessagePending})
	if len(paused) != 1 || len(pending) != 1 {
		all, _ := w.st.ListMessages(ctx, w.tenant.ID, store.MessageQuery{})
		for _, m := range all {
			t.Logf("%s %s %s %s", m.MessageID, m.State, m.OrderKey, m.LastError)
		}
		t.Fatalf("while paused: %d paused, %d pending; want the head paused and the next held behind it", len(paused), len(pending))
	}
	mu.Lock()
	broken = false
	mu.Unlock()
	if err := w.hooks.SetState(ctx, w.tenant.ID, e.ID, store.EndpointEnabled, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(endpointTTL)
	for range 4 {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	firsts, _ := r.view()
	var got []string
	for _, x := range firsts {
		if x.Shipment == parcels[2].ShipmentID {
			got = append(got, x.Type)
		}
	}
	if !slices.Equal(got, journeyMoments[:2]) {
		t.Errorf("after resume shipment 3 got %v", got)
	}
	if ep, _ := w.hooks.Get(ctx, w.tenant.ID, e.ID); ep.State != store.EndpointEnabled || ep.GaveUpInARow != 0 {
		t.Errorf("after resume: %+v", ep)
	}
}

// TestTestEventReplayAfterShip sends a test event and replays it to an
// endpoint in the AfterShip format: both signatures verify and the replay
// carries the same event id.
func TestTestEventReplayAfterShip(t *testing.T) {
	w := newWorld(t, "")
	r := newReceiver(t, nil)
	r.format = "aftership"
	e := w.endpoint(r)
	ctx := context.Background()
	m, err := w.hooks.SendTest(ctx, w.tenant.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := w.dispatcher(time.Second, DispatcherOptions{}, WebhookOptions{})
	if n, err := d.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	stored, err := w.st.FindMessage(ctx, w.tenant.ID, m.ID)
	if err != nil || stored.State != store.MessageSent {
		t.Fatalf("test message: %+v, %v", stored, err)
	}
	rep, err := w.hooks.Replay(ctx, w.tenant.ID, stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce replay = %d, %v", n, err)
	}
	firsts, raw := r.view()
	if raw != 2 || len(firsts) != 1 || firsts[0].ID != m.ID || firsts[0].Type != "tracking_update" {
		t.Errorf("receiver: %d requests, view %+v", raw, firsts)
	}
	list, err := w.hooks.Deliveries(ctx, w.tenant.ID, e.ID, 10)
	if err != nil || len(list) != 2 || list[0].ID != rep.ID || list[0].State != store.MessageSent {
		t.Errorf("deliveries: %+v, %v", list, err)
	}
}

// TestEndpointInputErrors: bad settings are refused with stable codes
// before anything is stored, and another tenant's endpoint is not found.
func TestEndpointInputErrors(t *testing.T) {
	w := newWorld(t, "")
	ctx := context.Background()
	closed, _ := NewGuard(nil)
	strict, _ := NewWebhooks(w.st, w.ob, closed, nil)
	cases := []struct {
		in   EndpointInput
		code string
	}{
		{EndpointInput{URL: "ftp://shop.example/h"}, "webhook_url_scheme"},
		{EndpointInput{URL: "shop.example/h"}, "webhook_url_scheme"},
		{EndpointInput{URL: "https://user:pw@shop.example/h"}, "webhook_url_invalid"},
		{EndpointInput{URL: "http://127.0.0.1:8080/h"}, "webhook_address_blocked"},
		{EndpointInput{URL: "http://169.254.169.254/"}, "webhook_address_blocked"},
		{EndpointInput{URL: "https://shop.example/h", Format: "zapier"}, "webhook_format"},
		{EndpointInput{URL: "https://shop.example/h", Events: []Moment{"teleported"}}, "webhook_events"},
	}
	for _, c := range cases {
		_, err := strict.Create(ctx, w.tenant.ID, c.in)
		if got := ErrorCode(err); got != c.code {
			t.Errorf("%+v: %v (code %q), want %q", c.in, err, got, c.code)
		}
	}
	if list, _ := strict.List(ctx, w.tenant.ID); len(list) != 0 {
		t.Errorf("%d endpoints stored from bad input", len(list))
	}
	e, err := strict.Create(ctx, w.tenant.ID, EndpointInput{URL: "https://shop.example/h", Events: []Moment{Delivered}})
	if err != nil || !strings.HasPrefix(e.Secret, "whsec_") {
		t.Fatalf("Create = %+v, %v", e, err)
	}
	other := shipment.Tenant{Slug: "other", Name: "Other"}
	if err := w.st.CreateTenant(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Get(ctx, other.ID, e.ID); ErrorCode(err) != "not_found" {
		t.Errorf("other tenant's Get: %v", err)
	}
	if _, err := strict.SendTest(ctx, other.ID, e.ID); ErrorCode(err) != "not_found" {
		t.Errorf("other tenant's SendTest: %v", err)
	}
	if _, err := strict.Update(ctx, w.tenant.ID, e.ID, EndpointInput{URL: "gopher://x"}); ErrorCode(err) != "webhook_url_scheme" {
		t.Errorf("Update with a bad URL: %v", err)
	}
	sec, err := strict.RotateSecret(ctx, w.tenant.ID, e.ID)
	if err != nil || sec == e.Secret {
		t.Errorf("RotateSecret = %q, %v", sec, err)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		for range 20 {
			if got := Backoff(i + 1); got < w*8/10 || got > w*12/10 {
				t.Errorf("Backoff(%d) = %s, want %s ±20%%", i+1, got, w)
			}
		}
	}
	// The schedule spans the 26 h before giving up with ~31 attempts.
	total, n := time.Duration(0), 0
	for ; total < 26*time.Hour; n++ {
		total += Backoff(n + 1)
	}
	if n < 25 || n > 40 {
		t.Errorf("%d attempts in 26 h", n)
	}
}
