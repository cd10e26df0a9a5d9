package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Webhook headers.
const (
	// SignatureHeader carries "t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">"
	// keyed with the endpoint's secret.
	SignatureHeader = "Waypost-Signature"
	// EventIDHeader carries the event's id, the receiver's dedupe key.
	EventIDHeader = "Waypost-Event-Id"
	// AfterShipSignatureHeader carries base64(HMAC-SHA256(secret, body)),
	// as AfterShip signs its webhooks, for endpoints in the aftership format.
	AfterShipSignatureHeader = "aftership-hmac-sha256"
)

// Sign returns the Waypost-Signature value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// SignAfterShip returns the aftership-hmac-sha256 value for body.
func SignAfterShip(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrSignatureFormat = errors.New("notify: malformed Waypost-Signature header")
	ErrSignature       = errors.New("notify: signature does not match")
	ErrSignatureStale  = errors.New("notify: signature timestamp outside the tolerance")
)

// Verify checks a Waypost-Signature header value against body, as a
// receiver would: some v1 value must match and t must be within
// tolerance of now (0: any age), which bounds replays of a captured
// request.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrSignatureFormat
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil {
				return ErrSignatureFormat
			}
			sigs = append(sigs, b)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureFormat
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
			return ErrSignatureStale
		}
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrSignature
}

// NewSecret returns a random endpoint secret ("whsec_" and 32 random bytes
// in hex).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return "whsec_" + hex.EncodeToString(b)
}

// newID returns a random id with the given prefix.
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
