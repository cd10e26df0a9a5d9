package woocommerce_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/shop/shoptest"
	"github.com/waypost/waypost/shop/woocommerce"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// An order in the shape of the WooCommerce REST API v3 order resource, as
// its webhooks deliver it, with the Shipment Tracking extension's meta
// (tracking_provider names as the extension stores them, date_shipped in
// Unix seconds). Values are made up; the Royal Mail number is a valid
// S10 number, the second item has a custom provider and a UPS number.
const orderUpdated = `{
  "id": 727,
  "number": "727",
  "status": "completed",
  "date_created_gmt": "2026-03-01T09:00:00",
  "billing": {"first_name": "Jo", "last_name": "Bloggs", "email": "jo@example.co.uk", "phone": "+447700900123",
    "address_1": "1 High St", "city": "Leeds", "postcode": "LS1 1AA", "country": "GB"},
  "shipping": {"first_name": "Jo", "last_name": "Bloggs", "address_1": "2 Low Rd", "address_2": "", "city": "Paris",
    "state": "", "postcode": "75001", "country": "FR", "phone": ""},
  "shipping_lines": [{"id": 1, "method_title": "International Tracked"}],
  "meta_data": [
    {"id": 1, "key": "_billing_vat", "value": {"x": 1}},
    {"id": 2, "key": "_wc_shipment_tracking_items", "value": [
      {"tracking_provider": "royal-mail", "custom_tracking_provider": "", "custom_tracking_link": "",
       "tracking_number": "RR123456785GB", "date_shipped": "1772442000", "tracking_id": "a1b2"},
      {"tracking_provider": "", "custom_tracking_provider": "Some Local Courier", "custom_tracking_link": "https://example.com/t",
       "tracking_number": "1Z5R89390357567127", "date_shipped": 1772445600, "tracking_id": "c3d4"}
    ]}
  ]
}`

const secret = "wc-webhook-secret"

// fakeWC is a local WooCommerce REST API answering POST
// /wp-json/wc/v3/orders/<id>/notes as documented (basic auth with the
// consumer key and secret; 201 with the note), with failures on demand.
type fakeWC struct {
	mu    sync.Mutex
	fail  []int
	notes []map[string]any
	paths []string
}

func (f *fakeWC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k, s, ok := r.BasicAuth(); !ok || k != "ck_test" || s != "cs_test" {
		http.Error(w, `{"code":"woocommerce_rest_cannot_create","message":"Sorry, you are not allowed to create resources.","data":{"status":401}}`, http.StatusUnauthorized)
		return
	}
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		w.Header().Set("Retry-After", "1")
		http.Error(w, "{}", code)
		return
	}
	var note map[string]any
	if err := json.NewDecoder(r.Body).Decode(&note); err != nil || note["note"] == "" {
		http.Error(w, `{"code":"rest_missing_callback_param"}`, http.StatusBadRequest)
		return
	}
	f.notes = append(f.notes, note)
	f.paths = append(f.paths, r.URL.Path)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{"id":281,"note":"ok","customer_note":false}`))
}

type env struct {
	st    store.Store
	vault *shop.Vault
	conn  store.ShopConnection
	hook  string
	clock *shoptest.Clock
	fake  *fakeWC
}

func setup(t *testing.T) *env {
	st := shoptest.OpenSQLite(t)
	v, _ := shop.NewVault("")
	fake := &fakeWC{}
	mux := http.NewServeMux()
	mux.Handle("POST /wp-json/wc/v3/orders/{id}/notes", fake)
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	tn := shoptest.Tenant(t, st)
	conn := shoptest.Connect(t, st, v, tn.ID, store.ShopWooCommerce, api.URL,
		shop.Credentials{WebhookSecret: secret, ConsumerKey: "ck_test", ConsumerSecret: "cs_test"},
		store.ShopSettings{CustomerVisible: true})
	clock := shoptest.NewClock(time.Now().Add(time.Hour)) // ahead of the store's task stamps
	srv := shoptest.Hooks(t, st, v, clock.Now, woocommerce.Source{})
	return &env{st: st, vault: v, conn: conn, hook: srv.URL + "/hooks/woocommerce/" + conn.HookKey, clock: clock, fake: fake}
}

func (e *env) send(t *testing.T, delivery, body, key string) (int, string) {
	t.Helper()
	return shoptest.Post(t, e.hook, []byte(body), map[string]string{"X-WC-Webhook-Topic": "order.updated",
		"X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": "updated", "X-WC-Webhook-Delivery-ID": delivery,
		"X-WC-Webhook-Source": "https://shop.example/", "X-WC-Webhook-Signature": shop.SignBase64HMAC([]byte(body), key)})
}

func TestImportTrackingMeta(t *testing.T) {
	e := setup(t)
	tid := e.conn.TenantID
	for _, d := range []string{"1", "1", "2"} { // a retry and a new delivery of the same order
		if code, ans := e.send(t, d, orderUpdated, secret); code != http.StatusOK {
			t.Fatalf("delivery %s: %d %s", d, code, ans)
		}
	}
	list := shoptest.Shipments(t, e.st, tid)
	if len(list) != 1 {
		t.Fatalf("%d shipments", len(list))
	}
	sh := list[0]
	if sh.Reference != "727" || sh.Customer.Email != "jo@example.co.uk" || sh.DestinationCountry != "FR" ||
		sh.Customer.Address.City != "Paris" || sh.Customer.Phone != "+447700900123" || sh.Service != "International Tracked" {
		t.Errorf("shipment = %+v", sh)
	}
	ps := shoptest.Parcels(t, e.st, tid, sh.ID)
	if len(ps) != 2 || ps[0].Carrier != "royal-mail" || ps[0].TrackingNumber != "RR123456785GB" ||
		ps[1].Carrier != "ups" || ps[0].Extra["ship_date"] != "2026-03-02" {
		t.Fatalf("parcels = %+v", ps)
	}
}

func TestWebhookRejections(t *testing.T) {
	e := setup(t)
	if code, _ := e.send(t, "x", orderUpdated, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d", code)
	}
	for _, body := range []string{`{"id":`, `{"number":"5"}`,
		`{"id": 9, "meta_data": [{"key": "_wc_shipment_tracking_items", "value": "RR123456785GB"}]}`} {
		if code, ans := e.send(t, "y", body, secret); code != http.StatusBadRequest || !strings.Contains(ans, "malformed_payload") {
			t.Errorf("%s: %d %s", body, code, ans)
		}
	}
	if n := len(shoptest.Shipments(t, e.st, e.conn.TenantID)); n != 0 {
		t.Fatalf("rejected deliveries stored %d shipments", n)
	}
	// The unsigned ping WooCommerce sends when a webhook is saved is
	// accepted and stores nothing; a signed-looking one with a body is not.
	code, ans := shoptest.Post(t, e.hook, []byte("webhook_id=15"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if code != http.StatusOK || !strings.Contains(ans, "ignored") {
		t.Errorf("ping: %d %s", code, ans)
	}
	if code, _ := shoptest.Post(t, e.hook, []byte(orderUpdated), map[string]string{"X-WC-Webhook-Topic": "order.updated"}); code != http.StatusUnauthorized {
		t.Errorf("unsigned order: %d", code)
	}
}

func TestOrderNotes(t *testing.T) {
	e := setup(t)
	w := &shop.Worker{Store: e.st, Vault: e.vault, Log: shoptest.Quiet, Now: e.clock.Now, Owner: "t",
		Posters: map[store.ShopKind]shop.Poster{store.ShopWooCommerce: &woocommerce.Poster{}}}
	if err := w.Subscribe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, ans := e.send(t, "1", orderUpdated, secret); code != http.StatusOK {
		t.Fatalf("%d %s", code, ans)
	}
	tid := e.conn.TenantID
	sh := shoptest.Shipments(t, e.st, tid)[0]
	ps := shoptest.Parcels(t, e.st, tid, sh.ID)
	e.fake.fail = []int{http.StatusServiceUnavailable}
	shoptest.Move(t, e.st, tid, ps[0].ID, string(status.InTransitDepartedOriginCountry), time.Now().Add(-time.Hour))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.notes) != 0 {
		t.Fatal("posted through a 503")
	}
	e.clock.Add(time.Minute)
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.notes) != 1 || e.fake.paths[0] != "/wp-json/wc/v3/orders/727/notes" || e.fake.notes[0]["customer_note"] != true {
		t.Fatalf("notes = %v at %v", e.fake.notes, e.fake.paths)
	}
	msg, _ := e.fake.notes[0]["note"].(string)
	if !strings.Contains(msg, "RR123456785GB") || !strings.Contains(msg, "1Z5R89390357567127") {
		t.Errorf("one note per order naming its numbers, got %q", msg)
	}
}

func TestBasicAuthNeverInClear(t *testing.T) {
	p := &woocommerce.Poster{}
	conn := store.ShopConnection{ShopURL: "http://shop.example.com"}
	err := p.Post(context.Background(), conn, shop.Credentials{ConsumerKey: "ck", ConsumerSecret: "cs"},
		shop.Update{OrderID: "1", Status: status.Delivered, Message: "x"})
	if err == nil || strings.Contains(err.Error(), "cs\"") {
		t.Fatalf("plain-HTTP shop: %v", err)
	}
}
