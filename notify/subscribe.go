package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"github.com/waypost/waypost/store"
)

// Subscriptions lets buyers follow a shipment on the channels they choose
// and leave with a signed link, without an account.
type Subscriptions struct {
	st      store.Store
	ns      store.NotifySettings
	secret  []byte
	baseURL string
}

// NewSubscriptions returns the buyer subscriptions over st (which must
// implement store.NotifySettings). secret signs unsubscribe links (at
// least 16 bytes; keep it across restarts or old links stop working);
// baseURL is the server's public address.
func NewSubscriptions(st store.Store, secret []byte, baseURL string) (*Subscriptions, error) {
	ns, ok := st.(store.NotifySettings)
	if !ok {
		return nil, fmt.Errorf("notify: store %T keeps no notification settings", st)
	}
	if len(secret) < 16 {
		return nil, errors.New("notify: the unsubscribe secret must be at least 16 bytes")
	}
	return &Subscriptions{st: st, ns: ns, secret: secret, baseURL: strings.TrimRight(baseURL, "/")}, nil
}

// SubscribeError is a subscription refused for its input, with a stable
// code: "channel_invalid", "email_invalid", "phone_invalid",
// "push_invalid" or "topic_invalid".
type SubscribeError struct{ code, msg string }

func (e *SubscribeError) Error() string { return e.code + ": " + e.msg }

// Code returns the stable code.
func (e *SubscribeError) Code() string { return e.code }

// SubscribeRequest is what the tracking page sends.
type SubscribeRequest struct {
	Channel Channel
	// Target is an email address, a phone number (national numbers are
	// read in the destination country), a push endpoint or an ntfy topic.
	Target string
	// P256dh and Auth are the push subscription's keys (base64url).
	P256dh, Auth string
	Language     string
}

// Subscribe adds a recipient to a shipment's messages (or re-activates
// one that left). A shipment that is not the tenant's is store.ErrNotFound.
func (s *Subscriptions) Subscribe(ctx context.Context, tenantID, shipmentID int64, r SubscribeRequest) (store.Subscription, error) {
	sh, err := s.st.GetShipment(ctx, tenantID, shipmentID)
	if err != nil {
		return store.Subscription{}, fmt.Errorf("notify: subscribe: %w", err)
	}
	target := strings.TrimSpace(r.Target)
	switch r.Channel {
	case Email:
		a, err := mail.ParseAddress(target)
		if err != nil || a.Name != "" || !strings.Contains(a.Address, ".") {
			return store.Subscription{}, &SubscribeError{"email_invalid", fmt.Sprintf("%q is not an email address", target)}
		}
		target = strings.ToLower(a.Address)
	case SMS:
		if target, err = NormalizePhone(target, sh.DestinationCountry); err != nil {
			return store.Subscription{}, &SubscribeError{ErrPhoneInvalid, err.Error()}
		}
	case WebPush:
		if err := checkPushSubscription(target, r.P256dh, r.Auth); err != nil {
			return store.Subscription{}, &SubscribeError{"push_invalid", err.Error()}
		}
	case Ntfy:
		if !ValidTopic(target) {
			return store.Subscription{}, &SubscribeError{ErrTopicInvalid, "a topic is 1 to 64 letters, digits, - or _"}
		}
	default:
		return store.Subscription{}, &SubscribeError{"channel_invalid", fmt.Sprintf("cannot subscribe to %q", r.Channel)}
	}
	sub := store.Subscription{ShipmentID: shipmentID, Channel: string(r.Channel), Target: target,
		P256dh: r.P256dh, Auth: r.Auth, Language: r.Language, Active: true}
	if err := s.ns.SaveSubscription(ctx, tenantID, &sub); err != nil {
		return sub, fmt.Errorf("notify: subscribe: %w", err)
	}
	return sub, nil
}

func checkPushSubscription(endpoint, p256dh, auth string) error {
	if !strings.HasPrefix(endpoint, "https://") || len(endpoint) > 2048 {
		return errors.New("the endpoint must be an https URL")
	}
	k, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p256dh, "="))
	if err != nil || len(k) != 65 || k[0] != 4 {
		return errors.New("p256dh must be an uncompressed P-256 public key")
	}
	a, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(auth, "="))
	if err != nil || len(a) != 16 {
		return errors.New("auth must be 16 bytes")
	}
	return nil
}

// ErrTokenInvalid is the code of an unsubscribe token that is malformed,
// forged or names no recipient.
const ErrTokenInvalid = "token_invalid"

var errToken = &SubscribeError{ErrTokenInvalid, "unsubscribe link is not valid"}

// UnsubscribeToken signs (tenant, shipment, channel, target). The target
// appears only as a hash, so links in logs do not reveal addresses.
func (s *Subscriptions) UnsubscribeToken(tenantID, shipmentID int64, ch Channel, target string) string {
	h := sha256.Sum256([]byte(target))
	payload := strconv.FormatInt(tenantID, 36) + "." + strconv.FormatInt(shipmentID, 36) + "." + string(ch) + "." +
		base64.RawURLEncoding.EncodeToString(h[:12])
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

// UnsubscribeURL is the link in messages: {base}/u/{token}.
func (s *Subscriptions) UnsubscribeURL(tenantID, shipmentID int64, ch Channel, target string) string {
	return s.baseURL + "/u/" + s.UnsubscribeToken(tenantID, shipmentID, ch, target)
}

func (s *Subscriptions) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("waypost-unsubscribe\x00" + payload))
	return m.Sum(nil)[:16]
}

// Unsubscribe stops the messages the token names. Using a token twice is
// harmless.
func (s *Subscriptions) Unsubscribe(ctx context.Context, token string) error {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return errToken
	}
	payload := token[:i]
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || !hmac.Equal(sig, s.mac(payload)) {
		return errToken
	}
	f := strings.Split(payload, ".")
	if len(f) != 4 {
		return errToken
	}
	tenantID, err1 := strconv.ParseInt(f[0], 36, 64)
	shipmentID, err2 := strconv.ParseInt(f[1], 36, 64)
	if err1 != nil || err2 != nil {
		return errToken
	}
	ch, hash := Channel(f[2]), f[3]
	sh, err := s.st.GetShipment(ctx, tenantID, shipmentID)
	if errors.Is(err, store.ErrNotFound) {
		return errToken
	} else if err != nil {
		return fmt.Errorf("notify: unsubscribe: %w", err)
	}
	subs, err := s.ns.Subscriptions(ctx, tenantID, shipmentID)
	if err != nil {
		return fmt.Errorf("notify: unsubscribe: %w", err)
	}
	// The customer's own contact, normalised as the planner addresses it.
	candidates := []string{strings.ToLower(sh.Customer.Email)}
	if phone, err := NormalizePhone(sh.Customer.Phone, sh.DestinationCountry); err == nil {
		candidates = append(candidates, phone)
	}
	for _, x := range subs {
		if Channel(x.Channel) == ch {
			candidates = append(candidates, x.Target)
		}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		h := sha256.Sum256([]byte(c))
		if base64.RawURLEncoding.EncodeToString(h[:12]) != hash {
			continue
		}
		sub := store.Subscription{ShipmentID: shipmentID, Channel: string(ch), Target: c, Active: false}
		if err := s.ns.SaveSubscription(ctx, tenantID, &sub); err != nil {
			return fmt.Errorf("notify: unsubscribe: %w", err)
		}
		return nil
	}
	return errToken
}

// recipients lists who hears about a shipment: the customer's own email
// and phone and every active subscription, less those who unsubscribed.
func recipients(c shipmentContact, subs []store.Subscription) []store.Subscription {
	off := map[string]bool{}
	var out []store.Subscription
	seen := map[string]bool{}
	for _, s := range subs {
		if !s.Active {
			off[s.Channel+"\x00"+s.Target] = true
		}
	}
	add := func(s store.Subscription) {
		k := s.Channel + "\x00" + s.Target
		if s.Target == "" || off[k] || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, s)
	}
	if c.Email != "" {
		add(store.Subscription{Channel: string(Email), Target: c.Email, Active: true, Language: c.Language})
	}
	if c.Phone != "" {
		add(store.Subscription{Channel: string(SMS), Target: c.Phone, Active: true, Language: c.Language})
	}
	for _, s := range subs {
		if s.Active {
			add(s)
		}
	}
	return out
}

type shipmentContact struct{ Email, Phone, Language string }
