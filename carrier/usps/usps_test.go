package usps

import (
	"errors"
	"fmt"
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

// fakeUSPS speaks the USPS OAuth and tracking endpoints over loopback. Each
// tracking number has a script of answers, served in turn (the last one
// repeats).
type fakeUSPS struct {
	srv        *httptest.Server
	tokens     atomic.Int32
	calls      atomic.Int32
	rejectTok  atomic.Int32 // the API answers 401 to tokens numbered <= this
	tokenFails atomic.Bool
	lifetime   atomic.Value // expires_in of new tokens, a string
	mu         sync.Mutex
	script     map[string][]func(w http.ResponseWriter)
	served     map[string]int
	lastQuery  url.Values
	lastForm   url.Values
}

func newFakeUSPS(t *testing.T) *fakeUSPS {
	f := &fakeUSPS{script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	f.lifetime.Store("28799")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v3/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = r.ParseForm()
		f.mu.Lock()
		f.lastForm = r.PostForm
		f.mu.Unlock()
		if f.tokenFails.Load() || r.PostForm.Get("client_id") != "client-id" || r.PostForm.Get("client_secret") != "client-secret" ||
			r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "oauth-invalid-client.json"))
			return
		}
		n := f.tokens.Add(1)
		fmt.Fprintf(w, string(testdata(t, "token.json")), fmt.Sprintf("token-%d", n), f.lifetime.Load())
	})
	mux.HandleFunc("GET /tracking/v3/tracking/{number}", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		var n int32
		if _, err := fmt.Sscanf(r.Header.Get("Authorization"), "Bearer token-%d", &n); err != nil || n <= f.rejectTok.Load() {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://api.usps.com"`)
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		f.mu.Lock()
		f.lastQuery = r.URL.Query()
		num := r.PathValue("number")
		steps := f.script[num]
		i := f.served[num]
		f.served[num]++
		f.mu.Unlock()
		if len(steps) == 0 {
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

func (f *fakeUSPS) on(number string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[number] = steps
}

func (f *fakeUSPS) seen() (query, form url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastQuery, f.lastForm
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

// connector opens the connector through the registry, paced fast enough
// for tests (the default is one request a minute).
func (f *fakeUSPS) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{ClientID: "client-id", ClientSecret: carrier.NewSecret("client-secret"),
		BaseURL: f.srv.URL, Timeout: carrier.Duration(2 * time.Second), RequestsPerSecond: 1000, Burst: 1000}
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

const (
	num  = "9400111899223344556677"
	num2 = "9205590164917312751089"
)

func TestTrackDelivered(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "track-detail-dst.json"))
	c := f.connector(t)
	r := carrier.Request{TrackingNumber: "9400 1118 9922 3344 5566 77", PostalCode: "33602-1234", ShipDate: time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)}
	rs, err := c.Track(t.Context(), []carrier.Request{r})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 8 || rs[0].Events[7].Substatus != status.DeliveredLocker || rs[0].TrackingNumber != r.TrackingNumber {
		t.Fatalf("results %+v", rs)
	}
	q, form := f.seen()
	if q.Get("expand") != "DETAIL" || q.Get("destinationZIPCode") != "33602" || q.Get("mailingDate") != "2024-11-01" {
		t.Fatalf("query %v", q)
	}
	if form.Get("scope") != "tracking" {
		t.Fatalf("token form %v", form)
	}
	if c.Slug() != "usps" || c.Limits().BatchSize != 1 {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
	d, err := carrier.Open(Slug, carrier.Config{})
	if err != nil || d.Limits() != DefaultLimits || d.Limits().RequestsPerSecond*3600 != 60 {
		t.Fatalf("default limits %+v err %v", d.Limits(), err)
	}
}

func TestTrackNotFoundAndInvalid(t *testing.T) {
	f := newFakeUSPS(t)
	f.on("BADNUMBER", file(400, "error-400.json"))
	f.on(num, file(200, "track-detail-dst.json"))
	rs, err := f.connector(t).Track(t.Context(), req("9400100000000000000000", "BADNUMBER", num))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if rs[0].Found || !strings.Contains(rs[0].NotFound, "Tracking is not available") || rs[0].Err != nil {
		t.Errorf("not found: %+v", rs[0])
	}
	var ce *carrier.Error
	if !errors.Is(rs[1].Err, carrier.ErrRejected) || !errors.As(rs[1].Err, &ce) || ce.CarrierCode != "400" || rs[1].TrackingNumber != "BADNUMBER" {
		t.Errorf("invalid: %+v", rs[1])
	}
	if !rs[2].Found {
		t.Errorf("found: %+v", rs[2])
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "track-detail-dst.json"))
	f.tokenFails.Store(true)
	rs, err := f.connector(t).Track(t.Context(), req(num))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "invalid_client" {
		t.Fatalf("results %v err %v; want ErrAuth invalid_client", rs, err)
	}
	if f.calls.Load() != 0 {
		t.Fatal("tracking called without a token")
	}
}

// A token the API refuses (revoked, expired early) is replaced once.
func TestTrackRefreshesRevokedToken(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "track-detail-dst.json"))
	f.rejectTok.Store(1)
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if f.tokens.Load() != 2 || f.calls.Load() != 2 {
		t.Fatalf("%d tokens, %d calls; want 2 and 2", f.tokens.Load(), f.calls.Load())
	}
	// A second refusal is final: no loop of token fetches.
	f.rejectTok.Store(100)
	_, err = f.connector(t).Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrAuth) || f.tokens.Load() != 4 {
		t.Fatalf("err %v after %d tokens", err, f.tokens.Load())
	}
}

// A token is renewed before it expires, without a failed call.
func TestTrackRenewsExpiringToken(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "track-detail-dst.json"))
	f.lifetime.Store("1") // renewed after half its life
	c := f.connector(t)
	if _, err := c.Track(t.Context(), req(num)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Track(t.Context(), req(num)); err != nil || f.tokens.Load() != 1 {
		t.Fatalf("err %v, %d tokens; want the cached one", err, f.tokens.Load())
	}
	time.Sleep(600 * time.Millisecond)
	if _, err := c.Track(t.Context(), req(num)); err != nil || f.tokens.Load() != 2 || f.calls.Load() != 3 {
		t.Fatalf("err %v, %d tokens, %d calls; want a renewed token and no failed call", err, f.tokens.Load(), f.calls.Load())
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(429, "error-429.json", "Retry-After", "1"), file(200, "track-detail-dst.json"))
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found || f.calls.Load() != 2 {
		t.Fatalf("results %+v err %v calls %d", rs, err, f.calls.Load())
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("retried after %s, before Retry-After", d)
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(503, "", "Retry-After", "0"), file(502, ""), file(200, "track-detail-dst.json"))
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	_, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "truncated.json"))
	f.on("9400111899223344550000", file(200, "malformed-bad-time.json"))
	f.on("EMPTY", file(200, ""))
	c := f.connector(t)
	for _, n := range []string{num, "EMPTY"} {
		rs, err := c.Track(t.Context(), req(n))
		if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Fatalf("%s: results %v err %v", n, rs, err)
		}
	}
	rs, err := c.Track(t.Context(), req("9400111899223344550000"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad time: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakeUSPS(t)
	f.on(num, file(200, "track-detail-dst.json"))
	f.on(num2, file(500, ""))
	rs, err := f.connector(t).Track(t.Context(), req(num, num2, "9400100000000000000000"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v", rs)
	}
}
