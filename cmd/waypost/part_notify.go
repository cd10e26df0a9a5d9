package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// notifyFlags are the outbox and webhook settings of serve and demo.
var notifyFlags struct {
	allowPrivate []string
	timeout      time.Duration
	concurrency  int
	poll         time.Duration
	adminEmail   string
	off          bool
}

func init() {
	registerPart(part{
		name: "notify",
		flags: func(fs *pflag.FlagSet) {
			fs.StringSliceVar(&notifyFlags.allowPrivate, "webhook-allow-private", nil,
				"CIDR prefixes webhooks may reach although they are loopback or private (e.g. 10.0.0.0/8)")
			fs.DurationVar(&notifyFlags.timeout, "webhook-timeout", 10*time.Second, "time allowed for one webhook delivery")
			fs.IntVar(&notifyFlags.concurrency, "notify-concurrency", 64, "messages sent at once by this node")
			fs.DurationVar(&notifyFlags.poll, "notify-poll", time.Second, "how often an idle node looks for due messages")
			fs.StringVar(&notifyFlags.adminEmail, "notify-admin-email", "",
				"address told by email when a webhook endpoint is paused (empty: log only)")
			fs.BoolVar(&notifyFlags.off, "notify-off", false, "do not send notifications from this node")
			for _, c := range notify.Channels() {
				if c.Flags != nil {
					c.Flags(fs)
				}
			}
		},
		start: startNotify,
	})
}

func startNotify(env *partEnv) error {
	if notifyFlags.off {
		return nil
	}
	if _, ok := env.Store.(store.Outbox); !ok {
		return fmt.Errorf("notify: the store has no outbox")
	}
	ob, err := notify.NewOutbox(env.Store, env.Now)
	if err != nil {
		return err
	}
	allow := notifyFlags.allowPrivate
	if env.Demo && len(allow) == 0 {
		// The demo's receivers run on this machine.
		allow = []string{"127.0.0.0/8", "::1/128"}
	}
	guard, err := notify.NewGuard(allow)
	if err != nil {
		return err
	}
	// The api part starts before this one (parts start in name order):
	// webhook URLs saved through the API are checked with the same guard,
	// and test or replayed events leave at once.
	if restAPI != nil {
		restAPI.SetWebhookGuard(guard)
		restAPI.SetOutbox(ob)
	}
	cenv := notify.ChannelEnv{Store: env.Store, Outbox: ob, Log: env.Log, Now: env.Now, BaseURL: env.BaseURL, Demo: env.Demo}
	hook, err := notify.NewWebhookSender(env.Store, notify.WebhookOptions{
		Guard: guard, Timeout: notifyFlags.timeout, Log: env.Log.With("part", "webhooks"), Now: env.Now,
		Notice: func(ctx context.Context, e store.WebhookEndpoint) { endpointPausedNotice(ctx, env, ob, e) },
	})
	if err != nil {
		return err
	}
	senders := []notify.Sender{hook}
	for _, c := range notify.Channels() {
		s, err := c.New(cenv)
		if err != nil {
			return fmt.Errorf("notify: channel %s: %w", c.Channel, err)
		}
		if s != nil {
			senders = append(senders, s)
		}
	}
	planner, err := notify.BuildPlanner(cenv)
	if err != nil {
		return fmt.Errorf("notify: planner: %w", err)
	}
	consumer, err := notify.NewConsumer(env.Store, ob, planner, notify.ConsumerOptions{Log: env.Log.With("part", "notify"), Now: env.Now})
	if err != nil {
		return err
	}
	// Subscribe now, before the tracker ingests anything, so no change is
	// missed between start and the consumer's first claim.
	if err := consumer.Subscribe(env.Ctx); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	disp, err := notify.NewDispatcher(ob, senders, notify.DispatcherOptions{
		Concurrency: notifyFlags.concurrency, Poll: notifyFlags.poll, Lease: max(2*time.Minute, 3*notifyFlags.timeout),
		Registry: env.Registry, Log: env.Log.With("part", "outbox"), Now: env.Now,
	})
	if err != nil {
		return err
	}
	// A revised delivery estimate is a moment of its own for buyers.
	if bp, ok := planner.(*notify.BuyerPlanner); ok {
		log := env.Log.With("part", "notify")
		etaHooks = append(etaHooks, func(ctx context.Context, sh shipment.Shipment, _, next store.DeliveryEstimate, _ string) {
			msgs, err := bp.PlanEstimateRevised(ctx, sh.TenantID, sh.ID, next.MostLikely)
			if err == nil && len(msgs) > 0 {
				_, err = ob.Enqueue(ctx, msgs...)
			}
			if err != nil {
				log.Warn("estimate revised: messages not queued", "shipment_id", sh.ID, "error", err)
			}
		})
	}
	// One-click unsubscribe links in buyers' emails.
	subs, err := notify.BuyerSubscriptions(cenv)
	if err != nil {
		return fmt.Errorf("notify: subscriptions: %w", err)
	}
	unsub := subs.Handler(env.Log.With("part", "unsubscribe"))
	env.Server.Handle("GET /u/{token}", unsub)
	env.Server.Handle("POST /u/{token}", unsub)
	env.Go(consumer.Run)
	env.Go(disp.Run)
	return nil
}

// endpointPausedNotice tells the tenant that an endpoint was paused: an
// email to --notify-admin-email through the outbox when set (the log line
// is written by the sender either way).
func endpointPausedNotice(ctx context.Context, env *partEnv, ob *notify.Outbox, e store.WebhookEndpoint) {
	if notifyFlags.adminEmail == "" {
		return
	}
	body := fmt.Sprintf(`{"subject":"Webhook endpoint %d paused","text":%q}`, e.ID,
		fmt.Sprintf("Waypost paused webhook endpoint %d (%s): %s. Fix the receiver, then enable the endpoint again; its waiting events will be delivered in order.", e.ID, e.Description, e.PausedReason))
	m := notify.Message{
		ID:       fmt.Sprintf("endpoint-paused-%d-%d", e.ID, e.UpdatedAt.UnixMicro()),
		TenantID: e.TenantID, Channel: notify.Email, Moment: notify.EndpointPaused,
		Target: notifyFlags.adminEmail, Body: []byte(body),
	}
	if _, err := ob.Enqueue(ctx, m); err != nil {
		env.Log.Warn("endpoint pause notice not enqueued", "tenant", e.TenantID, "endpoint", e.ID, "err", err)
	}
}
