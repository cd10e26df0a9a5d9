package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// settingsSections are the settings pages, in menu order.
var settingsSections = []struct{ Slug, Title string }{
	{"carriers", "Carriers"}, {"notifications", "Notifications"}, {"branding", "Branding"},
	{"webhooks", "Webhooks"}, {"keys", "API keys"}, {"shops", "Shops"}, {"alerts", "Alerts"}, {"users", "Users"},
}

type settingsData struct {
	Section  string
	Sections []struct{ Slug, Title string }
	// Unavailable names a section whose source is not on this server.
	Unavailable bool
	Error       string
	// ErrorCode is the stable code of Error, shown beside it.
	ErrorCode string
	Notice    string
	// Secret is a new key or webhook secret, shown this once.
	Secret string

	Carriers  []CarrierInfo
	Keys      []store.APIKey
	Webhooks  []store.WebhookEndpoint
	Hook      *hookDetail
	Branding  store.Branding
	Notify    notifyPage
	Templates []store.NotifyTemplate
	Shops     []shopRow
	Alerts    alertSettingsPage
	Users     []store.User
	MinPass   int
}

// settingsMsg is what a form handler reports on the page it renders.
type settingsMsg struct {
	Code           int
	Error, ErrCode string
	Notice, Secret string
	// fill adds form state (e.g. the text being edited) after the
	// section's data is loaded.
	fill func(d *settingsData)
}

func (a *App) settings(w http.ResponseWriter, r *http.Request) {
	a.renderSettings(w, r, r.PathValue("section"), savedMsg(r))
}

// savedMsg confirms a change after its redirect (?saved=1).
func savedMsg(r *http.Request) settingsMsg {
	if r.URL.Query().Get("saved") != "" {
		return settingsMsg{Notice: "Saved."}
	}
	return settingsMsg{}
}

// renderSettings renders one settings section with msg on it.
func (a *App) renderSettings(w http.ResponseWriter, r *http.Request, section string, msg settingsMsg) {
	v := viewerOf(r)
	ctx := r.Context()
	if section == "" {
		section = "carriers"
	}
	if msg.Code == 0 {
		msg.Code = http.StatusOK
	}
	d := settingsData{Section: section, Sections: settingsSections, Error: msg.Error, ErrorCode: msg.ErrCode,
		Notice: msg.Notice, Secret: msg.Secret, MinPass: MinPasswordLength}
	var err error
	tid := v.User.TenantID
	switch section {
	case "carriers":
		if a.cfg.Carriers == nil {
			d.Unavailable = true
		} else {
			d.Carriers = a.cfg.Carriers.Carriers()
		}
	case "keys":
		d.Keys, err = a.cfg.Settings.APIKeys(ctx, tid)
	case "webhooks":
		d.Webhooks, err = a.cfg.Settings.Webhooks(ctx, tid)
	case "branding":
		d.Branding, err = a.cfg.Settings.Branding(ctx, tid)
	case "notifications":
		var cfg store.NotifyConfig
		cfg, d.Templates, err = a.cfg.Settings.NotifyConfig(ctx, tid)
		d.Notify = newNotifyPage(cfg, d.Templates)
	case "shops":
		d.Shops, err = a.shopRows(r, tid)
	case "alerts":
		d.Alerts, err = a.alertSettingsPage(r, tid)
	case "users":
		d.Users, err = a.users.ListUsers(ctx, tid)
	default:
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such settings page.")
		return
	}
	switch {
	case errors.Is(err, ErrUnavailable):
		d.Unavailable = true
	case err != nil:
		d.Error = a.sectionErr(r, "settings "+section, err)
	}
	if msg.fill != nil {
		msg.fill(&d)
	}
	if msg.ErrCode != "" {
		w.Header().Set("X-Waypost-Error", msg.ErrCode)
	}
	a.render(w, r, msg.Code, "settings", "Settings", d)
}

// badInput renders section with a 400 and the reason, code invalid_input
// unless the caller names a more precise one.
func (a *App) badInput(w http.ResponseWriter, r *http.Request, section, code, msg string, fill func(d *settingsData)) {
	if code == "" {
		code = "invalid_input"
	}
	a.renderSettings(w, r, section, settingsMsg{Code: http.StatusBadRequest, Error: msg, ErrCode: code, fill: fill})
}

// storeFailed answers a store error of a settings form: not found (also
// another tenant's row) is 404, invalid input 400, a conflict 409, and
// anything else 500 with the details only in the log.
func (a *App) storeFailed(w http.ResponseWriter, r *http.Request, section, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such "+what+".")
	case errors.Is(err, store.ErrInvalid):
		a.badInput(w, r, section, "", invalidText(err), nil)
	case errors.Is(err, store.ErrConflict):
		a.renderSettings(w, r, section, settingsMsg{Code: http.StatusConflict, ErrCode: "conflict", Error: "This " + what + " exists already."})
	default:
		a.log.ErrorContext(r.Context(), "settings change failed", "section", section, "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The "+what+" could not be saved.")
	}
}

// invalidText is the part of a validation error a person can act on.
func invalidText(err error) string {
	var ie *shipment.InvalidError
	if errors.As(err, &ie) {
		return ie.Field + ": " + ie.Reason
	}
	return "The input is not valid."
}

// pathID reads the {name} path value as a positive ID.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func (a *App) createUser(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	role := store.Role(r.PostFormValue("role"))
	hash, err := HashPassword(r.PostFormValue("password"))
	if err != nil {
		a.badInput(w, r, "users", "", "The password needs at least "+strconv.Itoa(MinPasswordLength)+" characters (at most 72 bytes).", nil)
		return
	}
	u := store.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: role, PasswordHash: hash}
	err = a.users.CreateUser(r.Context(), v.User.TenantID, &u)
	switch {
	case errors.Is(err, store.ErrConflict):
		a.renderSettings(w, r, "users", settingsMsg{Code: http.StatusConflict, ErrCode: "conflict", Error: "A user with this e-mail exists already."})
		return
	case errors.Is(err, store.ErrInvalid):
		a.badInput(w, r, "users", "", "Give an e-mail address and a role (admin or agent).", nil)
		return
	case err != nil:
		a.log.ErrorContext(r.Context(), "create user failed", "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The user could not be created.")
		return
	}
	a.log.InfoContext(r.Context(), "user created", "user", u, "by", v.User.ID)
	http.Redirect(w, r, "/app/settings/users", http.StatusSeeOther)
}

func (a *App) deleteUser(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	id, ok := pathID(r, "id")
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such user.")
		return
	}
	if id == v.User.ID {
		a.badInput(w, r, "users", "", "You cannot remove yourself.", nil)
		return
	}
	err := a.users.DeleteUser(r.Context(), v.User.TenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such user.")
		return
	case err != nil:
		a.log.ErrorContext(r.Context(), "delete user failed", "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The user could not be removed.")
		return
	}
	a.log.InfoContext(r.Context(), "user removed", "user_id", id, "by", v.User.ID)
	http.Redirect(w, r, "/app/settings/users", http.StatusSeeOther)
}
