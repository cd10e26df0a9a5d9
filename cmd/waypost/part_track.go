package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/track"
)

var trackFlags struct {
	tenant     string
	secret     string
	rate       float64
	burst      int
	trustProxy bool
}

func init() {
	registerPart(part{
		name: "track",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&trackFlags.tenant, "track-tenant", "", "slug of the shop whose page /track is (default: the demo shop; without one /track looks numbers up across shops)")
			fs.StringVar(&trackFlags.secret, "track-secret", "", "key signing the tracking page's verification cookies; give every node the same one (default: random per process; never logged)")
			fs.Float64Var(&trackFlags.rate, "track-rate", 0.5, "tracking-page lookups per second allowed to each client address")
			fs.IntVar(&trackFlags.burst, "track-burst", 20, "burst of tracking-page lookups allowed to each client address")
			fs.BoolVar(&trackFlags.trustProxy, "track-trust-proxy", false, "take the client address from X-Forwarded-For (only behind a reverse proxy that sets it)")
		},
		start: startTrack,
	})
}

// storeEstimator shows the estimates the eta part stores.
type storeEstimator struct{ s store.Estimates }

func (e storeEstimator) Estimate(ctx context.Context, tenantID, shipmentID int64) (time.Time, time.Time, bool) {
	d, err := e.s.GetEstimate(ctx, tenantID, shipmentID)
	if err != nil || d.Earliest.IsZero() || d.Latest.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	return d.Earliest, d.Latest, true
}

func startTrack(env *partEnv) error {
	tenant := env.DefaultTenantID
	if trackFlags.tenant != "" {
		tp, ok := env.Store.(store.TrackingPages)
		if ok {
			b, err := tp.BrandingBySlug(env.Ctx, trackFlags.tenant)
			if err != nil {
				return err
			}
			tenant = b.TenantID
		}
	}
	cfg := track.Config{
		Store:           env.Store,
		DefaultTenantID: tenant,
		Secret:          []byte(trackFlags.secret),
		LookupRate:      trackFlags.rate,
		LookupBurst:     trackFlags.burst,
		TrustProxy:      trackFlags.trustProxy,
		Registry:        env.Registry,
		Log:             env.Log.With("part", "track"),
		Now:             time.Now, // buyers live in real time, also in the demo
	}
	if es, ok := env.Store.(store.Estimates); ok {
		cfg.Estimator = storeEstimator{es}
	}
	if cs, ok := env.Store.(store.Cases); ok {
		cfg.Reporter = caseReporter{cases: &alert.Cases{St: cs, Now: env.Now}, log: cfg.Log}
	}
	if _, ok := env.Store.(store.NotifySettings); ok && !notifyFlags.off {
		subs, err := notify.BuyerSubscriptions(notify.ChannelEnv{Store: env.Store, Log: env.Log, Now: env.Now, BaseURL: env.BaseURL, Demo: env.Demo})
		if err != nil {
			return err
		}
		cfg.Subscriber = emailSubscriber{subs}
	}
	h, err := track.New(cfg)
	if err != nil {
		return err
	}
	h.Mount(env.Server)
	env.Go(func(ctx context.Context) error { return h.Run(ctx, 10*time.Second) })
	return nil
}
