package sqlcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/store"
)

var _ store.Estimates = (*Store)(nil)

// etaInputCols reads a store.LaneSample from shipments s joined with
// eta_carrier_dates c; the lane's carrier is that of the first leg.
const etaInputCols = `s.id, s.origin_country, s.destination_country,
	COALESCE((SELECT p.carrier FROM parcels p WHERE p.shipment_id = s.id ORDER BY p.leg, p.id LIMIT 1), ''),
	s.service, s.created_at, s.promised_date, c.carrier_date, s.status, s.substatus, s.status_at, s.last_event_at,
	s.ms_info_received, s.ms_picked_up, s.ms_departed_origin, s.ms_arrived_destination, s.ms_customs_in,
	s.ms_customs_out, s.ms_out_for_delivery, s.ms_delivered, s.ms_returned`

const etaInputFrom = ` FROM shipments s LEFT JOIN eta_carrier_dates c ON c.tenant_id = s.tenant_id AND c.shipment_id = s.id`

func scanLaneSample(r Rows) (store.LaneSample, error) {
	var l store.LaneSample
	dest := []any{&l.ShipmentID, &l.Origin, &l.Destination, &l.Carrier, &l.Service, tc(&l.CreatedAt),
		tc(&l.PromisedDate), tc(&l.CarrierDate)}
	dest = append(dest, progressDest(&l.Progress)...)
	return l, r.Scan(dest...)
}

// DeliveredSamples implements store.Estimates.
func (s *Store) DeliveredSamples(ctx context.Context, tenantID int64, since time.Time, fn func(store.LaneSample) error) error {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+etaInputCols+etaInputFrom+`
		WHERE s.tenant_id = $1 AND s.ms_delivered >= $2`, tenantID, s.t(since))
	if err != nil {
		return fmt.Errorf("store: delivered samples: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLaneSample(rows)
		if err != nil {
			return fmt.Errorf("store: delivered samples: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: delivered samples: %w", err)
	}
	return nil
}

// EstimateInput implements store.Estimates.
func (s *Store) EstimateInput(ctx context.Context, tenantID, shipmentID int64) (store.LaneSample, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+etaInputCols+etaInputFrom+`
		WHERE s.tenant_id = $1 AND s.id = $2`, tenantID, shipmentID)
	l, err := one(rows, err, scanLaneSample)
	if err != nil {
		return l, fmt.Errorf("store: estimate input of shipment %d: %w", shipmentID, err)
	}
	return l, nil
}

// ActiveEstimateInputs implements store.Estimates.
func (s *Store) ActiveEstimateInputs(ctx context.Context, tenantID, afterID int64, limit int) ([]store.LaneSample, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+etaInputCols+etaInputFrom+`
		WHERE s.tenant_id = $1 AND s.id > $2 AND s.ms_delivered IS NULL AND s.ms_returned IS NULL
		AND s.completed_at IS NULL AND s.status NOT IN ('delivered', 'expired')
		ORDER BY s.id LIMIT $3`, tenantID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: active estimate inputs: %w", err)
	}
	list, err := collect(rows, scanLaneSample)
	if err != nil {
		return nil, fmt.Errorf("store: active estimate inputs: %w", err)
	}
	return list, nil
}

// SetCarrierEstimate implements store.Estimates.
func (s *Store) SetCarrierEstimate(ctx context.Context, tenantID, shipmentID int64, date time.Time) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		if err := s.ownShipment(ctx, q, tenantID, shipmentID); err != nil {
			return err
		}
		if date.IsZero() {
			_, err := q.Exec(ctx, `DELETE FROM eta_carrier_dates WHERE tenant_id = $1 AND shipment_id = $2`, tenantID, shipmentID)
			return err
		}
		y, m, d := date.UTC().Date()
		_, err := q.Exec(ctx, `INSERT INTO eta_carrier_dates (tenant_id, shipment_id, carrier_date, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, shipment_id)
			DO UPDATE SET carrier_date = excluded.carrier_date, updated_at = excluded.updated_at`,
			tenantID, shipmentID, s.t(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)), s.t(s.clock()))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: carrier estimate of shipment %d: %w", shipmentID, err)
	}
	return nil
}

// ownShipment is ErrNotFound unless the shipment is the tenant's.
func (s *Store) ownShipment(ctx context.Context, q Querier, tenantID, shipmentID int64) error {
	ok, err := exists(ctx, q, `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	if err != nil {
		return err
	}
	if !ok {
		return store.ErrNotFound
	}
	return nil
}

// EstimateTenants implements store.Estimates.
func (s *Store) EstimateTenants(ctx context.Context) ([]int64, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT t.id FROM tenants t
		WHERE EXISTS (SELECT 1 FROM shipments s WHERE s.tenant_id = t.id) ORDER BY t.id`)
	if err != nil {
		return nil, fmt.Errorf("store: estimate tenants: %w", err)
	}
	ids, err := collect(rows, func(r Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("store: estimate tenants: %w", err)
	}
	return ids, nil
}

// ReplaceLaneStats implements store.Estimates.
func (s *Store) ReplaceLaneStats(ctx context.Context, tenantID int64, stats []store.LaneStat) error {
	args := make([][]any, 0, len(stats))
	for _, ls := range stats {
		bins, err := json.Marshal(ls.Bins)
		if err != nil {
			return fmt.Errorf("store: lane stats: %w", err)
		}
		wd, _ := json.Marshal(ls.Weekdays)
		args = append(args, []any{tenantID, ls.Origin, ls.Destination, ls.Carrier, ls.Service, ls.Stage,
			int64(ls.BinWidth / time.Second), s.eng.JSON(bins), s.eng.JSON(wd), ls.N, s.t(ls.RefreshedAt)})
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		if _, err := q.Exec(ctx, `DELETE FROM eta_lane_stats WHERE tenant_id = $1`, tenantID); err != nil {
			return err
		}
		return q.ExecBatch(ctx, `INSERT INTO eta_lane_stats (tenant_id, origin, destination, carrier, service,
			stage, bin_seconds, bins, weekdays, n, refreshed_at) VALUES (`+placeholders(1, 11)+`)`, args)
	})
	if err != nil {
		return fmt.Errorf("store: replace lane stats: %w", err)
	}
	return nil
}

// LaneStats implements store.Estimates.
func (s *Store) LaneStats(ctx context.Context, tenantID int64) ([]store.LaneStat, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT origin, destination, carrier, service, stage, bin_seconds,
		bins, weekdays, n, refreshed_at FROM eta_lane_stats WHERE tenant_id = $1
		ORDER BY origin, destination, carrier, service, stage`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: lane stats: %w", err)
	}
	list, err := collect(rows, func(r Rows) (store.LaneStat, error) {
		var (
			ls       store.LaneStat
			secs     int64
			bins, wd []byte
		)
		if err := r.Scan(&ls.Origin, &ls.Destination, &ls.Carrier, &ls.Service, &ls.Stage, &secs, &bins, &wd,
			&ls.N, tc(&ls.RefreshedAt)); err != nil {
			return ls, err
		}
		ls.BinWidth = time.Duration(secs) * time.Second
		if err := json.Unmarshal(bins, &ls.Bins); err != nil {
			return ls, fmt.Errorf("bins: %w", err)
		}
		if err := json.Unmarshal(wd, &ls.Weekdays); err != nil {
			return ls, fmt.Errorf("weekdays: %w", err)
		}
		return ls, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: lane stats: %w", err)
	}
	return list, nil
}

// estimateCols are the columns of eta_estimates and eta_revisions after
// the keys, in the order estimateArgs writes and scanEstimate reads them.
const estimateCols = `stage, basis, samples, most_likely, earliest, latest, confidence, earliest50, latest50,
	earliest95, latest95, promised_date, miss_probability, carrier_date, reason, computed_at`

func (s *Store) estimateArgs(e store.DeliveryEstimate) []any {
	return []any{e.Stage, e.Basis, e.Samples, s.t(e.MostLikely), s.t(e.Earliest), s.t(e.Latest), e.Confidence,
		s.t(e.Earliest50), s.t(e.Latest50), s.t(e.Earliest95), s.t(e.Latest95), s.t(e.PromisedDate),
		e.MissProbability, s.t(e.CarrierDate), e.Reason, s.t(e.ComputedAt)}
}

func scanEstimate(r Rows) (store.DeliveryEstimate, error) {
	var e store.DeliveryEstimate
	err := r.Scan(&e.TenantID, &e.ShipmentID, &e.Stage, &e.Basis, &e.Samples, tc(&e.MostLikely), tc(&e.Earliest),
		tc(&e.Latest), &e.Confidence, tc(&e.Earliest50), tc(&e.Latest50), tc(&e.Earliest95), tc(&e.Latest95),
		tc(&e.PromisedDate), &e.MissProbability, tc(&e.CarrierDate), &e.Reason, tc(&e.ComputedAt))
	return e, err
}

// SaveEstimate implements store.Estimates.
func (s *Store) SaveEstimate(ctx context.Context, tenantID int64, e store.DeliveryEstimate) (store.DeliveryEstimate, bool, error) {
	e.TenantID = tenantID
	if e.ComputedAt.IsZero() {
		e.ComputedAt = s.clock()
	}
	if e.MostLikely.IsZero() || e.Earliest.IsZero() || e.Latest.IsZero() {
		return store.DeliveryEstimate{}, false, store.Invalid(fmt.Errorf("estimate of shipment %d: dates missing", e.ShipmentID))
	}
	var (
		prev store.DeliveryEstimate
		had  bool
	)
	err := s.eng.Tx(ctx, func(q Querier) error {
		if err := s.ownShipment(ctx, q, tenantID, e.ShipmentID); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT tenant_id, shipment_id, `+estimateCols+` FROM eta_estimates
			WHERE tenant_id = $1 AND shipment_id = $2`+s.eng.ForUpdate(), tenantID, e.ShipmentID)
		prev, err = one(rows, err, scanEstimate)
		switch {
		case err == nil:
			had = true
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		args := append([]any{tenantID, e.ShipmentID}, s.estimateArgs(e)...)
		set := make([]string, 0, 16)
		for _, c := range strings.Split(estimateCols, ",") {
			c = strings.TrimSpace(c)
			set = append(set, c+" = excluded."+c)
		}
		if _, err := q.Exec(ctx, `INSERT INTO eta_estimates (tenant_id, shipment_id, `+estimateCols+`)
			VALUES (`+placeholders(1, len(args))+`) ON CONFLICT (tenant_id, shipment_id) DO UPDATE SET `+
			strings.Join(set, ", "), args...); err != nil {
			return err
		}
		if had && prev.SameDates(e) {
			return nil
		}
		_, err = q.Exec(ctx, `INSERT INTO eta_revisions (tenant_id, shipment_id, `+estimateCols+`)
			VALUES (`+placeholders(1, len(args))+`)`, args...)
		return err
	})
	if err != nil {
		return store.DeliveryEstimate{}, false, fmt.Errorf("store: save estimate of shipment %d: %w", e.ShipmentID, err)
	}
	return prev, had, nil
}

// GetEstimate implements store.Estimates.
func (s *Store) GetEstimate(ctx context.Context, tenantID, shipmentID int64) (store.DeliveryEstimate, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT tenant_id, shipment_id, `+estimateCols+` FROM eta_estimates
		WHERE tenant_id = $1 AND shipment_id = $2`, tenantID, shipmentID)
	e, err := one(rows, err, scanEstimate)
	if err != nil {
		return e, fmt.Errorf("store: estimate of shipment %d: %w", shipmentID, err)
	}
	return e, nil
}

// EstimateRevisions implements store.Estimates.
func (s *Store) EstimateRevisions(ctx context.Context, tenantID, shipmentID int64) ([]store.DeliveryEstimate, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT tenant_id, shipment_id, `+estimateCols+` FROM eta_revisions
		WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY id`, tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: estimate revisions: %w", err)
	}
	list, err := collect(rows, scanEstimate)
	if err != nil {
		return nil, fmt.Errorf("store: estimate revisions: %w", err)
	}
	return list, nil
}
