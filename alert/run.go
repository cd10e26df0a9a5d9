package alert

import (
	"context"
	"time"
)

// Intervals of the engine's loops.
type Intervals struct {
	Tasks     time.Duration // change tasks (default 1 s)
	Scan      time.Duration // timer scan of every active shipment (default 15 min)
	Notices   time.Duration // webhook events (default 5 s)
	Digest    time.Duration // email digests (default 1 h)
	FollowUps time.Duration // case reminders (default 1 min)
}

func (iv *Intervals) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&iv.Tasks, time.Second)
	def(&iv.Scan, 15*time.Minute)
	def(&iv.Notices, 5*time.Second)
	def(&iv.Digest, time.Hour)
	def(&iv.FollowUps, time.Minute)
}

// Run runs every loop until ctx ends. Failures are logged and retried on
// the next tick: a database hiccup must not stop the server.
func (e *Engine) Run(ctx context.Context, iv Intervals) error {
	iv.defaults()
	if _, err := e.Subscribe(ctx); err != nil {
		return err
	}
	type loop struct {
		name  string
		every time.Duration
		fn    func(context.Context) error
	}
	loops := []loop{
		{"tasks", iv.Tasks, func(ctx context.Context) error {
			for {
				n, err := e.ProcessTasks(ctx, 200)
				if err != nil || n < 200 {
					return err
				}
			}
		}},
		{"scan", iv.Scan, func(ctx context.Context) error { _, err := e.Scan(ctx); return err }},
		{"notices", iv.Notices, func(ctx context.Context) error { _, err := e.FlushNotices(ctx); return err }},
		{"digest", iv.Digest, func(ctx context.Context) error { _, err := e.SendDigests(ctx); return err }},
		{"follow-ups", iv.FollowUps, func(ctx context.Context) error { _, err := e.RemindFollowUps(ctx); return err }},
	}
	done := make(chan struct{}, len(loops))
	for _, l := range loops {
		go func() {
			defer func() { done <- struct{}{} }()
			t := time.NewTicker(l.every)
			defer t.Stop()
			for {
				if err := l.fn(ctx); err != nil && ctx.Err() == nil {
					e.log.WarnContext(ctx, "alert loop failed", "loop", l.name, "error", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	for range loops {
		<-done
	}
	return nil
}
