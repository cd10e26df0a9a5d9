package app

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

type exceptionsData struct {
	Alerts     section[alertItem]
	Exception  []shipment.Shipment
	AttemptBad []shipment.Shipment
	// CasesOn says whether the "open case" action exists on this server.
	CasesOn bool
}

// alertItem is one alert as the queue shows it: what happened, what to
// do about it and what to tell the buyer.
type alertItem struct {
	store.Alert
	Severity  int
	Reference string
	Customer  string
	Playbook  alert.Playbook
	Buyer     alert.BuyerMessage
	// CaseID is the case already open for the alert; 0 when none.
	CaseID int64
}

// exceptions is the queue of shipments that need someone: open alerts
// (most severe first) with their playbook and a ready buyer message when
// alerts run on this server, and shipments whose status is exception or
// attempt_fail.
func (a *App) exceptions(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	tid := v.User.TenantID
	d := exceptionsData{CasesOn: a.cfg.Cases != nil}
	for _, c := range []struct {
		st  status.Status
		dst *[]shipment.Shipment
	}{{status.Exception, &d.Exception}, {status.AttemptFail, &d.AttemptBad}} {
		p, err := a.st.ListShipments(ctx, tid, store.ListQuery{Status: c.st, Limit: 25})
		if err != nil {
			a.log.ErrorContext(ctx, "exceptions list failed", "error", err)
			a.fail(w, r, http.StatusInternalServerError, "internal", "The exceptions could not be loaded.")
			return
		}
		*c.dst = p.Shipments
	}
	if a.cfg.Alerts != nil {
		d.Alerts.Available = true
		p, err := a.cfg.Alerts.ListAlerts(ctx, tid, store.AlertQuery{Limit: 50})
		d.Alerts.Error = a.sectionErr(r, "alerts", err)
		if err == nil {
			d.Alerts.Items, err = a.alertItems(r, tid, p.Alerts)
			d.Alerts.Error = a.sectionErr(r, "alerts", err)
		}
	}
	a.render(w, r, http.StatusOK, "exceptions", "Exceptions", d)
}

// alertItems adds to each alert its shipment's reference and buyer, the
// playbook and the buyer message in the buyer's language, and its open
// case.
func (a *App) alertItems(r *http.Request, tid int64, list []store.Alert) ([]alertItem, error) {
	ctx := r.Context()
	shop := a.shopName(r, tid)
	openCases := map[int64]int64{}
	if a.cfg.Cases != nil {
		cs, err := a.cfg.Cases.ListCases(ctx, tid, store.CaseQuery{Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("cases of alerts: %w", err)
		}
		for _, c := range cs {
			if c.AlertID != 0 && c.State != caseResolved {
				openCases[c.AlertID] = c.ID
			}
		}
	}
	ships := map[int64]shipment.Shipment{}
	out := make([]alertItem, 0, len(list))
	for _, al := range list {
		sh, ok := ships[al.ShipmentID]
		if !ok {
			var err error
			sh, err = a.st.GetShipment(ctx, tid, al.ShipmentID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("shipment of alert %d: %w", al.ID, err)
			}
			ships[al.ShipmentID] = sh
		}
		k := alert.Kind(al.Kind)
		ref := sh.Reference
		if ref == "" {
			ref = "#" + strconv.FormatInt(al.ShipmentID, 10)
		}
		it := alertItem{Alert: al, Severity: k.Severity(), Reference: ref, Customer: sh.Customer.Name,
			Playbook: alert.PlaybookFor(k), CaseID: openCases[al.ID]}
		it.Buyer = alert.BuyerMessageFor(k, sh.Customer.Language, alert.BuyerVars{Name: sh.Customer.Name, Reference: ref,
			Shop: shop, Estimate: a.estimateDay(r, tid, al.ShipmentID)})
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out, nil
}

// shopName is the name buyers know the shop by: the branding's display
// name, else the tenant's name.
func (a *App) shopName(r *http.Request, tid int64) string {
	if b, err := a.cfg.Settings.Branding(r.Context(), tid); err == nil && b.DisplayName != "" {
		return b.DisplayName
	}
	if t, err := a.st.GetTenant(r.Context(), tid); err == nil {
		return t.Name
	}
	return ""
}

// estimateDay is the shipment's most likely delivery day, zero when there
// is no estimate.
func (a *App) estimateDay(r *http.Request, tid, shipmentID int64) time.Time {
	if a.cfg.Estimates == nil {
		return time.Time{}
	}
	e, err := a.cfg.Estimates.GetEstimate(r.Context(), tid, shipmentID)
	if err != nil {
		return time.Time{}
	}
	return e.MostLikely
}

// openCase opens a case for an alert (or brings the agent to the one
// already open for it).
func (a *App) openCase(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	tid := v.User.TenantID
	cases, ok := a.cfg.Cases.(store.Cases)
	if a.cfg.Alerts == nil || !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Cases are not available on this server.")
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such alert.")
		return
	}
	al, err := a.cfg.Alerts.GetAlert(ctx, tid, id)
	if errors.Is(err, store.ErrNotFound) {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such alert.")
		return
	}
	if err != nil {
		a.log.ErrorContext(ctx, "get alert failed", "alert_id", id, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The alert could not be loaded.")
		return
	}
	ac := &alert.Cases{St: cases, Now: a.now}
	title := alert.PlaybookFor(alert.Kind(al.Kind)).Title
	if title == "" {
		title = al.Kind
	}
	c, err := ac.OpenCase(ctx, tid, al.ShipmentID, al.ID, title, v.User.Email, v.User.Email)
	if errors.Is(err, store.ErrConflict) {
		// Someone opened it first: show the agent the shipment with it.
		http.Redirect(w, r, fmt.Sprintf("/app/shipments/%d#case", al.ShipmentID), http.StatusSeeOther)
		return
	}
	if err != nil {
		a.log.ErrorContext(ctx, "open case failed", "alert_id", id, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The case could not be opened.")
		return
	}
	a.log.InfoContext(ctx, "case opened", "case_id", c.ID, "alert_id", al.ID, "user_id", v.User.ID)
	http.Redirect(w, r, fmt.Sprintf("/app/shipments/%d#case", al.ShipmentID), http.StatusSeeOther)
}
