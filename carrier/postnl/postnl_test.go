package postnl

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// fakePostNL speaks the ShippingStatus barcode endpoint over loopback:
// apikey header, a script of answers per barcode (the last one repeats),
// and the 200 "No shipment found" warning for barcodes it does not know.
type fakePostNL struct {
	srv       *httptest.Server
	calls     atomic.Int32
	mu        sync.Mutex
	script    map[string][]func(http.ResponseWriter)
	served    map[string]int
	lastQuery string
}

func newFakePostNL(t *testing.T) *fakePostNL {
	f := &fakePostNL{script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /shipment/v2/status/barcode/{barcode}", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if r.Header.Get("apikey") != "pnl-key" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		f.mu.Lock()
		f.lastQuery = r.URL.RawQuery
		bc := r.PathValue("barcode")
		steps := f.script[bc]
		i := f.served[bc]
		f.served[bc]++
		f.mu.Unlock()
		if len(steps) == 0 {
			w.Write(testdata(t, "status-not-found.json"))
			return
		}
		steps[min(i, len(steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePostNL) on(barcode string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[barcode] = steps
}

func file(code int, name string, hdr ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		if name != "" {
			b, err := readTestdata(name)
			if err != nil {
				panic(err)
			}
			w.Write(b)
		}
	}
}

func (f *fakePostNL) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{APIKey: carrier.NewSecret("pnl-key"), BaseURL: f.srv.URL, Timeout: carrier.Duration(2 * time.Second)}
	for _, fn := range tweak {
		fn(&cfg)
	}
	c, err := carrier.Open(Slug, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func req(numbers ...string) []carrier.Request {
	out := make([]carrier.Request, len(numbers))
	for i, n := range numbers {
		out[i] = carrier.Request{TrackingNumber: n}
	}
	return out
}

const bc = "3SWAYP000000012"

func TestTrackDelivers(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, file(200, "status-complete-en.json"))
	c := f.connector(t, func(c *carrier.Config) {
		c.Language = "en"
		c.Options = map[string]string{"max_days": "14"}
	})
	rs, err := c.Track(t.Context(), req(bc))
	if err != nil || len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 7 || rs[0].Events[6].Substatus != status.DeliveredNeighbour {
		t.Fatalf("results %+v, err %v", rs, err)
	}
	if f.lastQuery != "detail=true&language=EN&maxDays=14" || rs[0].Events[0].Language != "en" {
		t.Fatalf("query %q, language %q", f.lastQuery, rs[0].Events[0].Language)
	}
	if c.Slug() != Slug || c.Limits().BatchSize != 1 {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
}

func TestTrackMultiParcelPicksBarcode(t *testing.T) {
	f := newFakePostNL(t)
	f.on("3SWAYP000000043", file(200, "status-multicollo.json"))
	rs, err := f.connector(t).Track(t.Context(), req("3SWAYP000000043"))
	if err != nil || rs[0].TrackingNumber != "3SWAYP000000043" || rs[0].Events[2].Substatus != status.AvailableForPickupAvailableForPickup {
		t.Fatalf("results %+v, err %v", rs, err)
	}
	if f.lastQuery != "detail=true&language=NL" || rs[0].Events[0].Language != "nl" {
		t.Fatalf("default query %q", f.lastQuery)
	}
}

func TestTrackNotFoundAndInvalid(t *testing.T) {
	f := newFakePostNL(t)
	f.on("BAD", file(400, "error-400.json"))
	f.on(bc, file(200, "status-complete-en.json"))
	rs, err := f.connector(t).Track(t.Context(), req("3SWAYP000000999", "BAD", bc))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v, err %v", rs, err)
	}
	if rs[0].Found || rs[0].NotFound != "2: No shipment found" || rs[0].TrackingNumber != "3SWAYP000000999" {
		t.Fatalf("not found %+v", rs[0])
	}
	var ce *carrier.Error
	if !errors.Is(rs[1].Err, carrier.ErrRejected) || !errors.As(rs[1].Err, &ce) || ce.CarrierCode != "invalid_barcode" || ce.HTTPStatus != 400 {
		t.Fatalf("invalid %+v", rs[1])
	}
	if !rs[2].Found {
		t.Fatalf("the batch went on: %+v", rs[2])
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakePostNL(t)
	rs, err := f.connector(t, func(c *carrier.Config) { c.APIKey = carrier.NewSecret("expired") }).Track(t.Context(), req(bc))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "oauth.v2.InvalidApiKey" {
		t.Fatalf("results %v err %v", rs, err)
	}
	// A static key cannot be refreshed: the 401 is final.
	if f.calls.Load() != 1 {
		t.Fatalf("%d calls", f.calls.Load())
	}
	_, err = f.connector(t, func(c *carrier.Config) { c.APIKey = carrier.Secret{} }).Track(t.Context(), req(bc))
	if !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 1 {
		t.Fatalf("missing key: %v", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, cfg := range []carrier.Config{{Language: "fr"}, {Options: map[string]string{"max_days": "-3"}}} {
		if _, err := carrier.Open(Slug, cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, file(429, "error-429.json", "Retry-After", "1"), file(200, "status-complete-en.json"))
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(bc))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("retried after %s, before Retry-After", time.Since(start))
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, file(500, ""), file(502, ""), file(200, "status-complete-en.json"))
	rs, err := f.connector(t).Track(t.Context(), req(bc))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, func(w http.ResponseWriter) { time.Sleep(1500 * time.Millisecond) }) // far beyond the 50ms timeout, even on a loaded machine
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	if _, err := c.Track(t.Context(), req(bc)); !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, file(200, "truncated.json"))
	f.on("3SWAYP000000050", file(200, "malformed-bad-date.json"))
	c := f.connector(t)
	if rs, err := c.Track(t.Context(), req(bc)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err := c.Track(t.Context(), req("3SWAYP000000050"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 || rs[0].TrackingNumber != "3SWAYP000000050" {
		t.Fatalf("bad date: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakePostNL(t)
	f.on(bc, file(200, "status-complete-en.json"))
	f.on("3SWAYP000000067", file(503, ""))
	rs, err := f.connector(t).Track(t.Context(), req(bc, "3SWAYP000000067", "3SWAYP000000074"))
	if err != nil || len(rs) != 3 || !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v err %v", rs, err)
	}
}
