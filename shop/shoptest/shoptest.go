// Package shoptest holds what the shop packages' tests share: a real
// store (SQLite in a temporary file, or PostgreSQL when
// WAYPOST_TEST_DATABASE_URL is set and asked for), connections, and a
// server that mounts the webhook handlers as `waypost serve` does.
package shoptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

// Quiet discards logs the tests provoke on purpose.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Clock is a settable test clock.
type Clock struct{ ns atomic.Int64 }

// NewClock starts at t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// OpenSQLite opens a fresh migrated SQLite store in a temporary file.
func OpenSQLite(t testing.TB) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "waypost.db"), sqlite.Options{Logger: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var seq atomic.Int64

// Tenant creates a tenant.
func Tenant(t testing.TB, st store.Store) shipment.Tenant {
	t.Helper()
	tn := shipment.Tenant{Slug: fmt.Sprintf("shop-%d", seq.Add(1)), Name: "Shop"}
	if err := st.CreateTenant(context.Background(), &tn); err != nil {
		t.Fatal(err)
	}
	return tn
}

// Connect stores an enabled connection with sealed credentials.
func Connect(t testing.TB, st store.Store, v *shop.Vault, tenantID int64, kind store.ShopKind, shopURL string,
	c shop.Credentials, settings store.ShopSettings) store.ShopConnection {
	t.Helper()
	sealed, err := v.Seal(tenantID, c)
	if err != nil {
		t.Fatal(err)
	}
	conn := store.ShopConnection{Kind: kind, Name: string(kind), ShopURL: shopURL, Secrets: sealed, Settings: settings, Enabled: true}
	if err := st.(store.Shops).CreateShopConnection(context.Background(), tenantID, &conn); err != nil {
		t.Fatal(err)
	}
	return conn
}

// Hooks serves the webhook handlers of the given sources at
// POST /hooks/<kind>/{key}, as the shop part of `waypost serve` does.
func Hooks(t testing.TB, st store.Store, v *shop.Vault, now func() time.Time, sources ...shop.Source) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	im := &shop.Importer{Store: st, Log: Quiet}
	for _, src := range sources {
		mux.Handle("POST /hooks/"+string(src.Kind())+"/{key}",
			&shop.Handler{Source: src, Store: st, Vault: v, Importer: im, Log: Quiet, Now: now})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Post sends body with headers and returns the status and answer.
func Post(t testing.TB, url string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Shipments lists all of a tenant's shipments, newest first.
func Shipments(t testing.TB, st store.Store, tenantID int64) []shipment.Shipment {
	t.Helper()
	p, err := st.ListShipments(context.Background(), tenantID, store.ListQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return p.Shipments
}

// Parcels lists a shipment's parcels.
func Parcels(t testing.TB, st store.Store, tenantID, shipmentID int64) []shipment.Parcel {
	t.Helper()
	ps, err := st.ListParcels(context.Background(), tenantID, shipmentID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Move ingests one status-bearing event on a parcel at time at, so the
// shipment's status changes and the task queues get a change task.
func Move(t testing.TB, st store.Store, tenantID, parcelID int64, sub string, at time.Time) {
	t.Helper()
	ss, err := status.ParseSubstatus(sub)
	if err != nil {
		t.Fatal(err)
	}
	ev := shipment.Event{ParcelID: parcelID, Time: at, OffsetSource: shipment.OffsetExplicit, Text: sub,
		Status: ss.Status(), Substatus: ss}
	res, err := st.IngestEvents(context.Background(), tenantID, []shipment.Event{ev})
	if err != nil || res.Inserted != 1 {
		t.Fatalf("IngestEvents: %+v, %v", res, err)
	}
}
