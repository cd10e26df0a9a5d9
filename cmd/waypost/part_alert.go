package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

var alertFlags struct {
	scan, digest time.Duration
	emails       []string
	webhooks     []string
	slack        []string
}

func init() {
	registerPart(part{
		name: "alert",
		flags: func(fs *pflag.FlagSet) {
			fs.DurationVar(&alertFlags.scan, "alert-scan-interval", 15*time.Minute, "how often every active shipment is checked for stalls and overdue holds")
			fs.DurationVar(&alertFlags.digest, "alert-digest-interval", time.Hour, "how often new alerts are emailed as a digest")
			fs.StringSliceVar(&alertFlags.emails, "alert-email", nil, "addresses that get the alert digest and reminders of unowned cases")
			fs.StringSliceVar(&alertFlags.webhooks, "alert-webhook", nil, "webhook endpoint IDs that get alert.raised and alert.cleared events")
			fs.StringSliceVar(&alertFlags.slack, "alert-slack", nil, "webhook endpoint IDs of Slack incoming webhooks for alert events")
		},
		start: startAlert,
	})
}

func startAlert(env *partEnv) error {
	log := env.Log.With("part", "alert")
	if _, ok := env.Store.(store.Alerts); !ok {
		log.Warn("alerts disabled: the store has no alert tables")
		return nil
	}
	o := alert.Options{Store: env.Store, Log: log, Now: env.Now, Owner: fmt.Sprintf("alert-%s-%d", alertHost(), os.Getpid()),
		BaseURL: env.BaseURL, Audience: alert.StaticAudience{Emails: alertFlags.emails, Webhooks: alertFlags.webhooks, Slack: alertFlags.slack}}
	if _, ok := env.Store.(store.Outbox); ok {
		ob, err := notify.NewOutbox(env.Store, env.Now)
		if err != nil {
			return err
		}
		o.Outbox = ob
	}
	eng, err := alert.New(o)
	if err != nil {
		return err
	}
	iv := alert.Intervals{Scan: alertFlags.scan, Digest: alertFlags.digest}
	if env.Demo {
		// The demo's clock runs an hour per second: check every few
		// simulated hours so stalls show up while someone watches.
		iv.Scan = 5 * time.Second
	}
	env.Go(func(ctx context.Context) error { return eng.Run(ctx, iv) })
	return nil
}

// alertHost names this node in task leases.
func alertHost() string {
	h, err := os.Hostname()
	if err != nil {
		return "node"
	}
	return h
}
