package notify

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// BenchmarkDispatch measures webhook deliveries per second from a full
// outbox to a loopback receiver (signing, HTTP, recording outcomes), with
// one order key per 10 messages.
func BenchmarkDispatch(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDispatch(b, newWorld(b, "")) })
	b.Run("postgres", func(b *testing.B) { benchDispatch(b, newWorldOn(b, pgStore(b))) })
}

func benchDispatch(b *testing.B, w *world) {
	var mu sync.Mutex
	got := 0
	done := make(chan struct{})
	r := newReceiver(b, nil)
	r.behave = func(int) (int, time.Duration) {
		mu.Lock()
		got++
		if got == b.N {
			close(done)
		}
		mu.Unlock()
		return 200, 0
	}
	e := w.endpoint(r)
	ctx := context.Background()
	msgs := make([]Message, 0, 1000)
	for i := range b.N {
		msgs = append(msgs, Message{ID: fmt.Sprintf("evt_%d", i), TenantID: w.tenant.ID, Channel: Webhook, Moment: Delivered,
			Target: strconv.FormatInt(e.ID, 10), OrderKey: fmt.Sprintf("k%d", i/10), Body: fmt.Appendf(nil, `{"id":"evt_%d","type":"tracking.delivered"}`, i)})
		if len(msgs) == cap(msgs) || i == b.N-1 {
			if _, err := w.ob.Enqueue(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
	d := w.dispatcher(5*time.Second, DispatcherOptions{Concurrency: 64, Batch: 200}, WebhookOptions{})
	rctx, cancel := context.WithCancel(ctx)
	b.ResetTimer()
	start := time.Now()
	go func() { _ = d.Run(rctx) }()
	<-done
	el := time.Since(start)
	b.StopTimer()
	cancel()
	b.ReportMetric(float64(b.N)/el.Seconds(), "webhooks/s")
}

// BenchmarkConsumeAndDispatch measures the notification pipeline without
// ingest: b.N change tasks (a quarter of the shipments at each step of the
// journey) are queued first, then the consumer plans them in batches and
// the dispatcher delivers them to a loopback receiver; the figure is
// webhooks received per second from the start of planning.
func BenchmarkConsumeAndDispatch(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchConsume(b, newWorld(b, "")) })
	b.Run("postgres", func(b *testing.B) { benchConsume(b, newWorldOn(b, pgStore(b))) })
}

func benchConsume(b *testing.B, w *world) {
	var mu sync.Mutex
	got := 0
	done := make(chan struct{})
	r := newReceiver(b, nil)
	r.behave = func(int) (int, time.Duration) {
		mu.Lock()
		got++
		if got == b.N {
			close(done)
		}
		mu.Unlock()
		return 200, 0
	}
	w.endpoint(r)
	c, err := NewConsumer(w.st, w.ob, StatusPlanner{}, ConsumerOptions{Log: quiet, Poll: 20 * time.Millisecond, Batch: 200})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Subscribe(ctx); err != nil {
		b.Fatal(err)
	}
	parcels := w.shipments((b.N + len(journey) - 1) / len(journey))
	for i := range b.N {
		w.step(parcels[i%len(parcels)], i/len(parcels))
	}
	d := w.dispatcher(5*time.Second, DispatcherOptions{Concurrency: 64, Poll: 20 * time.Millisecond}, WebhookOptions{})
	b.ResetTimer()
	start := time.Now()
	go func() { _ = c.Run(ctx) }()
	go func() { _ = d.Run(ctx) }()
	<-done
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "webhooks/s")
}

// TestLoadPushToWebhook is the end-to-end load figure, run only with
// WAYPOST_NOTIFY_LOAD=1 (WAYPOST_NOTIFY_LOAD_RATE changes the offered
// rate, default 1000 changes/s, WAYPOST_NOTIFY_LOAD_SECONDS the length,
// default 10, WAYPOST_NOTIFY_LOAD_PUSHERS the concurrent pushers, default
// 16): shipment changes are ingested at the rate, one IngestEvents
// call per change as a carrier push makes it, and each reaches a loopback
// webhook receiver through the change task, the planner, the outbox and
// the dispatcher. It prints the achieved rate and the push-to-receipt
// latency percentiles, on SQLite and on PostgreSQL.
func TestLoadPushToWebhook(t *testing.T) {
	if os.Getenv("WAYPOST_NOTIFY_LOAD") != "1" {
		t.Skip("set WAYPOST_NOTIFY_LOAD=1 to run the load measurement")
	}
	t.Run("sqlite", func(t *testing.T) { loadPushToWebhook(t, newWorld(t, "")) })
	t.Run("postgres", func(t *testing.T) { loadPushToWebhook(t, newWorldOn(t, pgStore(t))) })
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadPushToWebhook(t *testing.T, w *world) {
	rate := envInt("WAYPOST_NOTIFY_LOAD_RATE", 1000)
	secs := envInt("WAYPOST_NOTIFY_LOAD_SECONDS", 10)
	total := rate * secs
	// Each shipment makes the four-step journey, so a quarter as many
	// shipments as changes.
	parcels := w.shipments((total + len(journey) - 1) / len(journey))

	var mu sync.Mutex
	sentAt := map[[2]int64]time.Time{} // shipment, step -> push time
	var lat []time.Duration
	stepOf := map[string]int64{}
	for i, m := range journeyMoments {
		stepOf[m] = int64(i)
	}
	all := make(chan struct{})
	r := newReceiver(t, nil)
	r.behave = func(int) (int, time.Duration) { return 200, 0 }
	w.endpoint(r)
	// Latency is read from the receiver's de-duplicated view as it grows.
	go func() {
		seen := 0
		for {
			fresh := r.since(seen)
			now := time.Now()
			mu.Lock()
			for _, x := range fresh {
				if at, ok := sentAt[[2]int64{x.Shipment, stepOf[x.Type]}]; ok {
					lat = append(lat, now.Sub(at))
				}
			}
			n := len(lat)
			mu.Unlock()
			seen += len(fresh)
			if n >= total {
				close(all)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := NewConsumer(w.st, w.ob, StatusPlanner{}, ConsumerOptions{Log: quiet, Poll: 20 * time.Millisecond, Batch: 200})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Subscribe(ctx); err != nil {
		t.Fatal(err)
	}
	d := w.dispatcher(5*time.Second, DispatcherOptions{Concurrency: 64, Poll: 20 * time.Millisecond}, WebhookOptions{})
	go func() { _ = c.Run(ctx) }()
	go func() { _ = d.Run(ctx) }()

	start := time.Now()
	base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	tick := time.Second / time.Duration(rate)
	// Pushes arrive concurrently, as carriers' webhooks do.
	pushers := envInt("WAYPOST_NOTIFY_LOAD_PUSHERS", 16)
	var wg sync.WaitGroup
	for k := range pushers {
		wg.Go(func() {
			for i := k; i < total; i += pushers {
				// Step k of every shipment before step k+1 of any: each
				// change moves a shipment whose previous change was pushed
				// long before.
				p := parcels[i%len(parcels)]
				step := i / len(parcels)
				if due := start.Add(time.Duration(i) * tick); time.Until(due) > 0 {
					time.Sleep(time.Until(due))
				}
				st := journey[step]
				e := shipment.Event{ParcelID: p.ID, Time: base.Add(time.Duration(step) * time.Hour), Code: string(st), Text: string(st),
					Status: st, Substatus: status.Generic(st)}
				mu.Lock()
				sentAt[[2]int64{p.ShipmentID, int64(step)}] = time.Now()
				mu.Unlock()
				if _, err := w.st.IngestEvents(ctx, w.tenant.ID, []shipment.Event{e}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	offered := time.Since(start)
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		t.Fatalf("only %d of %d webhooks received", len(lat), total)
	}
	el := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(100 * time.Microsecond) }
	pending, _ := w.st.CountMessages(ctx, store.MessagePending)
	t.Logf("%d changes pushed in %.1fs (%.0f/s offered), %d webhooks received in %.1fs (%.0f/s); push-to-webhook p50 %s p90 %s p99 %s max %s; %d pending",
		total, offered.Seconds(), float64(total)/offered.Seconds(), len(lat), el.Seconds(), float64(len(lat))/el.Seconds(),
		pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1].Round(time.Millisecond), pending)
}
