package seventeentrack

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// SignHeader is the request header carrying a push's signature.
const SignHeader = "sign"

// MaxPushBytes bounds the body of one push notification.
const MaxPushBytes = 4 << 20

// Sign returns the signature 17TRACK puts in the "sign" header of a push:
// the lower-case hex SHA-256 of the raw body, a slash and the account's
// security key (a plain hash, not an HMAC). SOURCE: 17TRACK webhook
// integration notes summarised in research anchors-features.md §(c).
func Sign(key carrier.Secret, body []byte) string {
	sum := signature(key, body)
	return hex.EncodeToString(sum[:])
}

func signature(key carrier.Secret, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(body)
	h.Write([]byte{'/'})
	h.Write([]byte(key.Reveal()))
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// VerifySignature reports whether sig (hex, any case) signs body with key.
// The comparison takes the same time whatever the signature; an empty key
// verifies nothing.
func VerifySignature(key carrier.Secret, body []byte, sig string) bool {
	if key.IsZero() {
		return false
	}
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	want := signature(key, body)
	return subtle.ConstantTimeCompare(got, want[:]) == 1
}

// WebhookFunc receives the results of one verified push. It must be
// idempotent: 17TRACK repeats a push until it is acknowledged, and the
// events of a repeated push carry the same hashes.
type WebhookFunc func(ctx context.Context, results []carrier.Result) error

// NewWebhookHandler returns the endpoint 17TRACK pushes to (configured in
// the 17TRACK API console, Settings > WebHook). It verifies the "sign"
// header with key (the account's security key, the same as the API key),
// answers 401 to a missing or wrong signature and 400 to a body it cannot
// read, and hands the Result of a TRACKING_UPDATED push to fn. It answers
// 200 only after fn succeeded; when fn fails it answers 500 so that 17TRACK
// sends the push again. Pushes of other events (TRACKING_STOPPED) are
// acknowledged without calling fn.
func NewWebhookHandler(key carrier.Secret, fn WebhookFunc) http.Handler {
	return &webhookHandler{key: key, fn: fn}
}

type webhookHandler struct {
	key carrier.Secret
	fn  WebhookFunc
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPushBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	sig := r.Header.Get(SignHeader)
	if sig == "" {
		http.Error(w, "missing signature", http.StatusUnauthorized)
		return
	}
	if !VerifySignature(h.key, body, sig) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	p, err := parsePush(body)
	if err != nil {
		http.Error(w, "malformed push: "+err.Error(), http.StatusBadRequest)
		return
	}
	if p.result == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if p.result.Err != nil {
		http.Error(w, "malformed push: "+p.result.Err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.fn(r.Context(), []carrier.Result{*p.result}); err != nil {
		http.Error(w, "not processed, retry later", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}
