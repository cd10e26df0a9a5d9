package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

func (f *fixture) tasks() store.Tasks {
	f.t.Helper()
	ts, ok := f.s.(store.Tasks)
	if !ok {
		f.t.Fatalf("%T does not implement store.Tasks", f.s)
	}
	return ts
}

func (f *fixture) claimTasks(queue string, now time.Time, limit int, owner string) []store.Task {
	f.t.Helper()
	list, err := f.tasks().ClaimTasks(f.ctx, queue, now, limit, owner, time.Minute)
	if err != nil {
		f.t.Fatalf("ClaimTasks: %v", err)
	}
	return list
}

// testChangeTasks: ingest writes one change task per moved shipment to
// each subscribed queue, in its transaction, and none for repeats.
func testChangeTasks(t *testing.T, f *fixture) {
	ts := f.tasks()
	if err := ts.SubscribeQueue(f.ctx, "alert"); err != nil {
		t.Fatal(err)
	}
	if err := ts.SubscribeQueue(f.ctx, "alert"); err != nil {
		t.Fatalf("subscribing twice: %v", err)
	}
	if err := ts.SubscribeQueue(f.ctx, "notify"); err != nil {
		t.Fatal(err)
	}
	tn, sh, p := f.setup()

	// A carrier dumping twenty old events at once is one change.
	var batch []shipment.Event
	for i := range 20 {
		batch = append(batch, ev(p.ID, float64(i), status.InTransitArrivedFacility, fmt.Sprintf("scan %d", i)))
	}
	batch = append(batch, ev(p.ID, 21, status.InTransitArrivedDestinationCountry, "arrived DE"))
	f.ingest(tn.ID, batch)
	for _, q := range []string{"alert", "notify"} {
		if n, err := ts.CountTasks(f.ctx, q); err != nil || n != 1 {
			t.Fatalf("queue %s after one batch: %d tasks (%v), want 1", q, n, err)
		}
	}
	if n, _ := ts.CountTasks(f.ctx, "shop"); n != 0 {
		t.Errorf("unsubscribed queue got %d tasks", n)
	}
	got := f.claimTasks("alert", time.Now(), 10, "node-a")
	if len(got) != 1 {
		t.Fatalf("claimed %d tasks, want 1", len(got))
	}
	task := got[0]
	if task.Kind != store.KindShipmentChanged || task.TenantID != tn.ID || task.ShipmentID != sh.ID || task.Change == nil {
		t.Fatalf("task = %+v", task)
	}
	c := task.Change
	if c.Prev.Status != status.Pending || c.Next.Substatus != status.InTransitArrivedDestinationCountry || c.NewEvents != 21 {
		t.Errorf("change = prev %s, next %s, %d new events; want pending -> arrived destination, 21", c.Prev.Status, c.Next.Substatus, c.NewEvents)
	}
	if c.Next.Milestones.ArrivedDestination.IsZero() {
		t.Error("change lost the milestones")
	}
	if task.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", task.Attempts)
	}

	// The same events again move nothing and queue nothing.
	f.ingest(tn.ID, batch)
	if n, _ := ts.CountTasks(f.ctx, "alert"); n != 1 {
		t.Errorf("repeat batch queued tasks: %d, want still 1", n)
	}
	lost, err := ts.CompleteTasks(f.ctx, "node-b", task.ID)
	if err != nil || len(lost) != 1 {
		t.Errorf("completing another owner's task: lost %v, err %v; want it reported lost", lost, err)
	}
	if lost, err := ts.CompleteTasks(f.ctx, "node-a", task.ID); err != nil || len(lost) != 0 {
		t.Fatalf("CompleteTasks: lost %v, err %v", lost, err)
	}
	if n, _ := ts.CountTasks(f.ctx, "alert"); n != 0 {
		t.Errorf("completed task still queued: %d", n)
	}
	if n, _ := ts.CountTasks(f.ctx, "notify"); n != 1 {
		t.Errorf("completing on one queue touched another: notify has %d", n)
	}
}

// testTaskLeases: retries, lease expiry and concurrent claimers.
func testTaskLeases(t *testing.T, f *fixture) {
	ts := f.tasks()
	tn := f.tenant()
	now := time.Now().UTC().Truncate(time.Millisecond)
	var ids []int64
	for i := range 40 {
		id, err := ts.EnqueueTask(f.ctx, store.Task{Queue: "work", Kind: "test", TenantID: tn.ID, Payload: []byte(fmt.Sprintf(`{"n":%d}`, i)), RunAt: now.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := ts.EnqueueTask(f.ctx, store.Task{Queue: "", Kind: "x", TenantID: tn.ID}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty queue name: %v, want ErrInvalid", err)
	}
	if _, err := ts.ClaimTasks(f.ctx, "work", now, 0, "a", time.Minute); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("zero limit: %v, want ErrInvalid", err)
	}

	// Concurrent claimers split the queue without overlap.
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := range 4 {
		owner := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				list, err := ts.ClaimTasks(f.ctx, "work", now, 3, owner, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(list) == 0 {
					return
				}
				mu.Lock()
				for _, task := range list {
					if prev, dup := seen[task.ID]; dup {
						t.Errorf("task %d claimed by %s and %s", task.ID, prev, owner)
					}
					seen[task.ID] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != len(ids) {
		t.Fatalf("claimed %d distinct tasks, want %d", len(seen), len(ids))
	}

	// A retried task is due again at the time given, with its error.
	first := ids[0]
	if err := ts.RetryTask(f.ctx, first, "nobody", now, "x"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("retry under a lease not held: %v, want ErrLeaseLost", err)
	}
	if err := ts.RetryTask(f.ctx, first, seen[first], now.Add(time.Hour), "carrier said 500"); err != nil {
		t.Fatal(err)
	}
	// Half an hour on, the others' one-minute leases have lapsed, but the
	// retried task is not yet due.
	early := f.claimTasks("work", now.Add(30*time.Minute), 100, "late")
	for _, task := range early {
		if task.ID == first {
			t.Errorf("retried task claimed before its time")
		}
	}
	if len(early) != len(ids)-1 {
		t.Errorf("after the leases lapsed %d tasks were claimable, want %d", len(early), len(ids)-1)
	}
	got := f.claimTasks("work", now.Add(61*time.Minute), 100, "later")
	// The retried task, plus every other one whose one-minute lease lapsed.
	var retried *store.Task
	for i := range got {
		if got[i].ID == first {
			retried = &got[i]
		}
	}
	if retried == nil || retried.LastError != "carrier said 500" || retried.Attempts != 2 {
		t.Fatalf("retried task = %+v", retried)
	}
	if len(got) != len(ids) {
		t.Errorf("after the leases lapsed %d tasks were claimable, want %d", len(got), len(ids))
	}
}
