package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/store/storetest"
)

func TestEstimates(t *testing.T) { storetest.RunEstimates(t, open) }

// BenchmarkAnalyticsScale measures the dashboard queries on a database of
// WAYPOST_ANALYTICS_SCALE shipments (e.g. 1000000), written directly with
// SQL: a year of orders, 80 % delivered, one parcel each, an estimate for
// every active one. Skipped without the variable: building it takes
// minutes.
func BenchmarkAnalyticsScale(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("WAYPOST_ANALYTICS_SCALE"))
	if n <= 0 {
		b.Skip("set WAYPOST_ANALYTICS_SCALE=1000000 to run")
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "scale.db")
	s := testdb.OpenSQLiteAt(b, path, sqlite.Options{Logger: quiet})
	tn := shipment.Tenant{Slug: "scale", Name: "Scale"}
	if err := s.CreateTenant(ctx, &tn); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := fillScale(ctx, path, tn.ID, n, start); err != nil {
		b.Fatal(err)
	}
	month := store.StatsQuery{From: start.AddDate(0, 6, 0), To: start.AddDate(0, 7, 0), GroupBy: store.ByCarrier,
		DarkAfter: 7 * 24 * time.Hour, Now: start.AddDate(1, 0, 0)}
	if gs, err := s.ShipmentStats(ctx, tn.ID, month); err != nil || len(gs) == 0 || gs[0].Shipments == 0 {
		b.Fatalf("month stats: %+v %v", gs, err)
	}
	b.Run("ShipmentStatsMonthByCarrier", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ShipmentStats(ctx, tn.ID, month); err != nil {
				b.Fatal(err)
			}
		}
	})
	year := month
	year.From, year.To, year.GroupBy = start, start.AddDate(1, 0, 0), store.ByLane
	b.Run("ShipmentStatsYearByLane", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ShipmentStats(ctx, tn.ID, year); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DeliveryForecast14Days", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.DeliveryForecast(ctx, tn.ID, start.AddDate(1, 0, 0), 14); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillScale writes n shipments with milestones, a parcel and one delivered
// event each (for the event lookups), and estimates for the active ones.
func fillScale(ctx context.Context, path string, tenantID int64, n int, start time.Time) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	us := func(t time.Time) int64 { return t.UnixMicro() }
	ins := func(q string) *sql.Stmt {
		st, e := tx.PrepareContext(ctx, q)
		if e != nil && err == nil {
			err = e
		}
		return st
	}
	shp := ins(`INSERT INTO shipments (id, tenant_id, reference, origin_country, destination_country, service, promised_date,
		status, substatus, last_event_at, ms_info_received, ms_picked_up, ms_departed_origin, ms_arrived_destination,
		ms_customs_in, ms_customs_out, ms_delivered, created_at, updated_at)
		VALUES (?, ?, '', ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	par := ins(`INSERT INTO parcels (id, tenant_id, shipment_id, carrier, tracking_number, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	evt := ins(`INSERT INTO events (parcel_id, occurred_at, status, substatus, hash, ingested_at) VALUES (?, ?, ?, '', ?, ?)`)
	est := ins(`INSERT INTO eta_estimates (tenant_id, shipment_id, stage, basis, samples, most_likely, earliest, latest,
		confidence, earliest50, latest50, earliest95, latest95, promised_date, miss_probability, computed_at)
		VALUES (?, ?, 'departed_origin', 'lane', 100, ?, ?, ?, 0.8, ?, ?, ?, ?, ?, 0.3, ?)`)
	if err != nil {
		return err
	}
	carriers := []string{"dhl", "ups", "fedex", "usps", "china-post", "yunexpress", "4px", "royal-mail"}
	dests := []string{"US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "SE"}
	h := func(t time.Time, hours int) time.Time { return t.Add(time.Duration(hours) * time.Hour) }
	for i := 1; i <= n; i++ {
		c := start.Add(time.Duration(i) * (365 * 24 * time.Hour / time.Duration(n)))
		dep, arr := h(c, 30+i%40), h(c, 100+i%120)
		cin, cout := h(arr, 3), h(arr, 10+i%60)
		delivered := i%5 != 0
		var del any
		last := cout
		stat := "in_transit"
		if delivered {
			del, last, stat = us(h(cout, 30+i%50)), h(cout, 30+i%50), "delivered"
		}
		prom := us(time.Date(c.Year(), c.Month(), c.Day()+8, 0, 0, 0, 0, time.UTC))
		if _, err := shp.ExecContext(ctx, i, tenantID, "CN", dests[i%len(dests)], []string{"standard", "express"}[i%2], prom,
			stat, us(last), us(h(c, 1)), us(h(c, 5)), us(dep), us(arr), us(cin), us(cout), del, us(c), us(last)); err != nil {
			return err
		}
		if _, err := par.ExecContext(ctx, i, tenantID, i, carriers[i%len(carriers)], fmt.Sprintf("N%d", i), us(c), us(c)); err != nil {
			return err
		}
		if _, err := evt.ExecContext(ctx, i, us(last), stat, fmt.Sprintf("%d-x", last.Unix()), us(last)); err != nil {
			return err
		}
		if !delivered {
			d := us(start.AddDate(1, 0, i%16-1))
			if _, err := est.ExecContext(ctx, tenantID, i, d, d, d, d, d, d, d, prom, us(c)); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "ANALYZE")
	return err
}
