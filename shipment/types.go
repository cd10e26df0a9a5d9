package shipment

import (
	"time"

	"github.com/waypost/waypost/status"
)

// Tenant is one seller. Every shipment, parcel and event belongs to exactly
// one tenant, and the store never shows one tenant's rows to another.
type Tenant struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"` // unique, URL-safe handle
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Contact is the customer a shipment is for; it is what notifications use.
type Contact struct {
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Language string `json:"language,omitempty"` // BCP 47 tag, e.g. "de" or "pt-BR"
	// Address is where the shipment goes; personal data, shown to buyers
	// only after they prove they know the order.
	Address Address `json:"address,omitzero"`
}

// Address is a postal address. Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// IsZero reports whether no field is set.
func (a Address) IsZero() bool { return a == Address{} }

// Shipment is what the customer sees: one order or consignment, carried by
// one or more parcels. Its status and milestones are derived from the events
// of all its parcels (see Derive) and stored with it.
type Shipment struct {
	ID       int64 `json:"id"`
	TenantID int64 `json:"tenant_id"`
	// Reference is the seller's order number or shipment id; unique per
	// tenant when not empty.
	Reference string  `json:"reference,omitempty"`
	Customer  Contact `json:"customer"`
	// OriginCountry and DestinationCountry are ISO 3166-1 alpha-2 codes.
	OriginCountry      string `json:"origin_country,omitempty"`
	DestinationCountry string `json:"destination_country,omitempty"`
	// PromisedDate is the delivery date promised to the customer, as
	// midnight UTC of that day; zero when none was promised.
	PromisedDate time.Time `json:"promised_date,omitzero"`
	// Service is the carrier's service level as the seller names it
	// (e.g. "express", "economy"); lanes are told apart by it.
	Service string `json:"service,omitempty"`
	// OrderedAt is when the buyer ordered (the first step the tracking
	// page shows); zero when unknown.
	OrderedAt time.Time `json:"ordered_at,omitzero"`
	// CompletedAt is when the seller marked the shipment done; its parcels
	// are no longer tracked. Zero while active.
	CompletedAt time.Time `json:"completed_at,omitzero"`

	Progress

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Parcel is one carrier leg of a shipment: a carrier and a tracking number.
// A hand-off to a destination carrier, or a split into several boxes, adds
// parcels to the same shipment.
//
// The parcel row is also its own polling schedule: NextCheckAt says when it
// is due, and a poller that claims it holds a lease (LeaseOwner, LeaseUntil)
// that simply expires if the poller dies.
type Parcel struct {
	ID             int64  `json:"id"`
	TenantID       int64  `json:"tenant_id"`
	ShipmentID     int64  `json:"shipment_id"`
	Carrier        string `json:"carrier"` // carrier slug, e.g. "ups", "royal-mail"
	TrackingNumber string `json:"tracking_number"`
	// Extra holds the additional keys some carriers need to answer a query,
	// e.g. "postal_code", "ship_date" (YYYY-MM-DD), "account".
	Extra map[string]string `json:"extra,omitempty"`
	// Leg orders the legs of a shipment: 1 is the first mile. Parcels with
	// the same Leg travel side by side (a split shipment).
	Leg int `json:"leg"`

	// Progress is this parcel's own status, derived from its events only.
	Progress

	// NextCheckAt is when the parcel is next due for a carrier query; zero
	// means it is not scheduled. NextCheckReason says why then (or why not
	// at all), e.g. "customs milestone: release or hold expected soon".
	NextCheckAt     time.Time `json:"next_check_at,omitzero"`
	NextCheckReason string    `json:"next_check_reason,omitempty"`
	// LeaseOwner and LeaseUntil are set while a poller works on the parcel.
	LeaseOwner        string    `json:"lease_owner,omitempty"`
	LeaseUntil        time.Time `json:"lease_until,omitzero"`
	LastCheckedAt     time.Time `json:"last_checked_at,omitzero"`
	LastResult        string    `json:"last_result,omitempty"` // short outcome, e.g. "ok", "not_found"
	LastError         string    `json:"last_error,omitempty"`
	ConsecutiveErrors int       `json:"consecutive_errors"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OffsetSource says where an event's UTC offset came from, so a consumer can
// tell a carrier-stated offset from a guess.
type OffsetSource string

// Offset sources, from most to least trustworthy.
const (
	// OffsetExplicit: the timestamp itself carried an offset (ISO 8601 "+02:00" or "Z").
	OffsetExplicit OffsetSource = "explicit"
	// OffsetCarrierGMT: the carrier sent a separate GMT time or offset field (UPS gmtOffset, USPS GMTTimestamp).
	OffsetCarrierGMT OffsetSource = "carrier_gmt_field"
	// OffsetTZAbbrev: resolved from a zone abbreviation such as "EST" (Canada Post).
	OffsetTZAbbrev OffsetSource = "tz_abbrev"
	// OffsetAssumed: the carrier's home zone was assumed (PostNL, DHL Parcel DE local times).
	OffsetAssumed OffsetSource = "assumed"
	// OffsetNone: nothing was known; the local time was read as UTC.
	OffsetNone OffsetSource = "none"
)

// Valid reports whether o is one of the known offset sources.
func (o OffsetSource) Valid() bool {
	switch o {
	case OffsetExplicit, OffsetCarrierGMT, OffsetTZAbbrev, OffsetAssumed, OffsetNone:
		return true
	}
	return false
}

// Location is where an event happened, as precisely as the carrier says.
type Location struct {
	Text       string `json:"text,omitempty"` // the carrier's own wording, e.g. "MEMPHIS, TN US"
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"` // ISO 3166-1 alpha-2, upper case
}

// IsZero reports whether the location carries no information.
func (l Location) IsZero() bool { return l == Location{} }

// Event is one tracking event of one parcel, normalised.
//
// Time is the UTC instant. LocalTime keeps the carrier's original wording of
// the time, Zone the zone or offset as the carrier named it, and UTCOffset the
// offset in seconds east of UTC that was applied; OffsetSource says how that
// offset was found (UTCOffset is meaningless when it is OffsetNone).
//
// Status and Substatus are empty for events that carry no status meaning
// (a signature image recorded, an informational notice): such events are
// kept in the timeline but never move a shipment's status.
//
// An event has no ID of its own: (ParcelID, Hash) identifies it.
type Event struct {
	ParcelID int64 `json:"parcel_id"`

	Time         time.Time    `json:"time"`
	LocalTime    string       `json:"local_time,omitempty"`
	Zone         string       `json:"zone,omitempty"` // e.g. "Europe/Amsterdam", "EST", "+08:00"
	UTCOffset    int          `json:"utc_offset"`     // seconds east of UTC
	OffsetSource OffsetSource `json:"offset_source"`

	Location Location `json:"location,omitzero"`

	Code     string `json:"code,omitempty"`     // the carrier's raw event code
	Text     string `json:"text,omitempty"`     // the carrier's raw description
	Language string `json:"language,omitempty"` // language of Text, BCP 47

	Status    status.Status    `json:"status,omitempty"`
	Substatus status.Substatus `json:"substatus,omitempty"`

	// Hash is the event's identity (see HashEvent). The store sets it on
	// ingest from the parcel's carrier and tracking number; a value given
	// in the input is replaced.
	Hash string `json:"hash"`
}

// HasStatus reports whether the event carries status meaning.
func (e *Event) HasStatus() bool { return e.Status != "" }

// Milestones are the first times a shipment reached each stage of its
// journey; a zero time means the stage has not been seen.
type Milestones struct {
	InfoReceived       time.Time `json:"info_received,omitzero"`
	PickedUp           time.Time `json:"picked_up,omitzero"`
	DepartedOrigin     time.Time `json:"departed_origin,omitzero"`
	ArrivedDestination time.Time `json:"arrived_destination,omitzero"`
	CustomsIn          time.Time `json:"customs_in,omitzero"`
	CustomsOut         time.Time `json:"customs_out,omitzero"`
	OutForDelivery     time.Time `json:"out_for_delivery,omitzero"`
	Delivered          time.Time `json:"delivered,omitzero"`
	Returned           time.Time `json:"returned,omitzero"`
}

// Progress is the state derived from a set of events: the current status,
// the time of the event that set it, the time of the latest status-bearing
// event considered (applied or not), and the milestones.
type Progress struct {
	Status      status.Status    `json:"status"`
	Substatus   status.Substatus `json:"substatus"`
	StatusAt    time.Time        `json:"status_at,omitzero"`
	LastEventAt time.Time        `json:"last_event_at,omitzero"`
	Milestones  Milestones       `json:"milestones"`
}
