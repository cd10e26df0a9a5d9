package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/danielgtaylor/huma/v2"
	"github.com/spf13/pflag"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var apiFlags struct {
	key       string
	rateLimit float64
	rateBurst int
}

var (
	// restAPI is the running API once the api part has started.
	restAPI *api.API
	// apiPending holds operations added before it started.
	apiPending []func(h huma.API, auth api.Auth)
)

// extendAPI adds operations to the REST API and its OpenAPI document. A
// part may call it from init or from its start function, in any order
// relative to the api part.
func extendAPI(fn func(h huma.API, auth api.Auth)) {
	if restAPI != nil {
		restAPI.Register(fn)
		return
	}
	apiPending = append(apiPending, fn)
}

func init() {
	registerPart(part{
		name: "api",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&apiFlags.key, "api-key", "", "admin API key of the default tenant, created at start if absent (never logged)")
			fs.Float64Var(&apiFlags.rateLimit, "api-rate-limit", 50, "requests per second allowed to each API key (0: unlimited)")
			fs.IntVar(&apiFlags.rateBurst, "api-rate-burst", 0, "burst of requests allowed to each API key (default twice the rate)")
		},
		start: startAPI,
	})
}

func startAPI(env *partEnv) error {
	a, err := api.New(api.Options{Store: env.Store, Logger: env.Log.With("part", "api"), Now: env.Now,
		RateLimit: apiFlags.rateLimit, RateBurst: apiFlags.rateBurst})
	if err != nil {
		return err
	}
	restAPI = a
	a.SetBaseURL(env.BaseURL)
	for _, fn := range apiPending {
		a.Register(fn)
	}
	apiPending = nil
	env.Server.Handle(api.Base+"/", a)
	env.Server.Handle("/compat/aftership/", a)
	if apiFlags.key != "" {
		if err := bootstrapKey(env.Ctx, env.Store, env.DefaultTenantID, apiFlags.key); err != nil {
			return fmt.Errorf("--api-key: %w", err)
		}
	}
	env.Go(func(ctx context.Context) error {
		err := a.PurgeLoop(ctx)
		a.Close()
		return err
	})
	env.Log.Info("REST API", "openapi", env.BaseURL+api.Base+"/openapi.json")
	return nil
}

// bootstrapKey makes secret the admin key of the default tenant: the given
// tenant when non-zero (the demo's shop), otherwise the tenant "default",
// created if absent. Running it again with the same key changes nothing.
func bootstrapKey(ctx context.Context, st store.Store, tenantID int64, secret string) error {
	keys, ok := st.(store.Keys)
	if !ok {
		return errors.New("the store has no API keys")
	}
	if tenantID == 0 {
		tn, err := keys.FindTenantBySlug(ctx, "default")
		if errors.Is(err, store.ErrNotFound) {
			tn = shipment.Tenant{Slug: "default", Name: "Default"}
			err = st.CreateTenant(ctx, &tn)
			if errors.Is(err, store.ErrConflict) { // another node created it first
				tn, err = keys.FindTenantBySlug(ctx, "default")
			}
		}
		if err != nil {
			return err
		}
		tenantID = tn.ID
	}
	hash := api.HashKey(secret)
	k, err := keys.FindAPIKey(ctx, hash)
	switch {
	case err == nil && k.TenantID != tenantID:
		return fmt.Errorf("the key (%s…) belongs to tenant %d, not %d", k.Prefix, k.TenantID, tenantID)
	case err == nil:
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	k = store.APIKey{TenantID: tenantID, Name: "WAYPOST_API_KEY", Prefix: api.DisplayPrefix(secret), Hash: hash, Scope: store.ScopeAdmin}
	if err := keys.CreateAPIKey(ctx, &k); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	return nil
}
