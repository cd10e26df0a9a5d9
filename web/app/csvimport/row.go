package csvimport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/trackno"
)

type outcome int

const (
	rejected outcome = iota
	created
	added
	unchanged
)

type importer struct {
	st     store.Store
	tenant int64
	dry    bool
}

// row checks and stores one row. A *RowError rejects the row; any other
// error is the database failing.
func (im *importer) row(ctx context.Context, r row) (outcome, error) {
	number, slug, rerr := im.parcelKey(r)
	if rerr != nil {
		return rejected, rerr
	}
	sh := shipment.Shipment{
		Reference:          r.get(ColReference),
		DestinationCountry: r.get(ColDestination),
		Customer: shipment.Contact{
			Name: r.get(ColName), Email: r.get(ColEmail), Phone: r.get(ColPhone), Language: r.get(ColLanguage),
			Address: shipment.Address{PostalCode: r.get(ColPostalCode), Country: r.get(ColDestination)},
		},
	}
	// Validate the whole row before looking anything up, so a bad row is
	// reported the same on the first import and on a repeat.
	if _, _, err := shipment.NormalizeShipment(sh); err != nil {
		return rejected, invalidRow(r.line, err)
	}
	existing, err := im.find(ctx, sh.Reference, number)
	if err != nil {
		return rejected, err
	}
	if existing != nil {
		parcels, err := im.st.ListParcels(ctx, im.tenant, existing.ID)
		if err != nil {
			return rejected, err
		}
		for _, p := range parcels {
			if strings.EqualFold(p.TrackingNumber, number) {
				return unchanged, nil
			}
		}
		if im.dry {
			return added, nil
		}
		if err := im.addParcel(ctx, r.line, existing.ID, slug, number, sh); err != nil {
			return rejected, err
		}
		return added, nil
	}
	if im.dry {
		return created, nil
	}
	if err := im.st.CreateShipment(ctx, im.tenant, &sh); err != nil {
		switch {
		case errors.Is(err, store.ErrInvalid):
			return rejected, invalidRow(r.line, err)
		case errors.Is(err, store.ErrConflict):
			// Another import stored the reference meanwhile.
			return rejected, &RowError{Line: r.line, Code: "conflict", Reason: "the reference was stored by someone else meanwhile; import again"}
		}
		return rejected, err
	}
	if err := im.addParcel(ctx, r.line, sh.ID, slug, number, sh); err != nil {
		// Keep no shipment without the parcel the row asked for.
		if derr := im.st.DeleteShipment(ctx, im.tenant, sh.ID); derr != nil {
			return rejected, errors.Join(err, derr)
		}
		return rejected, err
	}
	return created, nil
}

// find returns the stored shipment the row belongs to: by reference when
// the row has one, else by tracking number; nil when there is none.
func (im *importer) find(ctx context.Context, ref, number string) (*shipment.Shipment, error) {
	if ref != "" {
		sh, err := im.st.FindShipmentByReference(ctx, im.tenant, ref)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return &sh, err
	}
	list, err := im.st.FindShipmentsByTrackingNumber(ctx, im.tenant, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

func (im *importer) addParcel(ctx context.Context, line int, shipmentID int64, slug, number string, sh shipment.Shipment) error {
	p := shipment.Parcel{ShipmentID: shipmentID, Carrier: slug, TrackingNumber: number}
	if pc := sh.Customer.Address.PostalCode; pc != "" {
		// Some carriers (e.g. Canada Post, La Poste) ask for it with the number.
		p.Extra = map[string]string{"postal_code": pc}
	}
	err := im.st.CreateParcel(ctx, im.tenant, &p)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrConflict):
		return &RowError{Line: line, Code: "tracking_number_taken",
			Reason: fmt.Sprintf("%s %s already belongs to another shipment", slug, number)}
	case errors.Is(err, store.ErrInvalid):
		return invalidRow(line, err)
	}
	return err
}

// parcelKey normalises the row's tracking number and finds its carrier:
// the given slug when known, else the best candidate trackno detects.
func (im *importer) parcelKey(r row) (number, slug string, err error) {
	raw := r.get(ColTracking)
	if raw == "" {
		return "", "", &RowError{Line: r.line, Code: "missing_tracking_number", Reason: "the tracking number is empty"}
	}
	det := trackno.Detect(raw)
	number = det.Number
	if number == "" {
		return "", "", &RowError{Line: r.line, Code: "invalid_tracking_number", Reason: fmt.Sprintf("%q: %s", raw, det.Error)}
	}
	slug = strings.ToLower(r.get(ColCarrier))
	if slug != "" {
		if _, ok := carrier.Lookup(slug); !ok {
			return "", "", &RowError{Line: r.line, Code: "unknown_carrier", Reason: fmt.Sprintf("%q is not a carrier Waypost knows", slug)}
		}
		return number, slug, nil
	}
	best, ok := det.Best()
	if !det.Valid || !ok {
		reason := det.Error
		if reason == "" {
			reason = "no carrier recognised"
		}
		return "", "", &RowError{Line: r.line, Code: "carrier_not_detected",
			Reason: fmt.Sprintf("%q: %s; name the carrier in the carrier column", raw, reason)}
	}
	return number, best.Carrier, nil
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }
