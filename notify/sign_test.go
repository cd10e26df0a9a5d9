package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// verifyIndependently checks a Waypost-Signature the way a receiver
// written from docs/notifications.md would, without this package's code.
func verifyIndependently(t *testing.T, secret, header string, body []byte) {
	t.Helper()
	var ts, sig string
	for _, kv := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	if ts == "" || sig == "" {
		t.Fatalf("header %q lacks t or v1", header)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	if want := hex.EncodeToString(m.Sum(nil)); sig != want {
		t.Fatalf("v1 = %s, want %s", sig, want)
	}
}

func TestSign(t *testing.T) {
	body := []byte(`{"id":"evt_1","type":"tracking.delivered"}`)
	at := time.Unix(1767225600, 0)
	h := Sign("whsec_test", at, body)
	if !strings.HasPrefix(h, "t=1767225600,v1=") {
		t.Fatalf("header %q", h)
	}
	verifyIndependently(t, "whsec_test", h, body)
	if err := Verify("whsec_test", h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("Verify: %v", err)
	}
	cases := []struct {
		name, secret, header string
		body                 []byte
		now                  time.Time
		want                 error
	}{
		{"tampered body", "whsec_test", h, []byte(`{"id":"evt_2"}`), at, ErrSignature},
		{"wrong secret", "other", h, body, at, ErrSignature},
		{"stale", "whsec_test", h, body, at.Add(10 * time.Minute), ErrSignatureStale},
		{"garbage", "whsec_test", "v1", body, at, ErrSignatureFormat},
		{"no v1", "whsec_test", "t=1767225600", body, at, ErrSignatureFormat},
	}
	for _, c := range cases {
		if err := Verify(c.secret, c.header, c.body, c.now, 5*time.Minute); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// A second v1 (rotation) is accepted when any matches.
	if err := Verify("whsec_test", h+",v1=00", body, at, 0); err != nil {
		t.Errorf("two signatures: %v", err)
	}
}

func TestSignAfterShip(t *testing.T) {
	body := []byte(`{"event":"tracking_update"}`)
	m := hmac.New(sha256.New, []byte("k"))
	m.Write(body)
	if got, want := SignAfterShip("k", body), base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want {
		t.Errorf("SignAfterShip = %s, want %s", got, want)
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") || len(a) != 6+64 {
		t.Errorf("secrets %q, %q", a, b)
	}
}
