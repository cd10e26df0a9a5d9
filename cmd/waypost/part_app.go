package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
	dashboard "github.com/waypost/waypost/web/app"
)

// appFlags are the dashboard's settings of serve and demo.
var appFlags struct {
	idle, maxAge  time.Duration
	secureCookies bool
	wismoShare    float64
}

func init() {
	registerPart(part{
		name: "app",
		flags: func(fs *pflag.FlagSet) {
			fs.DurationVar(&appFlags.idle, "app-idle-timeout", 30*time.Minute, "dashboard sessions end after this long without a request")
			fs.DurationVar(&appFlags.maxAge, "app-session-max-age", 12*time.Hour, "dashboard sessions end this long after sign-in")
			fs.BoolVar(&appFlags.secureCookies, "app-secure-cookies", false, "mark dashboard cookies Secure on plain HTTP too (behind a TLS proxy)")
			fs.Float64Var(&appFlags.wismoShare, "app-wismo-share", dashboard.DefaultWISMOShare,
				"share of tracking-page views counted as a where-is-my-order contact avoided (an assumption: set it from your support figures)")
		},
		start: startApp,
	})
}

func startApp(env *partEnv) error {
	users, ok := env.Store.(store.Users)
	if !ok {
		return fmt.Errorf("app: the store keeps no users")
	}
	if appFlags.wismoShare <= 0 || appFlags.wismoShare > 1 {
		return fmt.Errorf("app: --app-wismo-share %v: give a share between 0 and 1", appFlags.wismoShare)
	}
	// Webhook URLs are checked like the notify part sends them.
	allow := notifyFlags.allowPrivate
	if env.Demo && len(allow) == 0 {
		allow = []string{"127.0.0.0/8", "::1/128"}
	}
	guard, err := notify.NewGuard(allow)
	if err != nil {
		return err
	}
	vault, err := shop.NewVault(shopFlags.secretKey)
	if err != nil {
		return err
	}
	cfg := dashboard.Config{
		Store: env.Store, Log: env.Log.With("part", "app"),
		// Sessions run on the real clock, also in the demo.
		Now:         time.Now,
		DataNow:     env.Now,
		IdleTimeout: appFlags.idle, MaxAge: appFlags.maxAge, SecureCookies: appFlags.secureCookies,
		BaseURL: env.BaseURL, Carriers: envCarriers{},
		WISMOShare: appFlags.wismoShare, WebhookGuard: guard, ShopVault: vault,
	}
	if _, ok := env.Store.(store.Analytics); ok {
		// Analytics follow the server's clock (the demo's is simulated).
		cfg.Analytics = dashboard.StoreAnalytics{Store: env.Store, WISMOShare: appFlags.wismoShare, Now: env.Now}
	}
	if restAPI != nil {
		// The API part starts first; revoking through it drops its cache.
		cfg.RevokeKey = restAPI.RevokeKey
	}
	a, err := dashboard.New(cfg)
	if err != nil {
		return err
	}
	h := a.Handler()
	for _, p := range a.Routes() {
		env.Server.Handle(p, h)
	}
	if env.Demo && env.DefaultTenantID != 0 {
		if err := demoAdmin(env, users); err != nil {
			return err
		}
	}
	env.Go(func(ctx context.Context) error {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
				if n, err := users.DeleteExpiredSessions(ctx, time.Now()); err != nil {
					env.Log.Warn("expired sessions not removed", "error", err)
				} else if n > 0 {
					env.Log.Info("expired sessions removed", "count", n)
				}
			}
		}
	})
	return nil
}

// demoAdmin creates the demo shop's administrator with a fresh random
// password and prints how to sign in.
func demoAdmin(env *partEnv, users store.Users) error {
	tn, err := env.Store.GetTenant(env.Ctx, env.DefaultTenantID)
	if err != nil {
		return fmt.Errorf("app: demo tenant: %w", err)
	}
	const email = "admin@demo.example"
	pw := "demo-" + appRandomWord(12)
	hash, err := dashboard.HashPassword(pw)
	if err != nil {
		return err
	}
	u := store.User{Email: email, Name: "Demo admin", Role: store.RoleAdmin, PasswordHash: hash}
	err = users.CreateUser(env.Ctx, tn.ID, &u)
	if errors.Is(err, store.ErrConflict) {
		existing, ferr := users.FindLoginUser(env.Ctx, tn.Slug, email)
		if ferr != nil {
			return fmt.Errorf("app: demo admin: %w", ferr)
		}
		err = users.SetUserPassword(env.Ctx, tn.ID, existing.ID, hash)
	}
	if err != nil {
		return fmt.Errorf("app: demo admin: %w", err)
	}
	fmt.Fprintf(os.Stderr, "Dashboard: %s/app/login  shop: %s  e-mail: %s  password: %s\n", env.BaseURL, tn.Slug, email, pw)
	return nil
}

// appRandomWord is n random lower-case letters and digits.
func appRandomWord(n int) string {
	const abc = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	for i := range b {
		b[i] = abc[int(b[i])%len(abc)]
	}
	return string(b)
}

// envCarriers lists the carriers with a connector as configured from the
// environment (WAYPOST_<SLUG>_<FIELD>); secrets are reduced to yes or no.
type envCarriers struct{}

func (envCarriers) Carriers() []dashboard.CarrierInfo {
	cfgs, err := carrier.LoadConfig("", os.LookupEnv, carrier.Drivers()...)
	if err != nil {
		return nil
	}
	var out []dashboard.CarrierInfo
	for _, c := range carrier.All() {
		row := describeCarrier(c, cfgs)
		if row.auth == "-" {
			continue
		}
		out = append(out, dashboard.CarrierInfo{Slug: c.Slug, Name: c.Name, Connector: row.connector, Credentials: row.auth == "ready"})
	}
	return out
}
