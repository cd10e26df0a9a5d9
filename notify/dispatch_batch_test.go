package notify

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// bothEngines runs fn on a fresh SQLite store and a fresh PostgreSQL
// schema.
func bothEngines(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newWorld(t, "")) })
	t.Run("postgres", func(t *testing.T) { fn(t, newWorldOn(t, pgStore(t))) })
}

func batchOf(t *testing.T, w *world) batchStore {
	bs, ok := w.st.(batchStore)
	if !ok {
		t.Fatalf("%T cannot store a batch of tasks", w.st)
	}
	return bs
}

// hookMsg is a stored webhook message of a task.
func hookMsg(w *world, sh int64, id string) store.OutboxMessage {
	return store.OutboxMessage{MessageID: id, TenantID: w.tenant.ID, ShipmentID: sh, Channel: "webhook", Moment: "shipped",
		Target: "1", OrderKey: fmt.Sprintf("webhook:1:%d", sh), Body: []byte(`{"id":"` + id + `"}`)}
}

// TestEnqueueForTasks: a batch completes each task as EnqueueMessages
// would on its own: tasks behind an earlier task of their shipment that is
// not done and tasks whose lease is lost are left alone with their
// messages unwritten; the rest are stored in task order, once.
func TestEnqueueForTasks(t *testing.T) {
	bothEngines(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		bs := batchOf(t, w)
		w.consumer() // subscribes the queue
		ps := w.shipments(3)
		// Shipment 1's first change is another node's.
		w.step(ps[1], 0)
		if other, err := w.st.ClaimTasks(ctx, QueueName, time.Now(), 10, "other", time.Minute); err != nil || len(other) != 1 {
			t.Fatalf("claim as other: %d, %v", len(other), err)
		}
		// Shipment 0: two changes; shipment 1: its second; shipment 2: one.
		w.step(ps[0], 0)
		w.step(ps[0], 1)
		w.step(ps[1], 1)
		w.step(ps[2], 0)
		mine, err := w.st.ClaimTasks(ctx, QueueName, time.Now(), 10, "me", time.Minute)
		if err != nil || len(mine) != 4 {
			t.Fatalf("claim as me: %d tasks, %v", len(mine), err)
		}
		byShip := map[int64][]store.Task{}
		for _, tk := range mine {
			byShip[tk.ShipmentID] = append(byShip[tk.ShipmentID], tk)
		}
		// Shipment 2's task passes to another node.
		lostTask := byShip[ps[2].ShipmentID][0]
		if err := w.st.RetryTask(ctx, lostTask.ID, "me", time.Now().Add(-time.Second), ""); err != nil {
			t.Fatal(err)
		}
		if got, err := w.st.ClaimTasks(ctx, QueueName, time.Now(), 10, "thief", time.Minute); err != nil || len(got) != 1 || got[0].ID != lostTask.ID {
			t.Fatalf("claim as thief: %+v, %v", got, err)
		}
		// The batch in reverse ID order: the store must sort it.
		var ids []int64
		var msgs [][]store.OutboxMessage
		for i := len(mine) - 1; i >= 0; i-- {
			tk := mine[i]
			ids = append(ids, tk.ID)
			msgs = append(msgs, []store.OutboxMessage{hookMsg(w, tk.ShipmentID, fmt.Sprintf("m%d", tk.ID))})
		}
		// The first change's message is already stored: counted once.
		first := byShip[ps[0].ShipmentID][0]
		if n, err := w.st.EnqueueMessages(ctx, "", 0, []store.OutboxMessage{hookMsg(w, ps[0].ShipmentID, fmt.Sprintf("m%d", first.ID))}); err != nil || n != 1 {
			t.Fatalf("pre-store: %d, %v", n, err)
		}
		n, results, err := bs.EnqueueForTasks(ctx, "me", ids, msgs)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]error{}
		for _, tk := range mine {
			switch tk.ShipmentID {
			case ps[0].ShipmentID:
				want[tk.ID] = nil
			case ps[1].ShipmentID:
				want[tk.ID] = store.ErrTaskBehind
			case ps[2].ShipmentID:
				want[tk.ID] = store.ErrLeaseLost
			}
		}
		for i, id := range ids {
			if !errors.Is(results[i], want[id]) || (want[id] == nil) != (results[i] == nil) {
				t.Errorf("task %d: %v, want %v", id, results[i], want[id])
			}
		}
		if n != 1 {
			t.Errorf("inserted %d, want 1 (one was stored before)", n)
		}
		stored, err := w.st.ListMessages(ctx, w.tenant.ID, store.MessageQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range stored {
			got = append(got, m.MessageID)
		}
		slices.Reverse(got) // oldest first
		second := byShip[ps[0].ShipmentID][1]
		if exp := []string{fmt.Sprintf("m%d", first.ID), fmt.Sprintf("m%d", second.ID)}; !slices.Equal(got, exp) {
			t.Errorf("stored %v, want %v", got, exp)
		}
		if c, _ := w.st.CountTasks(ctx, QueueName); c != 3 {
			t.Errorf("%d tasks left, want 3 (shipment 1's two, shipment 2's)", c)
		}
		// An invalid message fails the batch before anything is written.
		bad := hookMsg(w, ps[1].ShipmentID, "bad")
		bad.Body = []byte("{not json")
		if _, _, err := bs.EnqueueForTasks(ctx, "thief", []int64{lostTask.ID}, [][]store.OutboxMessage{{bad}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("invalid message: %v", err)
		}
		if c, _ := w.st.CountTasks(ctx, QueueName); c != 3 {
			t.Errorf("%d tasks left after a refused batch, want 3", c)
		}
	})
}

// TestNotifyShipmentsAndTimelines: the batched reads return what the
// one-shipment reads return, and nothing of another tenant.
func TestNotifyShipmentsAndTimelines(t *testing.T) {
	bothEngines(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		bs := batchOf(t, w)
		ps := w.shipments(3)
		// A second leg on shipment 0 and a few events on each.
		leg := shipment.Parcel{ShipmentID: ps[0].ShipmentID, Carrier: "deutsche-post", TrackingNumber: "RR123456785DE", Leg: 2}
		if err := w.st.CreateParcel(ctx, w.tenant.ID, &leg); err != nil {
			t.Fatal(err)
		}
		for step := range 3 {
			w.step(ps[0], step)
			w.step(ps[1], step)
		}
		other := shipment.Tenant{Slug: "other", Name: "Other"}
		if err := w.st.CreateTenant(ctx, &other); err != nil {
			t.Fatal(err)
		}
		ids := []int64{ps[0].ShipmentID, ps[1].ShipmentID, ps[2].ShipmentID, 999999}
		ships, err := bs.NotifyShipments(ctx, w.tenant.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(ships) != 3 {
			t.Errorf("%d shipments, want 3", len(ships))
		}
		parcels, last, err := bs.NotifyTimelines(ctx, w.tenant.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			want, err := w.st.GetShipment(ctx, w.tenant.ID, p.ShipmentID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ships[p.ShipmentID], want) {
				t.Errorf("shipment %d: %+v, want %+v", p.ShipmentID, ships[p.ShipmentID], want)
			}
			wp, _ := w.st.ListParcels(ctx, w.tenant.ID, p.ShipmentID)
			if !reflect.DeepEqual(parcels[p.ShipmentID], wp) {
				t.Errorf("parcels of %d: %+v, want %+v", p.ShipmentID, parcels[p.ShipmentID], wp)
			}
			we, _ := w.st.ListEvents(ctx, w.tenant.ID, p.ShipmentID)
			e, ok := last[p.ShipmentID]
			if len(we) == 0 {
				if ok {
					t.Errorf("shipment %d has no events but a latest one: %+v", p.ShipmentID, e)
				}
			} else if !reflect.DeepEqual(e, we[len(we)-1]) {
				t.Errorf("latest event of %d: %+v, want %+v", p.ShipmentID, e, we[len(we)-1])
			}
		}
		// Another tenant sees none of it.
		if s, err := bs.NotifyShipments(ctx, other.ID, ids); err != nil || len(s) != 0 {
			t.Errorf("other tenant's shipments: %v, %v", s, err)
		}
		if p, l, err := bs.NotifyTimelines(ctx, other.ID, ids); err != nil || len(p) != 0 || len(l) != 0 {
			t.Errorf("other tenant's timelines: %v, %v, %v", p, l, err)
		}
	})
}

// TestRecordDeliveriesBatch: outcomes recorded in one call across several
// statements keep each message's state and log, and report exactly the
// messages whose lease was lost.
func TestRecordDeliveriesBatch(t *testing.T) {
	bothEngines(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		const n = 101 // 64 + 32 + 4 + 1 per statement
		var msgs []store.OutboxMessage
		for i := range n {
			msgs = append(msgs, hookMsg(w, 0, fmt.Sprintf("r%d", i)))
			msgs[i].OrderKey = ""
		}
		if _, err := w.st.EnqueueMessages(ctx, "", 0, msgs); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		list, err := w.st.ClaimMessages(ctx, now, n, "me", time.Minute)
		if err != nil || len(list) != n {
			t.Fatalf("claimed %d, %v", len(list), err)
		}
		var outs []store.DeliveryOutcome
		wantLost := []int64{}
		for i, m := range list {
			o := store.DeliveryOutcome{ID: m.ID, TenantID: m.TenantID, Owner: "me",
				Attempt: store.DeliveryAttempt{At: now, Duration: time.Duration(i) * time.Millisecond, StatusCode: 200 + i%3, Response: fmt.Sprint(i)}}
			switch i % 4 {
			case 0:
				o.State = store.MessageSent
			case 1:
				o.State, o.NextAttemptAt, o.Attempt.Error = store.MessagePending, now.Add(time.Hour), "boom"
			case 2:
				o.State, o.Attempt.Error = store.MessageFailed, "gone"
			case 3:
				o.State, o.Owner = store.MessageSent, "stale" // not the holder
				wantLost = append(wantLost, m.ID)
			}
			outs = append(outs, o)
		}
		lost, err := w.st.RecordDeliveries(ctx, outs)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(lost, wantLost) {
			t.Errorf("lost %v, want %v", lost, wantLost)
		}
		for i, o := range outs {
			m, err := w.st.GetMessage(ctx, w.tenant.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			log, err := w.st.ListDeliveryAttempts(ctx, w.tenant.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if i%4 == 3 {
				if m.State != store.MessagePending || m.LeaseOwner != "me" || len(log) != 0 {
					t.Errorf("lost outcome %d was stored: %+v, log %+v", i, m, log)
				}
				continue
			}
			if m.State != o.State || m.LeaseOwner != "" || m.LastError != o.Attempt.Error || (o.State == store.MessageSent) == m.SentAt.IsZero() {
				t.Errorf("message %d: %+v after outcome %+v", i, m, o)
			}
			if o.State == store.MessagePending && !m.NextAttemptAt.Equal(o.NextAttemptAt.UTC().Truncate(time.Microsecond)) {
				t.Errorf("message %d retries at %s, want %s", i, m.NextAttemptAt, o.NextAttemptAt)
			}
			if len(log) != 1 || log[0].StatusCode != o.Attempt.StatusCode || log[0].Response != o.Attempt.Response ||
				log[0].Duration != o.Attempt.Duration || log[0].Error != o.Attempt.Error {
				t.Errorf("message %d log %+v, want one attempt like %+v", i, log, o.Attempt)
			}
		}
	})
}

// TestConsumerBatchOrder: every change of every shipment queued before the
// consumer runs, planned in one batch, reaches the receiver once each and
// in order per shipment; and a store without the batch methods takes the
// one-task-at-a-time path with the same result.
func TestConsumerBatchOrder(t *testing.T) {
	run := func(t *testing.T, w *world) {
		r := newReceiver(t, nil)
		w.endpoint(r)
		parcels := w.shipments(12)
		c := w.consumer()
		for step := range journey {
			for _, p := range parcels {
				w.step(p, step)
			}
		}
		w.drainTasks(c)
		d := w.dispatcher(time.Second, DispatcherOptions{Concurrency: 16}, WebhookOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- d.Run(ctx) }()
		w.waitOutbox(20 * time.Second)
		cancel()
		<-done
		checkView(t, "receiver", r, parcels)
	}
	t.Run("batch", func(t *testing.T) { bothEngines(t, run) })
	t.Run("one-by-one", func(t *testing.T) {
		w := newWorld(t, "")
		w.st = plainStore{w.st}
		if _, ok := w.st.(batchStore); ok {
			t.Fatal("the wrapped store still has the batch methods")
		}
		w.attach()
		run(t, w)
	})
}

// plainStore hides the batch methods of a store.
type plainStore struct{ fullStore }
