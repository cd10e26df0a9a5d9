package app

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/store"
)

// alertSettingsPage lists the tenant's threshold overrides beside the
// kinds they can override.
type alertSettingsPage struct {
	Settings []alertSettingRow
	Kinds    []alertKindRow
}

type alertSettingRow struct {
	store.AlertSetting
	Hours float64
}

type alertKindRow struct {
	Kind     alert.Kind
	Title    string
	Severity int
}

func (a *App) alertStore() (store.Alerts, bool) {
	al, ok := a.st.(store.Alerts)
	return al, ok
}

func (a *App) alertSettingsPage(r *http.Request, tid int64) (alertSettingsPage, error) {
	var p alertSettingsPage
	al, ok := a.alertStore()
	if !ok {
		return p, ErrUnavailable
	}
	list, err := al.ListAlertSettings(r.Context(), tid)
	if err != nil {
		return p, err
	}
	for _, s := range list {
		p.Settings = append(p.Settings, alertSettingRow{AlertSetting: s, Hours: s.Threshold.Hours()})
	}
	for _, k := range alert.Kinds {
		p.Kinds = append(p.Kinds, alertKindRow{Kind: k, Title: alert.PlaybookFor(k).Title, Severity: k.Severity()})
	}
	return p, nil
}

// alertSettingOf reads a threshold override from a form.
func alertSettingOf(r *http.Request, tid int64) (store.AlertSetting, string) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	s := store.AlertSetting{TenantID: tid, Kind: f("kind"), Carrier: strings.ToLower(f("carrier")),
		Origin: strings.ToUpper(f("origin")), Destination: strings.ToUpper(f("destination")), Disabled: f("disabled") != ""}
	if !alert.Kind(s.Kind).Valid() {
		return s, "Choose an alert kind."
	}
	for _, c := range []string{s.Origin, s.Destination} {
		if c != "" && (len(c) != 2 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
			return s, "Countries are two-letter ISO codes, e.g. DE."
		}
	}
	if h := f("hours"); h != "" {
		v, err := strconv.ParseFloat(h, 64)
		if err != nil || v < 0 || v > 24*90 {
			return s, "The threshold is a number of hours from 0 to 2160 (90 days)."
		}
		s.Threshold = time.Duration(v * float64(time.Hour))
	}
	return s, ""
}

// putAlertSetting creates or replaces a threshold override;
// action=delete removes it.
func (a *App) putAlertSetting(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	al, ok := a.alertStore()
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Alerts are not available on this server.")
		return
	}
	s, bad := alertSettingOf(r, v.User.TenantID)
	if bad != "" {
		a.badInput(w, r, "alerts", "", bad, nil)
		return
	}
	var err error
	if r.PostFormValue("action") == "delete" {
		err = al.DeleteAlertSetting(r.Context(), s)
	} else {
		err = al.PutAlertSetting(r.Context(), s)
	}
	if err != nil {
		a.storeFailed(w, r, "alerts", "alert setting", err)
		return
	}
	a.log.InfoContext(r.Context(), "alert setting changed", "kind", s.Kind, "carrier", s.Carrier, "action", r.PostFormValue("action"), "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/alerts", http.StatusSeeOther)
}
