package store

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
)

// Alerts persists exception alerts: the rows rules raise and clear (at most
// one open alert per shipment and kind), the per-tenant threshold
// settings, the inputs the rules read, and the audit history. Package alert
// owns what the kinds mean; here they are plain strings.
type Alerts interface {
	// ScanAlertSubjects returns up to limit shipments of any tenant with
	// ID above afterID, in ID order, that rules must look at: those not
	// delivered or expired, and those with an open alert. Like ClaimDue it
	// works across tenants; each subject carries its TenantID.
	ScanAlertSubjects(ctx context.Context, afterID int64, limit int) ([]AlertSubject, error)
	// GetAlertSubject returns one shipment's subject, whatever its status.
	GetAlertSubject(ctx context.Context, tenantID, shipmentID int64) (AlertSubject, error)

	// ApplyAlerts raises and clears alerts in one transaction. Raising a
	// kind already open for the shipment does nothing; clearing an alert
	// already cleared does nothing. Each effective change is recorded in
	// the history. It returns the alerts actually raised and cleared.
	ApplyAlerts(ctx context.Context, raise []AlertRaise, clear []AlertClear) (AlertChanges, error)
	// GetAlert returns one alert.
	GetAlert(ctx context.Context, tenantID, alertID int64) (Alert, error)
	// ListAlerts returns one page of a tenant's alerts, newest first.
	ListAlerts(ctx context.Context, tenantID int64, q AlertQuery) (AlertPage, error)

	// PendingAlertNotices returns up to limit alerts of any tenant whose
	// raised or cleared notice has not been handed on yet, oldest first.
	PendingAlertNotices(ctx context.Context, limit int) ([]Alert, error)
	// MarkAlertNotices records that alert's notices up to sent (1: raised,
	// 2: cleared) were handed on.
	MarkAlertNotices(ctx context.Context, tenantID, alertID int64, sent int) error
	// UndigestedAlerts returns up to limit of a tenant's alerts not yet in
	// an email digest, oldest first; tenantID 0 returns the tenants that
	// have any (one alert each), to find whom to send digests to.
	UndigestedAlerts(ctx context.Context, tenantID int64, limit int) ([]Alert, error)
	// MarkAlertsDigested records that the alerts went out in a digest.
	MarkAlertsDigested(ctx context.Context, tenantID int64, at time.Time, alertIDs ...int64) error

	// LaneHistory returns, for up to limit of a tenant's shipments
	// delivered at or after since (most recent first), their lane and
	// status-bearing events in time order: what normal dwell times are
	// learned from.
	LaneHistory(ctx context.Context, tenantID int64, since time.Time, limit int) ([]LaneJourney, error)

	// PutAlertSetting creates or replaces a threshold override.
	PutAlertSetting(ctx context.Context, s AlertSetting) error
	// DeleteAlertSetting removes one; a missing one is ErrNotFound.
	DeleteAlertSetting(ctx context.Context, s AlertSetting) error
	// ListAlertSettings returns a tenant's overrides.
	ListAlertSettings(ctx context.Context, tenantID int64) ([]AlertSetting, error)
}

// Cases persists the cases support agents work through, their attachments
// and their history. State names and the transitions allowed between them
// belong to package alert; the store changes a state only from the state
// the caller saw, so two agents cannot both move one case.
type Cases interface {
	// CreateCase stores c, filling in ID, State ("open" when empty) and
	// timestamps. Its shipment (and alert, when set) must be the
	// tenant's; a second unresolved case for one alert is ErrConflict.
	CreateCase(ctx context.Context, tenantID int64, c *Case, actor string) error
	// GetCase returns one case.
	GetCase(ctx context.Context, tenantID, caseID int64) (Case, error)
	// ListCases returns a tenant's cases, newest first.
	ListCases(ctx context.Context, tenantID int64, q CaseQuery) ([]Case, error)
	// MoveCase changes a case from state from to u.State (with
	// u.Resolution), recording the change and u.Note. ErrConflict when the
	// case is no longer in from.
	MoveCase(ctx context.Context, tenantID, caseID int64, from string, u CaseMove) (Case, error)
	// SetCaseOwner assigns the case.
	SetCaseOwner(ctx context.Context, tenantID, caseID int64, owner, actor string) error
	// SetCaseFollowUp sets (zero: removes) the next follow-up time.
	SetCaseFollowUp(ctx context.Context, tenantID, caseID int64, at time.Time, actor string) error
	// AddCaseNote records a note in the case's history.
	AddCaseNote(ctx context.Context, tenantID, caseID int64, author, body string) error
	// AddCaseAttachment stores a file; content is checked by the caller.
	AddCaseAttachment(ctx context.Context, tenantID int64, a *CaseAttachment) error
	// ListCaseAttachments returns a case's attachments without content.
	ListCaseAttachments(ctx context.Context, tenantID, caseID int64) ([]CaseAttachment, error)
	// GetCaseAttachment returns one attachment with its content.
	GetCaseAttachment(ctx context.Context, tenantID, attachmentID int64) (CaseAttachment, error)
	// DueFollowUps returns up to limit unresolved cases of any tenant
	// whose follow-up is due at now, earliest first.
	DueFollowUps(ctx context.Context, now time.Time, limit int) ([]Case, error)
	// AdvanceFollowUp moves a case's follow-up from due (the value the
	// caller saw) to next and records a reminder; false when another node
	// did it first.
	AdvanceFollowUp(ctx context.Context, tenantID, caseID int64, due, next time.Time) (bool, error)
	// History returns the audit trail of a case (caseID > 0) or of an
	// alert (alertID > 0), oldest first.
	History(ctx context.Context, tenantID, alertID, caseID int64) ([]AlertEvent, error)
}

// AlertSubject is what alert rules read about one shipment.
type AlertSubject struct {
	TenantID, ShipmentID int64
	// Carrier is the carrier of the shipment's last leg.
	Carrier            string
	OriginCountry      string
	DestinationCountry string
	PromisedDate       time.Time
	shipment.Progress
	CreatedAt time.Time
	// Open lists the shipment's open alerts.
	Open []OpenAlert
}

// OpenAlert is an open alert as the rules see it.
type OpenAlert struct {
	ID   int64
	Kind string
}

// Alert is one raised alert, open or cleared.
type Alert struct {
	ID, TenantID, ShipmentID int64
	Kind                     string
	Carrier                  string
	Substatus                string // the shipment's substatus when raised
	Detail                   string
	RaisedAt                 time.Time
	ClearedAt                time.Time // zero while open
	ClearedReason            string
	NoticesSent              int
	DigestedAt               time.Time
}

// Open reports whether the alert is still open.
func (a Alert) Open() bool { return a.ClearedAt.IsZero() }

// AlertRaise asks ApplyAlerts to raise one alert.
type AlertRaise struct {
	TenantID, ShipmentID int64
	Kind, Carrier        string
	Substatus, Detail    string
	At                   time.Time
}

// AlertClear asks ApplyAlerts to clear one open alert.
type AlertClear struct {
	TenantID, AlertID int64
	Reason            string
	Actor             string // empty for the rules
	At                time.Time
}

// AlertChanges is what ApplyAlerts did.
type AlertChanges struct {
	Raised  []Alert
	Cleared []Alert
}

// AlertQuery selects a page of alerts.
type AlertQuery struct {
	// All includes cleared alerts; by default only open ones are listed.
	All        bool
	Kind       string
	Carrier    string
	ShipmentID int64
	Limit      int    // 1..1000; 0 means 50
	Cursor     string // from AlertPage.Next
}

// AlertPage is one page of alerts; Next is empty on the last page.
type AlertPage struct {
	Alerts []Alert
	Next   string
}

// LaneJourney is one delivered shipment's lane and events.
type LaneJourney struct {
	ShipmentID         int64
	OriginCountry      string
	DestinationCountry string
	Events             []LaneEvent
}

// LaneEvent is one status-bearing event of a LaneJourney.
type LaneEvent struct {
	At        time.Time
	Carrier   string // the carrier of the event's parcel
	Substatus string
}

// AlertSetting overrides an alert kind's threshold for a tenant, or for a
// carrier and lane of it; empty Carrier, Origin or Destination match any.
type AlertSetting struct {
	TenantID    int64
	Kind        string
	Carrier     string
	Origin      string
	Destination string
	Threshold   time.Duration // 0: the default
	Disabled    bool
	UpdatedAt   time.Time
}

// Case is a problem a support agent works through to a resolution.
type Case struct {
	ID, TenantID, ShipmentID int64
	AlertID                  int64 // 0 when opened without an alert
	State                    string
	Resolution               string
	Owner                    string
	Title                    string
	NextFollowUpAt           time.Time
	CreatedAt                time.Time
	UpdatedAt                time.Time
	ResolvedAt               time.Time
}

// CaseMove is a state change for MoveCase.
type CaseMove struct {
	State      string
	Resolution string
	Actor      string
	Note       string
	// ClearAlert clears the case's open alert with reason ClearReason in
	// the same transaction (a resolved case).
	ClearAlert  bool
	ClearReason string
	// NextFollowUpAt replaces the follow-up time; zero removes it.
	NextFollowUpAt time.Time
}

// CaseQuery selects cases.
type CaseQuery struct {
	State      string // empty: all
	ShipmentID int64
	Limit      int // 1..1000; 0 means 50
}

// CaseAttachment is a file attached to a case.
type CaseAttachment struct {
	ID, TenantID, CaseID int64
	Name                 string
	ContentType          string
	Size                 int64
	SHA256               string
	Data                 []byte // only from GetCaseAttachment
	UploadedBy           string
	CreatedAt            time.Time
}

// AlertEvent is one entry of the alert and case history.
type AlertEvent struct {
	ID                          int64
	TenantID                    int64
	ShipmentID, AlertID, CaseID int64
	Action, Actor, Detail       string
	At                          time.Time
}
