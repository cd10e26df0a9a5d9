package seventeentrack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/waypost/waypost/carrier"
)

// pushSink records what the handler hands over.
type pushSink struct {
	mu   sync.Mutex
	got  [][]carrier.Result
	fail error
}

func (s *pushSink) fn(_ context.Context, rs []carrier.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.got = append(s.got, rs)
	return nil
}

func (s *pushSink) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func post(t *testing.T, url string, body []byte, sig string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(SignHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func newPushServer(t *testing.T, sink *pushSink) (*httptest.Server, carrier.Secret) {
	key := carrier.NewSecret(testKey)
	srv := httptest.NewServer(NewWebhookHandler(key, sink.fn))
	t.Cleanup(srv.Close)
	return srv, key
}

func TestWebhookSignatures(t *testing.T) {
	sink := &pushSink{}
	srv, key := newPushServer(t, sink)
	body := testdata(t, "push-updated-cainiao.json")
	sig := Sign(key, body)

	if code := post(t, srv.URL, body, ""); code != http.StatusUnauthorized {
		t.Errorf("missing signature: %d", code)
	}
	if code := post(t, srv.URL, body, Sign(carrier.NewSecret("other-key"), body)); code != http.StatusUnauthorized {
		t.Errorf("other key: %d", code)
	}
	tampered := bytes.Replace(body, []byte("Liege"), []byte("Paris"), 1)
	if code := post(t, srv.URL, tampered, sig); code != http.StatusUnauthorized {
		t.Errorf("tampered body: %d", code)
	}
	if code := post(t, srv.URL, body, "not-hex"); code != http.StatusUnauthorized {
		t.Errorf("garbage signature: %d", code)
	}
	if sink.calls() != 0 {
		t.Fatal("callback ran for an unverified push")
	}
	if code := post(t, srv.URL, body, strings.ToUpper(sig)); code != http.StatusOK {
		t.Fatalf("good signature: %d", code)
	}
	if sink.calls() != 1 || len(sink.got[0]) != 1 || sink.got[0][0].TrackingNumber != "LP00123456789012" || len(sink.got[0][0].Events) != 2 {
		t.Fatalf("callback got %+v", sink.got)
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	if VerifySignature(carrier.Secret{}, body, Sign(carrier.Secret{}, body)) {
		t.Error("an empty key verified a signature")
	}
}

func TestWebhookBodiesAndAcknowledgement(t *testing.T) {
	sink := &pushSink{}
	srv, key := newPushServer(t, sink)
	for name, body := range map[string][]byte{
		"not json":       []byte("event=TRACKING_UPDATED"),
		"truncated":      []byte(`{"event":"TRACKING_UPDATED","data":{"number":"X`),
		"no number":      []byte(`{"event":"TRACKING_UPDATED","data":{"track_info":{}}}`),
		"no track_info":  []byte(`{"event":"TRACKING_UPDATED","data":{"number":"X1"}}`),
		"bad event time": []byte(`{"event":"TRACKING_UPDATED","data":{"number":"X1","carrier":3011,"track_info":{"tracking":{"providers":[{"events":[{"time_iso":"nope","description":"x"}]}]}}}}`),
	} {
		if code := post(t, srv.URL, body, Sign(key, body)); code != http.StatusBadRequest {
			t.Errorf("%s: %d", name, code)
		}
	}
	stopped := testdata(t, "push-stopped.json")
	if code := post(t, srv.URL, stopped, Sign(key, stopped)); code != http.StatusOK || sink.calls() != 0 {
		t.Errorf("stopped: %d, calls %d", code, sink.calls())
	}
	// The push is acknowledged only once it is stored: a failing callback
	// answers 500 so that 17TRACK sends it again.
	sink.fail = errors.New("database down")
	body := testdata(t, "push-updated-cainiao.json")
	if code := post(t, srv.URL, body, Sign(key, body)); code != http.StatusInternalServerError {
		t.Errorf("failing callback: %d", code)
	}
}

func TestWebhookReplayIsIdempotent(t *testing.T) {
	sink := &pushSink{}
	srv, key := newPushServer(t, sink)
	body := testdata(t, "push-updated-cainiao.json")
	for range 2 {
		if code := post(t, srv.URL, body, Sign(key, body)); code != http.StatusOK {
			t.Fatalf("push: %d", code)
		}
	}
	a, b := sink.got[0][0].Events, sink.got[1][0].Events
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("events %d and %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Hash == "" || a[i].Hash != b[i].Hash {
			t.Errorf("event %d hashes %q and %q", i, a[i].Hash, b[i].Hash)
		}
	}
	// A poll of the same number gives the same hashes as the push.
	var push struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &push); err != nil {
		t.Fatal(err)
	}
	poll := []byte(`{"code":0,"data":{"accepted":[` + string(push.Data) + `],"rejected":[]}}`)
	rs, err := Parse(poll)
	if err != nil || len(rs) != 1 || len(rs[0].Events) != len(a) {
		t.Fatalf("poll: %v %v", rs, err)
	}
	for i := range a {
		if rs[0].Events[i].Hash != a[i].Hash {
			t.Errorf("event %d: poll hash differs from push hash", i)
		}
	}
}

// TestWebhookSharedSamples posts every push sample of the shared folder,
// in place, to the handler.
func TestWebhookSharedSamples(t *testing.T) {
	dir := sharedDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "webhook-*.json"))
	if len(files) == 0 {
		t.Fatalf("no push samples in %s", dir)
	}
	sink := &pushSink{}
	srv, key := newPushServer(t, sink)
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if code := post(t, srv.URL, body, Sign(key, body)); code != http.StatusOK {
			t.Errorf("%s: %d", filepath.Base(f), code)
		}
	}
	if sink.calls() != len(files) {
		t.Fatalf("%d callbacks for %d samples", sink.calls(), len(files))
	}
	for _, rs := range sink.got {
		if len(rs) != 1 || !rs[0].Found || len(rs[0].Events) == 0 {
			t.Errorf("push result %+v", rs)
		}
	}
}
