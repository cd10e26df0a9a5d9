package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store/sqlite"
)

// BenchmarkGetTracking measures GET /api/v1/trackings/{id} in process
// (handler, auth from the key cache, three reads, JSON) on SQLite.
func BenchmarkGetTracking(b *testing.B) {
	st := openSQLite(b)
	a, err := api.New(api.Options{Store: st, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	tn := mustTenant(b, st, "bench")
	key := mustKey(b, st, tn.ID)
	items := make([]map[string]any, 1000)
	for i := range items {
		items[i] = map[string]any{"tracking_number": fmt.Sprintf("JD%018d", i), "carrier": "dhl"}
	}
	bulkCreate(b, a, key, items)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/trackings/%d", 1+i%1000), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkGetTrackingLarge is BenchmarkGetTracking on a big seeded
// database (web/app/internal/loadseed, shop load-shop), reading random
// trackings so pages come cold the way they do in production:
//
//	WAYPOST_BENCH_SQLITE=/tmp/load.db go test ./api -run '^$' -bench GetTrackingLarge -cpu 1
func BenchmarkGetTrackingLarge(b *testing.B) {
	path := os.Getenv("WAYPOST_BENCH_SQLITE")
	if path == "" {
		b.Skip("set WAYPOST_BENCH_SQLITE to a database seeded by web/app/internal/loadseed")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tn, err := st.FindTenantBySlug(ctx, "load-shop")
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	err = db.QueryRowContext(ctx, `SELECT max(id) FROM shipments WHERE tenant_id = ?`, tn.ID).Scan(&n)
	db.Close()
	if err != nil || n == 0 {
		b.Fatalf("no shipments (%v)", err)
	}
	a, err := api.New(api.Options{Store: st, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	key := mustKey(b, st, tn.ID)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/trackings/"+strconv.FormatInt(1+rand.Int64N(n), 10), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
