// Package notify tells buyers and sellers' systems what happened to their
// shipments: it turns shipment changes into messages for each enabled
// channel (email, SMS, web push, ntfy, webhooks), renders them from
// per-tenant templates in the buyer's language, and delivers them through
// an outbox in the database, so a message is sent only after the change is
// committed and never lost by a crash.
package notify

import (
	"context"
	"encoding/json"
	"time"
)

// Channel is a way a message travels.
type Channel string

// The channels.
const (
	Email   Channel = "email"
	SMS     Channel = "sms"
	WebPush Channel = "webpush"
	Ntfy    Channel = "ntfy"
	Webhook Channel = "webhook"
)

// Moment is a point in a shipment's life worth telling someone about; a
// trigger fires once per shipment per moment.
type Moment string

// The moments, in the order a parcel usually meets them.
const (
	Shipped           Moment = "shipped" // info received or first scan
	InTransit         Moment = "in_transit"
	ArrivedDest       Moment = "arrived_destination"
	CustomsHeld       Moment = "customs_held" // held, duties due or documents required
	OutForDelivery    Moment = "out_for_delivery"
	FailedAttempt     Moment = "failed_attempt"
	AvailablePickup   Moment = "available_for_pickup"
	Delivered         Moment = "delivered"
	Exception         Moment = "exception"
	Returned          Moment = "returned"
	EstimateRevised   Moment = "estimate_revised"
	AlertRaised       Moment = "alert_raised" // for sellers: an exception rule fired
	AlertCleared      Moment = "alert_cleared"
	TrackingCreated   Moment = "tracking_created"
	TrackingCompleted Moment = "tracking_completed"
)

// Message is one thing to deliver to one recipient over one channel. The
// outbox stores it in the transaction that decides to send it and hands it
// to the channel's Sender until it is delivered, at least once; ID lets the
// receiver drop repeats.
type Message struct {
	// ID is unique and stable across retries (e.g. "msg_" + random); it is
	// the webhook event id and the email Message-ID's local part.
	ID         string
	TenantID   int64
	ShipmentID int64 // 0 for messages about no one shipment (digests)
	Channel    Channel
	Moment     Moment
	// Target is the recipient: an email address, an E.164 phone number, a
	// push subscription endpoint, an ntfy topic URL, or a webhook
	// endpoint's ID (as a decimal string).
	Target string
	// OrderKey orders delivery: messages with the same non-empty key (a
	// webhook endpoint and a shipment) are delivered one at a time in
	// creation order.
	OrderKey string
	// Body is the rendered message, whose shape the channel defines
	// (EmailBody, SMSBody, a webhook's JSON event...).
	Body      json.RawMessage
	CreatedAt time.Time
	// NotBefore holds a message back (SMS quiet hours); zero: at once.
	NotBefore time.Time
}

// Sender delivers messages of one channel. A returned error is retried
// with backoff unless it is Permanent.
type Sender interface {
	Channel() Channel
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a failure that retrying cannot fix (a rejected
// address, a 4xx answer other than 408/429).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }
