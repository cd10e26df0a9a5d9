package track

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

// The journey below is written from the shapes carriers use: a China Post
// S10 item (UPU S10 format, check digit valid) handed to DHL Express at the
// destination, with DHL's customs wording ("Clearance processing
// complete"); texts follow carrier/dhl/testdata and carrier sandbox scripts.
const (
	numLeg1  = "LY405525757CN"
	numLeg2  = "3140918270"
	numHeld  = "RR123456785CN"
	custName = "Ada Lovelace"
	custLine = "12 Marylebone Road"
	custZip  = "80331"
	custMail = "ada@example.com"
)

type fixture struct {
	st       *sqlite.Store
	tenant   shipment.Tenant
	other    shipment.Tenant
	ship     shipment.Shipment
	held     shipment.Shipment
	h        *Handler
	srv      *httptest.Server
	subs     *fakeSubscriber
	reporter *fakeReporter
	now      time.Time
}

type fakeSubscriber struct {
	mu   sync.Mutex
	got  []string
	fail error
}

func (f *fakeSubscriber) Subscribe(_ context.Context, tenantID, shipmentID int64, email, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, email+" "+lang)
	return f.fail
}

func (f *fakeSubscriber) emails() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

type fakeReporter struct {
	mu    sync.Mutex
	kinds []string
}

func (f *fakeReporter) OpenCase(_ context.Context, tenantID int64, r store.BuyerReport) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kinds = append(f.kinds, r.Kind)
	return 900 + int64(len(f.kinds)), nil
}

type fixedEstimator struct{ from, to time.Time }

func (e fixedEstimator) Estimate(context.Context, int64, int64) (time.Time, time.Time, bool) {
	return e.from, e.to, true
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newFixture opens a real SQLite file with two shops: one with a shipment
// that crossed customs and changed carrier, one held by customs with
// duties due. cfg adjusts the handler.
func newFixture(t testing.TB, cfg func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
	f := &fixture{st: st, subs: &fakeSubscriber{}, reporter: &fakeReporter{}, now: time.Now().UTC()}
	f.tenant = shipment.Tenant{Slug: "nordic-knits", Name: "Nordic Knits"}
	f.other = shipment.Tenant{Slug: "other-shop", Name: "Other Shop"}
	for _, tn := range []*shipment.Tenant{&f.tenant, &f.other} {
		if err := st.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	b := store.Branding{PrimaryColor: "#1a5c3b", ShopURL: "https://knits.example/", Texts: map[string]string{"": "Thank you for shopping with us."}}
	if err := st.SetBranding(ctx, f.tenant.ID, &b); err != nil {
		t.Fatal(err)
	}
	base := f.now.Add(-10 * 24 * time.Hour).Truncate(time.Hour)
	f.ship = shipment.Shipment{Reference: "NK-1001", OriginCountry: "CN", DestinationCountry: "DE",
		OrderedAt: base.Add(-24 * time.Hour),
		Customer: shipment.Contact{Name: custName, Email: custMail, Language: "de",
			Address: shipment.Address{Line1: custLine, City: "München", PostalCode: custZip, Country: "DE"}}}
	if err := st.CreateShipment(ctx, f.tenant.ID, &f.ship); err != nil {
		t.Fatal(err)
	}
	p1 := shipment.Parcel{ShipmentID: f.ship.ID, Carrier: "china-post", TrackingNumber: numLeg1, Leg: 1}
	p2 := shipment.Parcel{ShipmentID: f.ship.ID, Carrier: "dhl", TrackingNumber: numLeg2, Leg: 2}
	for _, p := range []*shipment.Parcel{&p1, &p2} {
		if err := st.CreateParcel(ctx, f.tenant.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	ev := func(p shipment.Parcel, h int, sub status.Substatus, text, city, cc string) shipment.Event {
		return shipment.Event{ParcelID: p.ID, Time: base.Add(time.Duration(h) * time.Hour), OffsetSource: shipment.OffsetNone,
			Text: text, Status: sub.Status(), Substatus: sub, Location: shipment.Location{City: city, Country: cc, PostalCode: custZip}}
	}
	events := []shipment.Event{
		ev(p1, 0, status.InTransitAccepted, "Accepted", "Shanghai", "CN"),
		ev(p1, 30, status.InTransitDepartedOriginCountry, "Departed origin country", "Shanghai", "CN"),
		ev(p2, 60, status.InTransitArrivedDestinationCountry, "Arrived in destination country", "Frankfurt am Main", "DE"),
		ev(p2, 62, status.InTransitCustomsProcessing, "Shipment is being processed for clearance", "Frankfurt am Main", "DE"),
		ev(p2, 70, status.InTransitCustomsCleared, "Clearance processing complete", "Frankfurt am Main", "DE"),
		ev(p2, 90, status.OutForDeliveryOutForDelivery, "Shipment is out with courier for delivery", "München", "DE"),
		ev(p2, 94, status.DeliveredSigned, "Delivered - Signed for by: ADA LOVELACE, 12 Marylebone Road", "München", "DE"),
	}
	if _, err := st.IngestEvents(ctx, f.tenant.ID, events); err != nil {
		t.Fatal(err)
	}
	f.held = shipment.Shipment{Reference: "NK-1002", OriginCountry: "CN", DestinationCountry: "FR",
		Customer: shipment.Contact{Name: "Blaise Pascal", Email: "blaise@example.com", Address: shipment.Address{PostalCode: "75005", City: "Paris"}}}
	if err := st.CreateShipment(ctx, f.tenant.ID, &f.held); err != nil {
		t.Fatal(err)
	}
	p3 := shipment.Parcel{ShipmentID: f.held.ID, Carrier: "la-poste", TrackingNumber: numHeld, Leg: 1}
	if err := st.CreateParcel(ctx, f.tenant.ID, &p3); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestEvents(ctx, f.tenant.ID, []shipment.Event{
		ev(p3, 0, status.InTransitArrivedDestinationCountry, "Votre colis est arrivé en France", "Roissy", "FR"),
		ev(p3, 5, status.ExceptionDutiesDue, "Droits et taxes à payer", "Roissy", "FR"),
	}); err != nil {
		t.Fatal(err)
	}
	c := Config{Store: st, Subscriber: f.subs, Reporter: f.reporter, Log: quiet,
		Estimator:  fixedEstimator{f.now.Add(48 * time.Hour), f.now.Add(96 * time.Hour)},
		LookupRate: 100, LookupBurst: 100}
	if cfg != nil {
		cfg(&c)
	}
	var err error
	if f.h, err = New(c); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.h.Mount(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// client returns an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
func (f *fixture) client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := newJar()
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
