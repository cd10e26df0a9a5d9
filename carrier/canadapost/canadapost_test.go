package canadapost

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

// fakeCPC speaks Canada Post's tracking endpoints over loopback: Basic
// auth, the v2 media type, and a script of answers per number (the last one
// repeats).
type fakeCPC struct {
	srv      *httptest.Server
	calls    atomic.Int32
	mu       sync.Mutex
	script   map[string][]func(http.ResponseWriter)
	served   map[string]int
	lastKind string
	lastHdr  http.Header
}

func newFakeCPC(t *testing.T) *fakeCPC {
	f := &fakeCPC{script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /vis/track/{kind}/{number}/detail", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", mediaType)
		if u, p, ok := r.BasicAuth(); !ok || u != "cp-user" || p != "cp-pass" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-auth.xml"))
			return
		}
		if r.Header.Get("Accept") != mediaType {
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		f.mu.Lock()
		f.lastKind, f.lastHdr = r.PathValue("kind"), r.Header.Clone()
		num := r.PathValue("number")
		steps := f.script[num]
		i := f.served[num]
		f.served[num]++
		f.mu.Unlock()
		if len(steps) == 0 {
			w.WriteHeader(http.StatusNotFound)
			w.Write(testdata(t, "error-no-pin-history.xml"))
			return
		}
		steps[min(i, len(steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeCPC) on(number string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[number] = steps
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

func (f *fakeCPC) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{Username: "cp-user", Password: carrier.NewSecret("cp-pass"),
		BaseURL: f.srv.URL, Timeout: carrier.Duration(2 * time.Second)}
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

const pin = "1371134583769923"

func TestTrackDelivers(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(200, "track-detail-v2.xml"))
	c := f.connector(t, func(c *carrier.Config) { c.Language = "fr" })
	rs, err := c.Track(t.Context(), req(pin))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 8 || rs[0].Events[6].Substatus != status.DeliveredSigned {
		t.Fatalf("results %+v", rs)
	}
	if rs[0].Events[0].Language != "fr" || f.lastHdr.Get("Accept-Language") != "fr-CA" || f.lastKind != "pin" {
		t.Fatalf("language %q, Accept-Language %q, kind %q", rs[0].Events[0].Language, f.lastHdr.Get("Accept-Language"), f.lastKind)
	}
	if c.Slug() != Slug || c.Limits().BatchSize != 1 || c.Limits().RequestsPerSecond*60 > 840 {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
}

func TestTrackByDeliveryNoticeCard(t *testing.T) {
	f := newFakeCPC(t)
	const dnc = "123456789012345"
	f.on(dnc, file(200, "track-detail-v2.xml"))
	rs, err := f.connector(t).Track(t.Context(), req(dnc))
	if err != nil || f.lastKind != "dnc" || rs[0].TrackingNumber != dnc || !rs[0].Found {
		t.Fatalf("kind %q, results %+v, err %v", f.lastKind, rs, err)
	}
	if f.lastHdr.Get("Accept-Language") != "en-CA" || rs[0].Events[0].Language != "en" {
		t.Fatalf("default language: %q", f.lastHdr.Get("Accept-Language"))
	}
}

func TestTrackNotFoundAndRejected(t *testing.T) {
	f := newFakeCPC(t)
	f.on("1000000000000001", file(200, "error-no-pin-history.xml"))
	f.on("BAD", file(400, "error-rejected.xml"))
	f.on(pin, file(200, "track-detail-v2.xml"))
	// "1000000000000002" has no script: the fake answers 404 No Pin History.
	rs, err := f.connector(t).Track(t.Context(), req("1000000000000001", "1000000000000002", "BAD", pin))
	if err != nil || len(rs) != 4 {
		t.Fatalf("results %+v, err %v", rs, err)
	}
	for i := range 2 {
		if rs[i].Found || rs[i].NotFound != "004: No Pin History" || rs[i].Err != nil {
			t.Errorf("result %d: %+v, want not found", i, rs[i])
		}
	}
	var ce *carrier.Error
	if !errors.Is(rs[2].Err, carrier.ErrRejected) || !errors.As(rs[2].Err, &ce) || ce.CarrierCode != "9999" || rs[2].TrackingNumber != "BAD" {
		t.Fatalf("rejected: %+v", rs[2])
	}
	if !rs[3].Found || rs[3].TrackingNumber != pin {
		t.Fatalf("the batch went on: %+v", rs[3])
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(200, "track-detail-v2.xml"))
	c := f.connector(t, func(c *carrier.Config) { c.Password = carrier.NewSecret("wrong") })
	rs, err := c.Track(t.Context(), req(pin, pin))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "E002" {
		t.Fatalf("results %v err %v; want ErrAuth with code E002", rs, err)
	}
	// Basic credentials cannot be refreshed: one call, no retry.
	if f.calls.Load() != 1 {
		t.Fatalf("%d calls after a 401, want 1", f.calls.Load())
	}
}

func TestTrackMissingCredentials(t *testing.T) {
	f := newFakeCPC(t)
	_, err := f.connector(t, func(c *carrier.Config) { c.Username = "" }).Track(t.Context(), req(pin))
	if !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 0 {
		t.Fatalf("err %v after %d calls; want ErrConfig and no call", err, f.calls.Load())
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(429, "", "Retry-After", "1"), file(200, "track-detail-v2.xml"))
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(pin))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("retried after %s, before Retry-After", time.Since(start))
	}
}

func TestTrackThrottleBlocksAMinute(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(500, "error-throttle.xml"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(pin))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrRateLimited) || rs != nil || !errors.As(err, &ce) || ce.RetryAfter < time.Minute {
		t.Fatalf("results %v err %v; want ErrRateLimited with a one-minute wait", rs, err)
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(503, ""), file(502, ""), file(200, "track-detail-v2.xml"))
	rs, err := f.connector(t).Track(t.Context(), req(pin))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, func(w http.ResponseWriter) { time.Sleep(1500 * time.Millisecond) }) // far beyond the 50ms timeout, even on a loaded machine
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	_, err := c.Track(t.Context(), req(pin))
	if !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(200, "truncated.xml"))
	f.on("1371134583769999", file(200, "malformed-bad-date.xml"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(pin))
	if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err = c.Track(t.Context(), req("1371134583769999"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad date: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakeCPC(t)
	f.on(pin, file(200, "track-detail-v2.xml"))
	f.on("1371134583769999", file(500, ""))
	rs, err := f.connector(t).Track(t.Context(), req(pin, "1371134583769999", "1371134583760000"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v", rs)
	}
}
