package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store"
)

// createKey makes an API key and shows its secret this once; the store
// keeps only its hash.
func (a *App) createKey(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	keys, ok := a.st.(store.Keys)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "API keys are not available on this server.")
		return
	}
	scope := r.PostFormValue("scope")
	if scope != store.ScopeRead && scope != store.ScopeWrite && scope != store.ScopeAdmin {
		a.badInput(w, r, "keys", "", "The scope is read, write or admin.", nil)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if len(name) > 200 {
		a.badInput(w, r, "keys", "", "The name is at most 200 characters.", nil)
		return
	}
	secret, hash, prefix := api.GenerateKey()
	k := store.APIKey{TenantID: v.User.TenantID, Name: name, Prefix: prefix, Hash: hash, Scope: scope}
	if err := keys.CreateAPIKey(r.Context(), &k); err != nil {
		a.storeFailed(w, r, "keys", "key", err)
		return
	}
	// The key's ID and prefix are logged, never the secret.
	a.log.InfoContext(r.Context(), "api key created", "key_id", k.ID, "prefix", k.Prefix, "scope", scope, "user_id", v.User.ID)
	a.renderSettings(w, r, "keys", settingsMsg{Code: http.StatusCreated,
		Notice: "Key created. Copy it now: it is not shown again.", Secret: secret})
}

// revokeKey revokes one of the tenant's keys at once (through the API's
// revoker when the API runs here, so its key cache forgets the key too).
func (a *App) revokeKey(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	keys, ok := a.st.(store.Keys)
	id, okID := pathID(r, "id")
	if !ok || !okID {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such key.")
		return
	}
	// RevokeAPIKey on another tenant's key is ErrNotFound; check first so
	// the answer does not depend on the revoker.
	list, err := keys.ListAPIKeys(r.Context(), v.User.TenantID)
	if err != nil {
		a.storeFailed(w, r, "keys", "key", err)
		return
	}
	found := false
	for _, k := range list {
		found = found || k.ID == id
	}
	if !found {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such key.")
		return
	}
	if a.cfg.RevokeKey != nil {
		err = a.cfg.RevokeKey(r.Context(), v.User.TenantID, id)
	} else {
		err = keys.RevokeAPIKey(r.Context(), v.User.TenantID, id, a.now())
	}
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.log.ErrorContext(r.Context(), "revoke key failed", "key_id", id, "error", err)
		}
		a.storeFailed(w, r, "keys", "key", err)
		return
	}
	a.log.InfoContext(r.Context(), "api key revoked", "key_id", id, "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/keys", http.StatusSeeOther)
}
