package alert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/store"
)

// State is where a case stands.
type State string

// The case states.
const (
	Open             State = "open"
	WaitingOnCarrier State = "waiting_on_carrier"
	WaitingOnBuyer   State = "waiting_on_buyer"
	Resolved         State = "resolved"
)

// Resolution is how a case ended.
type Resolution string

// The resolutions.
const (
	ResolvedDelivered Resolution = "delivered"
	Reshipped         Resolution = "reshipped"
	Refunded          Resolution = "refunded"
	ResolvedReturned  Resolution = "returned"
	ClaimPaid         Resolution = "claim_paid"
)

func (r Resolution) valid() bool {
	switch r {
	case ResolvedDelivered, Reshipped, Refunded, ResolvedReturned, ClaimPaid:
		return true
	}
	return false
}

// transitions lists the states each state may move to. A resolved case
// may be reopened (the buyer writes back); it cannot jump to waiting.
var transitions = map[State][]State{
	Open:             {WaitingOnCarrier, WaitingOnBuyer, Resolved},
	WaitingOnCarrier: {Open, WaitingOnBuyer, Resolved},
	WaitingOnBuyer:   {Open, WaitingOnCarrier, Resolved},
	Resolved:         {Open},
}

// CanMove reports whether a case may go from one state to another.
func CanMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Error is a case error with a stable code for API answers.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return "alert: " + e.Msg }

// Is matches errors of the same code, so errors.Is(err, ErrInvalidTransition) works.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// The stable error codes of cases.
var (
	ErrInvalidTransition = &Error{"invalid_transition", "invalid case transition"}
	ErrResolution        = &Error{"invalid_resolution", "a resolved case needs a resolution (delivered, reshipped, refunded, returned, claim_paid), and only a resolved case has one"}
	ErrTooLarge          = &Error{"attachment_too_large", "attachment too large"}
	ErrFileType          = &Error{"attachment_type", "attachment type not allowed (JPEG, PNG, WebP or PDF)"}
)

// MaxAttachment is the largest attachment accepted: enough for phone
// photos and scanned invoices.
const MaxAttachment = 10 << 20

// allowedTypes are the content types accepted, as sniffed by
// http.DetectContentType (the name and the declared type are not trusted).
var allowedTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true}

// Cases works cases through their states over the store.
type Cases struct {
	St  store.Cases
	Now func() time.Time
	// FollowUp is the reminder interval set when a case opens or waits
	// (default 48 hours); zero time stops reminders once resolved.
	FollowUp time.Duration
}

func (c *Cases) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cases) followUp() time.Duration {
	if c.FollowUp > 0 {
		return c.FollowUp
	}
	return 48 * time.Hour
}

// OpenCase opens a case for a shipment, from an alert when alertID is set,
// with the first follow-up due after the interval.
func (c *Cases) OpenCase(ctx context.Context, tenantID, shipmentID, alertID int64, title, owner, actor string) (store.Case, error) {
	cs := store.Case{ShipmentID: shipmentID, AlertID: alertID, Title: title, Owner: owner,
		State: string(Open), NextFollowUpAt: c.now().Add(c.followUp())}
	if err := c.St.CreateCase(ctx, tenantID, &cs, actor); err != nil {
		return cs, fmt.Errorf("alert: open case: %w", err)
	}
	return cs, nil
}

// Move changes a case's state. Resolving needs a resolution and clears
// the case's alert; other moves reset the follow-up.
func (c *Cases) Move(ctx context.Context, tenantID, caseID int64, to State, res Resolution, actor, note string) (store.Case, error) {
	cur, err := c.St.GetCase(ctx, tenantID, caseID)
	if err != nil {
		return cur, fmt.Errorf("alert: move case: %w", err)
	}
	from := State(cur.State)
	if !CanMove(from, to) {
		return cur, fmt.Errorf("case %d: %s -> %s: %w", caseID, from, to, ErrInvalidTransition)
	}
	if (to == Resolved) != (res != "") || (res != "" && !res.valid()) {
		return cur, fmt.Errorf("case %d: resolution %q: %w", caseID, res, ErrResolution)
	}
	u := store.CaseMove{State: string(to), Resolution: string(res), Actor: actor, Note: note}
	if to == Resolved {
		u.ClearAlert, u.ClearReason = true, "case_resolved:"+string(res)
	} else {
		u.NextFollowUpAt = c.now().Add(c.followUp())
	}
	out, err := c.St.MoveCase(ctx, tenantID, caseID, string(from), u)
	if err != nil {
		return out, fmt.Errorf("alert: move case: %w", err)
	}
	return out, nil
}

// Attach checks and stores a file: at most MaxAttachment bytes, and a
// JPEG, PNG, WebP or PDF by its content.
func (c *Cases) Attach(ctx context.Context, tenantID, caseID int64, name string, data []byte, by string) (store.CaseAttachment, error) {
	if len(data) > MaxAttachment {
		return store.CaseAttachment{}, fmt.Errorf("%s is %d bytes, the limit is %d: %w", name, len(data), MaxAttachment, ErrTooLarge)
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !allowedTypes[ct] {
		return store.CaseAttachment{}, fmt.Errorf("%s is %s: %w", name, ct, ErrFileType)
	}
	sum := sha256.Sum256(data)
	a := store.CaseAttachment{CaseID: caseID, Name: name, ContentType: ct, SHA256: hex.EncodeToString(sum[:]), Data: data, UploadedBy: by}
	if err := c.St.AddCaseAttachment(ctx, tenantID, &a); err != nil {
		return a, fmt.Errorf("alert: attach: %w", err)
	}
	return a, nil
}

// ErrorCode returns the stable code of err: a case code, a store code, or
// "internal".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return store.Code(err)
}
