package shop

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
)

// Credentials are what a connection needs to verify a shop's webhooks and
// to call its API. They are sealed before they reach the store and never
// logged (LogValue and String hide them).
type Credentials struct {
	// AccessToken: the Shopify Admin API access token, or the Magento
	// integration access token (a bearer token).
	AccessToken string `json:"access_token,omitempty"`
	// WebhookSecret signs webhooks: the Shopify app's API secret key (or
	// the key shown under Settings → Notifications → Webhooks), or the
	// WooCommerce webhook secret.
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// ConsumerKey and ConsumerSecret are the WooCommerce REST API keys.
	ConsumerKey    string `json:"consumer_key,omitempty"`
	ConsumerSecret string `json:"consumer_secret,omitempty"`
}

// String hides the values.
func (c Credentials) String() string { return "shop.Credentials{[redacted]}" }

// LogValue hides the values.
func (c Credentials) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Sealed forms: one version byte, then the payload. Version 0 is the JSON
// as is (no key configured); version 1 is AES-256-GCM with a random nonce,
// the tenant ID as additional data (a sealed blob copied to another
// tenant's row does not open).
const (
	sealPlain byte = 0
	sealGCM   byte = 1
)

// ErrNoKey: the credentials were sealed with a key and none is configured.
var ErrNoKey = errors.New("shop: credentials are encrypted and no --shop-secret-key is set")

// Vault seals and opens credentials. The zero Vault stores them in clear.
type Vault struct{ aead cipher.AEAD }

// NewVault returns a vault keyed by the SHA-256 of key; an empty key gives
// the clear-text vault.
func NewVault(key string) (*Vault, error) {
	if key == "" {
		return &Vault{}, nil
	}
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("shop: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("shop: secret key: %w", err)
	}
	return &Vault{aead: aead}, nil
}

// Encrypts reports whether the vault encrypts.
func (v *Vault) Encrypts() bool { return v != nil && v.aead != nil }

func tenantAD(tenantID int64) []byte {
	return binary.BigEndian.AppendUint64([]byte("waypost-shop:"), uint64(tenantID))
}

// Seal encodes c for storage in a connection of the tenant.
func (v *Vault) Seal(tenantID int64, c Credentials) ([]byte, error) {
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("shop: seal: %w", err)
	}
	if !v.Encrypts() {
		return append([]byte{sealPlain}, plain...), nil
	}
	out := make([]byte, 1+v.aead.NonceSize(), 1+v.aead.NonceSize()+len(plain)+v.aead.Overhead())
	out[0] = sealGCM
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("shop: seal: %w", err)
	}
	return v.aead.Seal(out, out[1:], plain, tenantAD(tenantID)), nil
}

// Open decodes credentials sealed for the tenant. Empty input is empty
// credentials.
func (v *Vault) Open(tenantID int64, sealed []byte) (Credentials, error) {
	var c Credentials
	if len(sealed) == 0 {
		return c, nil
	}
	plain := sealed[1:]
	switch sealed[0] {
	case sealPlain:
	case sealGCM:
		if !v.Encrypts() {
			return c, ErrNoKey
		}
		n := v.aead.NonceSize()
		if len(plain) < n {
			return c, errors.New("shop: sealed credentials are truncated")
		}
		var err error
		if plain, err = v.aead.Open(nil, plain[:n], plain[n:], tenantAD(tenantID)); err != nil {
			return c, errors.New("shop: credentials do not open with this key (wrong --shop-secret-key, or another tenant's)")
		}
	default:
		return c, fmt.Errorf("shop: unknown credential seal version %d", sealed[0])
	}
	if err := json.Unmarshal(plain, &c); err != nil {
		return c, fmt.Errorf("shop: credentials: %w", err)
	}
	return c, nil
}
