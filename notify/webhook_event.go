package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// EndpointPaused is the moment of the notice a tenant gets when one of its
// webhook endpoints is paused after failing.
const EndpointPaused Moment = "endpoint_paused"

// knownMoments are the names an endpoint's event filter may use.
var knownMoments = map[Moment]bool{
	Shipped: true, InTransit: true, ArrivedDest: true, CustomsHeld: true, OutForDelivery: true,
	FailedAttempt: true, AvailablePickup: true, Delivered: true, Exception: true, Returned: true,
	EstimateRevised: true, AlertRaised: true, AlertCleared: true, TrackingCreated: true,
	TrackingCompleted: true,
}

// EventType is the webhook event type of a moment, e.g. "tracking.delivered".
func EventType(m Moment) string { return "tracking." + string(m) }

// TestEventType is the type of the event Webhooks.SendTest sends.
const TestEventType = "webhook.test"

// Event is the body of a webhook in the waypost format.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      EventData `json:"data"`
}

// EventData is what an event is about.
type EventData struct {
	Shipment *shipment.Shipment `json:"shipment,omitempty"`
	Tracking []Tracking         `json:"tracking,omitempty"`
	// Event is the carrier event that triggered the moment (the latest of
	// the shipment's timeline); absent when there is none.
	Event *shipment.Event `json:"event,omitempty"`
	// Endpoint is set in test events.
	Endpoint int64 `json:"endpoint_id,omitempty"`
}

// Tracking is one parcel (carrier leg) in an event.
type Tracking struct {
	Carrier        string           `json:"carrier"`
	TrackingNumber string           `json:"tracking_number"`
	Leg            int              `json:"leg"`
	Status         status.Status    `json:"status"`
	Substatus      status.Substatus `json:"substatus"`
}

// eventID is stable for one moment of one change, so redoing a task after
// a crash yields the same ids. Task IDs alone are not enough: a queue may
// reuse the ID of a deleted task, so the shipment and the time of the
// change are part of it.
func eventID(t store.Task, m Moment) string {
	var at int64
	if t.Change != nil {
		at = t.Change.At.UnixMicro()
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%d/%d/%d/%d/%s", t.TenantID, t.ShipmentID, t.ID, at, m))
	return "evt_" + hex.EncodeToString(h[:12])
}

// eventOf gathers a shipment's state into an event.
func eventOf(id string, m Moment, at time.Time, sh shipment.Shipment, parcels []shipment.Parcel, last *shipment.Event) Event {
	ev := Event{ID: id, Type: EventType(m), CreatedAt: at.UTC(), Data: EventData{Shipment: &sh, Event: last}}
	for _, p := range parcels {
		ev.Data.Tracking = append(ev.Data.Tracking, Tracking{Carrier: p.Carrier, TrackingNumber: p.TrackingNumber,
			Leg: p.Leg, Status: p.Status, Substatus: p.Substatus})
	}
	return ev
}

// afterShipBody is the AfterShip webhook payload for sellers moving from
// AfterShip: {ts, event, event_id, is_tracking_first_tag, msg}, msg being a
// subset of AfterShip's Tracking object (fields named as AfterShip names
// them). SOURCE: AfterShip webhook specification, summarised in the
// project's research notes (anchors-features.md, section c).
type afterShipBody struct {
	TS                 int64             `json:"ts"`
	Event              string            `json:"event"`
	EventID            string            `json:"event_id"`
	IsTrackingFirstTag bool              `json:"is_tracking_first_tag"`
	Msg                afterShipTracking `json:"msg"`
}

type afterShipTracking struct {
	ID                       string                `json:"id"`
	TrackingNumber           string                `json:"tracking_number"`
	Slug                     string                `json:"slug"`
	Tag                      string                `json:"tag"`
	Subtag                   string                `json:"subtag"`
	OrderID                  string                `json:"order_id,omitempty"`
	OriginCountryRegion      string                `json:"origin_country_region,omitempty"`
	DestinationCountryRegion string                `json:"destination_country_region,omitempty"`
	Checkpoints              []afterShipCheckpoint `json:"checkpoints"`
}

type afterShipCheckpoint struct {
	CheckpointTime string `json:"checkpoint_time"`
	Message        string `json:"message"`
	Location       string `json:"location,omitempty"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"`
	Country        string `json:"country_region,omitempty"`
	Tag            string `json:"tag"`
	Subtag         string `json:"subtag"`
	Slug           string `json:"slug"`
}

// afterShipOf converts an event to the AfterShip payload.
func afterShipOf(ev Event, m Moment, at time.Time) ([]byte, error) {
	name := "tracking_update"
	if m == EstimateRevised {
		name = "edd_revise"
	}
	b := afterShipBody{TS: at.Unix(), Event: name, EventID: ev.ID, IsTrackingFirstTag: m != "" && m != EstimateRevised}
	t := &b.Msg
	t.Checkpoints = []afterShipCheckpoint{}
	if sh := ev.Data.Shipment; sh != nil {
		t.ID = strconv.FormatInt(sh.ID, 10)
		t.OrderID = sh.Reference
		t.OriginCountryRegion, t.DestinationCountryRegion = sh.OriginCountry, sh.DestinationCountry
		code, _ := sh.Substatus.AfterShip()
		t.Tag, t.Subtag = code.Tag, code.Subtag
	}
	if len(ev.Data.Tracking) > 0 {
		last := ev.Data.Tracking[len(ev.Data.Tracking)-1]
		t.TrackingNumber, t.Slug = last.TrackingNumber, last.Carrier
	}
	if e := ev.Data.Event; e != nil {
		code, _ := e.Substatus.AfterShip()
		t.Checkpoints = append(t.Checkpoints, afterShipCheckpoint{
			CheckpointTime: e.Time.UTC().Format(time.RFC3339), Message: e.Text, Location: e.Location.Text,
			City: e.Location.City, State: e.Location.State, PostalCode: e.Location.PostalCode,
			Country: e.Location.Country, Tag: code.Tag, Subtag: code.Subtag, Slug: t.Slug,
		})
	}
	return json.Marshal(b)
}

// eventIDOf reads the event id from a webhook body in either format.
func eventIDOf(body []byte) string {
	var v struct {
		ID      string `json:"id"`
		EventID string `json:"event_id"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if v.ID != "" {
		return v.ID
	}
	return v.EventID
}
