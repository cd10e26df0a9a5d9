package app_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/app"
)

// journey is one test shipment and its events, hours before now.
type journey struct {
	ref, carrier, origin, dest string
	promisedDays               int // days from today; 0: no promise
	events                     []struct {
		hoursAgo float64
		sub      status.Substatus
	}
}

type ev = struct {
	hoursAgo float64
	sub      status.Substatus
}

// seedJourneys stores the journeys for tenant tid and returns the
// shipments by reference.
func seedJourneys(t testing.TB, e *env, tid int64, js []journey) map[string]shipment.Shipment {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)
	out := map[string]shipment.Shipment{}
	for i, j := range js {
		sh := shipment.Shipment{Reference: j.ref, OriginCountry: j.origin, DestinationCountry: j.dest,
			Customer: shipment.Contact{Name: "Buyer " + j.ref, Language: "de"}}
		if j.promisedDays != 0 {
			sh.PromisedDate = today.AddDate(0, 0, j.promisedDays)
		}
		if err := e.st.CreateShipment(ctx, tid, &sh); err != nil {
			t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: j.carrier, TrackingNumber: "AN" + j.ref + string(rune('A'+i))}
		if err := e.st.CreateParcel(ctx, tid, &p); err != nil {
			t.Fatal(err)
		}
		var evs []shipment.Event
		for _, x := range j.events {
			evs = append(evs, shipment.Event{ParcelID: p.ID, Time: now.Add(-time.Duration(x.hoursAgo * float64(time.Hour))),
				Status: x.sub.Status(), Substatus: x.sub, Text: string(x.sub), Location: shipment.Location{Country: j.dest}})
		}
		if _, err := e.st.IngestEvents(ctx, tid, evs); err != nil {
			t.Fatal(err)
		}
		sh, err := e.st.GetShipment(ctx, tid, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[j.ref] = sh
	}
	return out
}

// analyticsFixture: two china-post shipments to DE (one on time in 5 days
// with a day in customs, one late in 9 days), and two ups shipments (one
// held in customs in FR, one delivered to GB after a failed attempt).
var analyticsFixture = []journey{
	{ref: "A", carrier: "china-post", origin: "CN", dest: "DE", promisedDays: 10, events: []ev{
		{144, status.InTransitAccepted}, {72, status.InTransitCustomsProcessing}, {48, status.InTransitCustomsCleared}, {24, status.DeliveredDelivered}}},
	{ref: "B", carrier: "china-post", origin: "CN", dest: "DE", promisedDays: -3, events: []ev{
		{240, status.InTransitAccepted}, {24, status.DeliveredDelivered}}},
	{ref: "C", carrier: "ups", origin: "CN", dest: "FR", events: []ev{
		{96, status.InTransitAccepted}, {48, "exception.customs_held"}}},
	{ref: "D", carrier: "ups", origin: "US", dest: "GB", events: []ev{
		{72, status.InTransitAccepted}, {48, status.AttemptFailRecipientUnavailable}, {24, status.DeliveredDelivered}}},
}

func TestStoreAnalyticsReport(t *testing.T) {
	e := newEnv(t, app.Config{})
	tn, other := e.tenant(), e.tenant()
	ships := seedJourneys(t, e, tn.ID, analyticsFixture)
	seedJourneys(t, e, other.ID, analyticsFixture[:1]) // must not count
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	tp := e.st.(store.TrackingPages)
	if err := tp.AddPageCounts(ctx, tn.ID, today, store.PageCounts{Views: 40}); err != nil {
		t.Fatal(err)
	}
	if err := tp.AddPageCounts(ctx, other.ID, today, store.PageCounts{Views: 1000}); err != nil {
		t.Fatal(err)
	}
	// C is expected three days out, a day after its promise.
	c := ships["C"]
	c.PromisedDate = today.AddDate(0, 0, 2)
	est := store.DeliveryEstimate{ShipmentID: c.ID, MostLikely: today.AddDate(0, 0, 3), Earliest: today.AddDate(0, 0, 2),
		Latest: today.AddDate(0, 0, 5), Earliest50: today.AddDate(0, 0, 3), Latest50: today.AddDate(0, 0, 4),
		Earliest95: today.AddDate(0, 0, 2), Latest95: today.AddDate(0, 0, 7), Confidence: 0.8, Stage: "customs", Basis: "lane", Samples: 30}
	if _, _, err := e.st.(store.Estimates).SaveEstimate(ctx, tn.ID, est); err != nil {
		t.Fatal(err)
	}
	// The promise lives on the shipment; set it so the forecast sees it.
	if err := e.st.UpdateShipment(ctx, tn.ID, &c); err != nil {
		t.Fatal(err)
	}

	rep, err := app.StoreAnalytics{Store: e.st, WISMOShare: 0.25}.Report(ctx, tn.ID, today.AddDate(0, 0, -29), today.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	byCarrier := map[string]app.CarrierStats{}
	for _, c := range rep.Carriers {
		byCarrier[c.Carrier] = c
	}
	cp, ups := byCarrier["china-post"], byCarrier["ups"]
	if cp.Shipments != 2 || cp.OnTimeRate != 0.5 || cp.MedianDays != 5 || cp.P90Days != 9 {
		t.Errorf("china-post %+v: want 2 shipments, on time 0.5, transit p50 5 d and p90 9 d", cp)
	}
	if ups.Shipments != 2 || ups.ExceptionRate != 0.5 || ups.FirstAttemptRate != 0 || !math.IsNaN(ups.OnTimeRate) {
		t.Errorf("ups %+v: want 2 shipments, exception rate 0.5, first attempt 0, no on-time rate", ups)
	}
	if len(rep.CustomsDwell) != 1 || rep.CustomsDwell[0].Label != "DE" || rep.CustomsDwell[0].Value != 24 {
		t.Errorf("customs dwell %+v, want DE 24 h", rep.CustomsDwell)
	}
	var lane *app.LaneTransit
	for i := range rep.Transit {
		if rep.Transit[i].Lane == "CN → DE" {
			lane = &rep.Transit[i]
		}
	}
	if lane == nil || lane.P50 != 5 || lane.P90 != 9 || len(lane.Buckets) != 5 || lane.Buckets[0].Label != "5" || lane.Buckets[4].Value != 1 {
		t.Errorf("lane CN → DE %+v: want days 5..9 with one delivery at each end", lane)
	}
	if n := len(rep.OnTime); n != 1 || rep.OnTime[0].Value != 0.5 {
		t.Errorf("on-time series %+v: want today's 0.5 only", rep.OnTime)
	}
	if last := rep.ExceptionRate[len(rep.ExceptionRate)-1]; last.Value != 0.25 {
		t.Errorf("today's exception rate %v, want 1 of 4", last.Value)
	}
	if len(rep.PageViews) != 30 || rep.PageViews[29].Value != 40 || rep.WISMOAvoided[29].Value != 10 || rep.PageViews[0].Value != 0 {
		t.Errorf("page views %d days, today %v, avoided %v: want 30 days, 40 views, 10 avoided", len(rep.PageViews),
			rep.PageViews[len(rep.PageViews)-1], rep.WISMOAvoided[len(rep.WISMOAvoided)-1])
	}
	if len(rep.Forecast) != 1 || rep.Forecast[0].Country != "FR" || rep.Forecast[0].Total != 1 || rep.Forecast[0].Days[3].Deliveries != 1 {
		t.Fatalf("forecast %+v: want one delivery to FR in 3 days", rep.Forecast)
	}
	if rep.Forecast[0].Late != 1 || rep.Forecast[0].Days[3].MeanDaysLate != 1 {
		t.Errorf("forecast lateness %+v: want one delivery a day late", rep.Forecast[0])
	}

	// Weekly buckets over 90 days.
	rep90, err := app.StoreAnalytics{Store: e.st}.Report(ctx, tn.ID, today.AddDate(0, 0, -89), today.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep90.ExceptionRate) != 1 || rep90.WISMOShare != app.DefaultWISMOShare {
		t.Errorf("90 days: %d exception buckets with data, share %v", len(rep90.ExceptionRate), rep90.WISMOShare)
	}

	// The page, with the analytics found on the store.
	e.user(tn.ID, "ada@example.com", store.RoleAgent)
	cl := e.client()
	cl.login(tn.Slug, "ada@example.com", password)
	res, body := cl.get("/app/analytics?days=30")
	wantStatus(t, "analytics", res, http.StatusOK)
	// The page uses the default share.
	for _, want := range []string{`data-chart="on-time"`, `data-label="DE" data-value="24"`, "china-post", "50.0 %",
		`data-country="FR"`, "10.0 % of tracking-page views"} {
		if !strings.Contains(body, want) {
			t.Errorf("analytics page misses %q", want)
		}
	}
}

// BenchmarkStoreAnalyticsReport measures the analytics page's data for 7,
// 30 and 90 days (daily buckets, weekly over 90 days) over a tenant with
// 1,000 shipments (the fixture repeated) on SQLite.
func BenchmarkStoreAnalyticsReport(b *testing.B) {
	e := newEnv(b, app.Config{})
	tn := e.tenant()
	var js []journey
	for i := range 1000 {
		j := analyticsFixture[i%len(analyticsFixture)]
		j.ref = fmt.Sprintf("%s%d", j.ref, i)
		js = append(js, j)
	}
	seedJourneys(b, e, tn.ID, js)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	sa := app.StoreAnalytics{Store: e.st}
	for _, days := range []int{7, 30, 90} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			for b.Loop() {
				if _, err := sa.Report(context.Background(), tn.ID, today.AddDate(0, 0, 1-days), today.AddDate(0, 0, 1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
