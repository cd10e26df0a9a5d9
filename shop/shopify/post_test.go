package shopify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/shop/shopify"
	"github.com/waypost/waypost/shop/shoptest"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

func worker(e *env) *shop.Worker {
	return &shop.Worker{Store: e.st, Vault: e.vault, Log: shoptest.Quiet, Now: e.clock.Now, Owner: "test",
		Posters: map[store.ShopKind]shop.Poster{store.ShopShopify: &shopify.Poster{}}, MaxAttempts: 3}
}

// fulfilled imports the order and its DHL fulfilment and returns the
// parcel's ID.
func fulfilled(t *testing.T, e *env, w *shop.Worker) int64 {
	t.Helper()
	if err := w.Subscribe(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct{ topic, body string }{{"orders/create", orderCreate}, {"fulfillments/create", fulfillmentCreate}} {
		if code, ans := e.send(t, b.topic, b.topic, b.body, secret); code != http.StatusOK {
			t.Fatalf("%s: %d %s", b.topic, code, ans)
		}
	}
	sh := shoptest.Shipments(t, e.st, e.conn.TenantID)[0]
	return shoptest.Parcels(t, e.st, e.conn.TenantID, sh.ID)[0].ID
}

func runOnce(t *testing.T, w *shop.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func queued(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.st.(store.Tasks).CountTasks(context.Background(), shop.Queue)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPostFulfillmentEvents(t *testing.T) {
	fake, admin := newFakeAdmin(t, "shpat_token")
	e := setup(t, admin.URL)
	w := worker(e)
	pid := fulfilled(t, e, w)
	tid := e.conn.TenantID
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

	shoptest.Move(t, e.st, tid, pid, string(status.InTransitDepartedFacility), at)
	if n := runOnce(t, w); n != 1 {
		t.Fatalf("claimed %d tasks, want 1", n)
	}
	got := fake.posted()
	if len(got) != 1 || got[0].Status != "in_transit" ||
		got[0].Path != "/admin/api/2025-01/orders/5803561746483/fulfillments/4757293400371/events.json" ||
		got[0].HappenedAt != "2026-03-02T08:00:00Z" || !strings.Contains(got[0].Message, "1234567890") {
		t.Fatalf("posted = %+v", got)
	}
	// An event that does not move the status posts nothing.
	shoptest.Move(t, e.st, tid, pid, string(status.InTransitArrivedFacility), at.Add(time.Hour))
	runOnce(t, w)
	shoptest.Move(t, e.st, tid, pid, string(status.OutForDeliveryOutForDelivery), at.Add(2*time.Hour))
	runOnce(t, w)
	// Two changes queued before the worker runs: the one the parcel has
	// already left is not posted after the newer one.
	shoptest.Move(t, e.st, tid, pid, string(status.AttemptFailRecipientUnavailable), at.Add(3*time.Hour))
	shoptest.Move(t, e.st, tid, pid, string(status.DeliveredDelivered), at.Add(4*time.Hour))
	runOnce(t, w)
	if s := statuses(fake.posted()); s != "in_transit,out_for_delivery,delivered" {
		t.Errorf("posted %s", s)
	}
	if n := queued(t, e); n != 0 {
		t.Errorf("%d tasks left", n)
	}
}

func TestPostRetriesThrottlingAndErrors(t *testing.T) {
	fake, admin := newFakeAdmin(t, "shpat_token")
	e := setup(t, admin.URL)
	w := worker(e)
	pid := fulfilled(t, e, w)
	tid := e.conn.TenantID

	fake.failNext(http.StatusTooManyRequests, http.StatusInternalServerError)
	shoptest.Move(t, e.st, tid, pid, string(status.InTransitDepartedFacility), e.clock.Now())
	runOnce(t, w) // 429
	if len(fake.posted()) != 0 || queued(t, e) != 1 {
		t.Fatalf("after a 429: posted %d, queued %d; want 0 and 1", len(fake.posted()), queued(t, e))
	}
	if n := runOnce(t, w); n != 0 {
		t.Fatalf("a throttled task was claimed again at once (%d)", n)
	}
	e.clock.Add(31 * time.Second) // first backoff is 30 s, above Retry-After's 2 s
	runOnce(t, w)                 // 500
	if len(fake.posted()) != 0 || queued(t, e) != 1 {
		t.Fatalf("after a 500: posted %d, queued %d", len(fake.posted()), queued(t, e))
	}
	e.clock.Add(61 * time.Second)
	runOnce(t, w)
	if s := statuses(fake.posted()); s != "in_transit" || queued(t, e) != 0 {
		t.Fatalf("after recovery: posted %q, queued %d", s, queued(t, e))
	}

	// A shop failing every time is given up after MaxAttempts.
	fake.failNext(500, 500, 500, 500)
	shoptest.Move(t, e.st, tid, pid, string(status.DeliveredDelivered), e.clock.Now())
	for range 3 {
		runOnce(t, w)
		e.clock.Add(10 * time.Minute)
	}
	if queued(t, e) != 0 || len(fake.posted()) != 1 {
		t.Errorf("after %d attempts: queued %d, posted %d", 3, queued(t, e), len(fake.posted()))
	}
}

func TestPostRejectedIsNotRetried(t *testing.T) {
	fake, admin := newFakeAdmin(t, "another-token")
	e := setup(t, admin.URL)
	w := worker(e)
	pid := fulfilled(t, e, w)
	shoptest.Move(t, e.st, e.conn.TenantID, pid, string(status.InTransitDepartedFacility), e.clock.Now())
	runOnce(t, w)
	if queued(t, e) != 0 || fake.calls != 1 {
		t.Errorf("a 401 was retried: queued %d, calls %d", queued(t, e), fake.calls)
	}
}

func TestPostOnlyChosenStatuses(t *testing.T) {
	fake, admin := newFakeAdmin(t, "shpat_token")
	e := setup(t, admin.URL)
	c := e.conn
	c.Settings.PostStatuses = []string{"delivered"}
	if err := e.st.(store.Shops).UpdateShopConnection(context.Background(), c.TenantID, &c); err != nil {
		t.Fatal(err)
	}
	w := worker(e)
	pid := fulfilled(t, e, w)
	shoptest.Move(t, e.st, c.TenantID, pid, string(status.InTransitDepartedFacility), e.clock.Now())
	runOnce(t, w)
	shoptest.Move(t, e.st, c.TenantID, pid, string(status.DeliveredSigned), e.clock.Now().Add(time.Hour))
	runOnce(t, w)
	if s := statuses(fake.posted()); s != "delivered" {
		t.Errorf("posted %q, want only delivered", s)
	}
}

func TestEventStatus(t *testing.T) {
	for _, c := range []struct {
		st   status.Status
		sub  status.Substatus
		want string
	}{
		{status.InTransit, status.InTransitAccepted, "in_transit"},
		{status.InTransit, status.InTransitDelayed, "delayed"},
		{status.AttemptFail, status.AttemptFailBusinessClosed, "attempted_delivery"},
		{status.AvailableForPickup, status.AvailableForPickupAvailableForPickup, "ready_for_pickup"},
		{status.Exception, "exception.lost", "failure"},
		{status.Pending, "pending.pending", ""},
		{status.Expired, "", ""},
	} {
		if got := shopify.EventStatus(c.st, c.sub); got != c.want {
			t.Errorf("EventStatus(%s, %s) = %q, want %q", c.st, c.sub, got, c.want)
		}
	}
}
