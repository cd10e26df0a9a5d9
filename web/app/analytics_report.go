package app

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/analytics"
	"github.com/waypost/waypost/store"
)

// DefaultWISMOShare is the share of tracking-page views assumed to replace
// a "where is my order" contact when Config.WISMOShare is not set. It is
// an assumption for the seller to adjust to their own support figures,
// not a measurement: one view in ten.
const DefaultWISMOShare = 0.1

// maxLanes bounds the lanes charted, busiest first.
const maxLanes = 6

// StoreAnalytics computes the analytics page from the store's aggregates
// (store.Analytics, through package analytics) and the tracking-page
// counters (store.TrackingPages).
type StoreAnalytics struct {
	Store store.Store
	// WISMOShare is the share of page views taken to avoid a contact;
	// 0 means DefaultWISMOShare.
	WISMOShare float64
	// Now is the clock for "gone dark" and the forecast; nil: time.Now.
	Now func() time.Time
}

// Report implements Analytics over the shipments created in [from, to).
func (s StoreAnalytics) Report(ctx context.Context, tenantID int64, from, to time.Time) (Report, error) {
	share := s.WISMOShare
	if share <= 0 {
		share = DefaultWISMOShare
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	rep := Report{WISMOShare: share}
	if _, ok := s.Store.(store.Analytics); !ok {
		return rep, ErrUnavailable
	}
	q := analytics.Query{From: from, To: to, Now: now}
	var err error
	if rep.OnTime, rep.ExceptionRate, err = s.series(ctx, tenantID, q); err != nil {
		return rep, err
	}
	if rep.Carriers, err = carrierStats(ctx, s.Store, tenantID, q); err != nil {
		return rep, err
	}
	if rep.Transit, rep.CustomsDwell, err = laneStats(ctx, s.Store, tenantID, q); err != nil {
		return rep, err
	}
	if rep.PageViews, rep.WISMOAvoided, err = pageViews(ctx, s.Store, tenantID, from, to, share); err != nil {
		return rep, err
	}
	fc, err := analytics.Forecast(ctx, s.Store, tenantID, now)
	if err != nil {
		return rep, err
	}
	for _, c := range fc {
		cf := CountryForecast{Country: c.Country, Total: c.Total}
		for _, d := range c.Days {
			cf.Late += d.Late
			cf.Days = append(cf.Days, ForecastDay{Day: d.Day, Deliveries: d.Deliveries, Late: d.Late, MeanDaysLate: d.MeanDaysLate})
		}
		rep.Forecast = append(rep.Forecast, cf)
	}
	return rep, nil
}

// series computes the on-time and exception rates per bucket: days, or
// weeks when the period is longer than a month (13 queries instead of 90).
// A bucket where nothing was counted is left out rather than drawn as 0.
func (s StoreAnalytics) series(ctx context.Context, tenantID int64, q analytics.Query) (onTime, exc []Point, err error) {
	a := s.Store.(store.Analytics)
	step := 1
	if q.To.Sub(q.From) > 31*24*time.Hour {
		step = 7
	}
	for b := q.From; b.Before(q.To); b = b.AddDate(0, 0, step) {
		e := b.AddDate(0, 0, step)
		if e.After(q.To) {
			e = q.To
		}
		gs, err := a.ShipmentStats(ctx, tenantID, store.StatsQuery{From: b, To: e, GroupBy: store.ByMonth, DarkAfter: analytics.DefaultDarkAfter, Now: q.Now})
		if err != nil {
			return nil, nil, fmt.Errorf("analytics series: %w", err)
		}
		var n, ex, promised, ok int
		for _, g := range gs {
			n, ex, promised, ok = n+g.Shipments, ex+g.Exceptions, promised+g.Promised, ok+g.OnTime
		}
		if promised > 0 {
			onTime = append(onTime, Point{Day: b, Value: float64(ok) / float64(promised)})
		}
		if n > 0 {
			exc = append(exc, Point{Day: b, Value: float64(ex) / float64(n)})
		}
	}
	return onTime, exc, nil
}

func carrierStats(ctx context.Context, st store.Store, tenantID int64, q analytics.Query) ([]CarrierStats, error) {
	q.GroupBy = store.ByCarrier
	rows, err := analytics.Performance(ctx, st, tenantID, q)
	if err != nil {
		return nil, err
	}
	out := make([]CarrierStats, 0, len(rows))
	for _, r := range rows {
		name := r.Key
		if name == "" {
			name = "(no carrier yet)"
		}
		out = append(out, CarrierStats{Carrier: name, Shipments: r.Shipments, OnTimeRate: r.OnTimeRate,
			MedianDays: r.TransitP50, P90Days: r.TransitP90, ExceptionRate: r.ExceptionRate,
			FirstAttemptRate: r.FirstAttemptRate, Coverage: r.TrackingCoverage})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Shipments != out[j].Shipments {
			return out[i].Shipments > out[j].Shipments
		}
		return out[i].Carrier < out[j].Carrier
	})
	return out, nil
}

// laneStats returns the transit distribution of the busiest lanes and the
// median customs dwell per destination, from one grouped query.
func laneStats(ctx context.Context, st store.Store, tenantID int64, q analytics.Query) ([]LaneTransit, []Bar, error) {
	gs, err := st.(store.Analytics).ShipmentStats(ctx, tenantID, store.StatsQuery{From: q.From, To: q.To, GroupBy: store.ByLane,
		DarkAfter: analytics.DefaultDarkAfter, Now: q.Now})
	if err != nil {
		return nil, nil, fmt.Errorf("analytics lanes: %w", err)
	}
	dwell := map[string]map[int]int{}
	var lanes []LaneTransit
	var delivered []int
	for _, g := range gs {
		orig, dest, _ := strings.Cut(g.Key, "-")
		if len(g.DwellHours) > 0 {
			if dwell[dest] == nil {
				dwell[dest] = map[int]int{}
			}
			for h, n := range g.DwellHours {
				dwell[dest][h] += n
			}
		}
		if len(g.TransitHours) == 0 {
			continue
		}
		lanes = append(lanes, LaneTransit{Lane: laneName(orig, dest), Buckets: dayBuckets(g.TransitHours),
			P50: analytics.Percentile(g.TransitHours, 0.5) / 24, P90: analytics.Percentile(g.TransitHours, 0.9) / 24})
		delivered = append(delivered, total(g.TransitHours))
	}
	idx := make([]int, len(lanes))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if delivered[idx[a]] != delivered[idx[b]] {
			return delivered[idx[a]] > delivered[idx[b]]
		}
		return lanes[idx[a]].Lane < lanes[idx[b]].Lane
	})
	var top []LaneTransit
	for _, i := range idx {
		if len(top) == maxLanes {
			break
		}
		top = append(top, lanes[i])
	}
	var bars []Bar
	for dest, h := range dwell {
		bars = append(bars, Bar{Label: dest, Value: analytics.Percentile(h, 0.5)})
	}
	sort.Slice(bars, func(i, j int) bool { return bars[i].Label < bars[j].Label })
	return top, bars, nil
}

func laneName(orig, dest string) string {
	if orig == "" {
		orig = "?"
	}
	if dest == "" {
		dest = "?"
	}
	return orig + " → " + dest
}

// dayBuckets turns a histogram of hours into one of whole days, every day
// from the fastest to the slowest present (at most 30 bars; the last one
// holds everything slower).
func dayBuckets(hours map[int]int) []Bar {
	days := map[int]int{}
	lo, hi := math.MaxInt, 0
	for h, n := range hours {
		d := max(h, 0) / 24
		days[d] += n
		lo, hi = min(lo, d), max(hi, d)
	}
	last := min(hi, lo+29)
	out := make([]Bar, 0, last-lo+1)
	for d := lo; d <= last; d++ {
		out = append(out, Bar{Label: strconv.Itoa(d), Value: float64(days[d])})
	}
	if hi > last {
		for d := last + 1; d <= hi; d++ {
			out[len(out)-1].Value += float64(days[d])
		}
		out[len(out)-1].Label = strconv.Itoa(last) + "+"
	}
	return out
}

func total(h map[int]int) int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

// pageViews returns the tracking-page views per day of [from, to), days
// without views as 0, and the contacts they are taken to have avoided.
func pageViews(ctx context.Context, st store.Store, tenantID int64, from, to time.Time, share float64) (views, avoided []Point, err error) {
	tp, ok := st.(store.TrackingPages)
	if !ok {
		return nil, nil, nil
	}
	counts, err := tp.PageCounts(ctx, tenantID, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics page views: %w", err)
	}
	byDay := map[time.Time]int64{}
	for _, c := range counts {
		byDay[c.Day.UTC()] = c.Views
	}
	y, m, d := from.UTC().Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); day.Before(to); day = day.AddDate(0, 0, 1) {
		v := float64(byDay[day])
		views = append(views, Point{Day: day, Value: v})
		avoided = append(avoided, Point{Day: day, Value: v * share})
	}
	return views, avoided, nil
}
