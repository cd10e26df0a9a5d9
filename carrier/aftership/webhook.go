package aftership

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// SignatureHeader carries a webhook's signature.
const SignatureHeader = "aftership-hmac-sha256"

// MaxWebhookBytes bounds the body of one webhook.
const MaxWebhookBytes = 4 << 20

// Sign returns the signature AfterShip puts in the aftership-hmac-sha256
// header: the base64 HMAC-SHA256 of the raw body keyed with the webhook
// secret (Settings > Webhooks). SOURCE: aftership.com/docs/tracking/webhook/
// webhook-signature.
func Sign(secret carrier.Secret, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(secret, body))
}

func mac(secret carrier.Secret, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret.Reveal()))
	h.Write(body)
	return h.Sum(nil)
}

// VerifySignature reports whether sig signs body with secret, in constant
// time; an empty secret verifies nothing.
func VerifySignature(secret carrier.Secret, body []byte, sig string) bool {
	if secret.IsZero() {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false
	}
	return hmac.Equal(got, mac(secret, body))
}

// WebhookFunc receives the Result of one verified webhook. It must be
// idempotent: AfterShip retries until acknowledged, and a repeated webhook
// yields events with the same hashes.
type WebhookFunc func(ctx context.Context, results []carrier.Result) error

// NewWebhookHandler returns the endpoint AfterShip posts webhooks to. It
// verifies the aftership-hmac-sha256 header with the webhook secret,
// answers 401 to a missing or wrong signature and 400 to a body it cannot
// read, and hands the tracking of the webhook (tracking_update and the
// other events that carry one in msg) to fn, answering 200 only after fn
// succeeded and 500 otherwise, so that AfterShip retries.
func NewWebhookHandler(secret carrier.Secret, fn WebhookFunc) http.Handler {
	return &webhookHandler{secret: secret, fn: fn}
}

type webhookHandler struct {
	secret carrier.Secret
	fn     WebhookFunc
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		http.Error(w, "missing signature", http.StatusUnauthorized)
		return
	}
	if !VerifySignature(h.secret, body, sig) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	wh, err := parseWebhook(body)
	if err != nil {
		http.Error(w, "malformed webhook: "+err.Error(), http.StatusBadRequest)
		return
	}
	res := wh.Msg.result()
	if res.Err != nil {
		http.Error(w, "malformed webhook: "+res.Err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.fn(r.Context(), []carrier.Result{res}); err != nil {
		http.Error(w, "not processed, retry later", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}
