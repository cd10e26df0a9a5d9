package seventeentrack

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

const testKey = "test-security-key"

// fake17 speaks the 17TRACK v2.2 endpoints over loopback: it keeps the set
// of registered numbers, answers gettrackinfo with accepted/rejected
// entries, and can be scripted to fail the next calls of an endpoint.
type fake17 struct {
	t          *testing.T
	srv        *httptest.Server
	mu         sync.Mutex
	registered map[string]int
	calls      map[string]int
	maxBatch   int
	regBodies  [][]registerItem
	script     map[string][]func(w http.ResponseWriter, r *http.Request)
}

func newFake17(t *testing.T) *fake17 {
	f := &fake17{t: t, registered: map[string]int{}, calls: map[string]int{},
		script: map[string][]func(http.ResponseWriter, *http.Request){}}
	mux := http.NewServeMux()
	for _, op := range []string{"register", "gettrackinfo", "stoptrack", "retrack"} {
		mux.HandleFunc("POST /track/v2.2/"+op, f.handle(op))
	}
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake17) url() string { return f.srv.URL + "/track/v2.2" }

func (f *fake17) fail(op string, steps ...func(http.ResponseWriter, *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[op] = append(f.script[op], steps...)
}

func (f *fake17) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func envelopeOf(accepted, rejected []any) map[string]any {
	if accepted == nil {
		accepted = []any{}
	}
	if rejected == nil {
		rejected = []any{}
	}
	return map[string]any{"code": 0, "data": map[string]any{"accepted": accepted, "rejected": rejected}}
}

func rejection(number string, code int, msg string) map[string]any {
	return map[string]any{"number": number, "error": map[string]any{"code": code, "message": msg}}
}

func trackInfo(number string, code int) map[string]any {
	return map[string]any{"number": number, "carrier": code, "track_info": map[string]any{
		"latest_status": map[string]any{"status": "InTransit", "sub_status": "InTransit_PickedUp"},
		"tracking": map[string]any{"providers": []any{map[string]any{
			"provider": map[string]any{"key": code, "country": "CN"},
			"events": []any{map[string]any{
				"time_iso": "2024-05-01T10:00:00+08:00", "time_utc": "2024-05-01T02:00:00Z",
				"description": "Acceptance", "location": "Shenzhen", "stage": "PickedUp",
				"address": map[string]any{"country": "CN", "city": "Shenzhen"},
			}},
		}}},
	}}
}

func (f *fake17) handle(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls[op]++
		var step func(http.ResponseWriter, *http.Request)
		if s := f.script[op]; len(s) > 0 {
			step, f.script[op] = s[0], s[1:]
		}
		f.mu.Unlock()
		if r.Header.Get("17token") != testKey {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"code": -18010002,
				"data": map[string]any{"errors": []any{map[string]any{"code": -18010002, "message": "The access key is invalid."}}}})
			return
		}
		if step != nil {
			step(w, r)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("%s: Content-Type %q", op, ct)
		}
		var items []registerItem
		if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"code": -18010012, "data": map[string]any{"errors": []any{}}})
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.maxBatch = max(f.maxBatch, len(items))
		if len(items) > MaxBatch {
			writeJSON(w, http.StatusOK, map[string]any{"code": -18010014,
				"data": map[string]any{"errors": []any{map[string]any{"code": -18010014, "message": "more than 40"}}}})
			return
		}
		var acc, rej []any
		switch op {
		case "register":
			f.regBodies = append(f.regBodies, items)
			for _, it := range items {
				switch {
				case strings.HasPrefix(it.Number, "NODETECT"):
					rej = append(rej, rejection(it.Number, codeNotDetected, "The carrier cannot be detected."))
				case f.registered[it.Number] != 0:
					rej = append(rej, rejection(it.Number, codeAlreadyRegistered, "already registered"))
				default:
					code := it.Carrier
					if code == 0 {
						code = 190271 // what detection found
					}
					f.registered[it.Number] = code
					acc = append(acc, map[string]any{"origin": 1, "number": it.Number, "carrier": code})
				}
			}
		case "gettrackinfo":
			for _, it := range items {
				if code := f.registered[it.Number]; code != 0 {
					acc = append(acc, trackInfo(it.Number, code))
				} else {
					rej = append(rej, rejection(it.Number, codeNotRegistered, "not registered"))
				}
			}
		default:
			for _, it := range items {
				acc = append(acc, map[string]any{"number": it.Number})
			}
		}
		writeJSON(w, http.StatusOK, envelopeOf(acc, rej))
	}
}

func openTest(t *testing.T, f *fake17, slug string, mod func(*carrier.Config)) *Connector {
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
	f := newFake17(t)
	c, err := carrier.Open("china-post", carrier.Config{Connector: Name, BaseURL: f.url(), APIKey: carrier.NewSecret(testKey)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Slug() != "china-post" || c.Limits().BatchSize != 40 || c.Limits().RequestsPerSecond != 3 {
		t.Fatalf("slug %s limits %+v", c.Slug(), c.Limits())
	}
	if _, err := carrier.Open("china-post", carrier.Config{Connector: Name}); !errors.Is(err, carrier.ErrConfig) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := carrier.Open("china-post", carrier.Config{Connector: Name, APIKey: carrier.NewSecret("k"),
		Options: map[string]string{"carrier_code": "x"}}); !errors.Is(err, carrier.ErrConfig) {
		t.Fatalf("bad option: %v", err)
	}
}

func TestRegisterThenGet(t *testing.T) {
	f := newFake17(t)
	f.registered["RR000000002CN"] = 3011
	c := openTest(t, f, "china-post", nil)
	rs, err := c.Track(context.Background(), []carrier.Request{
		{TrackingNumber: "RR000000001CN", PostalCode: "11201"}, {TrackingNumber: "RR000000002CN"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].TrackingNumber != "RR000000001CN" || rs[1].TrackingNumber != "RR000000002CN" {
		t.Fatalf("results %+v", rs)
	}
	for _, r := range rs {
		if r.Err != nil || !r.Found || len(r.Events) != 1 || r.Events[0].Substatus != status.InTransitAccepted {
			t.Errorf("result %+v", r)
		}
	}
	if f.count("register") != 1 || f.count("gettrackinfo") != 2 {
		t.Fatalf("calls %v", f.calls)
	}
	reg := f.regBodies[0]
	if len(reg) != 1 || reg[0].Number != "RR000000001CN" || reg[0].Carrier != 3011 || reg[0].Param != "11201" || reg[0].AutoDetection {
		t.Fatalf("register body %+v", reg)
	}
	// Asked again: already registered, no further registration.
	if _, err := c.Track(context.Background(), reqs("RR000000001CN")); err != nil {
		t.Fatal(err)
	}
	if f.count("register") != 1 {
		t.Fatalf("registered twice: %v", f.calls)
	}
}

func TestAutoDetectionAndNotDetected(t *testing.T) {
	f := newFake17(t)
	c := openTest(t, f, "yunda", nil) // no 17TRACK code in the table
	rs, err := c.Track(context.Background(), reqs("NODETECT-1", "YD123"))
	if err != nil {
		t.Fatal(err)
	}
	var ce *carrier.Error
	if !errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) || ce.CarrierCode != "-18019903" {
		t.Fatalf("not detected: %+v", rs[0])
	}
	if rs[1].Err != nil || !rs[1].Found {
		t.Fatalf("detected: %+v", rs[1])
	}
	for _, it := range f.regBodies[0] {
		if !it.AutoDetection || it.Carrier != 0 {
			t.Errorf("register item %+v should ask for detection", it)
		}
	}
	// The per-request carrier code wins over the table and detection.
	f.registered = map[string]int{}
	if _, err := c.Track(context.Background(), []carrier.Request{{TrackingNumber: "X9", Extra: map[string]string{"carrier_code": "190008"}}}); err != nil {
		t.Fatal(err)
	}
	if last := f.regBodies[len(f.regBodies)-1]; last[0].Carrier != 190008 {
		t.Fatalf("register %+v", last)
	}
}

func TestBatchesOf40(t *testing.T) {
	f := newFake17(t)
	var numbers []string
	for i := range 85 {
		n := fmt.Sprintf("LP%014d", i)
		numbers = append(numbers, n)
		f.registered[n] = 190271
	}
	c := openTest(t, f, "cainiao", nil)
	rs, err := c.Track(context.Background(), reqs(numbers...))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 85 {
		t.Fatalf("%d results", len(rs))
	}
	for i, r := range rs {
		if r.TrackingNumber != numbers[i] || !r.Found {
			t.Fatalf("result %d %+v", i, r)
		}
	}
	if f.count("gettrackinfo") != 3 || f.maxBatch != 40 {
		t.Fatalf("calls %d, largest batch %d", f.count("gettrackinfo"), f.maxBatch)
	}
}

func TestRegistrationDisabled(t *testing.T) {
	f := newFake17(t)
	c := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.Options = map[string]string{"register": "false"} })
	rs, err := c.Track(context.Background(), reqs("RR000000003CN"))
	if err != nil || rs[0].Found || rs[0].NotFound == "" || rs[0].Err != nil {
		t.Fatalf("%+v %v", rs, err)
	}
	if f.count("register") != 0 {
		t.Fatal("registered although disabled")
	}
}

func TestAuthFailure(t *testing.T) {
	f := newFake17(t)
	c := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.APIKey = carrier.NewSecret("wrong") })
	rs, err := c.Track(context.Background(), reqs("RR000000001CN"))
	var ce *carrier.Error
	if rs != nil || !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "-18010002" {
		t.Fatalf("%v %v", rs, err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatal("key leaked into the error")
	}
	// A whole-call failure inside HTTP 200 is typed as well.
	f2 := newFake17(t)
	f2.fail("gettrackinfo", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"code": codeQuotaUsed, "data": map[string]any{"errors": []any{map[string]any{"code": codeQuotaUsed, "message": "quota"}}}})
	})
	if _, err := openTest(t, f2, "china-post", nil).Track(context.Background(), reqs("A1")); !errors.Is(err, carrier.ErrQuotaExhausted) {
		t.Fatalf("quota: %v", err)
	}
}

func TestRetryAfter429(t *testing.T) {
	f := newFake17(t)
	f.registered["RR000000001CN"] = 3011
	f.fail("gettrackinfo", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := openTest(t, f, "china-post", nil)
	start := time.Now()
	rs, err := c.Track(context.Background(), reqs("RR000000001CN"))
	if err != nil || !rs[0].Found {
		t.Fatalf("%+v %v", rs, err)
	}
	if el := time.Since(start); el < time.Second {
		t.Fatalf("retried after %s, before Retry-After", el)
	}
	if f.count("gettrackinfo") != 2 {
		t.Fatalf("calls %d", f.count("gettrackinfo"))
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	f := newFake17(t)
	f.registered["RR000000001CN"] = 3011
	fail := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }
	f.fail("gettrackinfo", fail, fail)
	rs, err := openTest(t, f, "china-post", nil).Track(context.Background(), reqs("RR000000001CN"))
	if err != nil || !rs[0].Found || f.count("gettrackinfo") != 3 {
		t.Fatalf("%+v %v calls %d", rs, err, f.count("gettrackinfo"))
	}
}

func TestTimeout(t *testing.T) {
	f := newFake17(t)
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	f.fail("gettrackinfo", slow, slow, slow, slow)
	c := openTest(t, f, "china-post", func(cfg *carrier.Config) { cfg.Timeout = carrier.Duration(50 * time.Millisecond) })
	rs, err := c.Track(context.Background(), reqs("RR000000001CN"))
	if rs != nil || !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("%v %v", rs, err)
	}
}

func TestMalformedAndTruncatedAnswers(t *testing.T) {
	bodies := map[string]string{
		"truncated":    string(testdata(t, "truncated.json")),
		"not json":     "<html>gateway</html>",
		"no data":      `{"code":0}`,
		"wrong shapes": `{"code":0,"data":{"accepted":{"number":"x"}}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFake17(t)
			f.fail("gettrackinfo", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(200)
				_, _ = w.Write([]byte(body))
			})
			rs, err := openTest(t, f, "china-post", nil).Track(context.Background(), reqs("RR000000001CN"))
			if rs != nil || !errors.Is(err, carrier.ErrBadResponse) {
				t.Fatalf("%v %v", rs, err)
			}
		})
	}
	// An answer that forgets a number fails that number only.
	f := newFake17(t)
	f.fail("gettrackinfo", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, envelopeOf(nil, nil)) })
	rs, err := openTest(t, f, "china-post", nil).Track(context.Background(), reqs("RR000000001CN"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) {
		t.Fatalf("%+v %v", rs, err)
	}
}

func TestStopAndRetrack(t *testing.T) {
	f := newFake17(t)
	c := openTest(t, f, "china-post", nil)
	failed, err := c.Stop(context.Background(), []string{"A1", "A2"})
	if err != nil || len(failed) != 0 || f.count("stoptrack") != 1 {
		t.Fatalf("stop %v %v", failed, err)
	}
	f.fail("retrack", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, envelopeOf(nil, []any{rejection("A1", codeRetrackOnce, "only stopped numbers can be retracked")}))
	})
	failed, err = c.Retrack(context.Background(), []string{"A1"})
	if err != nil || !errors.Is(failed["A1"], carrier.ErrRejected) {
		t.Fatalf("retrack %v %v", failed, err)
	}
}
