package laposte

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

// fakeOkapi speaks the Suivi v2 endpoint over loopback. Each known number
// has a unitary answer (taken from the testdata arrays); a call gets 200
// when all its numbers are found, 207 when they are mixed, and the single
// 400/404 object when it asks about one failing number, as the API does.
// Scripts keyed by the requested id list override that (429, 5xx, slow and
// broken answers).
type fakeOkapi struct {
	srv       *httptest.Server
	calls     atomic.Int32
	mu        sync.Mutex
	items     map[string]json.RawMessage
	script    map[string][]func(http.ResponseWriter)
	served    map[string]int
	queries   []string
	lastHdr   http.Header
	strict400 bool // answer a batch holding an invalid number with that number's 400 object
}

func newFakeOkapi(t *testing.T) *fakeOkapi {
	f := &fakeOkapi{items: map[string]json.RawMessage{}, script: map[string][]func(http.ResponseWriter){}, served: map[string]int{}}
	for _, name := range []string{"track-multi-207.json", "track-returned.json"} {
		var items []json.RawMessage
		if err := json.Unmarshal(testdata(t, name), &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			var id struct {
				IDShip   string `json:"idShip"`
				Shipment struct {
					IDShip string `json:"idShip"`
				} `json:"shipment"`
			}
			json.Unmarshal(it, &id)
			f.items[id.IDShip+id.Shipment.IDShip] = it
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /idships/{ids}", func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("X-Okapi-Key") != "okapi-key" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(testdata(t, "error-401.json"))
			return
		}
		ids := r.PathValue("ids")
		f.mu.Lock()
		f.queries = append(f.queries, ids+"?"+r.URL.RawQuery)
		f.lastHdr = r.Header.Clone()
		steps := f.script[ids]
		i := f.served[ids]
		f.served[ids]++
		f.mu.Unlock()
		if len(steps) > 0 {
			steps[min(i, len(steps)-1)](w)
			return
		}
		f.answer(w, strings.Split(ids, ","))
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOkapi) answer(w http.ResponseWriter, ids []string) {
	parts := make([]json.RawMessage, len(ids))
	codes := make([]int, len(ids))
	for i, id := range ids {
		it, ok := f.items[id]
		if !ok {
			it = json.RawMessage(fmt.Sprintf(`{"returnCode":105,"returnMessage":"Numéro inconnu","idShip":%q,"lang":"fr_FR","scope":"open"}`, id))
		}
		var rc struct {
			ReturnCode int `json:"returnCode"`
		}
		json.Unmarshal(it, &rc)
		parts[i], codes[i] = it, rc.ReturnCode
	}
	for i, c := range codes {
		if (len(ids) == 1 || f.strict400) && (c == 400 || c == 104 || c == 105) {
			w.WriteHeader(map[bool]int{true: 400, false: 404}[c == 400])
			w.Write(parts[i])
			return
		}
	}
	mixed := false
	for _, c := range codes {
		mixed = mixed || c != 200
	}
	if mixed {
		w.WriteHeader(http.StatusMultiStatus)
	}
	b, _ := json.Marshal(parts)
	w.Write(b)
}

func (f *fakeOkapi) on(ids string, steps ...func(http.ResponseWriter)) {
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

func (f *fakeOkapi) connector(t *testing.T, tweak ...func(*carrier.Config)) carrier.Connector {
	t.Helper()
	cfg := carrier.Config{APIKey: carrier.NewSecret("okapi-key"), BaseURL: f.srv.URL, Timeout: carrier.Duration(2 * time.Second)}
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
	colis  = "6A23456789012"
	chrono = "XY123456789FR"
	notYet = "8R00000000017"
	bad    = "ABC"
	slow   = "1K00000000014"
)

func TestTrackBatchMultiStatus(t *testing.T) {
	f := newFakeOkapi(t)
	rs, err := f.connector(t).Track(t.Context(), req(colis, notYet, chrono, bad, slow, "5Z00000000000"))
	if err != nil || len(rs) != 6 || f.calls.Load() != 1 {
		t.Fatalf("results %+v, err %v, %d calls", rs, err, f.calls.Load())
	}
	if f.queries[0] != colis+","+notYet+","+chrono+","+bad+","+slow+",5Z00000000000?lang=fr_FR" {
		t.Fatalf("query %q", f.queries[0])
	}
	if !rs[0].Found || rs[0].TrackingNumber != colis || rs[0].Events[5].Substatus != status.AvailableForPickupAvailableForPickup {
		t.Fatalf("colissimo %+v", rs[0])
	}
	if rs[1].Found || !strings.HasPrefix(rs[1].NotFound, "104:") || rs[2].TrackingNumber != chrono || rs[2].ETA == nil {
		t.Fatalf("not yet / chronopost: %+v / %+v", rs[1], rs[2])
	}
	if !errors.Is(rs[3].Err, carrier.ErrRejected) || !errors.Is(rs[4].Err, carrier.ErrUnavailable) {
		t.Fatalf("per-number errors %+v / %+v", rs[3], rs[4])
	}
	if rs[5].Found || !strings.HasPrefix(rs[5].NotFound, "105:") {
		t.Fatalf("unknown %+v", rs[5])
	}
	if f.lastHdr.Get("Accept") != "application/json" {
		t.Fatalf("Accept %q", f.lastHdr.Get("Accept"))
	}
}

func TestTrackChunksByTen(t *testing.T) {
	f := newFakeOkapi(t)
	numbers := make([]string, 12)
	for i := range numbers {
		numbers[i] = colis
	}
	c := f.connector(t, func(c *carrier.Config) { c.Language = "en-GB" })
	rs, err := c.Track(t.Context(), req(numbers...))
	if err != nil || len(rs) != 12 || f.calls.Load() != 2 || c.Limits().BatchSize != 10 {
		t.Fatalf("%d results, err %v, %d calls, limits %+v", len(rs), err, f.calls.Load(), c.Limits())
	}
	if strings.Count(f.queries[0], ",") != 9 || strings.Count(f.queries[1], ",") != 1 || !strings.HasSuffix(f.queries[1], "lang=en_GB") {
		t.Fatalf("queries %q", f.queries)
	}
	for _, r := range rs {
		if !r.Found {
			t.Fatalf("result %+v", r)
		}
	}
}

func TestTrackSingleErrors(t *testing.T) {
	f := newFakeOkapi(t)
	c := f.connector(t)
	rs, err := c.Track(t.Context(), req(bad))
	var ce *carrier.Error
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) || ce.HTTPStatus != 400 || ce.CarrierCode != "400" {
		t.Fatalf("400: %+v %v", rs, err)
	}
	rs, err = c.Track(t.Context(), req(notYet))
	if err != nil || rs[0].Found || !strings.HasPrefix(rs[0].NotFound, "104:") || rs[0].TrackingNumber != notYet {
		t.Fatalf("404: %+v %v", rs, err)
	}
}

func TestTrackBatchRejectedAsWhole(t *testing.T) {
	f := newFakeOkapi(t)
	f.strict400 = true
	rs, err := f.connector(t).Track(t.Context(), req(colis, bad, chrono))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v, err %v", rs, err)
	}
	// The named number gets the 400; the others are asked again without it.
	if !rs[0].Found || rs[0].TrackingNumber != colis || !errors.Is(rs[1].Err, carrier.ErrRejected) || rs[1].TrackingNumber != bad || !rs[2].Found {
		t.Fatalf("results %+v", rs)
	}
	if f.calls.Load() != 2 || f.queries[1] != colis+","+chrono+"?lang=fr_FR" {
		t.Fatalf("%d calls: %q", f.calls.Load(), f.queries)
	}
}

func TestTrackAuthFailure(t *testing.T) {
	f := newFakeOkapi(t)
	rs, err := f.connector(t, func(c *carrier.Config) { c.APIKey = carrier.NewSecret("revoked") }).Track(t.Context(), req(colis))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode != "UNAUTHORIZED" {
		t.Fatalf("results %v err %v; want ErrAuth", rs, err)
	}
	// A static key cannot be refreshed: the 401 is final, without retry.
	if f.calls.Load() != 1 {
		t.Fatalf("%d calls", f.calls.Load())
	}
	_, err = f.connector(t, func(c *carrier.Config) { c.APIKey = carrier.Secret{} }).Track(t.Context(), req(colis))
	if !errors.Is(err, carrier.ErrConfig) || f.calls.Load() != 1 {
		t.Fatalf("missing key: %v after %d calls", err, f.calls.Load())
	}
}

func TestNewRejectsUnknownLanguage(t *testing.T) {
	if _, err := carrier.Open(Slug, carrier.Config{Language: "pt"}); err == nil {
		t.Fatal("language pt accepted")
	}
}

func TestTrackRateLimitedThenOK(t *testing.T) {
	f := newFakeOkapi(t)
	f.on(colis, file(429, "", "Retry-After", "1"), func(w http.ResponseWriter) { f.answer(w, []string{colis}) })
	start := time.Now()
	rs, err := f.connector(t).Track(t.Context(), req(colis))
	if err != nil || !rs[0].Found {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if time.Since(start) < time.Second {
		t.Fatalf("retried after %s, before Retry-After", time.Since(start))
	}
}

func TestTrackServerErrorThenOK(t *testing.T) {
	f := newFakeOkapi(t)
	f.on(colis, file(500, ""), file(503, ""), func(w http.ResponseWriter) { f.answer(w, []string{colis}) })
	rs, err := f.connector(t).Track(t.Context(), req(colis))
	if err != nil || !rs[0].Found || f.calls.Load() != 3 {
		t.Fatalf("results %+v err %v after %d calls", rs, err, f.calls.Load())
	}
}

func TestTrackTimeout(t *testing.T) {
	f := newFakeOkapi(t)
	f.on(colis, func(w http.ResponseWriter) { time.Sleep(1500 * time.Millisecond) }) // far beyond the 50ms timeout, even on a loaded machine
	c := f.connector(t, func(c *carrier.Config) { c.Timeout = carrier.Duration(50 * time.Millisecond) })
	if _, err := c.Track(t.Context(), req(colis)); !errors.Is(err, carrier.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestTrackBadBodies(t *testing.T) {
	f := newFakeOkapi(t)
	f.on(colis, file(200, "truncated.json"))
	f.on(chrono+","+colis, file(207, "malformed-bad-date.json"))
	c := f.connector(t)
	if rs, err := c.Track(t.Context(), req(colis)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
		t.Fatalf("truncated: results %v err %v", rs, err)
	}
	rs, err := c.Track(t.Context(), req(chrono, colis))
	if err != nil || !rs[0].Found || len(rs[0].Events) != 4 || !errors.Is(rs[1].Err, carrier.ErrBadResponse) || len(rs[1].Events) != 0 {
		t.Fatalf("bad date: results %+v err %v", rs, err)
	}
}

func TestTrackKeepsAnsweredWhenLaterBatchFails(t *testing.T) {
	f := newFakeOkapi(t)
	f.on(chrono, file(500, ""))
	numbers := []string{colis, colis, colis, colis, colis, colis, colis, colis, colis, colis, chrono}
	rs, err := f.connector(t).Track(t.Context(), req(numbers...))
	if err != nil || len(rs) != 11 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[9].Found || !errors.Is(rs[10].Err, carrier.ErrUnavailable) {
		t.Fatalf("results %+v / %+v", rs[9], rs[10])
	}
}
