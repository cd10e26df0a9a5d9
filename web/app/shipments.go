package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

type listData struct {
	Filter    filter
	Error     string
	Shipments []shipment.Shipment
	Next      string // query string of the next page; empty on the last
	Statuses  []status.Status
	// Exceptions marks the exceptions filter, for the tab.
	Exceptions bool
}

func (a *App) shipmentList(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f := parseFilter(r.URL.Query())
	d := listData{Filter: f, Statuses: status.Statuses}
	q, err := f.query(50)
	code := http.StatusOK
	if err != nil {
		d.Error, code = err.Error(), http.StatusBadRequest
		a.render(w, r, code, "shipments", "Shipments", d)
		return
	}
	page, err := a.st.ListShipments(r.Context(), v.User.TenantID, q)
	switch {
	case store.Code(err) == "invalid":
		d.Error, code = "The page link is not valid any more; start from the first page.", http.StatusBadRequest
	case err != nil:
		a.log.ErrorContext(r.Context(), "list shipments failed", "tenant_id", v.User.TenantID, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The shipments could not be loaded.")
		return
	}
	d.Shipments = page.Shipments
	if page.Next != "" {
		nf := f
		nf.Cursor = page.Next
		d.Next = nf.values(true).Encode()
	}
	a.render(w, r, code, "shipments", "Shipments", d)
}

type detailData struct {
	Shipment shipment.Shipment
	Parcels  []shipment.Parcel
	Events   []shipment.Event
	// CarrierOf names each parcel's carrier by parcel ID, for the timeline.
	CarrierOf map[int64]string
	Alerts    section[alertItem]
	Messages  section[store.OutboxMessage]
	Cases     section[store.Case]
	// Estimate is the current delivery estimate (Items holds at most one)
	// and Revisions its history, newest first.
	Estimate  section[store.DeliveryEstimate]
	Revisions []store.DeliveryEstimate
	CasesOn   bool
}

// section is a part of a page fed by an optional source.
type section[T any] struct {
	Available bool
	Error     string
	Items     []T
}

func (a *App) shipmentDetail(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	tid := v.User.TenantID
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such shipment.")
		return
	}
	ctx := r.Context()
	sh, err := a.st.GetShipment(ctx, tid, id)
	if errors.Is(err, store.ErrNotFound) {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such shipment.")
		return
	}
	if err != nil {
		a.log.ErrorContext(ctx, "get shipment failed", "shipment_id", id, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The shipment could not be loaded.")
		return
	}
	d := detailData{Shipment: sh, CarrierOf: map[int64]string{}}
	if d.Parcels, err = a.st.ListParcels(ctx, tid, id); err == nil {
		d.Events, err = a.st.ListEvents(ctx, tid, id)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "shipment legs failed", "shipment_id", id, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The shipment could not be loaded.")
		return
	}
	for _, p := range d.Parcels {
		d.CarrierOf[p.ID] = p.Carrier
	}
	// Newest first reads best in a support tool.
	for i, j := 0, len(d.Events)-1; i < j; i, j = i+1, j-1 {
		d.Events[i], d.Events[j] = d.Events[j], d.Events[i]
	}
	if a.cfg.Alerts != nil {
		d.Alerts.Available = true
		p, err := a.cfg.Alerts.ListAlerts(ctx, tid, store.AlertQuery{All: true, ShipmentID: id, Limit: 20})
		if err == nil {
			d.Alerts.Items, err = a.alertItems(r, tid, p.Alerts)
		}
		d.Alerts.Error = a.sectionErr(r, "alerts", err)
	}
	if a.cfg.Estimates != nil {
		d.Estimate.Available = true
		e, err := a.cfg.Estimates.GetEstimate(ctx, tid, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			d.Estimate.Error = a.sectionErr(r, "estimate", err)
		default:
			d.Estimate.Items = []store.DeliveryEstimate{e}
			revs, err := a.cfg.Estimates.EstimateRevisions(ctx, tid, id)
			d.Estimate.Error = a.sectionErr(r, "estimate revisions", err)
			for i := len(revs) - 1; i >= 0; i-- {
				d.Revisions = append(d.Revisions, revs[i])
			}
		}
	}
	if a.cfg.Notifications != nil {
		d.Messages.Available = true
		m, err := a.cfg.Notifications.ListMessages(ctx, tid, store.MessageQuery{ShipmentID: id, Limit: 50})
		d.Messages.Items, d.Messages.Error = m, a.sectionErr(r, "notifications", err)
	}
	if a.cfg.Cases != nil {
		d.Cases.Available, d.CasesOn = true, true
		c, err := a.cfg.Cases.ListCases(ctx, tid, store.CaseQuery{ShipmentID: id, Limit: 20})
		d.Cases.Items, d.Cases.Error = c, a.sectionErr(r, "cases", err)
	}
	title := sh.Reference
	if title == "" {
		title = "Shipment " + strconv.FormatInt(sh.ID, 10)
	}
	a.render(w, r, http.StatusOK, "shipment", title, d)
}

// sectionErr logs a failed optional section and returns what to show.
func (a *App) sectionErr(r *http.Request, what string, err error) string {
	if err == nil {
		return ""
	}
	a.log.WarnContext(r.Context(), "dashboard section failed", "section", what, "error", err)
	return "could not be loaded"
}
