package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
)

// RunOutbox runs the outbox and webhook endpoint contract. Subtests run in
// parallel, each on its own store.
func RunOutbox(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *outboxFixture)
	}{
		{"EnqueueIdempotent", testOutboxEnqueue},
		{"EnqueueWithTask", testOutboxTask},
		{"OrderKey", testOutboxOrder},
		{"LeaseExpiry", testOutboxLease},
		{"LogAndReplay", testOutboxReplay},
		{"ClaimConcurrent", func(t *testing.T, f *outboxFixture) { OutboxClaimersSplit(t, f.ob, f.ob, f.tenant().ID) }},
		{"Endpoints", testWebhookEndpoints},
		{"EndpointPause", testWebhookPause},
		{"TenantIsolation", testOutboxIsolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			f := &outboxFixture{fixture: newFixture(t, s)}
			var ok bool
			if f.ob, ok = s.(store.Outbox); !ok {
				t.Fatalf("%T does not implement store.Outbox", s)
			}
			if f.wh, ok = s.(store.Webhooks); !ok {
				t.Fatalf("%T does not implement store.Webhooks", s)
			}
			tc.fn(t, f)
		})
	}
}

type outboxFixture struct {
	*fixture
	ob store.Outbox
	wh store.Webhooks
}

func msg(tenantID int64, id, key string) store.OutboxMessage {
	return store.OutboxMessage{MessageID: id, TenantID: tenantID, Channel: "webhook", Moment: "delivered",
		Target: "1", OrderKey: key, Body: []byte(fmt.Sprintf(`{"id":%q}`, id))}
}

func (f *outboxFixture) enqueue(msgs ...store.OutboxMessage) int {
	f.t.Helper()
	n, err := f.ob.EnqueueMessages(f.ctx, "", 0, msgs)
	if err != nil {
		f.t.Fatalf("EnqueueMessages: %v", err)
	}
	return n
}

func (f *outboxFixture) claim(now time.Time, limit int, owner string) []store.OutboxMessage {
	f.t.Helper()
	list, err := f.ob.ClaimMessages(f.ctx, now, limit, owner, time.Minute)
	if err != nil {
		f.t.Fatalf("ClaimMessages: %v", err)
	}
	return list
}

func ids(list []store.OutboxMessage) []string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m.MessageID
	}
	slices.Sort(out)
	return out
}

func (f *outboxFixture) record(m store.OutboxMessage, owner string, state store.MessageState, next time.Time, errText string) []int64 {
	f.t.Helper()
	lost, err := f.ob.RecordDeliveries(f.ctx, []store.DeliveryOutcome{{ID: m.ID, TenantID: m.TenantID, Owner: owner,
		State: state, NextAttemptAt: next, Attempt: store.DeliveryAttempt{At: time.Now(), Duration: 3 * time.Millisecond,
			StatusCode: 500, Error: errText, Response: "oops"}}})
	if err != nil {
		f.t.Fatalf("RecordDeliveries: %v", err)
	}
	return lost
}

func testOutboxEnqueue(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	if n := f.enqueue(msg(tn.ID, "a", ""), msg(tn.ID, "b", "")); n != 2 {
		t.Fatalf("inserted %d, want 2", n)
	}
	if n := f.enqueue(msg(tn.ID, "a", ""), msg(tn.ID, "c", "")); n != 1 {
		t.Fatalf("re-enqueue inserted %d, want 1 (a is a repeat)", n)
	}
	m, err := f.ob.FindMessage(f.ctx, tn.ID, "a")
	if err != nil || m.State != store.MessagePending || string(m.Body) != `{"id":"a"}` || m.Channel != "webhook" {
		t.Fatalf("FindMessage = %+v, %v", m, err)
	}
	bad := msg(tn.ID, "d", "")
	bad.Body = []byte("{not json")
	_, err = f.ob.EnqueueMessages(f.ctx, "", 0, []store.OutboxMessage{msg(tn.ID, "e", ""), bad})
	wantErr(t, "body not JSON", err, store.ErrInvalid)
	if _, err := f.ob.FindMessage(f.ctx, tn.ID, "e"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a batch with an invalid message stored part of it: %v", err)
	}
	noTarget := msg(tn.ID, "f", "")
	noTarget.Target = ""
	_, err = f.ob.EnqueueMessages(f.ctx, "", 0, []store.OutboxMessage{noTarget})
	wantErr(t, "no target", err, store.ErrInvalid)
	if n, err := f.ob.CountMessages(f.ctx, store.MessagePending); err != nil || n != 3 {
		t.Errorf("CountMessages = %d, %v; want 3", n, err)
	}
}

func testOutboxTask(t *testing.T, f *outboxFixture) {
	tasks, ok := f.s.(store.Tasks)
	if !ok {
		t.Fatalf("%T does not implement store.Tasks", f.s)
	}
	tn := f.tenant()
	now := time.Now()
	for range 2 {
		if _, err := tasks.EnqueueTask(f.ctx, store.Task{Queue: "notify", Kind: "test", TenantID: tn.ID, Payload: []byte("{}"), RunAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := tasks.ClaimTasks(f.ctx, "notify", now, 2, "node-a", time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimTasks = %d, %v", len(claimed), err)
	}
	// Held lease: messages stored and task gone, in one step.
	n, err := f.ob.EnqueueMessages(f.ctx, "node-a", claimed[0].ID, []store.OutboxMessage{msg(tn.ID, "t1", "")})
	if err != nil || n != 1 {
		t.Fatalf("EnqueueMessages with task = %d, %v", n, err)
	}
	// Lost lease (another node took the task after expiry): nothing stored.
	if _, err := tasks.ClaimTasks(f.ctx, "notify", now.Add(2*time.Minute), 1, "node-b", time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err = f.ob.EnqueueMessages(f.ctx, "node-a", claimed[1].ID, []store.OutboxMessage{msg(tn.ID, "t2", "")})
	wantErr(t, "enqueue under a lost lease", err, store.ErrLeaseLost)
	if _, err := f.ob.FindMessage(f.ctx, tn.ID, "t2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("message stored although the task lease was lost: %v", err)
	}
	if c, err := tasks.CountTasks(f.ctx, "notify"); err != nil || c != 1 {
		t.Errorf("tasks left = %d, %v; want 1 (the lost one)", c, err)
	}

	// Two changes of one shipment: the later cannot overtake the earlier.
	var sids []int64
	for range 2 {
		id, err := tasks.EnqueueTask(f.ctx, store.Task{Queue: "q2", Kind: "test", TenantID: tn.ID, ShipmentID: 42, Payload: []byte("{}"), RunAt: now})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, id)
	}
	if _, err := tasks.ClaimTasks(f.ctx, "q2", now, 2, "node-a", time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err = f.ob.EnqueueMessages(f.ctx, "node-a", sids[1], []store.OutboxMessage{msg(tn.ID, "s2", "")})
	wantErr(t, "later change first", err, store.ErrTaskBehind)
	for i, id := range sids {
		if _, err := f.ob.EnqueueMessages(f.ctx, "node-a", id, []store.OutboxMessage{msg(tn.ID, fmt.Sprint("s", i+1), "")}); err != nil {
			t.Fatalf("change %d in order: %v", i+1, err)
		}
	}
}

func testOutboxOrder(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	f.enqueue(msg(tn.ID, "k1-a", "k1"), msg(tn.ID, "k1-b", "k1"), msg(tn.ID, "k1-c", "k1"),
		msg(tn.ID, "k2-a", "k2"), msg(tn.ID, "free-a", ""), msg(tn.ID, "free-b", ""))
	now := time.Now().Add(time.Second)
	got := f.claim(now, 100, "n")
	if d := ids(got); !slices.Equal(d, []string{"free-a", "free-b", "k1-a", "k2-a"}) {
		t.Fatalf("first claim = %v; want the head of each key and the unkeyed", d)
	}
	by := map[string]store.OutboxMessage{}
	for _, m := range got {
		by[m.MessageID] = m
		if m.Attempts != 1 || m.LeaseOwner != "n" {
			t.Errorf("%s: attempts %d owner %q", m.MessageID, m.Attempts, m.LeaseOwner)
		}
	}
	f.record(by["free-a"], "n", store.MessageSent, time.Time{}, "")
	f.record(by["free-b"], "n", store.MessageSent, time.Time{}, "")
	// A retry keeps the key blocked, even once the lease is gone.
	f.record(by["k1-a"], "n", store.MessagePending, now.Add(time.Minute), "500")
	f.record(by["k2-a"], "n", store.MessagePaused, time.Time{}, "paused")
	if d := ids(f.claim(now.Add(30*time.Second), 100, "n")); len(d) != 0 {
		t.Fatalf("claimed %v while earlier messages of their keys are open", d)
	}
	again := f.claim(now.Add(2*time.Minute), 100, "n")
	if d := ids(again); !slices.Equal(d, []string{"k1-a"}) {
		t.Fatalf("after the retry time: %v, want [k1-a]", d)
	}
	// Failed for good: the next one of the key goes.
	f.record(again[0], "n", store.MessageFailed, time.Time{}, "410")
	next := f.claim(now.Add(2*time.Minute), 100, "n")
	if d := ids(next); !slices.Equal(d, []string{"k1-b"}) {
		t.Fatalf("after k1-a failed: %v, want [k1-b]", d)
	}
	f.record(next[0], "n", store.MessageSent, time.Time{}, "")
	if m, _ := f.ob.GetMessage(f.ctx, tn.ID, next[0].ID); m.State != store.MessageSent || m.SentAt.IsZero() || m.LeaseOwner != "" {
		t.Errorf("sent message = %+v", m)
	}
	last := f.claim(now.Add(2*time.Minute), 100, "n")
	if d := ids(last); !slices.Equal(d, []string{"k1-c"}) {
		t.Fatalf("after k1-b sent: %v, want [k1-c]", d)
	}
	f.record(last[0], "n", store.MessageSent, time.Time{}, "")
	// Resuming the paused target releases k2.
	n, err := f.ob.SetTargetState(f.ctx, tn.ID, "webhook", "1", store.MessagePaused, store.MessagePending, now)
	if err != nil || n != 1 {
		t.Fatalf("SetTargetState = %d, %v", n, err)
	}
	last = f.claim(now.Add(2*time.Minute), 100, "n")
	if d := ids(last); !slices.Equal(d, []string{"k2-a"}) {
		t.Fatalf("after resume: %v, want [k2-a]", d)
	}
	f.record(last[0], "n", store.MessageSent, time.Time{}, "")
	// NotBefore: a message due later is not claimed early.
	late := msg(tn.ID, "late", "")
	late.NextAttemptAt = now.Add(time.Hour)
	f.enqueue(late)
	if d := ids(f.claim(now.Add(59*time.Minute), 100, "n")); len(d) != 0 {
		t.Errorf("claimed %v before it was due", d)
	}
}

func testOutboxLease(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	f.enqueue(msg(tn.ID, "m", "k"))
	now := time.Now().Add(time.Second)
	a := f.claim(now, 10, "node-a")
	if len(a) != 1 {
		t.Fatalf("node-a claimed %d", len(a))
	}
	if b := f.claim(now.Add(30*time.Second), 10, "node-b"); len(b) != 0 {
		t.Fatalf("node-b claimed a leased message")
	}
	b := f.claim(now.Add(61*time.Second), 10, "node-b")
	if len(b) != 1 || b[0].Attempts != 2 {
		t.Fatalf("after expiry node-b got %+v", b)
	}
	if lost := f.record(a[0], "node-a", store.MessageSent, time.Time{}, ""); !slices.Equal(lost, []int64{a[0].ID}) {
		t.Errorf("stale owner's outcome: lost = %v", lost)
	}
	if lost := f.record(b[0], "node-b", store.MessageSent, time.Time{}, ""); len(lost) != 0 {
		t.Errorf("holder's outcome lost: %v", lost)
	}
	log, err := f.ob.ListDeliveryAttempts(f.ctx, tn.ID, b[0].ID)
	if err != nil || len(log) != 1 {
		t.Errorf("delivery log = %d entries, %v; want only the holder's", len(log), err)
	}
	_, err = f.ob.RecordDeliveries(f.ctx, []store.DeliveryOutcome{{ID: b[0].ID, TenantID: tn.ID, Owner: "x", State: store.MessagePending}})
	wantErr(t, "retry without a time", err, store.ErrInvalid)
}

func testOutboxReplay(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	f.enqueue(msg(tn.ID, "evt_1.7", "k"))
	now := time.Now().Add(time.Second)
	m := f.claim(now, 1, "n")[0]
	f.record(m, "n", store.MessagePending, now, "connection refused")
	m = f.claim(now.Add(time.Second), 1, "n")[0]
	f.record(m, "n", store.MessageSent, time.Time{}, "")
	log, err := f.ob.ListDeliveryAttempts(f.ctx, tn.ID, m.ID)
	if err != nil || len(log) != 2 {
		t.Fatalf("delivery log = %+v, %v", log, err)
	}
	if log[0].Error != "connection refused" || log[0].StatusCode != 500 || log[0].Duration != 3*time.Millisecond || log[0].Response != "oops" || log[1].Error != "" {
		t.Errorf("delivery log = %+v", log)
	}
	r1, err := f.ob.ReplayMessage(f.ctx, tn.ID, m.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f.ob.ReplayMessage(f.ctx, tn.ID, r1.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if r1.MessageID != "evt_1.7.replay-1" || r2.MessageID != "evt_1.7.replay-2" {
		t.Errorf("replay ids %q, %q", r1.MessageID, r2.MessageID)
	}
	if string(r1.Body) != string(m.Body) || r1.Target != m.Target || r1.OrderKey != m.OrderKey || r1.State != store.MessagePending || r1.Attempts != 0 {
		t.Errorf("replay = %+v, original %+v", r1, m)
	}
	list, err := f.ob.ListMessages(f.ctx, tn.ID, store.MessageQuery{Target: "1", State: store.MessagePending})
	if err != nil || len(list) != 2 || list[0].ID != r2.ID {
		t.Errorf("ListMessages pending = %v, %v", ids(list), err)
	}
}

// OutboxClaimersSplit has two claimers (two stores on one database are two
// nodes) take 300 messages concurrently and checks that no message is
// claimed twice while its lease holds.
func OutboxClaimersSplit(t *testing.T, a, b store.Outbox, tenantID int64) {
	const n = 300
	msgs := make([]store.OutboxMessage, n)
	for i := range msgs {
		// Every third message shares a key with its neighbours: ordering
		// must hold under concurrency too.
		key := ""
		if i%3 == 0 {
			key = fmt.Sprintf("k%d", i%30)
		}
		msgs[i] = msg(tenantID, fmt.Sprintf("c%03d", i), key)
	}
	if _, err := a.EnqueueMessages(t.Context(), "", 0, msgs); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	now := time.Now().Add(time.Second)
	for i, ob := range []store.Outbox{a, b, a, b} {
		owner := fmt.Sprintf("node-%d", i)
		wg.Go(func() {
			for idle := 0; idle < 3; {
				list, err := ob.ClaimMessages(t.Context(), now, 7, owner, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(list) == 0 {
					idle++
					time.Sleep(5 * time.Millisecond)
					continue
				}
				idle = 0
				var outs []store.DeliveryOutcome
				mu.Lock()
				for _, m := range list {
					if prev, dup := seen[m.MessageID]; dup {
						t.Errorf("%s claimed by %s and %s", m.MessageID, prev, owner)
					}
					seen[m.MessageID] = owner
					outs = append(outs, store.DeliveryOutcome{ID: m.ID, TenantID: m.TenantID, Owner: owner, State: store.MessageSent})
				}
				mu.Unlock()
				lost, err := ob.RecordDeliveries(t.Context(), outs)
				if err != nil || len(lost) > 0 {
					t.Errorf("RecordDeliveries: lost %v, %v", lost, err)
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d of %d messages claimed", len(seen), n)
	}
}

func testWebhookEndpoints(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	e := store.WebhookEndpoint{URL: "https://shop.example/hooks", Secret: "whsec_1", Events: []string{"delivered", "exception"}}
	if err := f.wh.CreateWebhookEndpoint(f.ctx, tn.ID, &e); err != nil {
		t.Fatal(err)
	}
	got, err := f.wh.GetWebhookEndpoint(f.ctx, tn.ID, e.ID)
	if err != nil || got.URL != e.URL || got.Secret != "whsec_1" || got.Format != "waypost" || got.State != store.EndpointEnabled ||
		!slices.Equal(got.Events, []string{"delivered", "exception"}) {
		t.Fatalf("GetWebhookEndpoint = %+v, %v", got, err)
	}
	got.Format, got.Events, got.State = "aftership", nil, store.EndpointDisabled
	if err := f.wh.UpdateWebhookEndpoint(f.ctx, tn.ID, &got); err != nil {
		t.Fatal(err)
	}
	list, err := f.wh.ListWebhookEndpoints(f.ctx, tn.ID)
	if err != nil || len(list) != 1 || list[0].Format != "aftership" || list[0].Events != nil || list[0].State != store.EndpointDisabled {
		t.Fatalf("ListWebhookEndpoints = %+v, %v", list, err)
	}
	bad := store.WebhookEndpoint{URL: "https://x.example", Secret: "s", Format: "zapier"}
	wantErr(t, "bad format", f.wh.CreateWebhookEndpoint(f.ctx, tn.ID, &bad), store.ErrInvalid)
	// Deleting fails the endpoint's waiting messages.
	m := msg(tn.ID, "for-deleted", "")
	m.Target = fmt.Sprint(e.ID)
	f.enqueue(m)
	if err := f.wh.DeleteWebhookEndpoint(f.ctx, tn.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.ob.FindMessage(f.ctx, tn.ID, "for-deleted"); got.State != store.MessageFailed {
		t.Errorf("message of a deleted endpoint is %s", got.State)
	}
	wantErr(t, "get deleted", func() error { _, err := f.wh.GetWebhookEndpoint(f.ctx, tn.ID, e.ID); return err }(), store.ErrNotFound)
	wantErr(t, "delete twice", f.wh.DeleteWebhookEndpoint(f.ctx, tn.ID, e.ID), store.ErrNotFound)
}

func testWebhookPause(t *testing.T, f *outboxFixture) {
	tn := f.tenant()
	e := store.WebhookEndpoint{URL: "https://shop.example/hooks", Secret: "s"}
	if err := f.wh.CreateWebhookEndpoint(f.ctx, tn.ID, &e); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC().Truncate(time.Second)
	res := func(at time.Time, ok, gaveUp bool) bool {
		t.Helper()
		p, err := f.wh.RecordEndpointResult(f.ctx, tn.ID, e.ID, store.EndpointResult{At: at, OK: ok, GaveUp: gaveUp, PauseAfter: 24 * time.Hour, PauseGaveUp: 3})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if res(t0, false, false) || res(t0.Add(23*time.Hour), false, true) || res(t0.Add(23*time.Hour), false, true) {
		t.Fatal("paused too early")
	}
	// A success clears the streak.
	res(t0.Add(23*time.Hour+time.Minute), true, false)
	got, _ := f.wh.GetWebhookEndpoint(f.ctx, tn.ID, e.ID)
	if !got.FailingSince.IsZero() || got.GaveUpInARow != 0 {
		t.Fatalf("streak not cleared: %+v", got)
	}
	t1 := t0.Add(24 * time.Hour)
	if res(t1, false, false) || res(t1.Add(24*time.Hour-time.Second), false, false) {
		t.Fatal("paused before failing for 24 h")
	}
	if !res(t1.Add(24*time.Hour), false, false) {
		t.Fatal("not paused after failing for 24 h")
	}
	if res(t1.Add(25*time.Hour), false, false) {
		t.Error("paused twice")
	}
	got, _ = f.wh.GetWebhookEndpoint(f.ctx, tn.ID, e.ID)
	if got.State != store.EndpointPaused || got.PausedReason == "" || !got.FailingSince.Equal(t1) {
		t.Errorf("after pause: %+v", got)
	}
	// Given-up streak.
	e2 := store.WebhookEndpoint{URL: "https://shop.example/2", Secret: "s"}
	if err := f.wh.CreateWebhookEndpoint(f.ctx, tn.ID, &e2); err != nil {
		t.Fatal(err)
	}
	e = e2
	var paused []bool
	for range 3 {
		paused = append(paused, res(t0, false, true))
	}
	if !slices.Equal(paused, []bool{false, false, true}) {
		t.Errorf("pauses after each message given up: %v, want only the third", paused)
	}
}

func testOutboxIsolation(t *testing.T, f *outboxFixture) {
	a, b := f.tenant(), f.tenant()
	f.enqueue(msg(a.ID, "same", ""), msg(b.ID, "same", ""))
	ma, err := f.ob.FindMessage(f.ctx, a.ID, "same")
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "other tenant's message", func() error { _, err := f.ob.GetMessage(f.ctx, b.ID, ma.ID); return err }(), store.ErrNotFound)
	wantErr(t, "other tenant's log", func() error { _, err := f.ob.ListDeliveryAttempts(f.ctx, b.ID, ma.ID); return err }(), store.ErrNotFound)
	wantErr(t, "other tenant's replay", func() error { _, err := f.ob.ReplayMessage(f.ctx, b.ID, ma.ID, time.Now()); return err }(), store.ErrNotFound)
	if list, _ := f.ob.ListMessages(f.ctx, b.ID, store.MessageQuery{}); len(list) != 1 || list[0].TenantID != b.ID {
		t.Errorf("tenant b lists %+v", list)
	}
	e := store.WebhookEndpoint{URL: "https://a.example", Secret: "s"}
	if err := f.wh.CreateWebhookEndpoint(f.ctx, a.ID, &e); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "other tenant's endpoint", func() error { _, err := f.wh.GetWebhookEndpoint(f.ctx, b.ID, e.ID); return err }(), store.ErrNotFound)
	e.URL = "https://evil.example"
	wantErr(t, "update other tenant's endpoint", f.wh.UpdateWebhookEndpoint(f.ctx, b.ID, &e), store.ErrNotFound)
	wantErr(t, "delete other tenant's endpoint", f.wh.DeleteWebhookEndpoint(f.ctx, b.ID, e.ID), store.ErrNotFound)
	wantErr(t, "streak of other tenant's endpoint", func() error {
		_, err := f.wh.RecordEndpointResult(f.ctx, b.ID, e.ID, store.EndpointResult{At: time.Now()})
		return err
	}(), store.ErrNotFound)
	if list, _ := f.wh.ListWebhookEndpoints(f.ctx, b.ID); len(list) != 0 {
		t.Errorf("tenant b sees %d endpoints", len(list))
	}
}
