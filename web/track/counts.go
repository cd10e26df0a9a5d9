package track

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/waypost/waypost/store"
)

// counter gathers page counts in memory; Handler.Flush writes them, so a
// page view costs no database write.
type counter struct {
	mu sync.Mutex
	m  map[countKey]store.PageCounts
}

type countKey struct {
	tenant int64
	day    time.Time
}

func newCounter() *counter { return &counter{m: map[countKey]store.PageCounts{}} }

func (c *counter) add(tenant int64, at time.Time, f func(*store.PageCounts)) {
	if tenant == 0 {
		return
	}
	y, m, d := at.UTC().Date()
	k := countKey{tenant, time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	c.mu.Lock()
	pc := c.m[k]
	f(&pc)
	c.m[k] = pc
	c.mu.Unlock()
}

func (c *counter) take() map[countKey]store.PageCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.m
	c.m = map[countKey]store.PageCounts{}
	return out
}

func (c *counter) putBack(k countKey, pc store.PageCounts) {
	c.add(k.tenant, k.day, func(p *store.PageCounts) {
		p.Views += pc.Views
		p.Lookups += pc.Lookups
		p.FailedLookups += pc.FailedLookups
		p.Reports += pc.Reports
	})
}

type metrics struct {
	lookups *prometheus.CounterVec
	views   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) metrics {
	m := metrics{
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_track_lookups_total",
			Help: "Tracking-page lookups by result: found, verified, not_found, unverified, limited.",
		}, []string{"result"}),
		views: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "waypost_track_page_views_total",
			Help: "Tracking pages shown with a shipment on them.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.lookups, m.views)
	}
	return m
}
