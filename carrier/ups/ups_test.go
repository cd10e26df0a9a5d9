package ups

import (
	"errors"
	"fmt"
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

// fakeUPS speaks the UPS token and tracking endpoints over loopback. Each
// tracking number has a script of answers, served in turn (the last one
// repeats).
type fakeUPS struct {
	t          *testing.T
	srv        *httptest.Server
	tokens     atomic.Int32
	calls      atomic.Int32
	mu         sync.Mutex
	script     map[string][]func(w http.ResponseWriter)
	served     map[string]int
	rejectTok  atomic.Int32 // API answers 401 to tokens numbered <= this
	tokenFails atomic.Bool
	lastHeader http.Header
	lastQuery  string
}

func newFakeUPS(t *testing.T) *fakeUPS {
	f := &fakeUPS{t: t, script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /security/v1/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if f.tokenFails.Load() || !ok || id != "client-id" || secret != "client-secret" || r.FormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-auth.json"))
			return
		}
		n := f.tokens.Add(1)
		fmt.Fprintf(w, string(testdata(t, "token.json")), fmt.Sprintf("token-%d", n))
	})
	mux.HandleFunc("GET /api/track/v1/details/{number}", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		var n int32
		if _, err := fmt.Sscanf(r.Header.Get("Authorization"), "Bearer token-%d", &n); err != nil || n <= f.rejectTok.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-auth.json"))
			return
		}
		f.mu.Lock()
		f.lastHeader, f.lastQuery = r.Header.Clone(), r.URL.RawQuery
		num := r.PathValue("number")
		steps := f.script[num]
		i := f.served[num]
		f.served[num]++
		f.mu.Unlock()
		if len(steps) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			w.Write(testdata(t, "error-invalid-number.json"))
			return
		}
		steps[min(i, len(steps)-1)](w)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeUPS) on(number string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[number] = steps
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

func (f *fakeUPS) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{ClientID: "client-id", ClientSecret: carrier.NewSecret("client-secret"),
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

const num = "1Z999AA10123456784"

func TestTrackDelivers(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(200, "track-international-gmt.json"))
	c := f.connector(t, func(c *carrier.Config) { c.Account = "123456"; c.Language = "de" })
	rs, err := c.Track(t.Context(), req(num))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 8 || rs[0].Events[7].Substatus != status.OutForDeliveryOutForDelivery {
		t.Fatalf("results %+v", rs)
	}
	if rs[0].Events[0].Language != "de" {
		t.Fatalf("language %q, want the requested de", rs[0].Events[0].Language)
	}
	if f.lastHeader.Get("transId") == "" || f.lastHeader.Get("transactionSrc") != "waypost" {
		t.Fatalf("UPS headers missing: %v", f.lastHeader)
	}
	if !strings.Contains(f.lastQuery, "locale=de_DE") || !strings.Contains(f.lastQuery, "returnSignature=false") {
		t.Fatalf("query %q", f.lastQuery)
	}
	if c.Slug() != "ups" || c.Limits().BatchSize != 1 {
		t.Fatalf("slug %q limits %+v", c.Slug(), c.Limits())
	}
}

func TestTrackNotFoundAndInvalid(t *testing.T) {
	f := newFakeUPS(t)
	f.on("1Z999AA10000000000", file(200, "warning-not-found.json"))
	f.on("1Z999AA10000000001", file(404, "error-not-found-404.json"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req("1Z999AA10000000000", "1Z999AA10000000001", "BADNUMBER", num))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("%d results", len(rs))
	}
	for i := range 2 {
		if rs[i].Found || !strings.Contains(rs[i].NotFound, "TW0001") || rs[i].Err != nil {
			t.Errorf("result %d: %+v, want not found", i, rs[i])
		}
	}
	var ce *carrier.Error
	if !errors.Is(rs[2].Err, carrier.ErrRejected) || !errors.As(rs[2].Err, &ce) || ce.CarrierCode != "TV1002" || rs[2].TrackingNumber != "BADNUMBER" {
		t.Fatalf("invalid number: %+v", rs[2])
	}
	// The last number has no script: also rejected, and the batch went on.
	if rs[3].Err == nil || rs[3].TrackingNumber != num {
		t.Fatalf("last result %+v", rs[3])
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(200, "track-international-gmt.json"))
	f.tokenFails.Store(true)
	rs, err := f.connector(t).Track(t.Context(), req(num))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "250002" {
		t.Fatalf("results %v err %v; want ErrAuth with code 250002", rs, err)
	}
	if f.calls.Load() != 0 {
		t.Fatal("tracking called without a token")
	}
}

func TestTrackRefreshesRevokedToken(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(200, "track-international-gmt.json"))
	f.rejectTok.Store(1) // the first token is refused by the API
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if f.tokens.Load() != 2 || f.calls.Load() != 2 {
		t.Fatalf("%d tokens, %d calls; want 2 and 2", f.tokens.Load(), f.calls.Load())
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(429, "", "Retry-After", "1"), file(200, "track-international-gmt.json"))
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("retried after %s, before Retry-After", time.Since(start))
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(503, ""), file(500, ""), file(200, "track-international-gmt.json"))
	rs, err := f.connector(t).Track(t.Context(), req(num))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	_, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(200, "truncated.json"))
	f.on("1Z999AA10123456799", file(200, "malformed-bad-date.json"))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(num))
	if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err = c.Track(t.Context(), req("1Z999AA10123456799"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad date: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenBatchFails(t *testing.T) {
	f := newFakeUPS(t)
	f.on(num, file(200, "track-international-gmt.json"))
	f.on("1Z999AA10123456799", file(500, ""))
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(num, "1Z999AA10123456799", "1Z999AA10123456800"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || !errors.Is(rs[1].Err, carrier.ErrUnavailable) || !errors.Is(rs[2].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v", rs)
	}
}

func TestLocale(t *testing.T) {
	for in, want := range map[string]string{"de": "de_DE", "en": "en_US", "fr-CA": "fr_CA", "en_GB": "en_GB"} {
		if got := locale(in); got != want {
			t.Errorf("locale(%q) = %q, want %q", in, got, want)
		}
	}
}
