package app

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/waypost/waypost/web/app/csvimport"
)

// exportCols are the import columns followed by what only the store knows.
var exportCols = append(append([]string{}, csvimport.Columns...),
	"origin_country", "status", "substatus", "created_at", "shipment_id")

// exportCSV streams every shipment the filter selects, one row per parcel
// (a shipment without parcels gets one row), page by page, so memory stays
// flat however long the list. The columns are the import's, so the file
// can be imported again.
func (a *App) exportCSV(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f := parseFilter(r.URL.Query())
	f.Cursor = ""
	q, err := f.query(500)
	if err != nil {
		a.fail(w, r, http.StatusBadRequest, "invalid_filter", err.Error())
		return
	}
	ctx := r.Context()
	// Check the first page before the header goes out, so a failing
	// database is an error page and not a truncated file.
	page, err := a.st.ListShipments(ctx, v.User.TenantID, q)
	if err != nil {
		a.log.ErrorContext(ctx, "export failed", "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The export could not be started.")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="shipments-%s.csv"`, a.now().UTC().Format("20060102-150405")))
	cw := csv.NewWriter(w)
	_ = cw.Write(exportCols)
	rows := 0
	for {
		for _, sh := range page.Shipments {
			parcels, err := a.st.ListParcels(ctx, v.User.TenantID, sh.ID)
			if err != nil {
				a.log.ErrorContext(ctx, "export stopped", "rows", rows, "error", err)
				return // the client sees a short file; the log says why
			}
			base := func(number, carrier string) []string {
				c := sh.Customer
				return []string{sh.Reference, number, carrier, c.Name, c.Email, c.Phone, c.Language,
					sh.DestinationCountry, c.Address.PostalCode, sh.OriginCountry, string(sh.Status),
					string(sh.Substatus), sh.CreatedAt.UTC().Format(time.RFC3339), fmt.Sprint(sh.ID)}
			}
			recs := [][]string{}
			for _, p := range parcels {
				recs = append(recs, base(p.TrackingNumber, p.Carrier))
			}
			if len(recs) == 0 {
				recs = append(recs, base("", ""))
			}
			for _, rec := range recs {
				for i := range rec {
					rec[i] = csvimport.SafeCell(rec[i])
				}
				_ = cw.Write(rec)
				rows++
			}
		}
		cw.Flush()
		if page.Next == "" || ctx.Err() != nil {
			break
		}
		q.Cursor = page.Next
		if page, err = a.st.ListShipments(ctx, v.User.TenantID, q); err != nil {
			a.log.ErrorContext(ctx, "export stopped", "rows", rows, "error", err)
			return
		}
	}
	cw.Flush()
	a.log.InfoContext(ctx, "export", "tenant_id", v.User.TenantID, "rows", rows)
}
