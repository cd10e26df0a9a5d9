package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// PushBody is the Body of a web push Message: the subscription's keys and
// the notification the page's service worker shows (Title, Body, URL).
type PushBody struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	URL    string `json:"url"`
	Tag    string `json:"tag,omitempty"` // replaces an earlier notification of the same shipment
}

// PushConfig configures web push (VAPID, RFC 8292).
type PushConfig struct {
	// VAPIDPublicKey and VAPIDPrivateKey are base64url keys, as made by
	// GenerateVAPIDKeys; the public one is also given to the browser.
	// The private key is never logged.
	VAPIDPublicKey, VAPIDPrivateKey string
	// Subscriber is the contact push services may use, "mailto:..." or
	// an https URL.
	Subscriber string
	TTL        time.Duration // how long the push service keeps it; 0 means 24 h
	HTTPClient *http.Client  // nil: 20 s timeout
}

// GenerateVAPIDKeys makes a new VAPID key pair (base64url).
func GenerateVAPIDKeys() (private, public string, err error) { return webpush.GenerateVAPIDKeys() }

// PushSender delivers web push notifications, encrypted (RFC 8291,
// aes128gcm) and signed with the VAPID key.
type PushSender struct{ cfg PushConfig }

// NewPushSender returns the web push Sender.
func NewPushSender(cfg PushConfig) (*PushSender, error) {
	if cfg.VAPIDPublicKey == "" || cfg.VAPIDPrivateKey == "" {
		return nil, errors.New("notify: webpush: VAPID public and private keys are required")
	}
	if cfg.Subscriber == "" {
		return nil, errors.New("notify: webpush: a subscriber contact (mailto: or https:) is required")
	}
	// The library adds "mailto:" to anything that is not an https URL.
	cfg.Subscriber = strings.TrimPrefix(cfg.Subscriber, "mailto:")
	if cfg.TTL == 0 {
		cfg.TTL = 24 * time.Hour
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	return &PushSender{cfg: cfg}, nil
}

// Channel implements Sender.
func (s *PushSender) Channel() Channel { return WebPush }

// Send implements Sender. An endpoint the push service reports gone (404,
// 410) is a permanent failure: the browser dropped the subscription.
func (s *PushSender) Send(ctx context.Context, m Message) error {
	var b PushBody
	if err := json.Unmarshal(m.Body, &b); err != nil {
		return Permanent(fmt.Errorf("notify: webpush %s: body: %w", m.ID, err))
	}
	if !strings.HasPrefix(m.Target, "https://") {
		return Permanent(fmt.Errorf("notify: webpush %s: endpoint is not https", m.ID))
	}
	payload, _ := json.Marshal(struct {
		Title string `json:"title"`
		Body  string `json:"body"`
		URL   string `json:"url"`
		Tag   string `json:"tag,omitempty"`
	}{b.Title, b.Body, b.URL, b.Tag})
	resp, err := webpush.SendNotificationWithContext(ctx, payload,
		&webpush.Subscription{Endpoint: m.Target, Keys: webpush.Keys{P256dh: b.P256dh, Auth: b.Auth}},
		&webpush.Options{HTTPClient: s.cfg.HTTPClient, Subscriber: s.cfg.Subscriber, TTL: int(s.cfg.TTL.Seconds()),
			Urgency: webpush.UrgencyNormal, VAPIDPublicKey: s.cfg.VAPIDPublicKey, VAPIDPrivateKey: s.cfg.VAPIDPrivateKey})
	if err != nil {
		if resp == nil && ctx.Err() == nil && strings.Contains(err.Error(), "key") {
			return Permanent(fmt.Errorf("notify: webpush %s: %w", m.ID, err))
		}
		return fmt.Errorf("notify: webpush %s: %w", m.ID, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if err := httpOutcome(resp.StatusCode, snippet); err != nil {
		return fmt.Errorf("notify: webpush %s: %w", m.ID, err)
	}
	return nil
}
