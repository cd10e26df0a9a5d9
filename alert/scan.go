package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/waypost/waypost/store"
)

// ScanStats reports one timer scan.
type ScanStats struct {
	Shipments int // subjects evaluated
	Raised    int
	Cleared   int
	Elapsed   time.Duration
}

// Scan evaluates every active shipment (and every shipment with an open
// alert) at one instant. It is set-based: pages of subjects are read in
// key order with only the columns the rules need, while the previous page
// is evaluated in Go; only changes are written, in batches. A second
// scan at the same instant writes nothing.
func (e *Engine) Scan(ctx context.Context) (ScanStats, error) {
	start := time.Now()
	now := e.now()
	var stats ScanStats

	type page struct {
		subs []store.AlertSubject
		err  error
	}
	pages := make(chan page, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(pages)
		var after int64
		for {
			subs, err := e.st.ScanAlertSubjects(ctx, after, e.o.ScanPage)
			select {
			case pages <- page{subs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(subs) < e.o.ScanPage {
				return
			}
			after = subs[len(subs)-1].ShipmentID
		}
	}()

	var raise []store.AlertRaise
	var clear []store.AlertClear
	flush := func() error {
		if len(raise) == 0 && len(clear) == 0 {
			return nil
		}
		ch, err := e.st.ApplyAlerts(ctx, raise, clear)
		if err != nil {
			return err
		}
		stats.Raised += len(ch.Raised)
		stats.Cleared += len(ch.Cleared)
		raise, clear = raise[:0], clear[:0]
		return nil
	}
	for p := range pages {
		if p.err != nil {
			return stats, fmt.Errorf("alert: scan: %w", p.err)
		}
		for i := range p.subs {
			r, c, err := e.plan(ctx, &p.subs[i], now)
			if err != nil {
				return stats, fmt.Errorf("alert: scan: %w", err)
			}
			raise, clear = append(raise, r...), append(clear, c...)
		}
		stats.Shipments += len(p.subs)
		if len(raise)+len(clear) >= e.o.WriteBatch {
			if err := flush(); err != nil {
				return stats, fmt.Errorf("alert: scan: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return stats, fmt.Errorf("alert: scan: %w", err)
	}
	stats.Elapsed = time.Since(start)
	e.log.InfoContext(ctx, "alert scan", "shipments", stats.Shipments, "raised", stats.Raised,
		"cleared", stats.Cleared, "elapsed", stats.Elapsed)
	return stats, nil
}
