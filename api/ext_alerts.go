package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/store"
)

var tagAlerts = []string{"Alerts and cases"}

// Alert is an exception raised on a shipment: open until its cause goes
// (or a case resolves it).
type Alert struct {
	ID            int64      `json:"id"`
	ShipmentID    int64      `json:"shipment_id" doc:"The tracking it is about"`
	Kind          string     `json:"kind" doc:"stalled, investigation_due, customs_delay, documents_required, failed_delivery, pickup_uncollected, returning, returned, damaged, lost or late"`
	Severity      int        `json:"severity" minimum:"1" maximum:"3" doc:"1 watch, 2 act soon, 3 act today"`
	State         string     `json:"state" enum:"open,cleared"`
	Carrier       string     `json:"carrier,omitempty"`
	Substatus     string     `json:"substatus,omitempty" doc:"The shipment's substatus when raised"`
	Detail        string     `json:"detail,omitempty"`
	RaisedAt      time.Time  `json:"raised_at"`
	ClearedAt     *time.Time `json:"cleared_at,omitempty"`
	ClearedReason string     `json:"cleared_reason,omitempty"`
}

// AlertDetail is an alert with what to do about it.
type AlertDetail struct {
	Alert
	Playbook     Playbook      `json:"playbook"`
	BuyerMessage BuyerMessage  `json:"buyer_message" doc:"A ready message to the buyer"`
	History      []HistoryItem `json:"history" doc:"Raised, cleared, oldest first"`
}

// Playbook is the likely causes and the actions to try, in order.
type Playbook struct {
	Title   string   `json:"title"`
	Causes  []string `json:"causes"`
	Actions []string `json:"actions"`
}

// BuyerMessage is a message ready to send to the buyer.
type BuyerMessage struct {
	Lang    string `json:"lang" doc:"en, zh, es, de, fr, pt or ja"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// HistoryItem is one entry of an alert's or case's audit trail.
type HistoryItem struct {
	Action string    `json:"action" doc:"e.g. alert.raised, case.opened, case.state, case.note, case.attachment"`
	Actor  string    `json:"actor,omitempty" doc:"Who: a user, api:<key prefix>, or empty for the rules"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// AlertSettingItem overrides an alert kind's threshold for the tenant, or
// for a carrier and lane.
type AlertSettingItem struct {
	Kind           string  `json:"kind" doc:"An alert kind"`
	Carrier        string  `json:"carrier,omitempty" maxLength:"64" doc:"Empty: any carrier"`
	Origin         string  `json:"origin_country,omitempty" pattern:"^([A-Za-z]{2})?$" doc:"Empty: any origin"`
	Destination    string  `json:"destination_country,omitempty" pattern:"^([A-Za-z]{2})?$" doc:"Empty: any destination"`
	ThresholdHours float64 `json:"threshold_hours,omitempty" minimum:"0" maximum:"8760" doc:"How long the condition must last; 0 or absent: the default"`
	Disabled       bool    `json:"disabled,omitempty" doc:"No alerts of this kind here"`
}

func toAlert(a store.Alert) Alert {
	out := Alert{ID: a.ID, ShipmentID: a.ShipmentID, Kind: a.Kind, Severity: max(1, alert.Kind(a.Kind).Severity()),
		State: "open", Carrier: a.Carrier, Substatus: a.Substatus, Detail: a.Detail, RaisedAt: a.RaisedAt,
		ClearedAt: tp(a.ClearedAt), ClearedReason: a.ClearedReason}
	if !a.Open() {
		out.State = "cleared"
	}
	return out
}

func toHistory(evs []store.AlertEvent) []HistoryItem {
	out := make([]HistoryItem, 0, len(evs))
	for _, e := range evs {
		out = append(out, HistoryItem{Action: e.Action, Actor: e.Actor, Detail: e.Detail, At: e.At})
	}
	return out
}

func kindList() string {
	ks := make([]string, len(alert.Kinds))
	for i, k := range alert.Kinds {
		ks[i] = string(k)
	}
	return strings.Join(ks, ",")
}

func (a *API) registerAlerts() {
	al, ok := a.st.(store.Alerts)
	cs, ok2 := a.st.(store.Cases)
	if !ok || !ok2 {
		return
	}
	var auth Auth
	op := func(id, method, path, summary, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagAlerts,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}

	type alertListInput struct {
		Kind       string `query:"kind" doc:"Only this kind"`
		Carrier    string `query:"carrier" maxLength:"64"`
		ShipmentID int64  `query:"shipment_id" minimum:"0" doc:"Only alerts of this tracking"`
		State      string `query:"state" enum:"open,cleared,all" default:"open" doc:"cleared filters each page, which may then hold fewer than limit"`
		Limit      int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
		Cursor     string `query:"cursor" maxLength:"200"`
	}
	type alertListOutput struct {
		Body struct {
			Alerts     []Alert `json:"alerts"`
			NextCursor string  `json:"next_cursor,omitempty"`
		}
	}
	huma.Register(a.huma, op("list-alerts", http.MethodGet, "/alerts", "List alerts, newest first", store.ScopeRead, 422),
		func(ctx context.Context, in *alertListInput) (*alertListOutput, error) {
			if in.Kind != "" && !alert.Kind(in.Kind).Valid() {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "unknown alert kind",
					Detail{Location: "query.kind", Message: "one of " + kindList(), Value: in.Kind})
			}
			page, err := al.ListAlerts(ctx, TenantID(ctx), store.AlertQuery{All: in.State != "open", Kind: in.Kind,
				Carrier: strings.ToLower(in.Carrier), ShipmentID: in.ShipmentID, Limit: in.Limit, Cursor: in.Cursor})
			if err != nil {
				if errors.Is(err, store.ErrInvalid) {
					return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "cursor is not valid",
						Detail{Location: "query.cursor", Message: "use next_cursor of the previous page"})
				}
				return nil, a.internal(ctx, "listing alerts", err)
			}
			out := &alertListOutput{}
			out.Body.Alerts, out.Body.NextCursor = make([]Alert, 0, len(page.Alerts)), page.Next
			for _, x := range page.Alerts {
				if in.State == "cleared" && x.Open() {
					continue
				}
				out.Body.Alerts = append(out.Body.Alerts, toAlert(x))
			}
			return out, nil
		})

	type alertGetInput struct {
		ID   int64  `path:"id" minimum:"1"`
		Lang string `query:"lang" maxLength:"35" doc:"Language of the buyer message (BCP 47); default the buyer's"`
	}
	type alertGetOutput struct{ Body AlertDetail }
	huma.Register(a.huma, op("get-alert", http.MethodGet, "/alerts/{id}", "Get an alert with its playbook and buyer message", store.ScopeRead, 404),
		func(ctx context.Context, in *alertGetInput) (*alertGetOutput, error) {
			tenant := TenantID(ctx)
			x, err := al.GetAlert(ctx, tenant, in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "alert")
			}
			d, err := a.alertDetail(ctx, cs, x, in.Lang)
			if err != nil {
				return nil, err
			}
			return &alertGetOutput{d}, nil
		})

	type alertOpenInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body struct {
			Title string `json:"title,omitempty" maxLength:"200" doc:"Default: the playbook's title"`
			Owner string `json:"owner,omitempty" maxLength:"200"`
		}
	}
	openOp := op("open-alert-case", http.MethodPost, "/alerts/{id}/case", "Open a case for an alert", store.ScopeWrite, 404, 409)
	openOp.DefaultStatus = http.StatusCreated
	huma.Register(a.huma, openOp, func(ctx context.Context, in *alertOpenInput) (*caseOutput, error) {
		tenant := TenantID(ctx)
		x, err := al.GetAlert(ctx, tenant, in.ID)
		if err != nil {
			return nil, a.storeErr(ctx, err, "alert")
		}
		title := strings.TrimSpace(in.Body.Title)
		if title == "" {
			title = alert.PlaybookFor(alert.Kind(x.Kind)).Title
		}
		c, err := a.cases(cs).OpenCase(ctx, tenant, x.ShipmentID, x.ID, title, in.Body.Owner, actor(ctx))
		if errors.Is(err, store.ErrConflict) {
			return nil, NewError(http.StatusConflict, CodeCaseExists, "the alert already has an unresolved case")
		}
		if err != nil {
			return nil, a.domainErr(ctx, err, "alert")
		}
		d, err := a.caseDetail(ctx, cs, c)
		if err != nil {
			return nil, err
		}
		return &caseOutput{Body: d}, nil
	})

	type alertSettingsBody struct {
		Settings []AlertSettingItem `json:"settings" maxItems:"1000"`
	}
	type alertSettingsOutput struct{ Body alertSettingsBody }
	type alertSettingsInput struct{ Body alertSettingsBody }
	huma.Register(a.huma, op("get-alert-settings", http.MethodGet, "/alert-settings", "Get the alert threshold overrides", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*alertSettingsOutput, error) {
			ss, err := al.ListAlertSettings(ctx, TenantID(ctx))
			if err != nil {
				return nil, a.internal(ctx, "reading alert settings", err)
			}
			return &alertSettingsOutput{Body: alertSettingsBody{Settings: toSettingItems(ss)}}, nil
		})
	put := op("put-alert-settings", http.MethodPut, "/alert-settings", "Replace the alert threshold overrides", store.ScopeAdmin, 422)
	put.Description = "Replaces all overrides with the given list; the most specific match of carrier, origin and " +
		"destination wins. Needs scope admin."
	huma.Register(a.huma, put, func(ctx context.Context, in *alertSettingsInput) (*alertSettingsOutput, error) {
		tenant := TenantID(ctx)
		want := make(map[[4]string]store.AlertSetting, len(in.Body.Settings))
		for i, s := range in.Body.Settings {
			if !alert.Kind(s.Kind).Valid() {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "unknown alert kind",
					Detail{Location: "body.settings[" + itoa(i) + "].kind", Message: "one of " + kindList(), Value: s.Kind})
			}
			st := store.AlertSetting{TenantID: tenant, Kind: s.Kind, Carrier: strings.ToLower(strings.TrimSpace(s.Carrier)),
				Origin: strings.ToUpper(s.Origin), Destination: strings.ToUpper(s.Destination),
				Threshold: time.Duration(s.ThresholdHours * float64(time.Hour)).Round(time.Second), Disabled: s.Disabled,
				UpdatedAt: a.now()}
			k := [4]string{st.Kind, st.Carrier, st.Origin, st.Destination}
			if _, dup := want[k]; dup {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "the same kind, carrier and lane twice",
					Detail{Location: "body.settings[" + itoa(i) + "]", Message: "duplicate"})
			}
			want[k] = st
		}
		cur, err := al.ListAlertSettings(ctx, tenant)
		if err != nil {
			return nil, a.internal(ctx, "reading alert settings", err)
		}
		for _, s := range cur {
			if _, keep := want[[4]string{s.Kind, s.Carrier, s.Origin, s.Destination}]; !keep {
				if err := al.DeleteAlertSetting(ctx, s); err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, a.internal(ctx, "saving alert settings", err)
				}
			}
		}
		for _, s := range want {
			if err := al.PutAlertSetting(ctx, s); err != nil {
				return nil, a.internal(ctx, "saving alert settings", err)
			}
		}
		ss, err := al.ListAlertSettings(ctx, tenant)
		if err != nil {
			return nil, a.internal(ctx, "reading alert settings", err)
		}
		return &alertSettingsOutput{Body: alertSettingsBody{Settings: toSettingItems(ss)}}, nil
	})
}

func toSettingItems(ss []store.AlertSetting) []AlertSettingItem {
	out := make([]AlertSettingItem, 0, len(ss))
	for _, s := range ss {
		out = append(out, AlertSettingItem{Kind: s.Kind, Carrier: s.Carrier, Origin: s.Origin, Destination: s.Destination,
			ThresholdHours: s.Threshold.Hours(), Disabled: s.Disabled})
	}
	return out
}

// alertDetail adds the playbook, the buyer message (in lang, else the
// buyer's language) and the history to an alert.
func (a *API) alertDetail(ctx context.Context, cs store.Cases, x store.Alert, lang string) (AlertDetail, error) {
	tenant := TenantID(ctx)
	sh, err := a.st.GetShipment(ctx, tenant, x.ShipmentID)
	if err != nil {
		return AlertDetail{}, a.storeErr(ctx, err, "alert")
	}
	if lang == "" {
		lang = sh.Customer.Language
	}
	vars := alert.BuyerVars{Name: sh.Customer.Name, Reference: sh.Reference}
	if vars.Reference == "" {
		if ps, err := a.st.ListParcels(ctx, tenant, sh.ID); err == nil && len(ps) > 0 {
			vars.Reference = ps[0].TrackingNumber
		}
	}
	if tn, err := a.st.GetTenant(ctx, tenant); err == nil {
		vars.Shop = tn.Name
	}
	if est, ok := a.st.(store.Estimates); ok {
		if e, err := est.GetEstimate(ctx, tenant, sh.ID); err == nil {
			vars.Estimate = e.MostLikely
		}
	}
	pb := alert.PlaybookFor(alert.Kind(x.Kind))
	msg := alert.BuyerMessageFor(alert.Kind(x.Kind), lang, vars)
	hist, err := cs.History(ctx, tenant, x.ID, 0)
	if err != nil {
		return AlertDetail{}, a.internal(ctx, "reading alert history", err)
	}
	return AlertDetail{Alert: toAlert(x),
		Playbook:     Playbook{Title: pb.Title, Causes: nonNil(pb.Causes), Actions: nonNil(pb.Actions)},
		BuyerMessage: BuyerMessage{Lang: msg.Lang, Subject: msg.Subject, Body: msg.Body},
		History:      toHistory(hist)}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
