package aftership

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/waypost/waypost/carrier"
)

type sink struct {
	mu   sync.Mutex
	got  [][]carrier.Result
	fail error
}

func (s *sink) fn(_ context.Context, rs []carrier.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.got = append(s.got, rs)
	return nil
}

func postHook(t *testing.T, url string, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if sig != "" {
		req.Header.Set(SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookHandler(t *testing.T) {
	secret := carrier.NewSecret("whsec_test")
	s := &sink{}
	srv := httptest.NewServer(NewWebhookHandler(secret, s.fn))
	defer srv.Close()
	body := testdata(t, "webhook-tracking-update.json")
	sig := Sign(secret, body)

	for name, c := range map[string]struct {
		body []byte
		sig  string
		want int
	}{
		"missing":    {body, "", http.StatusUnauthorized},
		"wrong key":  {body, Sign(carrier.NewSecret("other"), body), http.StatusUnauthorized},
		"tampered":   {bytes.Replace(body, []byte("Madrid"), []byte("Lisbon"), 1), sig, http.StatusUnauthorized},
		"not base64": {body, "%%%", http.StatusUnauthorized},
	} {
		if got := postHook(t, srv.URL, c.body, c.sig); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
	if len(s.got) != 0 {
		t.Fatal("callback ran for an unverified webhook")
	}
	for name, b := range map[string][]byte{
		"not json":  []byte("tracking_update"),
		"truncated": body[:len(body)/2],
		"no msg":    []byte(`{"event":"tracking_update","msg":{}}`),
		"bad time":  []byte(`{"event":"tracking_update","msg":{"tracking_number":"X","checkpoints":[{"checkpoint_time":"noon"}]}}`),
	} {
		if got := postHook(t, srv.URL, b, Sign(secret, b)); got != http.StatusBadRequest {
			t.Errorf("%s: %d", name, got)
		}
	}
	// Good signature, sent twice (a retry): same hashes both times.
	for range 2 {
		if got := postHook(t, srv.URL, body, sig); got != http.StatusOK {
			t.Fatalf("good: %d", got)
		}
	}
	if len(s.got) != 2 || len(s.got[0][0].Events) != 2 {
		t.Fatalf("got %+v", s.got)
	}
	for i := range s.got[0][0].Events {
		if a, b := s.got[0][0].Events[i].Hash, s.got[1][0].Events[i].Hash; a == "" || a != b {
			t.Errorf("event %d hashes %q %q", i, a, b)
		}
	}
	s.fail = errors.New("store down")
	if got := postHook(t, srv.URL, body, sig); got != http.StatusInternalServerError {
		t.Errorf("failing callback: %d", got)
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
		t.Error("empty secret verified")
	}
}
