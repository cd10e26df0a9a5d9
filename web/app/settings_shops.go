package app

import (
	"net/http"
	"strings"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// shopRow is one shop connection as the settings page shows it: never
// its credentials.
type shopRow struct {
	store.ShopConnection
	// WebhookURL is where the shop sends its webhooks; empty for shops
	// that are polled (Magento).
	WebhookURL string
}

func (a *App) shopRows(r *http.Request, tid int64) ([]shopRow, error) {
	shops, ok := a.st.(store.Shops)
	if !ok {
		return nil, ErrUnavailable
	}
	list, err := shops.ListShopConnections(r.Context(), tid)
	if err != nil {
		return nil, err
	}
	out := make([]shopRow, len(list))
	for i, c := range list {
		c.Secrets = nil
		out[i] = shopRow{ShopConnection: c}
		if c.Kind != store.ShopMagento {
			out[i].WebhookURL = strings.TrimSuffix(a.cfg.BaseURL, "/") + "/hooks/" + string(c.Kind) + "/" + c.HookKey
		}
	}
	return out, nil
}

// createShop connects a shop. Its credentials are sealed with the shop
// vault before they reach the store and are never shown again.
func (a *App) createShop(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	shops, ok := a.st.(store.Shops)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Shop connections are not available on this server.")
		return
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	kind := store.ShopKind(f("kind"))
	if !kind.Valid() {
		a.badInput(w, r, "shops", "", "Choose Shopify, WooCommerce or Magento.", nil)
		return
	}
	creds := shop.Credentials{AccessToken: f("access_token"), WebhookSecret: f("webhook_secret"),
		ConsumerKey: f("consumer_key"), ConsumerSecret: f("consumer_secret")}
	vault := a.cfg.ShopVault
	if vault == nil {
		vault = &shop.Vault{}
	}
	sealed, err := vault.Seal(v.User.TenantID, creds)
	if err != nil {
		a.log.ErrorContext(r.Context(), "seal shop credentials failed", "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "The connection could not be saved.")
		return
	}
	c := store.ShopConnection{Kind: kind, Name: f("name"), ShopURL: f("shop_url"), Secrets: sealed, Enabled: true}
	if err := shops.CreateShopConnection(r.Context(), v.User.TenantID, &c); err != nil {
		a.storeFailed(w, r, "shops", "shop connection", err)
		return
	}
	a.log.InfoContext(r.Context(), "shop connected", "connection", c, "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/shops", http.StatusSeeOther)
}

// shopAction enables, disables or removes a connection.
func (a *App) shopAction(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	shops, ok := a.st.(store.Shops)
	id, okID := pathID(r, "id")
	if !ok || !okID {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such shop connection.")
		return
	}
	c, err := shops.GetShopConnection(ctx, v.User.TenantID, id)
	if err != nil {
		a.storeFailed(w, r, "shops", "shop connection", err)
		return
	}
	switch act := r.PathValue("action"); act {
	case "enable", "disable":
		c.Enabled = act == "enable"
		err = shops.UpdateShopConnection(ctx, v.User.TenantID, &c)
	case "delete":
		err = shops.DeleteShopConnection(ctx, v.User.TenantID, id)
	default:
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such action.")
		return
	}
	if err != nil {
		a.storeFailed(w, r, "shops", "shop connection", err)
		return
	}
	a.log.InfoContext(ctx, "shop connection changed", "connection_id", id, "action", r.PathValue("action"), "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/shops", http.StatusSeeOther)
}
