package royalmail

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// fakeRM speaks Royal Mail's GET /mailpieces/v2/{id}/events over loopback,
// with the IBM gateway's credential check and the terms header check. Each
// number has a script of answers, served in turn (the last one repeats).
type fakeRM struct {
	srv    *httptest.Server
	calls  atomic.Int32
	mu     sync.Mutex
	script map[string][]func(w http.ResponseWriter)
	served map[string]int
	paths  []string
}

const (
	clientID     = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	clientSecret = "s3cret"
)

func newFakeRM(t *testing.T) *fakeRM {
	f := &fakeRM{script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /mailpieces/v2/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("X-IBM-Client-Id") != clientID || r.Header.Get("X-IBM-Client-Secret") != clientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		if r.Header.Get("X-Accept-RMG-Terms") != "yes" || r.Header.Get("Accept") != "application/json" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"httpCode":"400","httpMessage":"Bad Request","errors":[{"errorCode":"E0004","errorDescription":"Failed header validation for X-Accept-RMG-Terms"}]}`))
			return
		}
		id := r.PathValue("id")
		f.mu.Lock()
		f.paths = append(f.paths, r.URL.Path)
		steps := f.script[id]
		i := f.served[id]
		f.served[id]++
		f.mu.Unlock()
		if len(steps) == 0 {
			w.WriteHeader(http.StatusNotFound)
			w.Write(testdata(t, "error-404-e1142.json"))
			return
		}
		steps[min(i, len(steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRM) on(id string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[id] = steps
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

// connector opens the connector through the registry, as the program does.
func (f *fakeRM) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{ClientID: clientID, ClientSecret: carrier.NewSecret(clientSecret), BaseURL: f.srv.URL,
		Timeout: carrier.Duration(2 * time.Second), RequestsPerSecond: 1000, Burst: 1000}
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
	num  = "AB123456785GB"
	num2 = "RN987654321GB"
)

func TestTrackDelivered(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(200, "events-delivered.json"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req("ab 1234 5678 5gb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 7 || rs[0].Events[6].Substatus != status.DeliveredNeighbour || rs[0].TrackingNumber != "ab 1234 5678 5gb" {
		t.Fatalf("results %+v", rs)
	}
	if f.paths[0] != "/mailpieces/v2/AB123456785GB/events" {
		t.Fatalf("path %q", f.paths[0])
	}
	if c.Slug() != "royal-mail" || c.Limits().BatchSize != 1 || c.Limits().RequestsPerDay != 50 {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
}

// The daily quota of the plan is enforced before Royal Mail has to refuse.
func TestTrackDailyQuota(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(200, "events-delivered.json"))
	c := f.connector(t, func(c *carrier.Config) { c.RequestsPerDay = 2 })
	for range 2 {
		if _, err := c.Track(t.Context(), req(num)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrQuotaExhausted) || f.calls.Load() != 2 {
		t.Fatalf("err %v after %d calls", err, f.calls.Load())
	}
}

func TestTrackNotFoundAndUntracked(t *testing.T) {
	f := newFakeRM(t)
	f.on("LL000000001GB", file(400, "error-400-e1283.json"))
	f.on(num, file(200, "events-delivered.json"))
	rs, err := f.connector(t).Track(t.Context(), req("ZZ000000000GB", "LL000000001GB", num))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if rs[0].Found || !strings.HasPrefix(rs[0].NotFound, "E1142: ") || rs[0].Err != nil {
		t.Errorf("not found: %+v", rs[0])
	}
	var ce *carrier.Error
	if !errors.Is(rs[1].Err, carrier.ErrRejected) || !errors.As(rs[1].Err, &ce) || ce.CarrierCode != "E1283" {
		t.Errorf("untracked: %+v", rs[1])
	}
	if !rs[2].Found {
		t.Errorf("found: %+v", rs[2])
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(200, "events-delivered.json"))
	c := f.connector(t, func(c *carrier.Config) { c.ClientSecret = carrier.NewSecret("wrong") })
	rs, err := c.Track(t.Context(), req(num, num2))
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || f.calls.Load() != 1 {
		t.Fatalf("results %v err %v calls %d; want ErrAuth after one call", rs, err, f.calls.Load())
	}
	c = f.connector(t, func(c *carrier.Config) { c.ClientID = "" })
	if _, err := c.Track(t.Context(), req(num)); !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 1 {
		t.Fatalf("err %v; want ErrConfig without a call", err)
	}
}

// E0004 (a request the gateway refuses) fails the batch, not one item.
func TestTrackRequestErrorFailsBatch(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"httpCode":"400","errors":[{"errorCode":"E0004","errorDescription":"Failed header validation"}]}`))
	})
	rs, err := f.connector(t).Track(t.Context(), req(num))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "E0004" || rs != nil {
		t.Fatalf("results %+v err %v", rs, err)
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(429, "error-429-e0010.json", "Retry-After", "1"), file(200, "events-delivered.json"))
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
	f := newFakeRM(t)
	f.on(num, file(503, "error-503-e1307.json"), file(500, ""), file(200, "events-delivered.json"))
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	_, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(200, "truncated.json"))
	f.on("AB000000000GB", file(200, "malformed-bad-time.json"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err = c.Track(t.Context(), req("AB000000000GB"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad time: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakeRM(t)
	f.on(num, file(200, "events-delivered.json"))
	f.on(num2, file(500, ""))
	rs, err := f.connector(t).Track(t.Context(), req(num, num2, "ZZ000000000GB"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v", rs)
	}
}
