package shopify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/shop/shopify"
	"github.com/waypost/waypost/shop/shoptest"
	"github.com/waypost/waypost/store"
)

// Webhook bodies in the shape of the REST Admin API Order and Fulfillment
// resources (shopify.dev, "Order" and "Fulfillment" REST references);
// values are made up. The DHL number is only mapped by name; the second
// fulfilment's UPS number (check digit valid) has a company Waypost does
// not know, so its carrier is detected from the number.
const orderCreate = `{
  "id": 5803561746483,
  "name": "#1001",
  "order_number": 1001,
  "email": "ada@example.com",
  "phone": null,
  "created_at": "2026-03-01T10:15:00-05:00",
  "customer_locale": "de",
  "customer": {"id": 7001, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+4915112345678"},
  "shipping_address": {"first_name": "Ada", "last_name": "Lovelace", "address1": "Hauptstr. 1", "address2": "",
    "city": "Berlin", "province": "Berlin", "province_code": "BE", "zip": "10115", "country": "Germany", "country_code": "DE",
    "phone": "+4915112345678"},
  "shipping_lines": [{"title": "Express International"}],
  "fulfillments": []
}`

const fulfillmentCreate = `{
  "id": 4757293400371,
  "order_id": 5803561746483,
  "name": "#1001.1",
  "status": "success",
  "created_at": "2026-03-02T09:00:00+01:00",
  "email": "ada@example.com",
  "destination": {"first_name": "Ada", "last_name": "Lovelace", "address1": "Hauptstr. 1", "city": "Berlin",
    "zip": "10115", "country_code": "DE"},
  "tracking_company": "DHL Express",
  "tracking_number": "1234567890",
  "tracking_numbers": ["1234567890"],
  "tracking_url": "https://www.dhl.com/en/express/tracking.html?AWB=1234567890",
  "tracking_urls": ["https://www.dhl.com/en/express/tracking.html?AWB=1234567890"],
  "shipment_status": null
}`

const fulfillmentUnknownCompany = `{
  "id": 4757293400372,
  "order_id": 5803561746483,
  "name": "#1001.2",
  "status": "success",
  "created_at": "2026-03-02T09:30:00+01:00",
  "tracking_company": "Other",
  "tracking_numbers": ["1Z5R89390357567127", "not a number at all"]
}`

const secret = "shpss_test_webhook_secret"

type env struct {
	st    store.Store
	vault *shop.Vault
	conn  store.ShopConnection
	hook  string
	clock *shoptest.Clock
}

func setup(t *testing.T, adminURL string) *env {
	t.Helper()
	st := shoptest.OpenSQLite(t)
	v, err := shop.NewVault("test-key")
	if err != nil {
		t.Fatal(err)
	}
	tn := shoptest.Tenant(t, st)
	if adminURL == "" {
		adminURL = "https://ada-shop.myshopify.com"
	}
	conn := shoptest.Connect(t, st, v, tn.ID, store.ShopShopify, adminURL,
		shop.Credentials{AccessToken: "shpat_token", WebhookSecret: secret}, store.ShopSettings{})
	// The store stamps tasks with the real time; the worker's clock runs
	// an hour ahead so that they are due.
	clock := shoptest.NewClock(time.Now().Add(time.Hour))
	srv := shoptest.Hooks(t, st, v, clock.Now, shopify.Source{})
	return &env{st: st, vault: v, conn: conn, hook: srv.URL + "/hooks/shopify/" + conn.HookKey, clock: clock}
}

func (e *env) send(t *testing.T, topic, webhookID, body, key string) (int, string) {
	t.Helper()
	h := map[string]string{"Content-Type": "application/json", "X-Shopify-Topic": topic,
		"X-Shopify-Shop-Domain": "ada-shop.myshopify.com", "X-Shopify-Webhook-Id": webhookID,
		"X-Shopify-Hmac-Sha256": shop.SignBase64HMAC([]byte(body), key)}
	return shoptest.Post(t, e.hook, []byte(body), h)
}

func TestImportOrderAndFulfillments(t *testing.T) {
	e := setup(t, "")
	tid := e.conn.TenantID
	code, body := e.send(t, "orders/create", "wh-1", orderCreate, secret)
	if code != http.StatusOK || !strings.Contains(body, `"created": true`) {
		t.Fatalf("orders/create: %d %s", code, body)
	}
	list := shoptest.Shipments(t, e.st, tid)
	if len(list) != 1 {
		t.Fatalf("%d shipments, want 1", len(list))
	}
	sh := list[0]
	if sh.Reference != "#1001" || sh.Customer.Email != "ada@example.com" || sh.Customer.Name != "Ada Lovelace" ||
		sh.Customer.Phone != "+4915112345678" || sh.DestinationCountry != "DE" || sh.Customer.Address.City != "Berlin" ||
		sh.Customer.Address.PostalCode != "10115" || sh.Service != "Express International" || sh.Customer.Language != "de" {
		t.Errorf("shipment from the order: %+v", sh)
	}
	if want := time.Date(2026, 3, 1, 15, 15, 0, 0, time.UTC); !sh.OrderedAt.Equal(want) {
		t.Errorf("OrderedAt = %v, want %v", sh.OrderedAt, want)
	}

	code, body = e.send(t, "fulfillments/create", "wh-2", fulfillmentCreate, secret)
	if code != http.StatusOK || !strings.Contains(body, `"new_parcels": 1`) {
		t.Fatalf("fulfillments/create: %d %s", code, body)
	}
	code, body = e.send(t, "fulfillments/create", "wh-3", fulfillmentUnknownCompany, secret)
	if code != http.StatusOK || !strings.Contains(body, `"new_parcels": 1`) || !strings.Contains(body, "NOTANUMBERATALL") &&
		!strings.Contains(body, "not a number at all") {
		t.Fatalf("second fulfilment: %d %s", code, body)
	}
	if n := len(shoptest.Shipments(t, e.st, tid)); n != 1 {
		t.Fatalf("fulfilments created %d shipments; want them on the order's one", n)
	}
	ps := shoptest.Parcels(t, e.st, tid, sh.ID)
	if len(ps) != 2 || ps[0].Carrier != "dhl" || ps[0].TrackingNumber != "1234567890" ||
		ps[1].Carrier != "ups" || ps[1].TrackingNumber != "1Z5R89390357567127" {
		t.Fatalf("parcels = %+v", ps)
	}
	if ps[0].Extra["postal_code"] != "10115" || ps[0].Extra["ship_date"] != "2026-03-02" {
		t.Errorf("parcel extra = %v", ps[0].Extra)
	}
	links, err := e.st.(store.Shops).ListShopLinks(context.Background(), tid, sh.ID)
	if err != nil || len(links) != 4 {
		t.Fatalf("links = %d, %v; want the order, two parcels and the unplaced number", len(links), err)
	}
	if links[3].ParcelID != 0 || links[3].FulfillmentID != "4757293400372" {
		t.Errorf("unplaced number's link = %+v", links[3])
	}
}

// A fulfilment that arrives before its order creates the shipment from
// what it carries, and the order arriving later fills in the rest.
func TestFulfillmentBeforeOrder(t *testing.T) {
	e := setup(t, "")
	tid := e.conn.TenantID
	if code, body := e.send(t, "fulfillments/create", "a", fulfillmentCreate, secret); code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	list := shoptest.Shipments(t, e.st, tid)
	if len(list) != 1 || list[0].Reference != "#1001" || list[0].Service != "" {
		t.Fatalf("shipments = %+v", list)
	}
	if code, body := e.send(t, "orders/updated", "b", orderCreate, secret); code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	list = shoptest.Shipments(t, e.st, tid)
	if len(list) != 1 || list[0].Service != "Express International" || list[0].Customer.Phone == "" {
		t.Fatalf("after the order: %+v", list)
	}
}

func TestReplayChangesNothing(t *testing.T) {
	e := setup(t, "")
	tid := e.conn.TenantID
	for _, id := range []string{"wh-1", "wh-1", "wh-other"} {
		for _, b := range []struct{ topic, body string }{{"orders/create", orderCreate}, {"fulfillments/create", fulfillmentCreate}} {
			code, ans := e.send(t, b.topic, id+b.topic, b.body, secret)
			if code != http.StatusOK {
				t.Fatalf("%s %s: %d %s", id, b.topic, code, ans)
			}
			if id == "wh-1" && strings.Contains(ans, `"created": true`) && strings.Contains(ans, "duplicate") {
				t.Fatalf("answer both created and duplicate: %s", ans)
			}
		}
	}
	// The same delivery ID is answered as a duplicate without touching
	// anything; a new ID with the same content imports nothing new.
	code, ans := e.send(t, "orders/create", "wh-1orders/create", orderCreate, secret)
	if code != http.StatusOK || !strings.Contains(ans, `"result": "duplicate"`) {
		t.Errorf("repeated webhook id: %d %s", code, ans)
	}
	list := shoptest.Shipments(t, e.st, tid)
	if len(list) != 1 {
		t.Fatalf("%d shipments after replays, want 1", len(list))
	}
	if ps := shoptest.Parcels(t, e.st, tid, list[0].ID); len(ps) != 1 {
		t.Fatalf("%d parcels after replays, want 1", len(ps))
	}
	if links, _ := e.st.(store.Shops).ListShopLinks(context.Background(), tid, list[0].ID); len(links) != 2 {
		t.Fatalf("%d links after replays, want 2", len(links))
	}
}

func TestBadSignatureStoresNothing(t *testing.T) {
	e := setup(t, "")
	tid := e.conn.TenantID
	cases := []struct {
		name string
		hdr  map[string]string
	}{
		{"wrong secret", map[string]string{"X-Shopify-Hmac-Sha256": shop.SignBase64HMAC([]byte(orderCreate), "guess")}},
		{"missing", map[string]string{}},
		{"not base64", map[string]string{"X-Shopify-Hmac-Sha256": "%%%"}},
		{"signature of another body", map[string]string{"X-Shopify-Hmac-Sha256": shop.SignBase64HMAC([]byte(orderCreate+" "), secret)}},
	}
	for _, c := range cases {
		c.hdr["X-Shopify-Topic"] = "orders/create"
		c.hdr["X-Shopify-Webhook-Id"] = "sig-" + c.name
		code, ans := shoptest.Post(t, e.hook, []byte(orderCreate), c.hdr)
		if code != http.StatusUnauthorized || !strings.Contains(ans, `"code": "bad_signature"`) {
			t.Errorf("%s: %d %s", c.name, code, ans)
		}
		if seen, _ := e.st.(store.Shops).ShopDeliverySeen(context.Background(), tid, e.conn.ID, "sig-"+c.name); seen {
			t.Errorf("%s: a rejected delivery was recorded", c.name)
		}
	}
	if n := len(shoptest.Shipments(t, e.st, tid)); n != 0 {
		t.Fatalf("unsigned webhooks stored %d shipments", n)
	}
	// Another connection's valid signature does not open this one.
	code, _ := shoptest.Post(t, strings.Replace(e.hook, e.conn.HookKey, "0123456789abcdef0123456789abcdef", 1),
		[]byte(orderCreate), map[string]string{"X-Shopify-Topic": "orders/create",
			"X-Shopify-Hmac-Sha256": shop.SignBase64HMAC([]byte(orderCreate), secret)})
	if code != http.StatusNotFound {
		t.Errorf("unknown hook key: %d, want 404", code)
	}
}

func TestMalformedPayloadStoresNothing(t *testing.T) {
	e := setup(t, "")
	tid := e.conn.TenantID
	for i, c := range []struct{ topic, body string }{
		{"orders/create", `{"id": 1, "name": "#1"`},
		{"orders/create", `[1, 2, 3]`},
		{"orders/create", `{"name": "#1002"}`},
		{"fulfillments/create", `{"id": 5, "tracking_numbers": ["1Z5R89390357567127"]}`},
		{"fulfillments/create", `{"id": 5, "order_id": 6, "tracking_numbers": "1Z5R89390357567127"}`},
		{"", `{"id": 1}`},
	} {
		code, ans := e.send(t, c.topic, "bad-"+string(rune('a'+i)), c.body, secret)
		if code != http.StatusBadRequest || !strings.Contains(ans, `"code": "malformed_payload"`) {
			t.Errorf("case %d: %d %s", i, code, ans)
		}
	}
	if n := len(shoptest.Shipments(t, e.st, tid)); n != 0 {
		t.Fatalf("malformed webhooks stored %d shipments", n)
	}
	// Topics Waypost does not use are acknowledged, not imported.
	if code, ans := e.send(t, "products/update", "p", `{"id": 1}`, secret); code != http.StatusOK || !strings.Contains(ans, "ignored") {
		t.Errorf("other topic: %d %s", code, ans)
	}
}

func TestSkipUnfulfilled(t *testing.T) {
	e := setup(t, "")
	c := e.conn
	c.Settings.SkipUnfulfilled = true
	if err := e.st.(store.Shops).UpdateShopConnection(context.Background(), c.TenantID, &c); err != nil {
		t.Fatal(err)
	}
	if code, ans := e.send(t, "orders/create", "1", orderCreate, secret); code != http.StatusOK || !strings.Contains(ans, `"skipped": true`) {
		t.Fatalf("%d %s", code, ans)
	}
	if n := len(shoptest.Shipments(t, e.st, c.TenantID)); n != 0 {
		t.Fatalf("an order without tracking created %d shipments", n)
	}
	var withTracking map[string]any
	_ = json.Unmarshal([]byte(orderCreate), &withTracking)
	var ful map[string]any
	_ = json.Unmarshal([]byte(fulfillmentCreate), &ful)
	withTracking["fulfillments"] = []any{ful}
	b, _ := json.Marshal(withTracking)
	if code, ans := e.send(t, "orders/updated", "2", string(b), secret); code != http.StatusOK || !strings.Contains(ans, `"new_parcels": 1`) {
		t.Fatalf("%d %s", code, ans)
	}
}
