package sqlcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.TrackingCreator = (*Store)(nil)

// CreateTrackings implements store.TrackingCreator. Everything runs in one
// transaction: one commit for a thousand shipments instead of two
// thousand is what makes the API's bulk create fast. Conflicts are found
// with ON CONFLICT DO NOTHING rather than by catching errors, because a
// failed statement aborts a PostgreSQL transaction.
func (s *Store) CreateTrackings(ctx context.Context, tenantID int64, items []store.NewTracking) ([]error, error) {
	errs := make([]error, len(items))
	type prepared struct {
		sh    shipment.Shipment
		p     shipment.Parcel
		extra []byte
	}
	ready := make([]prepared, len(items))
	for i := range items {
		sh, _, err := shipment.NormalizeShipment(items[i].Shipment)
		if err != nil {
			errs[i] = store.Invalid(err)
			continue
		}
		p, err := shipment.NormalizeParcel(items[i].Parcel)
		if err != nil {
			errs[i] = store.Invalid(err)
			continue
		}
		extra := []byte("{}")
		if len(p.Extra) > 0 {
			if extra, err = json.Marshal(p.Extra); err != nil {
				errs[i] = store.Invalid(&shipment.InvalidError{Field: "extra", Reason: err.Error()})
				continue
			}
		}
		ready[i] = prepared{sh, p, extra}
	}
	now := s.clock()
	shipCols := strings.Replace(shipmentCols, "id, ", "", 1)
	parcelInsert := strings.Replace(parcelCols, "id, ", "", 1)
	out := make([]store.NewTracking, len(items))
	err := s.eng.Tx(ctx, func(q Querier) error {
		clear(out)
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", tenantID, store.ErrNotFound)
		}
		for i := range ready {
			if errs[i] != nil && !isConflict(errs[i]) {
				continue
			}
			errs[i] = nil
			r := &ready[i]
			sh := r.sh
			sh.TenantID, sh.CreatedAt, sh.UpdatedAt = tenantID, now, now
			sh.Progress = shipment.NewProgress()
			args := []any{tenantID, sh.Reference, sh.Customer.Name, sh.Customer.Email, sh.Customer.Phone,
				sh.Customer.Language, sh.OriginCountry, sh.DestinationCountry, s.t(sh.PromisedDate)}
			args = append(args, s.progressArgs(sh.Progress)...)
			args = append(args, s.t(now), s.t(now))
			args = append(args, s.detailArgs(sh)...)
			err := queryOne(ctx, q, &sh.ID, `INSERT INTO shipments (`+shipCols+`) VALUES (`+placeholders(1, len(args))+
				`) ON CONFLICT DO NOTHING RETURNING id`, args...)
			if errors.Is(err, store.ErrNotFound) {
				errs[i] = fmt.Errorf("store: shipment reference %q: %w", sh.Reference, store.ErrConflict)
				continue
			}
			if err != nil {
				return err
			}
			p := r.p
			p.ShipmentID, p.TenantID, p.CreatedAt, p.UpdatedAt = sh.ID, tenantID, now, now
			p.Progress = shipment.NewProgress()
			if p.NextCheckAt.IsZero() {
				p.NextCheckAt = now
			}
			p.NextCheckAt = p.NextCheckAt.UTC().Truncate(time.Microsecond)
			if p.NextCheckReason == "" {
				p.NextCheckReason = "new parcel"
			}
			pargs := []any{tenantID, p.ShipmentID, p.Carrier, p.TrackingNumber, s.eng.JSON(r.extra), p.Leg}
			pargs = append(pargs, s.progressArgs(p.Progress)...)
			pargs = append(pargs, s.t(p.NextCheckAt), "", nil, nil, "", "", 0, s.t(now), s.t(now), p.NextCheckReason)
			err = queryOne(ctx, q, &p.ID, `INSERT INTO parcels (`+parcelInsert+`) VALUES (`+placeholders(1, len(pargs))+
				`) ON CONFLICT DO NOTHING RETURNING id`, pargs...)
			if errors.Is(err, store.ErrNotFound) {
				if _, err := q.Exec(ctx, `DELETE FROM shipments WHERE id = $1 AND tenant_id = $2`, sh.ID, tenantID); err != nil {
					return err
				}
				errs[i] = fmt.Errorf("store: parcel %s %s: %w", p.Carrier, p.TrackingNumber, store.ErrConflict)
				continue
			}
			if err != nil {
				return err
			}
			out[i] = store.NewTracking{Shipment: sh, Parcel: p}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: create trackings: %w", err)
	}
	for i := range items {
		if errs[i] == nil {
			items[i] = out[i]
		}
	}
	return errs, nil
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
