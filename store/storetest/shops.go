package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
)

// RunShops runs the contract of store.Shops.
func RunShops(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"Connections", testShopConnections},
		{"ConnectionsBadInput", testShopConnectionsBadInput},
		{"HookKeyAndPollers", testShopHookKey},
		{"Deliveries", testShopDeliveries},
		{"Links", testShopLinks},
		{"LinksConcurrent", testShopLinksConcurrent},
		{"Isolation", testShopIsolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, open(t)))
		})
	}
}

func (f *fixture) shops() store.Shops {
	f.t.Helper()
	s, ok := f.s.(store.Shops)
	if !ok {
		f.t.Fatalf("%T does not implement store.Shops", f.s)
	}
	return s
}

func (f *fixture) shopConn(tenantID int64, kind store.ShopKind, url string) store.ShopConnection {
	f.t.Helper()
	c := store.ShopConnection{Kind: kind, Name: "My shop", ShopURL: url, Secrets: []byte("sealed\x00bytes"), Enabled: true,
		Settings: store.ShopSettings{PostStatuses: []string{"delivered"}, APIVersion: "2025-01"}}
	if err := f.shops().CreateShopConnection(f.ctx, tenantID, &c); err != nil {
		f.t.Fatalf("CreateShopConnection: %v", err)
	}
	return c
}

func testShopConnections(t *testing.T, f *fixture) {
	sh := f.shops()
	tn := f.tenant()
	c := f.shopConn(tn.ID, store.ShopShopify, "https://Example.myshopify.com/")
	if c.ID == 0 || c.TenantID != tn.ID || len(c.HookKey) != 32 || c.CreatedAt.IsZero() {
		t.Fatalf("created connection not filled in: %+v", c)
	}
	if c.ShopURL != "https://example.myshopify.com" {
		t.Errorf("ShopURL = %q, want host lower-cased and trailing slash dropped", c.ShopURL)
	}
	got, err := sh.GetShopConnection(f.ctx, tn.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Secrets, []byte("sealed\x00bytes")) || got.Settings.APIVersion != "2025-01" ||
		len(got.Settings.PostStatuses) != 1 || !got.Enabled || got.Kind != store.ShopShopify {
		t.Errorf("stored connection differs: %+v", got)
	}
	dup := store.ShopConnection{Kind: store.ShopShopify, ShopURL: "https://example.myshopify.com"}
	if err := sh.CreateShopConnection(f.ctx, tn.ID, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("same shop twice: %v, want ErrConflict", err)
	}
	// The same URL as another kind is another connection.
	f.shopConn(tn.ID, store.ShopWooCommerce, "https://example.myshopify.com")

	got.Name, got.Enabled, got.Secrets = "Renamed", false, []byte("new")
	got.Settings.PostStatuses = []string{}
	got.Kind = store.ShopMagento // not changeable
	if err := sh.UpdateShopConnection(f.ctx, tn.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Renamed" || got.Enabled || string(got.Secrets) != "new" || got.Kind != store.ShopShopify ||
		got.Settings.PostStatuses == nil || len(got.Settings.PostStatuses) != 0 {
		t.Errorf("after update: %+v (empty PostStatuses must stay distinct from nil)", got)
	}
	list, err := sh.ListShopConnections(f.ctx, tn.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListShopConnections = %d, %v; want 2", len(list), err)
	}

	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := sh.SetShopSync(f.ctx, tn.ID, c.ID, "2026-03-01 09:59:00", at, ""); err != nil {
		t.Fatal(err)
	}
	if err := sh.SetShopSync(f.ctx, tn.ID, c.ID, "", at.Add(time.Minute), "HTTP 500"); err != nil {
		t.Fatal(err)
	}
	got, _ = sh.GetShopConnection(f.ctx, tn.ID, c.ID)
	if got.Cursor != "2026-03-01 09:59:00" || !got.LastSyncAt.Equal(at.Add(time.Minute)) || got.LastError != "HTTP 500" {
		t.Errorf("sync state: cursor %q at %v error %q", got.Cursor, got.LastSyncAt, got.LastError)
	}

	if err := sh.DeleteShopConnection(f.ctx, tn.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.GetShopConnection(f.ctx, tn.ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
	if err := sh.DeleteShopConnection(f.ctx, tn.ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}

func testShopConnectionsBadInput(t *testing.T, f *fixture) {
	sh := f.shops()
	tn := f.tenant()
	for _, c := range []store.ShopConnection{
		{Kind: "prestashop", ShopURL: "https://a.example"},
		{Kind: store.ShopShopify, ShopURL: ""},
		{Kind: store.ShopShopify, ShopURL: "ftp://a.example"},
		{Kind: store.ShopShopify, ShopURL: "https://user:pw@a.example"},
		{Kind: store.ShopShopify, ShopURL: "https://a.example/?x=1"},
		{Kind: store.ShopShopify, ShopURL: "https://a.example", HookKey: "short"},
	} {
		if err := sh.CreateShopConnection(f.ctx, tn.ID, &c); !errors.Is(err, store.ErrInvalid) || store.Code(err) != "invalid" {
			t.Errorf("CreateShopConnection(%q, %q) = %v, want ErrInvalid", c.Kind, c.ShopURL, err)
		}
	}
	c := store.ShopConnection{Kind: store.ShopShopify, ShopURL: "https://a.example"}
	if err := sh.CreateShopConnection(f.ctx, tn.ID+1000, &c); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown tenant: %v, want ErrNotFound", err)
	}
	list, _ := sh.ListShopConnections(f.ctx, tn.ID)
	if len(list) != 0 {
		t.Errorf("rejected input stored %d connections", len(list))
	}
}

func testShopHookKey(t *testing.T, f *fixture) {
	sh := f.shops()
	a, b := f.tenant(), f.tenant()
	ca := f.shopConn(a.ID, store.ShopShopify, "https://a.myshopify.com")
	cb := f.shopConn(b.ID, store.ShopMagento, "https://b.example")
	f.shopConn(b.ID, store.ShopMagento, "https://c.example")
	got, err := sh.FindShopConnectionByHookKey(f.ctx, store.ShopShopify, ca.HookKey)
	if err != nil || got.ID != ca.ID || got.TenantID != a.ID {
		t.Fatalf("FindShopConnectionByHookKey = %+v, %v", got, err)
	}
	if _, err := sh.FindShopConnectionByHookKey(f.ctx, store.ShopWooCommerce, ca.HookKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("hook key under another kind: %v, want ErrNotFound", err)
	}
	list, err := sh.ListEnabledShopConnections(f.ctx, store.ShopMagento)
	if err != nil || len(list) != 2 || list[0].ID != cb.ID {
		t.Fatalf("ListEnabledShopConnections(magento) = %d, %v", len(list), err)
	}
	cb.Enabled = false
	if err := sh.UpdateShopConnection(f.ctx, b.ID, &cb); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.FindShopConnectionByHookKey(f.ctx, store.ShopMagento, cb.HookKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("disabled connection found by hook key: %v", err)
	}
	if list, _ := sh.ListEnabledShopConnections(f.ctx, store.ShopMagento); len(list) != 1 {
		t.Errorf("disabled connection still polled: %d enabled", len(list))
	}
}

func testShopDeliveries(t *testing.T, f *fixture) {
	sh := f.shops()
	tn := f.tenant()
	c := f.shopConn(tn.ID, store.ShopShopify, "https://a.myshopify.com")
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if seen, err := sh.ShopDeliverySeen(f.ctx, tn.ID, c.ID, "w-1"); err != nil || seen {
		t.Fatalf("unseen delivery: %v, %v", seen, err)
	}
	for range 2 {
		if err := sh.RecordShopDelivery(f.ctx, tn.ID, c.ID, "w-1", t0); err != nil {
			t.Fatalf("RecordShopDelivery: %v", err)
		}
	}
	if err := sh.RecordShopDelivery(f.ctx, tn.ID, c.ID, "w-2", t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if seen, _ := sh.ShopDeliverySeen(f.ctx, tn.ID, c.ID, "w-1"); !seen {
		t.Error("recorded delivery not seen")
	}
	if err := sh.RecordShopDelivery(f.ctx, tn.ID, c.ID, "", t0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty delivery id: %v, want ErrInvalid", err)
	}
	n, err := sh.PruneShopDeliveries(f.ctx, t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PruneShopDeliveries = %d, %v; want 1", n, err)
	}
	if seen, _ := sh.ShopDeliverySeen(f.ctx, tn.ID, c.ID, "w-1"); seen {
		t.Error("pruned delivery still seen")
	}
	if seen, _ := sh.ShopDeliverySeen(f.ctx, tn.ID, c.ID, "w-2"); !seen {
		t.Error("recent delivery pruned")
	}
}

func testShopLinks(t *testing.T, f *fixture) {
	sh := f.shops()
	tn, s, p := f.setup()
	c := f.shopConn(tn.ID, store.ShopShopify, "https://a.myshopify.com")
	order := store.ShopLink{ConnectionID: c.ID, ShipmentID: s.ID, OrderID: "450789469", OrderName: "#1001"}
	if err := sh.PutShopLink(f.ctx, tn.ID, &order); err != nil {
		t.Fatal(err)
	}
	ful := store.ShopLink{ConnectionID: c.ID, ShipmentID: s.ID, ParcelID: p.ID, OrderID: "450789469",
		FulfillmentID: "255858046", TrackingNumber: p.TrackingNumber, Company: "DHL Express"}
	if err := sh.PutShopLink(f.ctx, tn.ID, &ful); err != nil {
		t.Fatal(err)
	}
	again := ful
	again.ID, again.Company = 0, "changed"
	if err := sh.PutShopLink(f.ctx, tn.ID, &again); err != nil {
		t.Fatal(err)
	}
	if again.ID != ful.ID || again.Company != "DHL Express" {
		t.Errorf("second put of the same link = %+v, want the stored one (ID %d)", again, ful.ID)
	}
	links, err := sh.ListShopLinks(f.ctx, tn.ID, s.ID)
	if err != nil || len(links) != 2 || links[0].ID != order.ID || links[1].ParcelID != p.ID {
		t.Fatalf("ListShopLinks = %+v, %v", links, err)
	}
	id, err := sh.FindShopOrder(f.ctx, tn.ID, c.ID, "450789469")
	if err != nil || id != s.ID {
		t.Errorf("FindShopOrder = %d, %v; want %d", id, err, s.ID)
	}
	if _, err := sh.FindShopOrder(f.ctx, tn.ID, c.ID, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown order: %v", err)
	}
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	if ok, err := sh.MarkShopPosted(f.ctx, tn.ID, ful.ID, "in_transit", at); err != nil || !ok {
		t.Fatalf("first MarkShopPosted = %v, %v", ok, err)
	}
	if ok, _ := sh.MarkShopPosted(f.ctx, tn.ID, ful.ID, "in_transit", at.Add(time.Hour)); ok {
		t.Error("the same status posted twice")
	}
	links, _ = sh.ListShopLinks(f.ctx, tn.ID, s.ID)
	if links[1].PostedStatus != "in_transit" || !links[1].PostedAt.Equal(at) {
		t.Errorf("posted state = %q at %v", links[1].PostedStatus, links[1].PostedAt)
	}
	bad := store.ShopLink{ConnectionID: c.ID, ShipmentID: s.ID}
	if err := sh.PutShopLink(f.ctx, tn.ID, &bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("link without order: %v, want ErrInvalid", err)
	}
	// Deleting the connection removes its links, not the shipment.
	if err := sh.DeleteShopConnection(f.ctx, tn.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if links, _ := sh.ListShopLinks(f.ctx, tn.ID, s.ID); len(links) != 0 {
		t.Errorf("links left after the connection's deletion: %d", len(links))
	}
	f.getShipment(tn.ID, s.ID)
}

func testShopLinksConcurrent(t *testing.T, f *fixture) {
	sh := f.shops()
	tn, s, _ := f.setup()
	c := f.shopConn(tn.ID, store.ShopWooCommerce, "https://shop.example")
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			l := store.ShopLink{ConnectionID: c.ID, ShipmentID: s.ID, OrderID: "77", TrackingNumber: "1Z5R89390357567127"}
			errs[i] = sh.PutShopLink(f.ctx, tn.ID, &l)
			ids[i] = l.ID
		})
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("concurrent put %d: id %d, %v (first id %d)", i, ids[i], errs[i], ids[0])
		}
	}
	if links, _ := sh.ListShopLinks(f.ctx, tn.ID, s.ID); len(links) != 1 {
		t.Errorf("concurrent puts stored %d links, want 1", len(links))
	}
}

func testShopIsolation(t *testing.T, f *fixture) {
	sh := f.shops()
	a, sa, pa := f.setup()
	b, sb, _ := f.setup()
	ca := f.shopConn(a.ID, store.ShopShopify, "https://a.myshopify.com")
	cb := f.shopConn(b.ID, store.ShopShopify, "https://a.myshopify.com") // the same shop in two tenants is allowed
	la := store.ShopLink{ConnectionID: ca.ID, ShipmentID: sa.ID, ParcelID: pa.ID, OrderID: "1", TrackingNumber: pa.TrackingNumber}
	if err := sh.PutShopLink(f.ctx, a.ID, &la); err != nil {
		t.Fatal(err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s across tenants: %v, want ErrNotFound", what, err)
		}
	}
	_, err := sh.GetShopConnection(f.ctx, b.ID, ca.ID)
	notFound("GetShopConnection", err)
	cross := ca
	cross.Name = "stolen"
	notFound("UpdateShopConnection", sh.UpdateShopConnection(f.ctx, b.ID, &cross))
	notFound("DeleteShopConnection", sh.DeleteShopConnection(f.ctx, b.ID, ca.ID))
	notFound("SetShopSync", sh.SetShopSync(f.ctx, b.ID, ca.ID, "x", time.Now(), ""))
	notFound("RecordShopDelivery", sh.RecordShopDelivery(f.ctx, b.ID, ca.ID, "d", time.Now()))
	_, err = sh.FindShopOrder(f.ctx, b.ID, ca.ID, "1")
	notFound("FindShopOrder", err)
	_, err = sh.MarkShopPosted(f.ctx, b.ID, la.ID, "delivered", time.Now())
	notFound("MarkShopPosted", err)
	// b's connection cannot link a's shipment or parcel, nor a's connection b's shipment.
	for _, l := range []store.ShopLink{
		{ConnectionID: cb.ID, ShipmentID: sa.ID, OrderID: "2"},
		{ConnectionID: cb.ID, ShipmentID: sb.ID, ParcelID: pa.ID, OrderID: "3"},
		{ConnectionID: ca.ID, ShipmentID: sb.ID, OrderID: "4"},
	} {
		notFound(fmt.Sprintf("PutShopLink %+v", l), sh.PutShopLink(f.ctx, b.ID, &l))
	}
	if links, _ := sh.ListShopLinks(f.ctx, b.ID, sa.ID); len(links) != 0 {
		t.Errorf("tenant b sees %d of a's links", len(links))
	}
	if list, _ := sh.ListShopConnections(f.ctx, b.ID); len(list) != 1 || list[0].ID != cb.ID {
		t.Errorf("tenant b lists %d connections", len(list))
	}
	got, _ := sh.GetShopConnection(f.ctx, a.ID, ca.ID)
	if got.Name == "stolen" || !got.LastSyncAt.IsZero() {
		t.Errorf("another tenant changed a's connection: %+v", got)
	}
}
