package aftership

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

const testKey = "asat_test_key"

// fakeAS speaks GET/POST /trackings of the AfterShip Tracking API over
// loopback, keeping the trackings created so far.
type fakeAS struct {
	t         *testing.T
	srv       *httptest.Server
	mu        sync.Mutex
	trackings map[string]map[string]any // number -> tracking
	creates   []createBody
	lists     []string // raw queries
	script    map[string][]http.HandlerFunc
	hidden    map[string]bool // exists, but not listed until created twice (a race)
}

func newFakeAS(t *testing.T) *fakeAS {
	f := &fakeAS{t: t, trackings: map[string]map[string]any{}, script: map[string][]http.HandlerFunc{}, hidden: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tracking/2024-10/trackings", f.wrap("list", f.list))
	mux.HandleFunc("POST /tracking/2024-10/trackings", f.wrap("create", f.create))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAS) url() string { return f.srv.URL + "/tracking/2024-10" }

func (f *fakeAS) fail(op string, steps ...http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[op] = append(f.script[op], steps...)
}

func meta(w http.ResponseWriter, httpCode, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpCode)
	fmt.Fprintf(w, `{"meta":{"code":%d,"message":%q,"type":"x"},"data":{}}`, code, msg)
}

func (f *fakeAS) wrap(op string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		var step http.HandlerFunc
		if s := f.script[op]; len(s) > 0 {
			step, f.script[op] = s[0], s[1:]
		}
		f.mu.Unlock()
		if r.Header.Get("as-api-key") != testKey {
			meta(w, http.StatusUnauthorized, 401, "Invalid API key.")
			return
		}
		if step != nil {
			step(w, r)
			return
		}
		h(w, r)
	}
}

func tracking(number, slug string) map[string]any {
	return map[string]any{"id": "id-" + number, "tracking_number": number, "slug": slug, "tag": "InTransit",
		"subtag": "InTransit_002", "checkpoints": []any{map[string]any{"slug": slug,
			"checkpoint_time": "2024-05-01T10:00:00+08:00", "message": "Acceptance", "city": "Shenzhen",
			"country_region": "CHN", "tag": "InTransit", "subtag": "InTransit_002", "raw_tag": "20"}}}
}

func (f *fakeAS) list(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, r.URL.RawQuery)
	numbers := strings.Split(r.URL.Query().Get("tracking_numbers"), ",")
	if len(numbers) > MaxBatch {
		meta(w, http.StatusBadRequest, 4008, "Supports up to 50 tracking numbers.")
		return
	}
	slug := r.URL.Query().Get("slug")
	out := []any{}
	for _, n := range numbers {
		if t, ok := f.trackings[n]; ok && !f.hidden[n] && (slug == "" || t["slug"] == slug) {
			out = append(out, t)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"meta": map[string]any{"code": 200, "message": "OK"},
		"data": map[string]any{"trackings": out}})
}

func (f *fakeAS) create(w http.ResponseWriter, r *http.Request) {
	var b createBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		meta(w, http.StatusBadRequest, 4001, "Invalid JSON data.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates = append(f.creates, b)
	switch {
	case strings.HasPrefix(b.TrackingNumber, "BAD"):
		meta(w, http.StatusBadRequest, metaBadCourier, "The value of `slug` is invalid.")
		return
	case f.trackings[b.TrackingNumber] != nil:
		delete(f.hidden, b.TrackingNumber)
		meta(w, http.StatusBadRequest, metaAlreadyExists, "Tracking already exists.")
		return
	}
	slug := b.Slug
	if slug == "" {
		slug = "cainiao"
	}
	t := map[string]any{"id": "id-" + b.TrackingNumber, "tracking_number": b.TrackingNumber, "slug": slug,
		"tag": "Pending", "subtag": "Pending_001", "subtag_message": "Pending", "checkpoints": []any{}}
	f.trackings[b.TrackingNumber] = t
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"meta": map[string]any{"code": 201, "message": "Created"}, "data": t})
}

func openTest(t *testing.T, f *fakeAS, slug string, mod func(*carrier.Config)) *Connector {
	t.Helper()
	cfg := carrier.Config{Slug: slug, Connector: Name, BaseURL: f.url(), APIKey: carrier.NewSecret(testKey),
		RequestsPerSecond: 1000, Timeout: carrier.Duration(2 * time.Second)}
	if mod != nil {
		mod(&cfg)
	}
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reqs(numbers ...string) []carrier.Request {
	out := make([]carrier.Request, len(numbers))
	for i, n := range numbers {
		out[i] = carrier.Request{TrackingNumber: n}
	}
	return out
}

func TestOpenThroughRegistry(t *testing.T) {
	c, err := carrier.Open("la-poste", carrier.Config{Connector: Name, APIKey: carrier.NewSecret(testKey)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Slug() != "la-poste" || c.Limits().BatchSize != 50 || c.(*Connector).courier != "la-poste-colissimo" {
		t.Fatalf("%s %+v", c.Slug(), c.Limits())
	}
	if _, err := carrier.Open("la-poste", carrier.Config{Connector: Name}); !errors.Is(err, carrier.ErrConfig) {
		t.Fatalf("no key: %v", err)
	}
}

func TestCreateThenGet(t *testing.T) {
	f := newFakeAS(t)
	f.trackings["RR000000002CN"] = tracking("RR000000002CN", "china-post")
	c := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.Account = "ACC1" })
	rs, err := c.Track(context.Background(), []carrier.Request{
		{TrackingNumber: "RR000000001CN", PostalCode: "11201", DestinationCountry: "US", ShipDate: time.Date(2024, 10, 27, 0, 0, 0, 0, time.UTC)},
		{TrackingNumber: "RR000000002CN"}})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Found || rs[0].NotFound == "" || rs[0].UniqueID != "id-RR000000001CN" {
		t.Errorf("created: %+v", rs[0])
	}
	if !rs[1].Found || len(rs[1].Events) != 1 || rs[1].Events[0].Substatus != status.InTransitAccepted {
		t.Errorf("listed: %+v", rs[1])
	}
	if len(f.creates) != 1 {
		t.Fatalf("creates %+v", f.creates)
	}
	want := createBody{TrackingNumber: "RR000000001CN", Slug: "china-post", DestinationPostalCode: "11201",
		DestinationCountryISO3: "USA", TrackingShipDate: "20241027", TrackingAccountNumber: "ACC1"}
	if f.creates[0] != want {
		t.Errorf("create body %+v", f.creates[0])
	}
	if len(f.lists) != 1 || !strings.Contains(f.lists[0], "slug=china-post") || !strings.Contains(f.lists[0], "tracking_numbers=RR000000001CN%2CRR000000002CN") {
		t.Errorf("list queries %v", f.lists)
	}
	// Polled again: both are listed, nothing created.
	if _, err := c.Track(context.Background(), reqs("RR000000001CN", "RR000000002CN")); err != nil || len(f.creates) != 1 {
		t.Fatalf("second poll: %v, %d creates", err, len(f.creates))
	}
}

func TestAlreadyExistsIsFetched(t *testing.T) {
	f := newFakeAS(t)
	f.trackings["LP1"] = tracking("LP1", "cainiao")
	f.hidden["LP1"] = true // not in the first list (created by another process meanwhile)
	rs, err := openTest(t, f, "cainiao", nil).Track(context.Background(), reqs("LP1"))
	if err != nil || !rs[0].Found || rs[0].Err != nil {
		t.Fatalf("%+v %v", rs, err)
	}
	if len(f.lists) != 2 || len(f.creates) != 1 {
		t.Fatalf("lists %d creates %d", len(f.lists), len(f.creates))
	}
}

func TestRejectedCourierAndAutoDetection(t *testing.T) {
	f := newFakeAS(t)
	c := openTest(t, f, "cainiao", func(cfg *carrier.Config) { cfg.Options = map[string]string{"slug": "auto"} })
	rs, err := c.Track(context.Background(), reqs("BAD1", "LP2"))
	if err != nil {
		t.Fatal(err)
	}
	var ce *carrier.Error
	if !errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) || ce.CarrierCode != "4012" {
		t.Fatalf("rejected: %+v", rs[0])
	}
	if rs[1].Err != nil || rs[1].TrackingNumber != "LP2" {
		t.Fatalf("second: %+v", rs[1])
	}
	for _, b := range f.creates {
		if b.Slug != "" {
			t.Errorf("auto detection sent slug %q", b.Slug)
		}
	}
	if strings.Contains(f.lists[0], "slug=") {
		t.Errorf("auto detection filtered the list: %s", f.lists[0])
	}
}

func TestBatchesOf50(t *testing.T) {
	f := newFakeAS(t)
	var numbers []string
	for i := range 120 {
		n := fmt.Sprintf("YT%016d", i)
		numbers = append(numbers, n)
		f.trackings[n] = tracking(n, "yunexpress")
	}
	rs, err := openTest(t, f, "yunexpress", nil).Track(context.Background(), reqs(numbers...))
	if err != nil || len(rs) != 120 {
		t.Fatalf("%d %v", len(rs), err)
	}
	for i, r := range rs {
		if r.TrackingNumber != numbers[i] || !r.Found {
			t.Fatalf("%d: %+v", i, r)
		}
	}
	if len(f.lists) != 3 || len(f.creates) != 0 {
		t.Fatalf("lists %d creates %d", len(f.lists), len(f.creates))
	}
}

func TestAuthFailure(t *testing.T) {
	f := newFakeAS(t)
	rs, err := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.APIKey = carrier.NewSecret("wrong") }).
		Track(context.Background(), reqs("RR1"))
	var ce *carrier.Error
	if rs != nil || !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "401" {
		t.Fatalf("%v %v", rs, err)
	}
}

func TestRetryAfter429And5xx(t *testing.T) {
	f := newFakeAS(t)
	f.trackings["RR1"] = tracking("RR1", "china-post")
	f.fail("list", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		meta(w, http.StatusTooManyRequests, 429, "Too many requests")
	}, func(w http.ResponseWriter, _ *http.Request) {
		meta(w, http.StatusInternalServerError, 500, "Internal error")
	})
	start := time.Now()
	rs, err := openTest(t, f, "china-post", nil).Track(context.Background(), reqs("RR1"))
	if err != nil || !rs[0].Found {
		t.Fatalf("%+v %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatal("Retry-After not honoured")
	}
	if len(f.lists) != 1 { // the scripted answers are not recorded as lists
		t.Fatalf("lists %v", f.lists)
	}
}

func TestTimeout(t *testing.T) {
	f := newFakeAS(t)
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	f.fail("list", slow, slow, slow, slow)
	rs, err := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.Timeout = carrier.Duration(50 * time.Millisecond) }).
		Track(context.Background(), reqs("RR1"))
	if rs != nil || !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("%v %v", rs, err)
	}
}

func TestMalformedAndTruncated(t *testing.T) {
	for name, body := range map[string]string{
		"truncated": string(testdata(t, "truncated.json")),
		"html":      "<html>bad gateway</html>",
		"no meta":   `{"data":{"trackings":[]}}`,
		"no data":   `{"meta":{"code":200}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeAS(t)
			f.fail("list", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
			rs, err := openTest(t, f, "china-post", nil).Track(context.Background(), reqs("RR1"))
			if rs != nil || !errors.Is(err, carrier.ErrBadResponse) {
				t.Fatalf("%v %v", rs, err)
			}
		})
	}
}
