package magento_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/shop/magento"
	"github.com/waypost/waypost/shop/shoptest"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// fakeMagento is a local Magento 2 REST API built from its REST reference:
// GET /rest/V1/shipments with searchCriteria (one filter group on
// updated_at with condition_type gteq, sortOrders on updated_at,
// pageSize, currentPage) answering {items, search_criteria, total_count};
// GET /rest/V1/orders/<id>; POST /rest/V1/shipment/<id>/comments with an
// "entity" object. Every call needs "Authorization: Bearer <token>".
type fakeMagento struct {
	mu        sync.Mutex
	shipments []map[string]any
	orders    map[string]map[string]any
	comments  []map[string]any
	fail      []int // statuses for the next calls
	garbage   bool  // answer the shipment list with broken JSON
	calls     int
}

func (f *fakeMagento) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if r.Header.Get("Authorization") != "Bearer integration-token" {
		http.Error(w, `{"message":"The consumer isn't authorized to access %resources."}`, http.StatusUnauthorized)
		return
	}
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"message":"busy"}`, code)
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && path == "/rest/V1/shipments":
		if f.garbage {
			_, _ = w.Write([]byte(`{"items": [{"entity_id": `))
			return
		}
		q := r.URL.Query()
		since := q.Get("searchCriteria[filter_groups][0][filters][0][value]")
		if q.Get("searchCriteria[filter_groups][0][filters][0][field]") != "updated_at" ||
			q.Get("searchCriteria[filter_groups][0][filters][0][condition_type]") != "gteq" {
			since = ""
		}
		var match []map[string]any
		for _, s := range f.shipments {
			if s["updated_at"].(string) >= since {
				match = append(match, s)
			}
		}
		sort.SliceStable(match, func(i, j int) bool { return match[i]["updated_at"].(string) < match[j]["updated_at"].(string) })
		size, _ := strconv.Atoi(q.Get("searchCriteria[pageSize]"))
		page, _ := strconv.Atoi(q.Get("searchCriteria[currentPage]"))
		from := min((page-1)*size, len(match))
		to := min(from+size, len(match))
		writeJSON(w, map[string]any{"items": match[from:to], "total_count": len(match), "search_criteria": map[string]any{}})
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/rest/V1/orders/"):
		o, ok := f.orders[strings.TrimPrefix(path, "/rest/V1/orders/")]
		if !ok {
			http.Error(w, `{"message":"The entity that was requested doesn't exist. Verify the entity and try again."}`, http.StatusNotFound)
			return
		}
		writeJSON(w, o)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/comments"):
		var body struct {
			Entity map[string]any `json:"entity"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Entity["comment"] == nil {
			http.Error(w, `{"message":"bad"}`, http.StatusBadRequest)
			return
		}
		body.Entity["path"] = path
		f.comments = append(f.comments, body.Entity)
		writeJSON(w, map[string]any{"entity_id": len(f.comments)})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func shipmentJSON(id, order int, updated string, tracks ...[3]string) map[string]any {
	var ts []map[string]any
	for _, t := range tracks {
		ts = append(ts, map[string]any{"track_number": t[0], "carrier_code": t[1], "title": t[2], "order_id": order, "parent_id": id})
	}
	return map[string]any{"entity_id": id, "order_id": order, "increment_id": "00000000" + strconv.Itoa(id),
		"created_at": updated, "updated_at": updated, "tracks": ts}
}

func orderJSON(id int, inc, email, country string) map[string]any {
	return map[string]any{"entity_id": id, "increment_id": inc, "customer_email": email, "customer_firstname": "Mia",
		"customer_lastname": "Rossi", "created_at": "2026-03-01 08:00:00", "shipping_description": "Flat Rate - Fixed",
		"billing_address": map[string]any{"firstname": "Mia", "lastname": "Rossi", "street": []string{"Via Roma 1"},
			"city": "Milano", "postcode": "20121", "country_id": country, "telephone": "+390212345678"},
		"extension_attributes": map[string]any{"shipping_assignments": []any{map[string]any{"shipping": map[string]any{
			"address": map[string]any{"firstname": "Mia", "lastname": "Rossi", "street": []string{"Via Po 2", "Scala B"},
				"city": "Torino", "postcode": "10121", "country_id": country, "telephone": "+390111234567"}}}}},
	}
}

type env struct {
	st     store.Store
	vault  *shop.Vault
	conn   store.ShopConnection
	fake   *fakeMagento
	poller *magento.Poller
	clock  *shoptest.Clock
}

func noSleep(context.Context, time.Duration) error { return nil }

func setup(t *testing.T) *env {
	st := shoptest.OpenSQLite(t)
	v, _ := shop.NewVault("k")
	fake := &fakeMagento{orders: map[string]map[string]any{
		"7": orderJSON(7, "000000007", "mia@example.it", "IT"),
		"8": orderJSON(8, "000000008", "not-an-email", "IT"),
	}}
	fake.shipments = []map[string]any{
		shipmentJSON(31, 7, "2026-03-02 10:00:00", [3]string{"1Z5R89390357567127", "ups", "United Parcel Service"}),
		shipmentJSON(32, 7, "2026-03-02 11:00:00", [3]string{"RR123456785IT", "custom", "Poste Italiane"}),
		shipmentJSON(33, 8, "2026-03-02 11:00:00", [3]string{"JJD000390007827419", "custom", "Some Courier"}),
	}
	api := httptest.NewServer(fake)
	t.Cleanup(api.Close)
	tn := shoptest.Tenant(t, st)
	conn := shoptest.Connect(t, st, v, tn.ID, store.ShopMagento, api.URL, shop.Credentials{AccessToken: "integration-token"},
		store.ShopSettings{})
	clock := shoptest.NewClock(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
	newClient := func(u, tok string) (*magento.Client, error) {
		c, err := magento.NewClient(u, tok)
		if c != nil {
			c.Sleep = noSleep
		}
		return c, err
	}
	p := &magento.Poller{Store: st, Vault: v, Importer: &shop.Importer{Store: st, Log: shoptest.Quiet}, Log: shoptest.Quiet,
		Now: clock.Now, PageSize: 1, NewClient: newClient}
	return &env{st: st, vault: v, conn: conn, fake: fake, poller: p, clock: clock}
}

func (e *env) conn2(t *testing.T) store.ShopConnection {
	c, err := e.st.(store.Shops).GetShopConnection(context.Background(), e.conn.TenantID, e.conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) parcelCount(t *testing.T) int {
	n := 0
	for _, s := range shoptest.Shipments(t, e.st, e.conn.TenantID) {
		n += len(shoptest.Parcels(t, e.st, e.conn.TenantID, s.ID))
	}
	return n
}

func TestPollImportsAndMovesCursor(t *testing.T) {
	e := setup(t)
	tid := e.conn.TenantID
	if err := e.poller.Poll(context.Background(), e.conn2(t)); err != nil {
		t.Fatal(err)
	}
	list := shoptest.Shipments(t, e.st, tid)
	if len(list) != 2 || e.parcelCount(t) != 3 {
		t.Fatalf("%d shipments, %d parcels; want 2 and 3", len(list), e.parcelCount(t))
	}
	var mia = list[1]
	if list[0].Reference == "000000007" {
		mia = list[0]
	}
	if mia.Reference != "000000007" || mia.Customer.Email != "mia@example.it" || mia.Customer.Address.City != "Torino" ||
		mia.Customer.Address.Line2 != "Scala B" || mia.DestinationCountry != "IT" || mia.Service != "Flat Rate - Fixed" {
		t.Errorf("shipment = %+v", mia)
	}
	ps := shoptest.Parcels(t, e.st, tid, mia.ID)
	if len(ps) != 2 || ps[0].Carrier != "ups" || ps[1].Carrier != "poste-italiane" {
		t.Errorf("parcels = %+v", ps)
	}
	c := e.conn2(t)
	if c.Cursor != "2026-03-02 11:00:00" || c.LastError != "" || !c.LastSyncAt.Equal(e.clock.Now()) {
		t.Errorf("sync state: %q %q %v", c.Cursor, c.LastError, c.LastSyncAt)
	}
	// Polling again re-reads the newest shipments and changes nothing.
	if err := e.poller.Poll(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if n := e.parcelCount(t); n != 3 || len(shoptest.Shipments(t, e.st, tid)) != 2 {
		t.Fatalf("a repeated poll added parcels: %d", n)
	}
	// A shipment added later is picked up from the cursor.
	e.fake.shipments = append(e.fake.shipments, shipmentJSON(34, 7, "2026-03-02 12:00:00",
		[3]string{"9400111899223197428490", "usps", "United States Postal Service"}))
	e.poller.PollAll(context.Background())
	if n := e.parcelCount(t); n != 4 {
		t.Fatalf("%d parcels after a new shipment, want 4", n)
	}
}

func TestPollSurvivesShopErrors(t *testing.T) {
	e := setup(t)
	// Two 503s are retried inside one poll.
	e.fake.fail = []int{503, 429}
	if err := e.poller.Poll(context.Background(), e.conn2(t)); err != nil {
		t.Fatalf("retried errors failed the poll: %v", err)
	}
	if e.parcelCount(t) != 3 {
		t.Fatalf("%d parcels", e.parcelCount(t))
	}

	e2 := setup(t)
	// A shop failing past the retries stops the poll, records the error
	// and leaves the cursor where the imports stopped.
	e2.fake.fail = []int{500, 500, 500}
	if err := e2.poller.Poll(context.Background(), e2.conn2(t)); err == nil {
		t.Fatal("no error from a failing shop")
	}
	c := e2.conn2(t)
	if c.LastError == "" || c.Cursor != "" || e2.parcelCount(t) != 0 {
		t.Fatalf("after failure: error %q cursor %q parcels %d", c.LastError, c.Cursor, e2.parcelCount(t))
	}
	e2.fake.garbage = true
	if err := e2.poller.Poll(context.Background(), c); err == nil || e2.parcelCount(t) != 0 {
		t.Fatalf("broken JSON: %v, %d parcels", err, e2.parcelCount(t))
	}
	e2.fake.garbage = false
	if err := e2.poller.Poll(context.Background(), e2.conn2(t)); err != nil {
		t.Fatal(err)
	}
	if c := e2.conn2(t); c.LastError != "" || e2.parcelCount(t) != 3 {
		t.Fatalf("after recovery: error %q, %d parcels; nothing may be lost", c.LastError, e2.parcelCount(t))
	}
}

func TestShipmentComments(t *testing.T) {
	e := setup(t)
	w := &shop.Worker{Store: e.st, Vault: e.vault, Log: shoptest.Quiet, Now: func() time.Time { return time.Now().Add(time.Hour) },
		Owner: "t", Posters: map[store.ShopKind]shop.Poster{store.ShopMagento: &magento.Poster{}}}
	if err := w.Subscribe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.poller.Poll(context.Background(), e.conn2(t)); err != nil {
		t.Fatal(err)
	}
	tid := e.conn.TenantID
	var pid int64
	for _, s := range shoptest.Shipments(t, e.st, tid) {
		for _, p := range shoptest.Parcels(t, e.st, tid, s.ID) {
			if p.TrackingNumber == "RR123456785IT" {
				pid = p.ID
			}
		}
	}
	shoptest.Move(t, e.st, tid, pid, string(status.AvailableForPickupAvailableForPickup), time.Now().Add(-time.Hour))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.comments) != 1 || e.fake.comments[0]["path"] != "/rest/V1/shipment/32/comments" ||
		e.fake.comments[0]["parent_id"] != float64(32) || !strings.Contains(e.fake.comments[0]["comment"].(string), "RR123456785IT") {
		t.Fatalf("comments = %v", e.fake.comments)
	}
}

func TestTokenNeverInClear(t *testing.T) {
	if _, err := magento.NewClient("http://shop.example.com", "tok"); err == nil {
		t.Fatal("a bearer token would cross the network in clear")
	}
	if _, err := magento.NewClient("http://127.0.0.1:8080", "tok"); err != nil {
		t.Fatalf("loopback: %v", err)
	}
}
