package fedex

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
)

// fakeFedEx speaks FedEx's token and tracking endpoints over loopback,
// serving scripted answers in turn (the last one repeats).
type fakeFedEx struct {
	srv       *httptest.Server
	tokens    atomic.Int32
	calls     atomic.Int32
	rejectTok atomic.Int32
	mu        sync.Mutex
	steps     []func(http.ResponseWriter)
	lastBody  []byte
	lastHdr   http.Header
}

func newFakeFedEx(t *testing.T, steps ...func(http.ResponseWriter)) *fakeFedEx {
	f := &fakeFedEx{steps: steps}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_id") != "fx-id" || r.FormValue("client_secret") != "fx-secret" || r.FormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		fmt.Fprintf(w, string(testdata(t, "token.json")), fmt.Sprintf("token-%d", f.tokens.Add(1)))
	})
	mux.HandleFunc("POST /track/v1/trackingnumbers", func(w http.ResponseWriter, r *http.Request) {
		i := int(f.calls.Add(1)) - 1
		var n int32
		if _, err := fmt.Sscanf(r.Header.Get("Authorization"), "Bearer token-%d", &n); err != nil || n <= f.rejectTok.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		f.mu.Lock()
		f.lastBody = make([]byte, r.ContentLength)
		r.Body.Read(f.lastBody)
		f.lastHdr = r.Header.Clone()
		f.mu.Unlock()
		f.steps[min(i, len(f.steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func file(status int, name string, hdr ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(status)
		if name != "" {
			b, err := readTestdata(name)
			if err != nil {
				panic(err)
			}
			w.Write(b)
		}
	}
}

func (f *fakeFedEx) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{ClientID: "fx-id", ClientSecret: carrier.NewSecret("fx-secret"), BaseURL: f.srv.URL,
		Timeout: carrier.Duration(2 * time.Second)}
	for _, fn := range tweak {
		fn(&cfg)
	}
	c, err := carrier.Open(Slug, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTrackBatch(t *testing.T) {
	f := newFakeFedEx(t, file(200, "track-batch.json"))
	c := f.connector(t, func(c *carrier.Config) { c.Language = "fr" })
	ship := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)
	rs, err := c.Track(t.Context(), []carrier.Request{
		{TrackingNumber: "770000000022", Extra: map[string]string{"carrier_code": "FDXE"}, ShipDate: ship},
		{TrackingNumber: "770000000011"},
		{TrackingNumber: "770000000033"},
	})
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if rs[0].UniqueID != "2460426000~770000000022~FX" || !rs[0].Found || rs[0].Events[0].Language != "fr" {
		t.Fatalf("first %+v", rs[0])
	}
	if rs[1].Found || rs[1].NotFound == "" || rs[2].Found || rs[2].NotFound == "" {
		t.Fatalf("not found: %+v / %+v", rs[1], rs[2])
	}
	var body struct {
		IncludeDetailedScans bool
		TrackingInfo         []trackingInfo
	}
	if err := json.Unmarshal(f.lastBody, &body); err != nil {
		t.Fatal(err)
	}
	ti := body.TrackingInfo[0]
	if !body.IncludeDetailedScans || len(body.TrackingInfo) != 3 || ti.TrackingNumberInfo.CarrierCode != "FDXE" || ti.ShipDateBegin != "2024-06-10" || ti.ShipDateEnd != "2024-06-11" {
		t.Fatalf("request body %s", f.lastBody)
	}
	if f.lastHdr.Get("X-locale") != "fr_FR" || f.lastHdr.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", f.lastHdr)
	}
	if c.Limits().BatchSize != 30 {
		t.Fatalf("limits %+v", c.Limits())
	}
}

func TestTrackBatchTooLarge(t *testing.T) {
	f := newFakeFedEx(t, file(200, "track-batch.json"))
	reqs := make([]carrier.Request, 31)
	if _, err := f.connector(t).Track(t.Context(), reqs); !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 0 {
		t.Fatalf("err %v after %d calls", err, f.calls.Load())
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeFedEx(t, file(200, "track-batch.json"))
	c := f.connector(t, func(c *carrier.Config) { c.ClientSecret = carrier.NewSecret("wrong") })
	_, err := c.Track(t.Context(), []carrier.Request{{TrackingNumber: "770000000011"}})
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "NOT.AUTHORIZED.ERROR" || f.calls.Load() != 0 {
		t.Fatalf("err %v after %d calls", err, f.calls.Load())
	}
}

func TestTrackExpiredTokenRefreshed(t *testing.T) {
	f := newFakeFedEx(t, file(200, "track-international.json"))
	f.rejectTok.Store(1)
	rs, err := f.connector(t).Track(t.Context(), []carrier.Request{{TrackingNumber: "794987654321"}})
	if err != nil || !rs[0].Found || f.tokens.Load() != 2 {
		t.Fatalf("results %+v err %v, %d tokens", rs, err, f.tokens.Load())
	}
}

func TestTrackRetries(t *testing.T) {
	f := newFakeFedEx(t, file(429, "", "Retry-After", "1"), file(503, "error-503.json"), file(200, "track-international.json"))
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), []carrier.Request{{TrackingNumber: "794987654321"}})
	if err != nil || len(rs[0].Events) != 11 || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
	if time.Since(start) < time.Second {
		t.Fatalf("Retry-After not honoured: %s", time.Since(start))
	}
}

func TestTrackUnavailable(t *testing.T) {
	f := newFakeFedEx(t, file(503, "error-503.json"))
	_, err := f.connector(t).Track(t.Context(), []carrier.Request{{TrackingNumber: "794987654321"}})
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrUnavailable) || !errors.As(err, &ce) || ce.CarrierCode != "SERVICE.UNAVAILABLE.ERROR" {
		t.Fatalf("err %v", err)
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeFedEx(t, func(http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	if _, err := c.Track(t.Context(), []carrier.Request{{TrackingNumber: "794987654321"}}); !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err %v", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeFedEx(t, file(200, "truncated.json"))
	rs, err := f.connector(t).Track(t.Context(), []carrier.Request{{TrackingNumber: "794987654321"}})
	if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: %v %v", rs, err)
	}
	f = newFakeFedEx(t, file(400, "error-400-empty.json"))
	if _, err := f.connector(t).Track(t.Context(), []carrier.Request{{TrackingNumber: ""}}); !errors.Is(err, carrier.ErrRejected) {
		t.Fatalf("400: %v", err)
	}
}
