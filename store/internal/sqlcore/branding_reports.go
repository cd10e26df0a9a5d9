package sqlcore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// reportPhotoTypes are the image types a report accepts: what phone
// cameras and browsers produce. Anything else (SVG in particular, which can
// carry script) is refused.
var reportPhotoTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/webp": true, "image/heic": true,
}

func validateReport(r *store.BuyerReport) error {
	switch r.Kind {
	case store.ReportReceived, store.ReportNotReceived, store.ReportDamaged:
	default:
		return &shipment.InvalidError{Field: "kind", Reason: fmt.Sprintf("unknown report kind %q", r.Kind)}
	}
	r.Message = strings.TrimSpace(r.Message)
	if len(r.Message) > store.MaxReportMessage || !utf8.ValidString(r.Message) {
		return &shipment.InvalidError{Field: "message", Reason: fmt.Sprintf("longer than %d bytes or not UTF-8", store.MaxReportMessage)}
	}
	if len(r.Key) > 100 {
		return &shipment.InvalidError{Field: "key", Reason: "longer than 100 bytes"}
	}
	if len(r.Photos) > store.MaxReportPhotos {
		return &shipment.InvalidError{Field: "photos", Reason: fmt.Sprintf("%d photos, at most %d", len(r.Photos), store.MaxReportPhotos)}
	}
	for i := range r.Photos {
		p := &r.Photos[i]
		if !reportPhotoTypes[p.ContentType] {
			return &shipment.InvalidError{Field: "photos", Reason: fmt.Sprintf("photo %d: type %q is not accepted", i+1, p.ContentType)}
		}
		if len(p.Data) == 0 || len(p.Data) > store.MaxReportPhotoBytes {
			return &shipment.InvalidError{Field: "photos", Reason: fmt.Sprintf("photo %d: %d bytes, want 1 to %d", i+1, len(p.Data), store.MaxReportPhotoBytes)}
		}
		p.Size = int64(len(p.Data))
		if len(p.Name) > 200 {
			p.Name = p.Name[:200]
		}
	}
	return nil
}

// CreateBuyerReport implements store.TrackingPages.
func (s *Store) CreateBuyerReport(ctx context.Context, tenantID int64, r *store.BuyerReport) (bool, error) {
	nr := *r
	nr.Photos = append([]store.ReportPhoto(nil), r.Photos...)
	if err := validateReport(&nr); err != nil {
		return false, store.Invalid(err)
	}
	nr.TenantID = tenantID
	nr.CreatedAt = s.clock()
	nr.CaseID = 0
	dup := false
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM shipments WHERE tenant_id = $1 AND id = $2`, tenantID, nr.ShipmentID)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		if nr.Key != "" {
			var id int64
			err := queryOne(ctx, q, &id, `SELECT id FROM buyer_reports WHERE tenant_id = $1 AND report_key = $2`, tenantID, nr.Key)
			if err == nil {
				dup = true
				nr.ID = id
				return nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		err = queryOne(ctx, q, &nr.ID, `INSERT INTO buyer_reports (tenant_id, shipment_id, kind, message, report_key, case_id, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id`,
			tenantID, nr.ShipmentID, nr.Kind, nr.Message, nr.Key, s.t(nr.CreatedAt))
		if err != nil {
			return err
		}
		for i := range nr.Photos {
			p := &nr.Photos[i]
			err := queryOne(ctx, q, &p.ID, `INSERT INTO buyer_report_photos (tenant_id, report_id, name, content_type, size, data)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				tenantID, nr.ID, p.Name, p.ContentType, p.Size, p.Data)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && s.eng.UniqueViolation(err) {
		// Two submissions with the same key raced; the other one won.
		dup = true
		err = queryOne(ctx, s.eng.Reader(), &nr.ID, `SELECT id FROM buyer_reports WHERE tenant_id = $1 AND report_key = $2`, tenantID, nr.Key)
	}
	if err != nil {
		return false, fmt.Errorf("store: buyer report for shipment %d: %w", nr.ShipmentID, err)
	}
	if dup {
		got, err := s.getBuyerReport(ctx, tenantID, nr.ID)
		if err != nil {
			return true, err
		}
		*r = got
		return true, nil
	}
	for i := range nr.Photos {
		nr.Photos[i].Data = nil
	}
	*r = nr
	return false, nil
}

const reportCols = `id, tenant_id, shipment_id, kind, message, report_key, case_id, created_at`

func scanReport(r Rows) (store.BuyerReport, error) {
	var b store.BuyerReport
	err := r.Scan(&b.ID, &b.TenantID, &b.ShipmentID, &b.Kind, &b.Message, &b.Key, &b.CaseID, tc(&b.CreatedAt))
	return b, err
}

func (s *Store) getBuyerReport(ctx context.Context, tenantID, reportID int64) (store.BuyerReport, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+reportCols+` FROM buyer_reports WHERE tenant_id = $1 AND id = $2`, tenantID, reportID)
	b, err := one(rows, err, scanReport)
	if err != nil {
		return b, fmt.Errorf("store: buyer report %d: %w", reportID, err)
	}
	photos, err := s.reportPhotos(ctx, tenantID, []int64{reportID})
	if err != nil {
		return b, err
	}
	b.Photos = photos[reportID]
	return b, nil
}

// reportPhotos returns the photo metadata of the reports, by report ID.
func (s *Store) reportPhotos(ctx context.Context, tenantID int64, ids []int64) (map[int64][]store.ReportPhoto, error) {
	out := make(map[int64][]store.ReportPhoto)
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT report_id, id, name, content_type, size FROM buyer_report_photos
		WHERE tenant_id = $1 AND report_id IN (`+placeholders(2, len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: report photos: %w", err)
	}
	type row struct {
		report int64
		p      store.ReportPhoto
	}
	list, err := collect(rows, func(r Rows) (row, error) {
		var x row
		err := r.Scan(&x.report, &x.p.ID, &x.p.Name, &x.p.ContentType, &x.p.Size)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: report photos: %w", err)
	}
	for _, x := range list {
		out[x.report] = append(out[x.report], x.p)
	}
	return out, nil
}

// SetBuyerReportCase implements store.TrackingPages.
func (s *Store) SetBuyerReportCase(ctx context.Context, tenantID, reportID, caseID int64) error {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `UPDATE buyer_reports SET case_id = $3 WHERE tenant_id = $1 AND id = $2`, tenantID, reportID, caseID)
		return err
	})
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: buyer report %d: %w", reportID, err)
	}
	return nil
}

// ListBuyerReports implements store.TrackingPages.
func (s *Store) ListBuyerReports(ctx context.Context, tenantID, shipmentID int64) ([]store.BuyerReport, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+reportCols+` FROM buyer_reports
		WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY id`, tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: buyer reports of shipment %d: %w", shipmentID, err)
	}
	list, err := collect(rows, scanReport)
	if err != nil {
		return nil, fmt.Errorf("store: buyer reports of shipment %d: %w", shipmentID, err)
	}
	ids := make([]int64, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	photos, err := s.reportPhotos(ctx, tenantID, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Photos = photos[list[i].ID]
	}
	return list, nil
}

// GetReportPhoto implements store.TrackingPages.
func (s *Store) GetReportPhoto(ctx context.Context, tenantID, photoID int64) (store.ReportPhoto, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT id, name, content_type, size, data FROM buyer_report_photos
		WHERE tenant_id = $1 AND id = $2`, tenantID, photoID)
	p, err := one(rows, err, func(r Rows) (store.ReportPhoto, error) {
		var p store.ReportPhoto
		err := r.Scan(&p.ID, &p.Name, &p.ContentType, &p.Size, &p.Data)
		return p, err
	})
	if err != nil {
		return p, fmt.Errorf("store: report photo %d: %w", photoID, err)
	}
	return p, nil
}
