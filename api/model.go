package api

import (
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// Tracking is a shipment with its carrier legs: what the API creates,
// lists and returns. Events are included on single-tracking answers only.
type Tracking struct {
	ID                int64      `json:"id" doc:"Waypost's id of the shipment"`
	Reference         string     `json:"reference,omitempty" doc:"The seller's order number or shipment id; unique per tenant"`
	TrackingNumber    string     `json:"tracking_number" doc:"Tracking number of the first leg"`
	Carrier           string     `json:"carrier" doc:"Carrier slug of the first leg"`
	Status            string     `json:"status" doc:"Main status (AfterShip tag compatible)" enum:"pending,info_received,in_transit,out_for_delivery,attempt_fail,available_for_pickup,delivered,exception,expired"`
	Substatus         string     `json:"substatus" doc:"status.reason, e.g. in_transit.customs_processing"`
	StatusDescription string     `json:"status_description" doc:"The substatus in words, in the customer's language"`
	StatusAt          *time.Time `json:"status_at,omitempty" doc:"Time of the event that set the status"`
	LastEventAt       *time.Time `json:"last_event_at,omitempty"`
	Milestones        Milestones `json:"milestones"`
	Customer          Customer   `json:"customer"`
	OriginCountry     string     `json:"origin_country,omitempty" doc:"ISO 3166-1 alpha-2"`
	// DestinationCountry is ISO 3166-1 alpha-2.
	DestinationCountry string     `json:"destination_country,omitempty" doc:"ISO 3166-1 alpha-2"`
	PromisedDate       string     `json:"promised_date,omitempty" format:"date" doc:"Delivery date promised to the customer"`
	Service            string     `json:"service,omitempty" doc:"Carrier service level as the seller names it"`
	OrderedAt          *time.Time `json:"ordered_at,omitempty"`
	CompletedAt        *time.Time `json:"completed_at,omitempty" doc:"When the seller marked it complete; no longer tracked"`
	Active             bool       `json:"active" doc:"Still tracked: not completed and not in a final status"`
	TrackingURL        string     `json:"tracking_url,omitempty" doc:"The carrier's public tracking page for the first leg"`
	Legs               []Leg      `json:"legs" doc:"Carrier legs, first mile first"`
	Warnings           []Warning  `json:"warnings,omitempty" doc:"Things accepted but worth fixing, e.g. an incomplete address"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// TrackingDetail is a tracking with its events, the answer about one
// tracking.
type TrackingDetail struct {
	Tracking
	Events []Event `json:"events" doc:"Merged timeline of all legs, oldest first"`
}

// Milestones are the first times each stage was reached.
type Milestones struct {
	InfoReceived       *time.Time `json:"info_received,omitempty"`
	PickedUp           *time.Time `json:"picked_up,omitempty"`
	DepartedOrigin     *time.Time `json:"departed_origin,omitempty"`
	ArrivedDestination *time.Time `json:"arrived_destination,omitempty"`
	CustomsIn          *time.Time `json:"customs_in,omitempty"`
	CustomsOut         *time.Time `json:"customs_out,omitempty"`
	OutForDelivery     *time.Time `json:"out_for_delivery,omitempty"`
	Delivered          *time.Time `json:"delivered,omitempty"`
	Returned           *time.Time `json:"returned,omitempty"`
}

// Customer is who the shipment is for.
type Customer struct {
	Name     string   `json:"name,omitempty"`
	Email    string   `json:"email,omitempty"`
	Phone    string   `json:"phone,omitempty" doc:"E.164, e.g. +4930123456"`
	Language string   `json:"language,omitempty" doc:"BCP 47 tag, e.g. de or pt-BR"`
	Address  *Address `json:"address,omitempty"`
}

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1,omitempty" maxLength:"200"`
	Line2      string `json:"line2,omitempty" maxLength:"200"`
	City       string `json:"city,omitempty" maxLength:"200"`
	Region     string `json:"region,omitempty" maxLength:"200"`
	PostalCode string `json:"postal_code,omitempty" maxLength:"32"`
	Country    string `json:"country,omitempty" doc:"ISO 3166-1 alpha-2" maxLength:"2"`
}

// Leg is one carrier leg (a parcel).
type Leg struct {
	ID              int64      `json:"id"`
	Leg             int        `json:"leg" doc:"1 is the first mile; legs with the same number travel side by side"`
	Carrier         string     `json:"carrier"`
	CarrierName     string     `json:"carrier_name,omitempty"`
	TrackingNumber  string     `json:"tracking_number"`
	TrackingURL     string     `json:"tracking_url,omitempty"`
	Status          string     `json:"status"`
	Substatus       string     `json:"substatus"`
	StatusAt        *time.Time `json:"status_at,omitempty"`
	LastCheckedAt   *time.Time `json:"last_checked_at,omitempty"`
	NextCheckAt     *time.Time `json:"next_check_at,omitempty" doc:"When the carrier is asked next; absent when not tracked"`
	NextCheckReason string     `json:"next_check_reason,omitempty"`
	LastResult      string     `json:"last_result,omitempty"`
}

// Event is one tracking event.
type Event struct {
	LegID       int64     `json:"leg_id"`
	Time        time.Time `json:"time" doc:"UTC instant"`
	LocalTime   string    `json:"local_time,omitempty" doc:"The carrier's wording of the local time"`
	UTCOffset   int       `json:"utc_offset" doc:"Seconds east of UTC at the event's place"`
	Location    *Location `json:"location,omitempty"`
	Code        string    `json:"code,omitempty" doc:"The carrier's event code"`
	Text        string    `json:"text,omitempty" doc:"The carrier's description"`
	Language    string    `json:"language,omitempty"`
	Status      string    `json:"status,omitempty"`
	Substatus   string    `json:"substatus,omitempty"`
	Description string    `json:"description,omitempty" doc:"The substatus in words"`
	Hash        string    `json:"hash" doc:"Stable identity of the event"`
}

// Location is where an event happened.
type Location struct {
	Text       string `json:"text,omitempty" maxLength:"200"`
	City       string `json:"city,omitempty" maxLength:"200"`
	State      string `json:"state,omitempty" maxLength:"200"`
	PostalCode string `json:"postal_code,omitempty" maxLength:"32"`
	Country    string `json:"country,omitempty" maxLength:"2"`
}

// Warning is something accepted that deserves attention.
type Warning struct {
	Code    string `json:"code" doc:"e.g. address_incomplete"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toMilestones(m shipment.Milestones) Milestones {
	return Milestones{tp(m.InfoReceived), tp(m.PickedUp), tp(m.DepartedOrigin), tp(m.ArrivedDestination),
		tp(m.CustomsIn), tp(m.CustomsOut), tp(m.OutForDelivery), tp(m.Delivered), tp(m.Returned)}
}

// toDetail builds the answer about one shipment.
func toDetail(sh shipment.Shipment, parcels []shipment.Parcel, events []shipment.Event) TrackingDetail {
	d := TrackingDetail{Tracking: toTracking(sh, parcels), Events: make([]Event, 0, len(events))}
	for _, e := range events {
		ev := Event{LegID: e.ParcelID, Time: e.Time, LocalTime: e.LocalTime, UTCOffset: e.UTCOffset,
			Code: e.Code, Text: e.Text, Language: e.Language, Status: string(e.Status),
			Substatus: string(e.Substatus), Hash: e.Hash}
		if e.Substatus != "" {
			ev.Description = status.Describe(e.Substatus, sh.Customer.Language)
		}
		if !e.Location.IsZero() {
			l := e.Location
			ev.Location = &Location{l.Text, l.City, l.State, l.PostalCode, l.Country}
		}
		d.Events = append(d.Events, ev)
	}
	return d
}

// toTracking builds the answer for a shipment and its parcels.
func toTracking(sh shipment.Shipment, parcels []shipment.Parcel) Tracking {
	t := Tracking{
		ID: sh.ID, Reference: sh.Reference, Status: string(sh.Status), Substatus: string(sh.Substatus),
		StatusDescription: status.Describe(sh.Substatus, sh.Customer.Language),
		StatusAt:          tp(sh.StatusAt), LastEventAt: tp(sh.LastEventAt), Milestones: toMilestones(sh.Milestones),
		Customer: Customer{Name: sh.Customer.Name, Email: sh.Customer.Email, Phone: sh.Customer.Phone,
			Language: sh.Customer.Language},
		OriginCountry: sh.OriginCountry, DestinationCountry: sh.DestinationCountry, Service: sh.Service,
		OrderedAt: tp(sh.OrderedAt), CompletedAt: tp(sh.CompletedAt),
		Active:    sh.CompletedAt.IsZero() && !sh.Status.Terminal(),
		Legs:      make([]Leg, 0, len(parcels)),
		CreatedAt: sh.CreatedAt, UpdatedAt: sh.UpdatedAt,
	}
	if a := sh.Customer.Address; !a.IsZero() {
		t.Customer.Address = &Address{a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country}
	}
	if !sh.PromisedDate.IsZero() {
		t.PromisedDate = sh.PromisedDate.Format(time.DateOnly)
	}
	for _, p := range parcels {
		l := Leg{ID: p.ID, Leg: p.Leg, Carrier: p.Carrier, TrackingNumber: p.TrackingNumber,
			Status: string(p.Status), Substatus: string(p.Substatus), StatusAt: tp(p.StatusAt),
			LastCheckedAt: tp(p.LastCheckedAt), NextCheckAt: tp(p.NextCheckAt), NextCheckReason: p.NextCheckReason,
			LastResult: p.LastResult}
		if info := carrier.LookupPtr(p.Carrier); info != nil {
			l.CarrierName, l.TrackingURL = info.Name, info.TrackingURL(p.TrackingNumber)
		}
		t.Legs = append(t.Legs, l)
	}
	if len(t.Legs) > 0 {
		t.TrackingNumber, t.Carrier, t.TrackingURL = t.Legs[0].TrackingNumber, t.Legs[0].Carrier, t.Legs[0].TrackingURL
	}
	return t
}
