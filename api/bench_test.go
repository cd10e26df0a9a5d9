package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/waypost/waypost/api"
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
