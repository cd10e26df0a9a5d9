package dhl

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// fakeDHL speaks UTAPI's GET /track/shipments over loopback. Each tracking
// number has a script of answers, served in turn (the last one repeats).
type fakeDHL struct {
	srv       *httptest.Server
	calls     atomic.Int32
	mu        sync.Mutex
	script    map[string][]func(w http.ResponseWriter)
	served    map[string]int
	lastQuery url.Values
}

const apiKey = "test-api-key"

func newFakeDHL(t *testing.T) *fakeDHL {
	f := &fakeDHL{script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /track/shipments", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("DHL-API-Key") != apiKey {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		f.mu.Lock()
		f.lastQuery = r.URL.Query()
		num := r.URL.Query().Get("trackingNumber")
		steps := f.script[num]
		i := f.served[num]
		f.served[num]++
		f.mu.Unlock()
		if len(steps) == 0 {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			w.Write(testdata(t, "error-404.json"))
			return
		}
		steps[min(i, len(steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDHL) on(number string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[number] = steps
}

func (f *fakeDHL) query() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastQuery
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

// connector opens the connector for slug through the registry, as the
// program does, paced fast enough for tests.
func (f *fakeDHL) connector(t *testing.T, slug string, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{APIKey: carrier.NewSecret(apiKey), BaseURL: f.srv.URL,
		Timeout: carrier.Duration(2 * time.Second), RequestsPerSecond: 1000, Burst: 1000}
	if slug != Slug {
		cfg.Connector = Slug
	}
	for _, fn := range tweak {
		fn(&cfg)
	}
	c, err := carrier.Open(slug, cfg)
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

const (
	express = "1234567890"
	paket   = "00340434161094027318"
)

func TestTrackParcelDE(t *testing.T) {
	f := newFakeDHL(t)
	f.on(paket, file(200, "track-parcel-de-dst.json", "Content-Language", "de"))
	c := f.connector(t, "dhl-germany", func(c *carrier.Config) {
		c.Language = "de"
		c.Options = map[string]string{"requester_country": "de"}
	})
	rs, err := c.Track(t.Context(), []carrier.Request{{TrackingNumber: paket, PostalCode: "53113"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 6 || rs[0].Events[5].Substatus != status.DeliveredNeighbour {
		t.Fatalf("results %+v", rs)
	}
	if rs[0].Events[0].Language != "de" {
		t.Fatalf("language %q", rs[0].Events[0].Language)
	}
	q := f.query()
	for k, want := range map[string]string{"trackingNumber": paket, "service": "parcel-de", "language": "de",
		"recipientPostalCode": "53113", "requesterCountryCode": "DE"} {
		if q.Get(k) != want {
			t.Errorf("query %s = %q, want %q (query %v)", k, q.Get(k), want, q)
		}
	}
	want := carrier.Limits{BatchSize: 1, RequestsPerSecond: 1000, Burst: 1000, RequestsPerDay: 250}
	if c.Slug() != "dhl-germany" || c.Limits() != want {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
	// Unconfigured, the published service level applies.
	d, err := carrier.Open(Slug, carrier.Config{APIKey: carrier.NewSecret(apiKey)})
	if err != nil || d.Limits() != (carrier.Limits{BatchSize: 1, RequestsPerSecond: 1, Burst: 1, RequestsPerDay: 250}) {
		t.Fatalf("default limits %+v err %v", d.Limits(), err)
	}
}

func TestTrackServiceChoice(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(200, "track-express-international.json"))
	// The plain "dhl" slug asks every business unit...
	if _, err := f.connector(t, Slug).Track(t.Context(), req(express)); err != nil {
		t.Fatal(err)
	}
	if q := f.query(); q.Has("service") || q.Has("language") {
		t.Fatalf("query %v, want no service and no language", q)
	}
	// ...unless configured, and a request may name its own.
	c := f.connector(t, Slug, func(c *carrier.Config) { c.Options = map[string]string{"service": "express"} })
	if _, err := c.Track(t.Context(), req(express)); err != nil || f.query().Get("service") != "express" {
		t.Fatalf("err %v query %v", err, f.query())
	}
	r := carrier.Request{TrackingNumber: express, Extra: map[string]string{"service": "freight", "origin_country": "de"}}
	if _, err := c.Track(t.Context(), []carrier.Request{r}); err != nil || f.query().Get("service") != "freight" || f.query().Get("originCountryCode") != "DE" {
		t.Fatalf("err %v query %v", err, f.query())
	}
}

func TestTrackNotFoundAndInvalid(t *testing.T) {
	f := newFakeDHL(t)
	f.on("BAD", file(400, "error-400.json"))
	f.on(express, file(200, "track-express-international.json"))
	rs, err := f.connector(t, Slug).Track(t.Context(), req("00340434161094000000", "BAD", express))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if rs[0].Found || !strings.Contains(rs[0].NotFound, "No result found") || rs[0].Err != nil || rs[0].TrackingNumber != "00340434161094000000" {
		t.Errorf("not found: %+v", rs[0])
	}
	var ce *carrier.Error
	if !errors.Is(rs[1].Err, carrier.ErrRejected) || !errors.As(rs[1].Err, &ce) || ce.HTTPStatus != 400 || !strings.Contains(ce.Message, "Invalid value") {
		t.Errorf("invalid: %+v", rs[1])
	}
	if !rs[2].Found || rs[2].TrackingNumber != express {
		t.Errorf("found: %+v", rs[2])
	}
}

// A 404 that is not a problem document means a wrong base URL, not an
// unknown number: the whole batch fails.
func TestTrackWrong404(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(404, "", "Content-Type", "text/html"))
	rs, err := f.connector(t, Slug).Track(t.Context(), req(express))
	if !errors.Is(err, carrier.ErrRejected) || rs != nil {
		t.Fatalf("results %+v err %v", rs, err)
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(200, "track-express-international.json"))
	c := f.connector(t, Slug, func(c *carrier.Config) { c.APIKey = carrier.NewSecret("revoked") })
	rs, err := c.Track(t.Context(), req(express, paket))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "401" || !strings.Contains(ce.Message, "Unauthorized") {
		t.Fatalf("results %v err %v; want ErrAuth", rs, err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("%d calls; a refused key must not be retried", n)
	}
	// Without a key nothing is sent at all.
	c = f.connector(t, Slug, func(c *carrier.Config) { c.APIKey = carrier.Secret{} })
	if _, err := c.Track(t.Context(), req(express)); !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 1 {
		t.Fatalf("err %v after %d calls; want ErrConfig without a call", err, f.calls.Load())
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(429, "error-429.json", "Retry-After", "1"), file(200, "track-express-international.json"))
	start := time.Now()
	rs, err := f.connector(t, Slug).Track(t.Context(), req(express))
	if err != nil || !rs[0].Found || f.calls.Load() != 2 {
		t.Fatalf("results %+v err %v calls %d", rs, err, f.calls.Load())
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("retried after %s, before Retry-After", d)
	}
}

func TestTrackRateLimitedGivesUp(t *testing.T) {
	f := newFakeDHL(t)
	// A Retry-After beyond the retry budget: the caller reschedules.
	f.on(express, file(429, "error-429.json", "Retry-After", "3600"))
	_, err := f.connector(t, Slug).Track(t.Context(), req(express))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrRateLimited) || !errors.As(err, &ce) || ce.RetryAfter != time.Hour || f.calls.Load() != 1 {
		t.Fatalf("err %v calls %d", err, f.calls.Load())
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(503, ""), file(500, ""), file(200, "track-express-international.json"))
	rs, err := f.connector(t, Slug).Track(t.Context(), req(express))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	c := f.connector(t, Slug, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	_, err := c.Track(t.Context(), req(express))
	if !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(200, "truncated.json"))
	f.on("00340434161094099999", file(200, "malformed-bad-timestamp.json"))
	f.on("NOTJSON", func(w http.ResponseWriter) { w.Write([]byte("<html>maintenance</html>")) })
	c := f.connector(t, Slug)
	for _, n := range []string{express, "NOTJSON"} {
		rs, err := c.Track(t.Context(), req(n))
		if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Fatalf("%s: results %v err %v", n, rs, err)
		}
	}
	rs, err := c.Track(t.Context(), req("00340434161094099999"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad timestamp: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakeDHL(t)
	f.on(express, file(200, "track-express-international.json"))
	f.on(paket, file(500, ""))
	rs, err := f.connector(t, Slug).Track(t.Context(), req(express, paket, "JJD000390000000001"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) || rs[2].TrackingNumber != "JJD000390000000001" {
		t.Fatalf("results %+v", rs)
	}
}
