package store

import (
	"context"
	"time"
)

// NotifySettings persists what package notify needs per tenant: which
// moments go out on which channel, the tenant's own message templates,
// buyers' subscriptions per shipment, and the moments already sent, so a
// moment never reaches the same recipient twice. Both engines implement it;
// consumers type-assert a store.Store to it.
//
// Channels and moments are plain strings here (notify.Channel and
// notify.Moment values): the store does not interpret them.
type NotifySettings interface {
	// NotifyConfig returns the tenant's saved settings; ErrNotFound when
	// none were saved (the caller applies its defaults).
	NotifyConfig(ctx context.Context, tenantID int64) (NotifyConfig, error)
	// SaveNotifyConfig replaces the tenant's settings. An unknown tenant is
	// ErrNotFound.
	SaveNotifyConfig(ctx context.Context, tenantID int64, c NotifyConfig) error

	// SaveNotifyTemplate creates or replaces the tenant's template for
	// t's key; the caller validates the text first.
	SaveNotifyTemplate(ctx context.Context, tenantID int64, t NotifyTemplate) error
	// NotifyTemplates lists the tenant's templates ordered by moment,
	// part and language.
	NotifyTemplates(ctx context.Context, tenantID int64) ([]NotifyTemplate, error)
	// DeleteNotifyTemplate removes one template (the default applies
	// again); ErrNotFound when the tenant has none for the key.
	DeleteNotifyTemplate(ctx context.Context, tenantID int64, k NotifyTemplateKey) error

	// SaveSubscription creates or updates the subscription of (shipment,
	// channel, target), filling in ID and timestamps: subscribing again
	// re-activates it, Active=false records an unsubscribe (also of the
	// shipment's own customer contact, which has no row until then). A
	// shipment that is not the tenant's is ErrNotFound.
	SaveSubscription(ctx context.Context, tenantID int64, s *Subscription) error
	// Subscriptions lists a shipment's subscriptions, active or not, in
	// creation order.
	Subscriptions(ctx context.Context, tenantID, shipmentID int64) ([]Subscription, error)

	// RecordSent remembers moments sent. Entries already recorded are
	// skipped; it returns how many were new. A shipment that is not the
	// tenant's is ErrNotFound and nothing is written.
	RecordSent(ctx context.Context, tenantID int64, sent []SentMoment) (int, error)
	// SentMoments lists what was recorded for a shipment, oldest first.
	SentMoments(ctx context.Context, tenantID, shipmentID int64) ([]SentMoment, error)
}

// NotifyConfig is a tenant's notification settings.
type NotifyConfig struct {
	// DefaultLanguage is used when a buyer's language is unknown (BCP 47).
	DefaultLanguage string `json:"default_language"`
	// QuietStart and QuietEnd bound the SMS quiet hours in the buyer's
	// local time, in minutes after midnight; equal values mean none.
	QuietStart int `json:"quiet_start"`
	QuietEnd   int `json:"quiet_end"`
	// SMSMaxSegments caps an SMS's length; 0 means the notify default.
	SMSMaxSegments int `json:"sms_max_segments"`
	// Rules override the default on/off of a moment on a channel.
	Rules     []NotifyRule `json:"rules"`
	UpdatedAt time.Time    `json:"updated_at,omitzero"`
}

// NotifyRule switches one moment on one channel on or off.
type NotifyRule struct {
	Moment  string `json:"moment"`
	Channel string `json:"channel"`
	Enabled bool   `json:"enabled"`
}

// NotifyTemplateKey names one template: a moment, a part of the message
// ("subject", "body", "sms", "html", "text") and a language.
type NotifyTemplateKey struct {
	Moment   string `json:"moment"`
	Part     string `json:"part"`
	Language string `json:"language"`
}

// NotifyTemplate is a tenant's template text for one key.
type NotifyTemplate struct {
	NotifyTemplateKey
	Text      string    `json:"text"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Subscription is a recipient of one shipment's messages on one channel:
// an email address, an E.164 phone number, a web push endpoint (with its
// keys) or an ntfy topic.
type Subscription struct {
	ID         int64  `json:"id"`
	TenantID   int64  `json:"tenant_id"`
	ShipmentID int64  `json:"shipment_id"`
	Channel    string `json:"channel"`
	Target     string `json:"target"`
	// P256dh and Auth are a web push subscription's keys (base64url).
	P256dh   string `json:"p256dh,omitempty"`
	Auth     string `json:"auth,omitempty"`
	Language string `json:"language,omitempty"`
	// Active is false once the recipient unsubscribed.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SentMoment records that a moment went to one recipient on one channel.
type SentMoment struct {
	ShipmentID int64     `json:"shipment_id"`
	Moment     string    `json:"moment"`
	Channel    string    `json:"channel"`
	Target     string    `json:"target"`
	MessageID  string    `json:"message_id"`
	SentAt     time.Time `json:"sent_at"`
}
