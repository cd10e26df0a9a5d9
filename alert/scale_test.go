package alert_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/store/sqlite"
)

// TestScanScale measures the timer scan over WAYPOST_ALERT_SCALE active
// shipments on SQLite (e.g. 1000000). It is a measurement, run on demand:
//
//	WAYPOST_ALERT_SCALE=1000000 go test ./alert -run TestScanScale -v -timeout 30m
func TestScanScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WAYPOST_ALERT_SCALE"))
	if n <= 0 {
		t.Skip("set WAYPOST_ALERT_SCALE=N to measure the scan over N shipments")
	}
	path := filepath.Join(t.TempDir(), "scale.db")
	st := testdb.OpenSQLiteAt(t, path, sqlite.Options{Logger: quiet})
	now := time.Now().UTC().Truncate(time.Hour)
	seedStart := time.Now()
	want := seedScale(t, path, n, now)
	t.Logf("seeded %d shipments in %v", n, time.Since(seedStart).Round(time.Millisecond))

	eng, err := alert.New(alert.Options{Store: st, Log: quiet, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for i, label := range []string{"first scan (raises)", "second scan (no changes)"} {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stats, err := eng.Scan(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		t.Logf("%s: %d shipments, %d raised, %d cleared in %v (%.0f shipments/s), %.0f MB allocated, heap in use %.0f MB",
			label, stats.Shipments, stats.Raised, stats.Cleared, stats.Elapsed.Round(time.Millisecond),
			float64(stats.Shipments)/stats.Elapsed.Seconds(), float64(after.TotalAlloc-before.TotalAlloc)/1e6, float64(after.HeapInuse)/1e6)
		if stats.Shipments != n {
			t.Errorf("scanned %d, want %d", stats.Shipments, n)
		}
		if i == 0 && stats.Raised != want {
			t.Errorf("raised %d, want %d", stats.Raised, want)
		}
		if i == 1 && stats.Raised+stats.Cleared != 0 {
			t.Errorf("second scan changed %d", stats.Raised+stats.Cleared)
		}
	}
}

// seedScale writes n in-transit shipments with one parcel each straight
// into the database, and returns how many alerts the first scan must
// raise: every 20th shipment last moved 6 days ago (stalled), every 50th
// is held at customs for 4 days, every 100th waits 6 days at a pickup
// point; the rest moved yesterday.
func seedScale(t *testing.T, path string, n int, now time.Time) int {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	us := func(d time.Duration) int64 { return now.Add(-d).UnixMicro() }
	must := func(_ sql.Result, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Exec(`INSERT INTO tenants (slug, name, created_at) VALUES ('scale', 'Scale', ?)`, us(0)))
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	shi, err := tx.Prepare(`INSERT INTO shipments (id, tenant_id, reference, origin_country, destination_country, status, substatus,
		status_at, last_event_at, ms_picked_up, ms_departed_origin, ms_customs_in, created_at, updated_at)
		VALUES (?, 1, ?, 'CN', 'DE', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	pi, err := tx.Prepare(`INSERT INTO parcels (id, tenant_id, shipment_id, carrier, tracking_number, created_at, updated_at)
		VALUES (?, 1, ?, 'china-post', ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	created := us(10 * alert.Day)
	for i := 1; i <= n; i++ {
		st, sub, last := "in_transit", "in_transit.departed_origin_country", us(alert.Day)
		var customs any
		switch {
		case i%100 == 0:
			st, sub, last = "available_for_pickup", "available_for_pickup.available_for_pickup", us(6*alert.Day)
			want++
		case i%50 == 0:
			st, sub, last = "exception", "exception.customs_held", us(4*alert.Day)
			customs = last
			want++
		case i%20 == 0:
			last = us(6 * alert.Day)
			want++
		}
		must(shi.Exec(i, fmt.Sprintf("S%d", i), st, sub, last, last, created, created, customs, created, last))
		must(pi.Exec(i, i, fmt.Sprintf("LX%09dCN", i), created, created))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return want
}
