package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/eta"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// etaHooks are told of every estimate revised by a day or more; other
// parts append theirs from their start function (the eta part calls them
// at run time, so start order does not matter).
var etaHooks []eta.Hook

var etaFlags struct {
	refresh, poll, window time.Duration
}

func init() {
	registerPart(part{
		name: "eta",
		flags: func(fs *pflag.FlagSet) {
			fs.DurationVar(&etaFlags.refresh, "eta-refresh", time.Hour, "how often lane statistics are recomputed and every active estimate refreshed")
			fs.DurationVar(&etaFlags.poll, "eta-poll", 2*time.Second, "how often shipment changes are read for new estimates")
			fs.DurationVar(&etaFlags.window, "eta-window", 180*24*time.Hour, "how far back deliveries count for lane statistics")
		},
		start: startETA,
	})
}

func startETA(env *partEnv) error {
	en, err := eta.NewEngine(env.Store, env.Log.With("part", "eta"), env.Now)
	if err != nil {
		return err
	}
	en.Window = etaFlags.window
	en.Hook = func(ctx context.Context, sh shipment.Shipment, old, new store.DeliveryEstimate, reason string) {
		env.Log.InfoContext(ctx, "estimate revised", "tenant_id", sh.TenantID, "shipment_id", sh.ID,
			"from", old.MostLikely.Format(time.DateOnly), "to", new.MostLikely.Format(time.DateOnly), "reason", reason)
		for _, h := range etaHooks {
			h(ctx, sh, old, new, reason)
		}
	}
	if err := env.Store.(store.Tasks).SubscribeQueue(env.Ctx, eta.Queue); err != nil {
		return err
	}
	env.Go(func(ctx context.Context) error {
		refresh := time.NewTicker(max(etaFlags.refresh, time.Minute))
		defer refresh.Stop()
		poll := time.NewTicker(max(etaFlags.poll, 100*time.Millisecond))
		defer poll.Stop()
		if err := en.RefreshAll(ctx); err != nil && ctx.Err() == nil {
			env.Log.WarnContext(ctx, "estimates refresh", "error", err)
		}
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-refresh.C:
				if err := en.RefreshAll(ctx); err != nil && ctx.Err() == nil {
					env.Log.WarnContext(ctx, "estimates refresh", "error", err)
				}
			case <-poll.C:
				for {
					n, err := en.ProcessTasks(ctx, 200)
					if err != nil && ctx.Err() == nil {
						env.Log.WarnContext(ctx, "estimate tasks", "error", err)
					}
					if err != nil || n < 200 {
						break
					}
				}
			}
		}
	})
	return nil
}
