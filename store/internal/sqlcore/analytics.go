package sqlcore

import (
	"context"
	"fmt"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Analytics = (*Store)(nil)

// The expressions that differ between the engines: SQLite keeps times as
// integer microseconds, PostgreSQL as timestamptz.
func (s *Store) sqlite() bool { return s.eng.TimeType() == "INTEGER" }

// hoursBetween is whole hours from a to b.
func (s *Store) hoursBetween(a, b string) string {
	if s.sqlite() {
		return "((" + b + ") - (" + a + ")) / 3600000000"
	}
	return "floor(extract(epoch FROM (" + b + ") - (" + a + ")) / 3600)::bigint"
}

// daysBetween is days from a to b, both midnights.
func (s *Store) daysBetween(a, b string) string {
	if s.sqlite() {
		return "((" + b + ") - (" + a + ")) / 86400000000.0"
	}
	return "(extract(epoch FROM (" + b + ") - (" + a + ")) / 86400)::float8"
}

// plusDay is t one day later.
func (s *Store) plusDay(t string) string {
	if s.sqlite() {
		return "(" + t + ") + 86400000000"
	}
	return "(" + t + ") + interval '1 day'"
}

// groupKey is the SQL of a grouping over shipments s.
func (s *Store) groupKey(g store.Grouping) string {
	switch g {
	case store.ByCarrier:
		return `COALESCE((SELECT p.carrier FROM parcels p WHERE p.shipment_id = s.id AND p.tenant_id = s.tenant_id
			ORDER BY p.leg, p.id LIMIT 1), '')`
	case store.ByService:
		return "s.service"
	case store.ByLane:
		return "s.origin_country || '-' || s.destination_country"
	}
	if s.sqlite() {
		return "strftime('%Y-%m', s.created_at / 1000000, 'unixepoch')"
	}
	return "to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')"
}

// hadEvent is true when one of shipment s's parcels has an event of st.
func hadEvent(st string) string {
	// CROSS JOIN keeps the parcels outside (SQLite's planner otherwise
	// may walk every event of the table and look each one's parcel up).
	return `EXISTS (SELECT 1 FROM parcels p CROSS JOIN events e
		WHERE e.parcel_id = p.id AND p.shipment_id = s.id AND p.tenant_id = s.tenant_id AND e.status = '` + st + `')`
}

// ShipmentStats implements store.Analytics.
func (s *Store) ShipmentStats(ctx context.Context, tenantID int64, q store.StatsQuery) ([]store.GroupStats, error) {
	if !q.GroupBy.Valid() {
		return nil, store.Invalid(&shipment.InvalidError{Field: "group_by", Reason: fmt.Sprintf("%q is not carrier, service, lane or month", q.GroupBy)})
	}
	if q.From.IsZero() || !q.To.After(q.From) {
		return nil, store.Invalid(&shipment.InvalidError{Field: "to", Reason: "the period must end after it starts"})
	}
	if q.Now.IsZero() {
		q.Now = s.clock()
	}
	key := s.groupKey(q.GroupBy)
	where := ` FROM shipments s WHERE s.tenant_id = $1 AND s.created_at >= $2 AND s.created_at < $3`
	args := []any{tenantID, s.t(q.From), s.t(q.To)}
	groups := map[string]*store.GroupStats{}
	var order []string
	get := func(k string) *store.GroupStats {
		g := groups[k]
		if g == nil {
			g = &store.GroupStats{Key: k, TransitHours: map[int]int{}, DwellHours: map[int]int{}}
			groups[k] = g
			order = append(order, k)
		}
		return g
	}

	rows, err := s.eng.Reader().Query(ctx, `SELECT k, COUNT(*), SUM(del), SUM(prom), SUM(ontime), SUM(exc), SUM(first), SUM(dep), SUM(dark)
		FROM (SELECT `+key+` AS k,
			CASE WHEN s.ms_delivered IS NOT NULL THEN 1 ELSE 0 END AS del,
			CASE WHEN s.ms_delivered IS NOT NULL AND s.promised_date IS NOT NULL THEN 1 ELSE 0 END AS prom,
			CASE WHEN s.ms_delivered IS NOT NULL AND s.promised_date IS NOT NULL
				AND s.ms_delivered < `+s.plusDay("s.promised_date")+` THEN 1 ELSE 0 END AS ontime,
			CASE WHEN `+hadEvent("exception")+` THEN 1 ELSE 0 END AS exc,
			CASE WHEN s.ms_delivered IS NOT NULL AND NOT `+hadEvent("attempt_fail")+` THEN 1 ELSE 0 END AS first,
			CASE WHEN s.ms_departed_origin IS NOT NULL THEN 1 ELSE 0 END AS dep,
			CASE WHEN s.ms_departed_origin IS NOT NULL AND s.ms_delivered IS NULL AND s.ms_returned IS NULL
				AND s.last_event_at < $4 THEN 1 ELSE 0 END AS dark`+where+`) x
		GROUP BY k ORDER BY k`, append(args, s.t(q.Now.Add(-q.DarkAfter)))...)
	if err != nil {
		return nil, fmt.Errorf("store: shipment stats: %w", err)
	}
	_, err = collect(rows, func(r Rows) (struct{}, error) {
		var k string
		var c [9]int64
		if err := r.Scan(&k, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]); err != nil {
			return struct{}{}, err
		}
		g := get(k)
		g.Shipments, g.Delivered, g.Promised, g.OnTime = int(c[0]), int(c[1]), int(c[2]), int(c[3])
		g.Exceptions, g.FirstAttempt, g.Departed, g.Dark = int(c[4]), int(c[5]), int(c[6]), int(c[7])
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: shipment stats: %w", err)
	}

	hist := func(what, expr, cond string, into func(*store.GroupStats) map[int]int) error {
		rows, err := s.eng.Reader().Query(ctx, `SELECT k, h, COUNT(*) FROM (SELECT `+key+` AS k, `+expr+` AS h`+
			where+` AND `+cond+`) x WHERE h >= 0 GROUP BY k, h`, args...)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		_, err = collect(rows, func(r Rows) (struct{}, error) {
			var k string
			var h, n int64
			if err := r.Scan(&k, &h, &n); err != nil {
				return struct{}{}, err
			}
			into(get(k))[int(h)] += int(n)
			return struct{}{}, nil
		})
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		return nil
	}
	if err := hist("transit times", s.hoursBetween("COALESCE(s.ms_picked_up, s.ms_info_received, s.created_at)", "s.ms_delivered"),
		"s.ms_delivered IS NOT NULL", func(g *store.GroupStats) map[int]int { return g.TransitHours }); err != nil {
		return nil, err
	}
	if err := hist("customs dwell", s.hoursBetween("s.ms_customs_in", "s.ms_customs_out"),
		"s.ms_customs_in IS NOT NULL AND s.ms_customs_out IS NOT NULL", func(g *store.GroupStats) map[int]int { return g.DwellHours }); err != nil {
		return nil, err
	}
	out := make([]store.GroupStats, len(order))
	for i, k := range order {
		out[i] = *groups[k]
	}
	return out, nil
}

// DeliveryForecast implements store.Analytics.
func (s *Store) DeliveryForecast(ctx context.Context, tenantID int64, from time.Time, days int) ([]store.ForecastDay, error) {
	if days < 1 || days > 366 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "days", Reason: "must be between 1 and 366"})
	}
	y, m, d := from.UTC().Date()
	from = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	late := "s.promised_date IS NOT NULL AND e.most_likely > s.promised_date"
	rows, err := s.eng.Reader().Query(ctx, `SELECT s.destination_country, e.most_likely, COUNT(*),
			SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+late+` THEN `+s.daysBetween("s.promised_date", "e.most_likely")+` ELSE 0 END),
			SUM(e.miss_probability)
		FROM eta_estimates e JOIN shipments s ON s.id = e.shipment_id AND s.tenant_id = e.tenant_id
		WHERE e.tenant_id = $1 AND e.most_likely >= $2 AND e.most_likely < $3
			AND s.ms_delivered IS NULL AND s.ms_returned IS NULL AND s.completed_at IS NULL
		GROUP BY s.destination_country, e.most_likely ORDER BY s.destination_country, e.most_likely`,
		tenantID, s.t(from), s.t(from.AddDate(0, 0, days)))
	if err != nil {
		return nil, fmt.Errorf("store: delivery forecast: %w", err)
	}
	list, err := collect(rows, func(r Rows) (store.ForecastDay, error) {
		var f store.ForecastDay
		var n, past int64
		err := r.Scan(&f.Country, tc(&f.Day), &n, &past, &f.DaysLate, &f.ExpectedMisses)
		f.Deliveries, f.PastPromise = int(n), int(past)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: delivery forecast: %w", err)
	}
	return list, nil
}
