package app

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/store"
)

// Case states as package alert names them. The board's Waiting column
// holds both waiting states; "waiting" alone, from older forms, means
// waiting on the carrier.
// caseResolutions are the outcomes package alert accepts.
var caseResolutions = []string{string(alert.ResolvedDelivered), string(alert.Reshipped), string(alert.Refunded),
	string(alert.ResolvedReturned), string(alert.ClaimPaid)}

const (
	caseOpen           = string(alert.Open)
	caseWaitingCarrier = string(alert.WaitingOnCarrier)
	caseWaitingBuyer   = string(alert.WaitingOnBuyer)
	caseResolved       = string(alert.Resolved)
)

type boardData struct {
	Available bool
	Error     string
	Columns   []boardColumn
}

type boardColumn struct {
	State, Title string
	Cases        []store.Case
}

func (a *App) casesBoard(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	d := boardData{Available: a.cfg.Cases != nil}
	if d.Available {
	cols:
		for _, c := range []struct {
			boardColumn
			states []string
		}{
			{boardColumn{State: caseOpen, Title: "Open"}, []string{caseOpen}},
			{boardColumn{State: "waiting", Title: "Waiting"}, []string{caseWaitingCarrier, caseWaitingBuyer}},
			{boardColumn{State: caseResolved, Title: "Resolved"}, []string{caseResolved}},
		} {
			for _, st := range c.states {
				list, err := a.cfg.Cases.ListCases(r.Context(), v.User.TenantID, store.CaseQuery{State: st, Limit: 100})
				if err != nil {
					d.Error = a.sectionErr(r, "cases", err)
					break cols
				}
				c.Cases = append(c.Cases, list...)
			}
			d.Columns = append(d.Columns, c.boardColumn)
		}
	}
	a.render(w, r, http.StatusOK, "cases", "Cases", d)
}

// moveCase moves a case between columns from a form: to=waiting|resolved|
// open, from= the state the agent saw, resolution for resolved cases.
func (a *App) moveCase(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if a.cfg.Cases == nil {
		a.fail(w, r, http.StatusNotFound, "not_available", "Cases are not available on this server.")
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such case.")
		return
	}
	to, from := r.PostFormValue("to"), r.PostFormValue("from")
	if to == "waiting" {
		to = caseWaitingCarrier
	}
	if to != caseOpen && to != caseWaitingCarrier && to != caseWaitingBuyer && to != caseResolved {
		a.fail(w, r, http.StatusBadRequest, "invalid_state", "A case can be open, waiting or resolved.")
		return
	}
	u := store.CaseMove{State: to, Actor: v.User.Email, Note: strings.TrimSpace(r.PostFormValue("note"))}
	if to == caseResolved {
		u.Resolution = r.PostFormValue("resolution")
		if !slices.Contains(caseResolutions, u.Resolution) {
			a.fail(w, r, http.StatusBadRequest, "invalid_resolution", "A resolved case needs a resolution: "+strings.Join(caseResolutions, ", ")+".")
			return
		}
		// The reason package alert writes, so reports read one vocabulary.
		u.ClearAlert, u.ClearReason = true, "case_resolved:"+u.Resolution
	}
	_, err = a.cfg.Cases.MoveCase(r.Context(), v.User.TenantID, id, from, u)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such case.")
		return
	case errors.Is(err, store.ErrConflict):
		a.fail(w, r, http.StatusConflict, "conflict", "Someone else moved this case meanwhile. Reload the board.")
		return
	case errors.Is(err, store.ErrInvalid):
		a.fail(w, r, http.StatusBadRequest, "invalid_state", "This case cannot move there.")
		return
	case err != nil:
		a.log.ErrorContext(r.Context(), "move case failed", "case_id", id, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The case could not be moved.")
		return
	}
	a.log.InfoContext(r.Context(), "case moved", "case_id", id, "from", from, "to", to, "user_id", v.User.ID)
	back := "/app/cases"
	if ref := r.PostFormValue("back"); strings.HasPrefix(ref, "/app/shipments/") {
		back = ref
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
