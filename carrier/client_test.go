package carrier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeClock is a settable clock for quota and token-expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testConfig is a client configuration with fast retries for tests.
func testConfig(t *testing.T) (ClientConfig, *Metrics) {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return ClientConfig{
		Carrier:     "test",
		Timeout:     2 * time.Second,
		MaxAttempts: 4,
		MaxElapsed:  10 * time.Second,
		BaseDelay:   time.Millisecond,
		MaxDelay:    5 * time.Millisecond,
		Metrics:     m,
		DecodeError: func(b []byte) (string, string) {
			var v struct{ Code, Message string }
			_ = json.Unmarshal(b, &v)
			return v.Code, v.Message
		},
	}, m
}

func get(url string) HTTPRequest { return HTTPRequest{Op: "track", Method: http.MethodGet, URL: url} }

// tokenServer is an OAuth token endpoint and an API that accepts only the
// tokens listed as valid.
type tokenServer struct {
	*httptest.Server
	tokenCalls atomic.Int32
	apiCalls   atomic.Int32
	mu         sync.Mutex
	valid      map[string]bool
	expiresIn  string
	delay      time.Duration
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{valid: map[string]bool{}, expiresIn: `"3600"`}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "client" || secret != "s3cr3t-client" || r.FormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"invalid_client","message":"bad client"}`)
			return
		}
		time.Sleep(ts.delay)
		n := ts.tokenCalls.Add(1)
		tok := fmt.Sprintf("tok-%d", n)
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":%s}`, tok, ts.expiresIn)
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) {
		ts.apiCalls.Add(1)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		ts.mu.Lock()
		ok := ts.valid[tok]
		ts.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"NOT.AUTHORIZED","message":"token expired"}`)
			return
		}
		fmt.Fprintf(w, `{"token":%q}`, tok)
	})
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) accept(tokens ...string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.valid = map[string]bool{}
	for _, t := range tokens {
		ts.valid[t] = true
	}
}

func (ts *tokenServer) oauth() *OAuth2 {
	return NewOAuth2(OAuth2Config{TokenURL: ts.URL + "/token", ClientID: "client", ClientSecret: NewSecret("s3cr3t-client")})
}

func TestOAuthTokenCachedAndRenewedBeforeExpiry(t *testing.T) {
	ts := newTokenServer(t)
	ts.accept("tok-1", "tok-2")
	clock := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	cfg, _ := testConfig(t)
	cfg.Auth, cfg.Now = ts.oauth(), clock.Now
	c := NewClient(cfg)

	for i := range 3 {
		resp, err := c.Do(t.Context(), get(ts.URL+"/api"))
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !strings.Contains(string(resp.Body), "tok-1") {
			t.Fatalf("call %d used %s, want cached tok-1", i, resp.Body)
		}
	}
	if n := ts.tokenCalls.Load(); n != 1 {
		t.Fatalf("token fetched %d times for 3 calls, want 1", n)
	}
	// 3600s token, renewed 60s before it expires.
	clock.Add(3540*time.Second - time.Second)
	if _, err := c.Do(t.Context(), get(ts.URL+"/api")); err != nil || ts.tokenCalls.Load() != 1 {
		t.Fatalf("before renewal point: err %v, %d token fetches", err, ts.tokenCalls.Load())
	}
	clock.Add(2 * time.Second)
	resp, err := c.Do(t.Context(), get(ts.URL+"/api"))
	if err != nil {
		t.Fatal(err)
	}
	if ts.tokenCalls.Load() != 2 || !strings.Contains(string(resp.Body), "tok-2") {
		t.Fatalf("after renewal point: %d fetches, answer %s; want a fresh tok-2", ts.tokenCalls.Load(), resp.Body)
	}
}

func TestOAuthStringAndNumberExpiresIn(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want time.Duration
	}{{`"14399"`, 14399 * time.Second}, {`3599`, 3599 * time.Second}, {`""`, defaultTokenLife}, {`null`, defaultTokenLife}, {`-5`, defaultTokenLife}} {
		if got := parseExpiresIn(json.RawMessage(tc.raw)); got != tc.want {
			t.Errorf("parseExpiresIn(%s) = %s, want %s", tc.raw, got, tc.want)
		}
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	ts := newTokenServer(t)
	ts.accept("tok-2") // the first token is "revoked" at the API
	cfg, m := testConfig(t)
	cfg.Auth = ts.oauth()
	c := NewClient(cfg)
	resp, err := c.Do(t.Context(), get(ts.URL+"/api"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), "tok-2") || ts.tokenCalls.Load() != 2 || ts.apiCalls.Load() != 2 {
		t.Fatalf("answer %s after %d token fetches and %d API calls; want tok-2, 2, 2", resp.Body, ts.tokenCalls.Load(), ts.apiCalls.Load())
	}
	if v := testutil.ToFloat64(m.retries.WithLabelValues("test", "unauthorized")); v != 1 {
		t.Fatalf("unauthorized retries = %v, want 1", v)
	}

	// A credential the API never accepts: exactly one refresh, then ErrAuth.
	ts.accept()
	ts.tokenCalls.Store(0)
	ts.apiCalls.Store(0)
	cfg.Auth = ts.oauth()
	_, err = NewClient(cfg).Do(t.Context(), get(ts.URL+"/api"))
	var ce *Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &ce) || ce.HTTPStatus != 401 || ce.CarrierCode != "NOT.AUTHORIZED" {
		t.Fatalf("err = %v, want ErrAuth with HTTP 401 and the carrier's code", err)
	}
	if ts.tokenCalls.Load() != 2 || ts.apiCalls.Load() != 2 {
		t.Fatalf("%d token fetches, %d API calls; want 2 and 2 (one refresh, no more)", ts.tokenCalls.Load(), ts.apiCalls.Load())
	}
}

func TestTokenEndpointRejectsCredentials(t *testing.T) {
	ts := newTokenServer(t)
	cfg, _ := testConfig(t)
	cfg.Auth = NewOAuth2(OAuth2Config{TokenURL: ts.URL + "/token", ClientID: "client", ClientSecret: NewSecret("wrong")})
	_, err := NewClient(cfg).Do(t.Context(), get(ts.URL+"/api"))
	var ce *Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &ce) || ce.Op != "token" || ce.CarrierCode != "invalid_client" {
		t.Fatalf("err = %v, want ErrAuth from the token call with code invalid_client", err)
	}
	if ts.apiCalls.Load() != 0 {
		t.Fatal("API called without a token")
	}
	if got := ErrorCode(err); got != "auth" {
		t.Fatalf("ErrorCode = %q, want auth", got)
	}
}

func TestConcurrentCallersShareOneTokenFetch(t *testing.T) {
	ts := newTokenServer(t)
	ts.accept("tok-1")
	ts.delay = 50 * time.Millisecond
	cfg, _ := testConfig(t)
	cfg.Auth = ts.oauth()
	c := NewClient(cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c.Do(t.Context(), get(ts.URL+"/api")); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := ts.tokenCalls.Load(); n != 1 {
		t.Fatalf("20 concurrent callers fetched %d tokens, want 1", n)
	}
}

// scripted serves the given statuses in turn (the last one repeats).
func scripted(t *testing.T, steps ...func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func reply(code int, body string, hdr ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func TestRetryAfterSecondsHonoured(t *testing.T) {
	srv, n := scripted(t, reply(429, `{"code":"RATE"}`, "Retry-After", "1"), reply(200, `{}`))
	cfg, m := testConfig(t)
	start := time.Now()
	if _, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("retried after %s, before the 1s Retry-After", el)
	}
	if n.Load() != 2 {
		t.Fatalf("%d calls, want 2", n.Load())
	}
	if v := testutil.ToFloat64(m.retries.WithLabelValues("test", "rate_limited")); v != 1 {
		t.Fatalf("rate_limited retries = %v, want 1", v)
	}
}

func TestRetryAfterHTTPDateHonoured(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			// HTTP-dates have whole seconds: two seconds ahead is at least one.
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	cfg, _ := testConfig(t)
	start := time.Now()
	if _, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("retried after %s, before the Retry-After date", el)
	}
}

func TestRetryAfterBeyondBudgetReturnsAtOnce(t *testing.T) {
	srv, n := scripted(t, reply(429, `{"code":"QUOTA","message":"Quota Limit Exceeded"}`, "Retry-After", "120"))
	cfg, _ := testConfig(t)
	start := time.Now()
	_, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	var ce *Error
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &ce) || ce.RetryAfter != 120*time.Second {
		t.Fatalf("err = %v, want ErrRateLimited carrying RetryAfter 120s", err)
	}
	if n.Load() != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d calls in %s; want one call and no 120s wait", n.Load(), time.Since(start))
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	srv, n := scripted(t, reply(503, ``), reply(500, `{"code":"INTERNAL"}`), reply(200, `{"ok":true}`))
	cfg, m := testConfig(t)
	resp, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	if err != nil || string(resp.Body) != `{"ok":true}` {
		t.Fatalf("resp %v, err %v", resp, err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d calls, want 3", n.Load())
	}
	if v := testutil.ToFloat64(m.retries.WithLabelValues("test", "server_error")); v != 2 {
		t.Fatalf("server_error retries = %v, want 2", v)
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("test", "track", "server_error", "503")); v != 1 {
		t.Fatalf("requests{503} = %v, want 1", v)
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("test", "track", "ok", "200")); v != 1 {
		t.Fatalf("requests{200} = %v, want 1", v)
	}
}

func TestServerErrorsExhaustAttempts(t *testing.T) {
	srv, n := scripted(t, reply(500, `{"code":"INTERNAL.SERVER.ERROR","message":"boom"}`))
	cfg, _ := testConfig(t)
	cfg.MaxAttempts = 3
	resp, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	var ce *Error
	if !errors.Is(err, ErrUnavailable) || !errors.As(err, &ce) || ce.CarrierCode != "INTERNAL.SERVER.ERROR" || ce.HTTPStatus != 500 {
		t.Fatalf("err = %v, want ErrUnavailable with the carrier code", err)
	}
	if resp == nil || resp.Status != 500 {
		t.Fatalf("final response not returned: %v", resp)
	}
	if n.Load() != 3 {
		t.Fatalf("%d calls, want MaxAttempts=3", n.Load())
	}
}

func TestClientErrorNotRetried(t *testing.T) {
	srv, n := scripted(t, reply(400, `{"code":"TV1002","message":"Invalid inquiry number"}`))
	cfg, _ := testConfig(t)
	resp, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	if !errors.Is(err, ErrRejected) || resp == nil || !strings.Contains(string(resp.Body), "TV1002") {
		t.Fatalf("err = %v resp = %v, want ErrRejected with the body", err, resp)
	}
	if n.Load() != 1 {
		t.Fatalf("%d calls, want 1", n.Load())
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	cfg, m := testConfig(t)
	cfg.Timeout, cfg.MaxAttempts = 50*time.Millisecond, 2
	_, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	if !errors.Is(err, ErrTimeout) || ErrorCode(err) != "timeout" {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d calls, want 2 (one retry)", n.Load())
	}
	if v := testutil.ToFloat64(m.requests.WithLabelValues("test", "track", "timeout", "none")); v != 2 {
		t.Fatalf("timeout requests = %v, want 2", v)
	}
}

func TestCallerCancellationNotRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	cfg, _ := testConfig(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := NewClient(cfg).Do(ctx, get(srv.URL))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want the caller's context error", err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d calls, want 1", n.Load())
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	var healthy atomic.Bool
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if !healthy.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	cfg, m := testConfig(t)
	cfg.MaxAttempts, cfg.BreakerFailures, cfg.BreakerOpenFor = 1, 3, 100*time.Millisecond
	c := NewClient(cfg)
	for i := range 3 {
		if _, err := c.Do(t.Context(), get(srv.URL)); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("call %d: err = %v, want ErrUnavailable", i, err)
		}
	}
	_, err := c.Do(t.Context(), get(srv.URL))
	if !errors.Is(err, ErrCircuitOpen) || n.Load() != 3 || !c.BreakerOpen() {
		t.Fatalf("4th call: err = %v after %d server calls; want ErrCircuitOpen without a call", err, n.Load())
	}
	if v := testutil.ToFloat64(m.breaker.WithLabelValues("test")); v != 2 {
		t.Fatalf("breaker gauge = %v, want 2 (open)", v)
	}

	// Half-open: a failing probe opens it again.
	time.Sleep(150 * time.Millisecond)
	if _, err := c.Do(t.Context(), get(srv.URL)); !errors.Is(err, ErrUnavailable) || n.Load() != 4 {
		t.Fatalf("failing probe: err = %v, %d calls", err, n.Load())
	}
	if _, err := c.Do(t.Context(), get(srv.URL)); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("after failed probe: err = %v, want ErrCircuitOpen", err)
	}

	// Half-open again: a good probe closes it.
	healthy.Store(true)
	time.Sleep(150 * time.Millisecond)
	for i := range 3 {
		if _, err := c.Do(t.Context(), get(srv.URL)); err != nil {
			t.Fatalf("recovered call %d: %v", i, err)
		}
	}
	if v := testutil.ToFloat64(m.breaker.WithLabelValues("test")); v != 0 || c.BreakerOpen() {
		t.Fatalf("breaker gauge = %v, want 0 (closed)", v)
	}
}

func TestClientErrorsDoNotOpenBreaker(t *testing.T) {
	srv, _ := scripted(t, reply(404, `{}`))
	cfg, _ := testConfig(t)
	cfg.BreakerFailures = 2
	c := NewClient(cfg)
	for range 5 {
		if _, err := c.Do(t.Context(), get(srv.URL)); !errors.Is(err, ErrRejected) {
			t.Fatalf("err = %v, want ErrRejected", err)
		}
	}
	if c.BreakerOpen() {
		t.Fatal("4xx answers opened the breaker")
	}
}

func TestBodyOverLimit(t *testing.T) {
	big := strings.Repeat("x", 2048)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"content-length", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, big) }},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			for range 4 {
				fmt.Fprint(w, big[:512])
				w.(http.Flusher).Flush()
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); tc.handler(w, r) }))
			defer srv.Close()
			cfg, _ := testConfig(t)
			cfg.MaxBodyBytes = 1024
			_, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
			if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "1024-byte limit") {
				t.Fatalf("err = %v, want ErrResponseTooLarge naming the limit", err)
			}
			if n.Load() != 1 {
				t.Fatalf("%d calls, want 1 (not retried)", n.Load())
			}
		})
	}
	// Exactly at the limit is fine.
	srv, _ := scripted(t, reply(200, big[:1024]))
	cfg, _ := testConfig(t)
	cfg.MaxBodyBytes = 1024
	if resp, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); err != nil || len(resp.Body) != 1024 {
		t.Fatalf("1024-byte answer: err %v", err)
	}
}

func TestDailyQuota(t *testing.T) {
	srv, n := scripted(t, reply(200, `{}`))
	clock := &fakeClock{t: time.Date(2025, 3, 1, 23, 59, 0, 0, time.UTC)}
	cfg, m := testConfig(t)
	cfg.Now, cfg.Limits = clock.Now, Limits{RequestsPerDay: 2}
	c := NewClient(cfg)
	for range 2 {
		if _, err := c.Do(t.Context(), get(srv.URL)); err != nil {
			t.Fatal(err)
		}
	}
	if v := testutil.ToFloat64(m.quota.WithLabelValues("test")); v != 0 {
		t.Fatalf("quota gauge = %v, want 0", v)
	}
	_, err := c.Do(t.Context(), get(srv.URL))
	var ce *Error
	reset := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	if !errors.Is(err, ErrQuotaExhausted) || !errors.As(err, &ce) || !ce.ResetAt.Equal(reset) || ce.RetryAfter != time.Minute {
		t.Fatalf("err = %v, want ErrQuotaExhausted resetting at %s", err, reset)
	}
	if !strings.Contains(err.Error(), "resets at 2025-03-02T00:00:00Z") {
		t.Fatalf("error text %q does not say when the quota resets", err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d calls, want 2", n.Load())
	}
	clock.Add(time.Minute) // a new UTC day
	if _, err := c.Do(t.Context(), get(srv.URL)); err != nil {
		t.Fatalf("after midnight UTC: %v", err)
	}
	if left, _, ok := c.QuotaRemaining(); !ok || left != 1 {
		t.Fatalf("QuotaRemaining = %d, %v; want 1", left, ok)
	}
}

func TestRetriesCountAgainstQuota(t *testing.T) {
	srv, n := scripted(t, reply(500, ``))
	cfg, _ := testConfig(t)
	cfg.Limits = Limits{RequestsPerDay: 2}
	_, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	if !errors.Is(err, ErrQuotaExhausted) || n.Load() != 2 {
		t.Fatalf("err = %v after %d calls; want ErrQuotaExhausted after 2", err, n.Load())
	}
}

func TestRateLimitPaces(t *testing.T) {
	srv, _ := scripted(t, reply(200, `{}`))
	cfg, _ := testConfig(t)
	cfg.Limits = Limits{RequestsPerSecond: 20, Burst: 1}
	c := NewClient(cfg)
	start := time.Now()
	for range 5 {
		if _, err := c.Do(t.Context(), get(srv.URL)); err != nil {
			t.Fatal(err)
		}
	}
	// One token up front, then one every 50ms: at least 200ms for five.
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Fatalf("5 calls at 20/s took %s", el)
	}
	// A deadline the limiter cannot meet fails fast with ErrRateLimited.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Do(ctx, get(srv.URL)); err == nil {
		t.Fatal("call succeeded although no slot was free before the deadline")
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var hit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit.Store(true) }))
	defer other.Close()
	srv, _ := scripted(t, reply(302, ``, "Location", other.URL))
	cfg, _ := testConfig(t)
	cfg.Auth = HeaderAuth{Name: "X-Key", Value: NewSecret("k")}
	_, err := NewClient(cfg).Do(t.Context(), get(srv.URL))
	if !errors.Is(err, ErrRejected) || hit.Load() {
		t.Fatalf("err = %v, redirect followed = %v", err, hit.Load())
	}
}

func TestHeaderAndBasicAuth(t *testing.T) {
	var gotKey, gotUser, gotPass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey = r.Header.Get("X-Okapi-Key")
		gotUser, gotPass, _ = r.BasicAuth()
	}))
	defer srv.Close()
	cfg, _ := testConfig(t)
	cfg.Auth = HeaderAuth{Name: "X-Okapi-Key", Value: NewSecret("key-1")}
	if _, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); err != nil || gotKey != "key-1" {
		t.Fatalf("header auth: err %v, key %q", err, gotKey)
	}
	cfg.Auth = BasicAuth{Username: "user", Password: NewSecret("pw")}
	if _, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); err != nil || gotUser != "user" || gotPass != "pw" {
		t.Fatalf("basic auth: err %v, %q:%q", err, gotUser, gotPass)
	}
	cfg.Auth = HeaderAuth{Name: "X-Okapi-Key"}
	if _, err := NewClient(cfg).Do(t.Context(), get(srv.URL)); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing key: err = %v, want ErrConfig", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {" 120 ", 2 * time.Minute}, {"0", 0}, {"-5", 0}, {"soon", 0},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second},
		{"Saturday, 01-Mar-25 12:01:00 GMT", time.Minute}, // RFC 850
		{"Sat Mar  1 12:00:10 2025", 10 * time.Second},    // asctime
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0},              // in the past
		{"99999999999999999999", 0},                       // overflows int64: invalid
	} {
		if got := ParseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestBackoffFullJitterBounds(t *testing.T) {
	base, maxDelay := 100*time.Millisecond, time.Second
	for attempt, ceil := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 30: time.Second} {
		var maxSeen time.Duration
		for range 2000 {
			d := backoff(attempt, base, maxDelay)
			if d < 0 || d > ceil {
				t.Fatalf("attempt %d: %s outside [0, %s]", attempt, d, ceil)
			}
			maxSeen = max(maxSeen, d)
		}
		if maxSeen < ceil/2 {
			t.Fatalf("attempt %d: waits never above %s of a %s ceiling: no jitter spread", attempt, maxSeen, ceil)
		}
	}
}
