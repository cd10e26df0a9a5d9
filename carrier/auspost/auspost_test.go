package auspost

import (
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

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// fakeAusPost speaks Track items over loopback: Basic auth, the
// Account-Number header, and an answer assembled per id from the testdata
// results (unknown ids get a not-found error). Scripts keyed by the
// tracking_ids value override that.
type fakeAusPost struct {
	srv     *httptest.Server
	calls   atomic.Int32
	mu      sync.Mutex
	results map[string]json.RawMessage
	script  map[string][]func(http.ResponseWriter)
	served  map[string]int
	ids     []string
}

func newFakeAusPost(t *testing.T) *fakeAusPost {
	f := &fakeAusPost{results: map[string]json.RawMessage{}, script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	var a struct {
		TrackingResults []json.RawMessage `json:"tracking_results"`
	}
	if err := json.Unmarshal(testdata(t, "track-batch.json"), &a); err != nil {
		t.Fatal(err)
	}
	for _, r := range a.TrackingResults {
		var id struct {
			TrackingID string `json:"tracking_id"`
		}
		json.Unmarshal(r, &id)
		f.results[id.TrackingID] = r
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /shipping/v1/track", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if u, p, ok := r.BasicAuth(); !ok || u != "ap-key" || p != "ap-pass" || r.Header.Get("Account-Number") != "0001234567" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		ids := r.URL.Query().Get("tracking_ids")
		f.mu.Lock()
		f.ids = append(f.ids, ids)
		steps := f.script[ids]
		i := f.served[ids]
		f.served[ids]++
		f.mu.Unlock()
		if len(steps) > 0 {
			steps[min(i, len(steps)-1)](w)
			return
		}
		list := strings.Split(ids, ",")
		if len(list) > MaxBatch {
			w.WriteHeader(http.StatusBadRequest)
			w.Write(testdata(t, "error-400-request.json"))
			return
		}
		parts := make([]json.RawMessage, len(list))
		for i, id := range list {
			if res, ok := f.results[id]; ok {
				parts[i] = res
			} else {
				parts[i] = json.RawMessage(fmt.Sprintf(`{"tracking_id":%q,"errors":[{"code":"ESB-10002","name":"Tracking ID not found"}]}`, id))
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"tracking_results": parts})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAusPost) on(ids string, steps ...func(http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[ids] = steps
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

// connector opens a connector without the default ten-a-minute pace, which
// would make the tests wait.
func (f *fakeAusPost) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{APIKey: carrier.NewSecret("ap-key"), Password: carrier.NewSecret("ap-pass"), Account: "0001234567",
		BaseURL: f.srv.URL, Timeout: carrier.Duration(2 * time.Second), RequestsPerSecond: 100, Burst: 100}
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
	parcel = "33LPZ5000010"
	consig = "2JDZ50000027"
	inval  = "AB000000000AU"
)

func TestTrackBatch(t *testing.T) {
	f := newFakeAusPost(t)
	rs, err := f.connector(t).Track(t.Context(), req(inval, parcel, "33LPZ5000077", consig))
	if err != nil || len(rs) != 4 || f.calls.Load() != 1 {
		t.Fatalf("results %+v, err %v, %d calls", rs, err, f.calls.Load())
	}
	if f.ids[0] != inval+","+parcel+",33LPZ5000077,"+consig {
		t.Fatalf("ids %q", f.ids[0])
	}
	if !errors.Is(rs[0].Err, carrier.ErrRejected) || rs[0].TrackingNumber != inval {
		t.Fatalf("invalid %+v", rs[0])
	}
	if !rs[1].Found || rs[1].Events[6].Substatus != status.DeliveredDelivered {
		t.Fatalf("parcel %+v", rs[1])
	}
	if rs[2].Found || rs[2].NotFound != "ESB-10002: Tracking ID not found" || rs[2].TrackingNumber != "33LPZ5000077" {
		t.Fatalf("unknown %+v", rs[2])
	}
	if !rs[3].Found || len(rs[3].Events) != 4 {
		t.Fatalf("consignment %+v", rs[3])
	}
}

func TestTrackChunksAndDefaults(t *testing.T) {
	f := newFakeAusPost(t)
	numbers := make([]string, 23)
	for i := range numbers {
		numbers[i] = parcel
	}
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(numbers...))
	if err != nil || len(rs) != 23 || f.calls.Load() != 3 {
		t.Fatalf("%d results, err %v, %d calls", len(rs), err, f.calls.Load())
	}
	if strings.Count(f.ids[0], ",") != 9 || strings.Count(f.ids[2], ",") != 2 {
		t.Fatalf("ids %q", f.ids)
	}
	d, err := New(carrier.Config{Slug: Slug, Account: "1"})
	if err != nil || d.Limits().BatchSize != 10 || d.Limits().RequestsPerSecond*60 > 10.0001 {
		t.Fatalf("default limits %+v, err %v", d.Limits(), err)
	}
}

func TestNewNeedsAccount(t *testing.T) {
	if _, err := carrier.Open(Slug, carrier.Config{APIKey: carrier.NewSecret("k"), Password: carrier.NewSecret("p")}); err == nil {
		t.Fatal("opened without Account-Number")
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeAusPost(t)
	rs, err := f.connector(t, func(c *carrier.Config) { c.Password = carrier.NewSecret("old") }).Track(t.Context(), req(parcel))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "API_001" {
		t.Fatalf("results %v err %v", rs, err)
	}
	// Basic credentials cannot be refreshed: the 401 is final.
	if f.calls.Load() != 1 {
		t.Fatalf("%d calls", f.calls.Load())
	}
	// The Account-Number is part of the credentials.
	_, err = f.connector(t, func(c *carrier.Config) { c.Account = "999" }).Track(t.Context(), req(parcel))
	if !errors.Is(err, carrier.ErrAuth) {
		t.Fatalf("wrong account: %v", err)
	}
	_, err = f.connector(t, func(c *carrier.Config) { c.Password = carrier.Secret{} }).Track(t.Context(), req(parcel))
	if !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 2 {
		t.Fatalf("missing password: %v after %d calls", err, f.calls.Load())
	}
}

func TestTrackRequestRejected(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(parcel, file(400, "error-400-request.json"))
	rs, err := f.connector(t).Track(t.Context(), req(parcel))
	var ce *carrier.Error
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) || ce.HTTPStatus != 400 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	// The same refusal for a batch says nothing about one number: a batch error.
	f.on(parcel+","+consig, file(400, "error-400-request.json"))
	if rs, err := f.connector(t).Track(t.Context(), req(parcel, consig)); !errors.Is(err, carrier.ErrRejected) || rs != nil {
		t.Fatalf("batch: %+v %v", rs, err)
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(parcel, file(429, "", "Retry-After", "1"), func(w http.ResponseWriter) {
		fmt.Fprintf(w, `{"tracking_results":[%s]}`, f.results[parcel])
	})
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(parcel))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("retried after %s, before Retry-After", time.Since(start))
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(parcel, file(502, ""), file(503, ""), func(w http.ResponseWriter) {
		fmt.Fprintf(w, `{"tracking_results":[%s]}`, f.results[parcel])
	})
	rs, err := f.connector(t).Track(t.Context(), req(parcel))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(parcel, func(w http.ResponseWriter) { time.Sleep(1500 * time.Millisecond) }) // far beyond the 50ms timeout, even on a loaded machine
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	if _, err := c.Track(t.Context(), req(parcel)); !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(parcel, file(200, "truncated.json"))
	f.on(parcel+","+consig+","+inval+",33LPZ5000099", file(200, "malformed-bad-date.json"))
	c := f.connector(t)
	if rs, err := c.Track(t.Context(), req(parcel)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err := c.Track(t.Context(), req(parcel, consig, inval, "33LPZ5000099"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 || !rs[1].Found {
		t.Fatalf("bad date: results %+v err %v", rs, err)
	}
	// An id the answer leaves out is an error, not a not-found.
	f.on("33LPZ5000088", func(w http.ResponseWriter) { fmt.Fprintf(w, `{"tracking_results":[%s]}`, f.results[parcel]) })
	rs, err = c.Track(t.Context(), req("33LPZ5000088"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || rs[0].NotFound != "" {
		t.Fatalf("missing id: %+v %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenLaterBatchFails(t *testing.T) {
	f := newFakeAusPost(t)
	f.on(consig, file(500, ""))
	numbers := []string{parcel, parcel, parcel, parcel, parcel, parcel, parcel, parcel, parcel, parcel, consig}
	rs, err := f.connector(t).Track(t.Context(), req(numbers...))
	if err != nil || len(rs) != 11 || !rs[9].Found || !errors.Is(rs[10].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v err %v", rs, err)
	}
}
