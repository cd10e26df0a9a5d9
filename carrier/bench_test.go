package carrier

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkClientDo measures the HTTP layer's own cost per request
// (OAuth token from cache, breaker, quota, metrics, body read) against a
// loopback server answering a 1 KiB body.
func BenchmarkClientDo(b *testing.B) {
	body := make([]byte, 1024)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"access_token":"t","expires_in":3600}`)
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	c := NewClient(ClientConfig{Carrier: "bench", Metrics: m, Limits: Limits{RequestsPerDay: 1 << 30},
		Auth: NewOAuth2(OAuth2Config{TokenURL: srv.URL + "/token", ClientID: "id", ClientSecret: NewSecret("s")})})
	req := HTTPRequest{Op: "track", Method: http.MethodGet, URL: srv.URL + "/api"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Do(b.Context(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
