package app

import (
	"net/http"
	"strings"

	"github.com/waypost/waypost/store"
)

// saveBranding stores the tracking page's look from the branding form.
// The store validates colours, links and the e-mail; the buyer texts are
// kept as they are (the form does not edit them).
func (a *App) saveBranding(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	tp, ok := a.st.(store.TrackingPages)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Branding is not available on this server.")
		return
	}
	cur, err := tp.GetBranding(r.Context(), v.User.TenantID)
	if err != nil {
		a.storeFailed(w, r, "branding", "branding", err)
		return
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	b := store.Branding{DisplayName: f("display_name"), LogoURL: f("logo_url"), PrimaryColor: f("primary_color"),
		AccentColor: f("accent_color"), ShopURL: f("shop_url"), SupportURL: f("support_url"),
		SupportEmail: f("support_email"), Texts: cur.Texts}
	if err := tp.SetBranding(r.Context(), v.User.TenantID, &b); err != nil {
		a.storeFailed(w, r, "branding", "branding", err)
		return
	}
	a.log.InfoContext(r.Context(), "branding saved", "tenant_id", v.User.TenantID, "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/branding?saved=1", http.StatusSeeOther)
}
