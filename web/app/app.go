// Package app is the merchant dashboard under /app: what a seller's
// support team works in. It signs users in per tenant, lists and searches
// shipments, shows one shipment with its timeline, legs and freshness,
// works the exceptions queue and the cases board, charts analytics,
// imports shipments from CSV and exports any filtered list, and keeps the
// tenant's settings. Pages are server-rendered from embedded templates;
// the little JavaScript there is only improves forms.
//
// Every handler acts for the tenant of the signed-in user and nothing
// else: another tenant's shipment is "not found", exactly like a missing
// one.
package app

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config configures New. Store is required and must implement
// store.Users; the optional sources are found on the store by type
// assertion when left nil, and pages whose source is missing say so.
type Config struct {
	Store store.Store
	Log   *slog.Logger
	// Now is the clock for sessions; nil means time.Now. (The demo's
	// simulated clock must not drive session expiry.)
	Now func() time.Time
	// DataNow is the clock of the shipments, for the analytics period;
	// nil means Now. The demo's shipments live on its simulated clock.
	DataNow func() time.Time
	// IdleTimeout ends a session after this long without a request
	// (default 30 minutes); MaxAge ends it regardless (default 12 hours).
	IdleTimeout, MaxAge time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP requests, for
	// servers behind a TLS-terminating proxy. Requests over TLS always
	// get Secure cookies.
	SecureCookies bool
	// BaseURL is the public address, used to tell same-origin requests.
	BaseURL string
	// WISMOShare is the share of tracking-page views the analytics page
	// counts as a "where is my order" contact avoided (default
	// DefaultWISMOShare); used when Analytics is found on the store.
	WISMOShare float64

	Cases         CaseBoard
	Alerts        AlertSource
	Notifications NotificationSource
	Analytics     Analytics
	Estimates     EstimateSource
	Carriers      CarrierSource
	Settings      SettingsSource

	// RevokeKey revokes an API key; nil revokes it in the store only.
	// The server passes the REST API's, which also drops its key cache.
	RevokeKey func(ctx context.Context, tenantID, keyID int64) error
	// Webhooks manages webhook endpoints; nil builds one over the store
	// with WebhookGuard (nil: public addresses only).
	Webhooks     *notify.Webhooks
	WebhookGuard *notify.Guard
	// ShopVault seals the credentials of new shop connections; nil keeps
	// them unencrypted, like the shop part without --shop-secret-key.
	ShopVault *shop.Vault
}

// App serves the dashboard.
type App struct {
	cfg   Config
	st    store.Store
	users store.Users
	log   *slog.Logger
	now   func() time.Time
	pages pages
	mux   *http.ServeMux
	// reports reuses analytics reports for a minute.
	reports reportCache
}

// New builds the dashboard. It fails when the store keeps no users.
func New(cfg Config) (*App, error) {
	if cfg.Store == nil {
		return nil, errors.New("app: no store")
	}
	users, ok := cfg.Store.(store.Users)
	if !ok {
		return nil, fmt.Errorf("app: store %T keeps no users", cfg.Store)
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DataNow == nil {
		cfg.DataNow = cfg.Now
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 12 * time.Hour
	}
	discoverSources(&cfg)
	if cfg.Webhooks == nil {
		if err := buildWebhooks(&cfg); err != nil {
			return nil, err
		}
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, st: cfg.Store, users: users, log: cfg.Log, now: cfg.Now, pages: p,
		reports: reportCache{now: time.Now}}
	a.routes()
	return a, nil
}

// Handler serves every path under /app. Unsafe cross-origin requests are
// refused before any handler runs (Fetch metadata and Origin checks);
// the session's synchroniser token is checked on top for every form.
func (a *App) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, http.StatusForbidden, "csrf", "This request came from another site and was refused.")
	}))
	return securityHeaders(cop.Handler(a.mux))
}

// Routes lists the patterns Handler serves, for mounting on a shared mux.
func (a *App) Routes() []string { return []string{"/app", "/app/"} }

func (a *App) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /app/static/", http.StripPrefix("/app/static/", cacheStatic(http.FileServerFS(static))))
	m.HandleFunc("GET /app", a.home)
	m.HandleFunc("GET /app/{$}", a.home)
	m.HandleFunc("GET /app/login", a.loginPage)
	m.HandleFunc("POST /app/login", a.login)
	m.Handle("POST /app/logout", a.authed(a.logout))

	m.Handle("GET /app/shipments", a.authed(a.shipmentList))
	m.Handle("GET /app/shipments.csv", a.authed(a.exportCSV))
	m.Handle("GET /app/shipments/{id}", a.authed(a.shipmentDetail))
	m.Handle("GET /app/exceptions", a.authed(a.exceptions))
	m.Handle("POST /app/alerts/{id}/case", a.authed(a.openCase))
	m.Handle("GET /app/cases", a.authed(a.casesBoard))
	m.Handle("POST /app/cases/{id}/move", a.authed(a.moveCase))
	m.Handle("GET /app/analytics", a.authed(a.analytics))
	m.Handle("GET /app/import", a.authed(a.importPage))
	m.Handle("POST /app/import", a.authed(a.importUpload))

	m.Handle("GET /app/settings", a.admin(a.settings))
	m.Handle("GET /app/settings/{section}", a.admin(a.settings))
	m.Handle("POST /app/settings/branding", a.admin(a.saveBranding))
	m.Handle("POST /app/settings/notifications", a.admin(a.saveNotify))
	m.Handle("GET /app/settings/notifications/template", a.admin(a.templatePage))
	m.Handle("POST /app/settings/notifications/template", a.admin(a.saveTemplate))
	m.Handle("POST /app/settings/webhooks", a.admin(a.createWebhook))
	m.Handle("GET /app/settings/webhooks/{id}", a.admin(a.webhookPage))
	m.Handle("POST /app/settings/webhooks/{id}/{action}", a.admin(a.webhookAction))
	m.Handle("POST /app/settings/webhooks/{id}/replay/{msg}", a.admin(a.replayWebhook))
	m.Handle("POST /app/settings/keys", a.admin(a.createKey))
	m.Handle("POST /app/settings/keys/{id}/revoke", a.admin(a.revokeKey))
	m.Handle("POST /app/settings/shops", a.admin(a.createShop))
	m.Handle("POST /app/settings/shops/{id}/{action}", a.admin(a.shopAction))
	m.Handle("POST /app/settings/alerts", a.admin(a.putAlertSetting))
	m.Handle("POST /app/settings/users", a.admin(a.createUser))
	m.Handle("POST /app/settings/users/{id}/delete", a.admin(a.deleteUser))
	m.HandleFunc("/app/", func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such page.")
	})
	a.mux = m
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.session(w, r); ok {
		http.Redirect(w, r, "/app/shipments", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/app/login", http.StatusSeeOther)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// buildWebhooks makes the webhook manager over the store when it keeps
// endpoints and an outbox; test events and replays go through the outbox,
// which the notify part's dispatcher delivers.
func buildWebhooks(cfg *Config) error {
	_, ok1 := cfg.Store.(store.Webhooks)
	_, ok2 := cfg.Store.(store.Outbox)
	if !ok1 || !ok2 {
		return nil
	}
	ob, err := notify.NewOutbox(cfg.Store, time.Now)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	g := cfg.WebhookGuard
	if g == nil {
		if g, err = notify.NewGuard(nil); err != nil {
			return fmt.Errorf("app: %w", err)
		}
	}
	cfg.Webhooks, err = notify.NewWebhooks(cfg.Store, ob, g, time.Now)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}
