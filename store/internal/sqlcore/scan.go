package sqlcore

import (
	"encoding/json"
	"fmt"

	"github.com/waypost/waypost/shipment"
)

// Column lists, kept next to the scanners that read them in this order.
const (
	progressCols = `status, substatus, status_at, last_event_at, ms_info_received, ms_picked_up,
	ms_departed_origin, ms_arrived_destination, ms_customs_in, ms_customs_out,
	ms_out_for_delivery, ms_delivered, ms_returned`

	tenantCols = `id, slug, name, created_at`

	shipmentCols = `id, tenant_id, reference, customer_name, customer_email, customer_phone,
	customer_language, origin_country, destination_country, promised_date, ` + progressCols + `,
	created_at, updated_at, service, ordered_at, completed_at, addr_line1, addr_line2, addr_city,
	addr_region, addr_postal_code, addr_country`

	parcelCols = `id, tenant_id, shipment_id, carrier, tracking_number, extra, leg, ` + progressCols + `,
	next_check_at, lease_owner, lease_until, last_checked_at, last_result, last_error,
	consecutive_errors, created_at, updated_at, next_check_reason`

	eventCols = `parcel_id, occurred_at, local_time, zone, utc_offset, offset_source,
	loc_text, city, state, postal_code, country, code, text, language, status, substatus, hash`
)

// progressDest returns scan destinations for progressCols.
func progressDest(p *shipment.Progress) []any {
	m := &p.Milestones
	return []any{&p.Status, &p.Substatus, tc(&p.StatusAt), tc(&p.LastEventAt),
		tc(&m.InfoReceived), tc(&m.PickedUp), tc(&m.DepartedOrigin), tc(&m.ArrivedDestination),
		tc(&m.CustomsIn), tc(&m.CustomsOut), tc(&m.OutForDelivery), tc(&m.Delivered), tc(&m.Returned)}
}

// progressArgs returns the arguments for progressCols, in order.
func (s *Store) progressArgs(p shipment.Progress) []any {
	m := p.Milestones
	return []any{string(p.Status), string(p.Substatus), s.t(p.StatusAt), s.t(p.LastEventAt),
		s.t(m.InfoReceived), s.t(m.PickedUp), s.t(m.DepartedOrigin), s.t(m.ArrivedDestination),
		s.t(m.CustomsIn), s.t(m.CustomsOut), s.t(m.OutForDelivery), s.t(m.Delivered), s.t(m.Returned)}
}

func scanTenant(r Rows) (shipment.Tenant, error) {
	var t shipment.Tenant
	err := r.Scan(&t.ID, &t.Slug, &t.Name, tc(&t.CreatedAt))
	return t, err
}

func scanShipment(r Rows) (shipment.Shipment, error) {
	var s shipment.Shipment
	dest := []any{&s.ID, &s.TenantID, &s.Reference, &s.Customer.Name, &s.Customer.Email,
		&s.Customer.Phone, &s.Customer.Language, &s.OriginCountry, &s.DestinationCountry,
		tc(&s.PromisedDate)}
	dest = append(dest, progressDest(&s.Progress)...)
	a := &s.Customer.Address
	dest = append(dest, tc(&s.CreatedAt), tc(&s.UpdatedAt), &s.Service, tc(&s.OrderedAt), tc(&s.CompletedAt),
		&a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country)
	err := r.Scan(dest...)
	return s, err
}

func scanParcel(r Rows) (shipment.Parcel, error) {
	var p shipment.Parcel
	var extra []byte
	dest := []any{&p.ID, &p.TenantID, &p.ShipmentID, &p.Carrier, &p.TrackingNumber, &extra, &p.Leg}
	dest = append(dest, progressDest(&p.Progress)...)
	dest = append(dest, tc(&p.NextCheckAt), &p.LeaseOwner, tc(&p.LeaseUntil), tc(&p.LastCheckedAt),
		&p.LastResult, &p.LastError, &p.ConsecutiveErrors, tc(&p.CreatedAt), tc(&p.UpdatedAt), &p.NextCheckReason)
	if err := r.Scan(dest...); err != nil {
		return p, err
	}
	if len(extra) > 0 && string(extra) != "{}" {
		if err := json.Unmarshal(extra, &p.Extra); err != nil {
			return p, fmt.Errorf("parcel %d: extra: %w", p.ID, err)
		}
	}
	return p, nil
}

func scanEvent(r Rows) (shipment.Event, error) {
	var e shipment.Event
	err := r.Scan(&e.ParcelID, tc(&e.Time), &e.LocalTime, &e.Zone, &e.UTCOffset, &e.OffsetSource,
		&e.Location.Text, &e.Location.City, &e.Location.State, &e.Location.PostalCode, &e.Location.Country,
		&e.Code, &e.Text, &e.Language, &e.Status, &e.Substatus, &e.Hash)
	return e, err
}
