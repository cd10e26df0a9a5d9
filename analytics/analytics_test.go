package analytics_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/waypost/waypost/analytics"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// spec is one test shipment: its lane and the times of its events (zero:
// no such event). The expected figures are computed from specs alone.
type spec struct {
	carrier, second, service, origin, dest  string
	created, promised                       time.Time
	info, accepted, departed, arrived       time.Time
	customsIn, customsOut, attempt, delayed time.Time
	delivered, last                         time.Time
}

var base = time.Now().UTC().Add(-100 * 24 * time.Hour).Truncate(time.Hour)

func makeSpecs(n int) []spec {
	r := rand.New(rand.NewPCG(5, 6))
	carriers := []string{"dhl", "ups", "china-post"}
	h := func(t time.Time, hours float64) time.Time { return t.Add(time.Duration(hours * float64(time.Hour))) }
	out := make([]spec, n)
	for i := range out {
		s := spec{carrier: carriers[r.IntN(3)], service: []string{"express", "economy"}[r.IntN(2)],
			origin: []string{"CN", "US"}[r.IntN(2)], dest: []string{"DE", "FR"}[r.IntN(2)]}
		if r.IntN(4) == 0 {
			s.second = "dhl"
		}
		s.created = h(base, float64(i)*25+r.Float64())
		if r.IntN(10) < 7 {
			s.promised = time.Date(s.created.Year(), s.created.Month(), s.created.Day()+5+r.IntN(6), 0, 0, 0, 0, time.UTC)
		}
		s.info = h(s.created, 1+r.Float64())
		s.accepted = h(s.info, 3+20*r.Float64())
		t := s.accepted
		if r.IntN(10) < 8 {
			s.departed = h(t, 10+40*r.Float64())
			t = s.departed
			if r.IntN(10) < 8 {
				s.arrived = h(t, 30+90*r.Float64())
				t = s.arrived
				if r.IntN(2) == 0 {
					s.customsIn = h(t, 2+5*r.Float64())
					s.customsOut = h(s.customsIn, 3+80*r.Float64())
					t = s.customsOut
				}
			}
		}
		if r.IntN(7) == 0 {
			s.delayed = h(t, 1)
			t = s.delayed
		}
		if r.IntN(10) < 7 {
			if r.IntN(5) == 0 {
				s.attempt = h(t, 20)
				t = s.attempt
			}
			s.delivered = h(t, 10+30*r.Float64())
			t = s.delivered
		}
		s.last = t
		out[i] = s
	}
	return out
}

func (s spec) events(p int64) []shipment.Event {
	var evs []shipment.Event
	add := func(t time.Time, sub status.Substatus) {
		if !t.IsZero() {
			evs = append(evs, shipment.Event{ParcelID: p, Time: t, Status: sub.Status(), Substatus: sub,
				Code: string(sub), Text: string(sub), Location: shipment.Location{Country: s.dest}})
		}
	}
	add(s.info, status.InfoReceivedInfoReceived)
	add(s.accepted, status.InTransitAccepted)
	add(s.departed, status.InTransitDepartedOriginCountry)
	add(s.arrived, status.InTransitArrivedDestinationCountry)
	add(s.customsIn, status.InTransitCustomsProcessing)
	add(s.customsOut, status.InTransitCustomsCleared)
	add(s.delayed, status.ExceptionDelayed)
	add(s.attempt, status.AttemptFailRecipientUnavailable)
	add(s.delivered, status.DeliveredDelivered)
	return evs
}

// load stores the specs for a new tenant and returns it with the
// shipments' IDs.
func load(t *testing.T, st store.Store, c *clock, specs []spec) (int64, []int64) {
	ctx := t.Context()
	tn := shipment.Tenant{Slug: fmt.Sprintf("shop-%d", time.Now().UnixNano()), Name: "Shop"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(specs))
	for i, s := range specs {
		c.Set(s.created)
		sh := shipment.Shipment{Reference: fmt.Sprintf("o-%d", i), OriginCountry: s.origin, DestinationCountry: s.dest,
			Service: s.service, PromisedDate: s.promised}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		ids[i] = sh.ID
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: s.carrier, TrackingNumber: fmt.Sprintf("T%dA%d", tn.ID, i), Leg: 1}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			t.Fatal(err)
		}
		if s.second != "" {
			// A later leg of another carrier does not change the lane's carrier.
			p2 := shipment.Parcel{ShipmentID: sh.ID, Carrier: s.second, TrackingNumber: fmt.Sprintf("T%dB%d", tn.ID, i), Leg: 2}
			if err := st.CreateParcel(ctx, tn.ID, &p2); err != nil {
				t.Fatal(err)
			}
		}
		c.Set(time.Now())
		res, err := st.IngestEvents(ctx, tn.ID, s.events(p.ID))
		if err != nil || len(res.Rejected) > 0 {
			t.Fatalf("ingest %d: %v %+v", i, err, res.Rejected)
		}
	}
	return tn.ID, ids
}

// expected computes a group's row from specs directly.
func expected(specs []spec, key func(spec) string, now time.Time, dark time.Duration) map[string]analytics.Row {
	type acc struct {
		n, del, prom, ontime, exc, first, dep, darkN int
		transit, dwell                               []int
	}
	accs := map[string]*acc{}
	for _, s := range specs {
		k := key(s)
		a := accs[k]
		if a == nil {
			a = &acc{}
			accs[k] = a
		}
		a.n++
		if !s.delayed.IsZero() {
			a.exc++
		}
		if !s.departed.IsZero() {
			a.dep++
			if s.delivered.IsZero() && s.last.Before(now.Add(-dark)) {
				a.darkN++
			}
		}
		if !s.customsIn.IsZero() {
			a.dwell = append(a.dwell, int(s.customsOut.Sub(s.customsIn)/time.Hour))
		}
		if s.delivered.IsZero() {
			continue
		}
		a.del++
		if s.attempt.IsZero() {
			a.first++
		}
		if !s.promised.IsZero() {
			a.prom++
			if s.delivered.Before(s.promised.Add(24 * time.Hour)) {
				a.ontime++
			}
		}
		a.transit = append(a.transit, int(s.delivered.Sub(s.accepted)/time.Hour))
	}
	rank := func(xs []int, p float64) float64 {
		if len(xs) == 0 {
			return math.NaN()
		}
		sort.Ints(xs)
		return float64(xs[int(math.Ceil(p*float64(len(xs))))-1]) / 24
	}
	div := func(a, b int) float64 {
		if b == 0 {
			return math.NaN()
		}
		return float64(a) / float64(b)
	}
	out := map[string]analytics.Row{}
	for k, a := range accs {
		out[k] = analytics.Row{Key: k, Shipments: a.n, Delivered: a.del, OnTimeRate: div(a.ontime, a.prom),
			TransitP50: rank(a.transit, 0.5), TransitP90: rank(a.transit, 0.9),
			CustomsP50: rank(a.dwell, 0.5), CustomsP90: rank(a.dwell, 0.9), CustomsN: len(a.dwell),
			ExceptionRate: div(a.exc, a.n), FirstAttemptRate: div(a.first, a.del), TrackingCoverage: 1 - div(a.darkN, a.dep)}
	}
	return out
}

func same(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-9 }

func TestPerformance(t *testing.T) {
	specs := makeSpecs(90)
	engines(t, func(t *testing.T, st store.Store, c *clock) {
		tenantID, _ := load(t, st, c, specs)
		load(t, st, c, specs[:10]) // another shop's shipments never count
		now := base.Add(96 * 24 * time.Hour)
		// The window leaves out the first and last few shipments.
		from, to := specs[3].created, specs[85].created
		var inWindow []spec
		for _, s := range specs {
			if !s.created.Before(from) && s.created.Before(to) {
				inWindow = append(inWindow, s)
			}
		}
		// The data must exercise every figure, or the comparison proves little.
		all := expected(inWindow, func(spec) string { return "" }, now, analytics.DefaultDarkAfter)[""]
		if !(all.TrackingCoverage < 1 && all.ExceptionRate > 0 && all.FirstAttemptRate < 1 && all.CustomsN > 5 &&
			all.OnTimeRate > 0 && all.OnTimeRate < 1) {
			t.Fatalf("test data too plain: %+v", all)
		}
		keys := map[store.Grouping]func(spec) string{
			store.ByCarrier: func(s spec) string { return s.carrier },
			store.ByService: func(s spec) string { return s.service },
			store.ByLane:    func(s spec) string { return s.origin + "-" + s.dest },
			store.ByMonth:   func(s spec) string { return s.created.Format("2006-01") },
		}
		for g, key := range keys {
			rows, err := analytics.Performance(t.Context(), st, tenantID, analytics.Query{From: from, To: to, GroupBy: g, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			want := expected(inWindow, key, now, analytics.DefaultDarkAfter)
			if len(rows) != len(want) {
				t.Errorf("%s: %d groups, want %d", g, len(rows), len(want))
			}
			for _, r := range rows {
				w, ok := want[r.Key]
				if !ok {
					t.Errorf("%s: unexpected group %q", g, r.Key)
					continue
				}
				if r.Shipments != w.Shipments || r.Delivered != w.Delivered || r.CustomsN != w.CustomsN ||
					!same(r.OnTimeRate, w.OnTimeRate) || !same(r.TransitP50, w.TransitP50) || !same(r.TransitP90, w.TransitP90) ||
					!same(r.CustomsP50, w.CustomsP50) || !same(r.CustomsP90, w.CustomsP90) || !same(r.ExceptionRate, w.ExceptionRate) ||
					!same(r.FirstAttemptRate, w.FirstAttemptRate) || !same(r.TrackingCoverage, w.TrackingCoverage) {
					t.Errorf("%s %q:\n got %+v\nwant %+v", g, r.Key, r, w)
				}
			}
		}
		if _, err := analytics.Performance(t.Context(), st, tenantID, analytics.Query{From: from, To: to, GroupBy: "week"}); err == nil {
			t.Error("unknown grouping accepted")
		}
	})
}

func TestForecast(t *testing.T) {
	specs := makeSpecs(30)
	engines(t, func(t *testing.T, st store.Store, c *clock) {
		tenantID, ids := load(t, st, c, specs)
		otherID, otherIDs := load(t, st, c, specs[:5])
		es := st.(store.Estimates)
		from := time.Now().UTC().Truncate(24 * time.Hour)
		type want struct {
			n, late          int
			daysLate, misses float64
		}
		expect := map[string]map[int]*want{}
		r := rand.New(rand.NewPCG(1, 2))
		save := func(tenant, id int64, s spec, off int, p float64) {
			d := from.AddDate(0, 0, off)
			e := store.DeliveryEstimate{ShipmentID: id, Stage: "departed_origin", Basis: "lane", MostLikely: d,
				Earliest: d, Latest: d, Earliest50: d, Latest50: d, Earliest95: d, Latest95: d, Confidence: 0.8,
				MissProbability: p, PromisedDate: s.promised}
			if _, _, err := es.SaveEstimate(t.Context(), tenant, e); err != nil {
				t.Fatal(err)
			}
		}
		for i, s := range specs {
			off, p := r.IntN(18)-2, r.Float64()
			save(tenantID, ids[i], s, off, p)
			if !s.delivered.IsZero() || off < 0 || off >= analytics.ForecastDays {
				continue // delivered, or outside the horizon
			}
			if expect[s.dest] == nil {
				expect[s.dest] = map[int]*want{}
			}
			w := expect[s.dest][off]
			if w == nil {
				w = &want{}
				expect[s.dest][off] = w
			}
			w.n++
			w.misses += p
			if d := from.AddDate(0, 0, off); !s.promised.IsZero() && d.After(s.promised) {
				w.late++
				w.daysLate += d.Sub(s.promised).Hours() / 24
			}
		}
		for i, s := range specs[:5] {
			save(otherID, otherIDs[i], s, 1, 0.5)
		}
		got, err := analytics.Forecast(t.Context(), st, tenantID, from.Add(5*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(expect) {
			t.Fatalf("%d countries, want %d", len(got), len(expect))
		}
		for i, cf := range got {
			if i > 0 && cf.Total > got[i-1].Total {
				t.Errorf("countries not ordered by deliveries")
			}
			total := 0
			for off, d := range cf.Days {
				if !d.Day.Equal(from.AddDate(0, 0, off)) {
					t.Fatalf("day %d is %v", off, d.Day)
				}
				w := expect[cf.Country][off]
				if w == nil {
					w = &want{}
				}
				mean := 0.0
				if w.late > 0 {
					mean = w.daysLate / float64(w.late)
				}
				total += w.n
				if d.Deliveries != w.n || d.Late != w.late || math.Abs(d.MeanDaysLate-mean) > 1e-9 || math.Abs(d.ExpectedMisses-w.misses) > 1e-9 {
					t.Errorf("%s day %d: got %+v, want %+v (mean late %.2f)", cf.Country, off, d, *w, mean)
				}
			}
			if cf.Total != total {
				t.Errorf("%s: total %d, want %d", cf.Country, cf.Total, total)
			}
		}
	})
}
