package shop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/waypost/waypost/server"
	"github.com/waypost/waypost/store"
)

// Source is one platform's webhook format.
type Source interface {
	Kind() store.ShopKind
	// Verify checks the request's signature over the raw body.
	Verify(r *http.Request, body []byte, c Credentials) error
	// DeliveryID names the delivery, the same on the platform's retries;
	// "" when the platform sends none.
	DeliveryID(r *http.Request) string
	// Parse reads the order the request is about; nil with no error for
	// a request that carries nothing to import (a ping, another topic).
	// Malformed input is an error.
	Parse(r *http.Request, body []byte) (*Order, error)
}

// Error codes of webhook answers, stable for the shop's delivery logs.
const (
	CodeUnknownHook  = "unknown_hook"
	CodeBadSignature = "bad_signature"
	CodeMalformed    = "malformed_payload"
	CodeTooLarge     = "payload_too_large"
	CodeInternal     = "internal"
)

// MaxBody bounds a webhook body; shop orders are a few tens of KiB.
const MaxBody = 4 << 20

// ErrBadSignature is what Verify returns when the signature is missing or
// does not match.
var ErrBadSignature = errors.New("shop: webhook signature does not match")

// VerifyBase64HMAC checks that sig is the base64 HMAC-SHA256 of body under
// secret, in constant time. Shopify and WooCommerce both sign this way.
func VerifyBase64HMAC(body []byte, secret, sig string) error {
	if secret == "" || sig == "" {
		return ErrBadSignature
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return ErrBadSignature
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// SignBase64HMAC is the signature VerifyBase64HMAC accepts; fakes and
// tests sign with it.
func SignBase64HMAC(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Handler receives one platform's webhooks at POST /hooks/<kind>/{key}.
type Handler struct {
	Source   Source
	Store    store.Store
	Vault    *Vault
	Importer *Importer
	Log      *slog.Logger
	Now      func() time.Time
}

type answer struct {
	Result string        `json:"result,omitempty"` // imported, duplicate, ignored
	Import *ImportResult `json:"import,omitempty"`
	Error  *answerError  `json:"error,omitempty"`
}

type answerError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func fail(w http.ResponseWriter, status int, code, msg string) {
	server.WriteJSON(w, status, answer{Error: &answerError{Code: code, Message: msg}})
}

// ServeHTTP verifies, deduplicates and imports one delivery. Nothing is
// stored unless the signature holds and the payload parses; a delivery is
// recorded as handled only after its import succeeded, so a failure the
// shop retries is imported by the retry.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kind := h.Source.Kind()
	shops, ok := h.Store.(store.Shops)
	if !ok {
		fail(w, http.StatusServiceUnavailable, CodeInternal, "shop connections are not available")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			fail(w, http.StatusRequestEntityTooLarge, CodeTooLarge, "body larger than 4 MiB")
			return
		}
		fail(w, http.StatusBadRequest, CodeMalformed, "body could not be read")
		return
	}
	conn, err := shops.FindShopConnectionByHookKey(ctx, kind, r.PathValue("key"))
	if errors.Is(err, store.ErrNotFound) {
		fail(w, http.StatusNotFound, CodeUnknownHook, "no enabled "+string(kind)+" connection has this webhook URL")
		return
	}
	if err != nil {
		h.Log.ErrorContext(ctx, "shop webhook: connection lookup", "kind", kind, "error", err)
		fail(w, http.StatusInternalServerError, CodeInternal, "try again later")
		return
	}
	log := h.Log.With("kind", kind, "connection_id", conn.ID, "tenant_id", conn.TenantID)
	creds, err := h.Vault.Open(conn.TenantID, conn.Secrets)
	if err != nil {
		log.ErrorContext(ctx, "shop webhook: credentials", "error", err)
		fail(w, http.StatusInternalServerError, CodeInternal, "the connection's credentials cannot be read")
		return
	}
	if err := h.Source.Verify(r, body, creds); err != nil {
		log.WarnContext(ctx, "shop webhook rejected: bad signature", "remote", r.RemoteAddr)
		fail(w, http.StatusUnauthorized, CodeBadSignature, "the signature does not match the connection's webhook secret")
		return
	}
	delivery := h.Source.DeliveryID(r)
	if delivery != "" {
		seen, err := shops.ShopDeliverySeen(ctx, conn.TenantID, conn.ID, delivery)
		if err != nil {
			log.ErrorContext(ctx, "shop webhook: delivery lookup", "error", err)
			fail(w, http.StatusInternalServerError, CodeInternal, "try again later")
			return
		}
		if seen {
			server.WriteJSON(w, http.StatusOK, answer{Result: "duplicate"})
			return
		}
	}
	order, err := h.Source.Parse(r, body)
	if err != nil {
		log.WarnContext(ctx, "shop webhook rejected: malformed", "error", err)
		fail(w, http.StatusBadRequest, CodeMalformed, err.Error())
		return
	}
	out := answer{Result: "ignored"}
	if order != nil {
		res, err := h.Importer.Import(ctx, conn, *order)
		if err != nil {
			log.ErrorContext(ctx, "shop webhook: import", "order_id", order.ID, "error", err)
			fail(w, http.StatusInternalServerError, CodeInternal, "the order could not be stored; the shop's retry will")
			return
		}
		out = answer{Result: "imported", Import: &res}
	}
	if delivery != "" {
		if err := shops.RecordShopDelivery(ctx, conn.TenantID, conn.ID, delivery, h.Now()); err != nil {
			// The import is done and idempotent: a repeat is harmless.
			log.WarnContext(ctx, "shop webhook: record delivery", "error", err)
		}
	}
	server.WriteJSON(w, http.StatusOK, out)
}
