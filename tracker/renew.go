package tracker

import (
	"context"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
)

// leases are the leases this node holds on parcels in flight: claimed and
// not yet recorded. A parcel can wait in its lane's queue behind a slow or
// rate-limited carrier for longer than its lease; renewLoop extends the
// leases of those still waiting, so no other node takes them meanwhile.
type leases struct {
	mu sync.Mutex
	m  map[int64]*held
}

type held struct {
	owner string
	until time.Time
	// checking is set once the parcel's check began: from then on its
	// row is the node's own ingest's and reschedule's, so renewals leave
	// it alone (two writers on one row would only wait on each other).
	checking bool
}

func (l *leases) add(p shipment.Parcel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[int64]*held{}
	}
	l.m[p.ID] = &held{owner: p.LeaseOwner, until: p.LeaseUntil}
}

// drop forgets p's lease. A parcel claimed again meanwhile (its old lease
// lapsed while it waited) is held under its new lease, which stays.
func (l *leases) drop(p shipment.Parcel) {
	l.mu.Lock()
	if h := l.m[p.ID]; h != nil && h.owner == p.LeaseOwner {
		delete(l.m, p.ID)
	}
	l.mu.Unlock()
}

// until is when the lease p was claimed under ends; zero when it is no
// longer held.
func (l *leases) until(p shipment.Parcel) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h := l.m[p.ID]; h != nil && h.owner == p.LeaseOwner {
		return h.until
	}
	return time.Time{}
}

// checking marks p's check as begun.
func (l *leases) checking(p shipment.Parcel) {
	l.mu.Lock()
	if h := l.m[p.ID]; h != nil && h.owner == p.LeaseOwner {
		h.checking = true
	}
	l.mu.Unlock()
}

// byOwner lists the held parcels still waiting for their check, per lease
// owner.
func (l *leases) byOwner() map[string][]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][]int64{}
	for id, h := range l.m {
		if !h.until.IsZero() && !h.checking {
			out[h.owner] = append(out[h.owner], id)
		}
	}
	return out
}

// renewed records the outcome of one renewal: kept parcels are held until
// until, the others are lost (their lease ends at once).
func (l *leases) renewed(ids, kept []int64, until time.Time) (lost int) {
	ok := make(map[int64]bool, len(kept))
	for _, id := range kept {
		ok[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		h := l.m[id]
		if h == nil {
			continue // recorded meanwhile
		}
		if ok[id] {
			h.until = until
		} else if !h.until.IsZero() && !h.checking {
			h.until = time.Time{}
			lost++
		}
	}
	return lost
}

// renewEvery is how often leases are renewed: three times per lease, in
// real time (the tracker's clock may run faster, as in the demo), and at
// least once a second, so a clock whose pace is not known yet is caught
// up with soon.
func (t *Tracker) renewEvery() time.Duration {
	d := t.cfg.LeaseFor / 3
	if real := time.Since(t.real0); real >= 100*time.Millisecond {
		if rate := float64(t.cfg.Now().Sub(t.clock0)) / float64(real); rate > 1 {
			d = time.Duration(float64(d) / rate)
		}
	}
	return min(max(d, 10*time.Millisecond), time.Second)
}

// renewLoop extends the leases of the parcels in flight until ctx ends.
func (t *Tracker) renewLoop(ctx context.Context) {
	timer := time.NewTimer(t.renewEvery())
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		t.renewOnce(ctx)
		timer.Reset(t.renewEvery())
	}
}

// renewOnce extends every held lease by LeaseFor from now.
func (t *Tracker) renewOnce(ctx context.Context) {
	now := t.cfg.Now()
	for owner, ids := range t.held.byOwner() {
		kept, err := t.cfg.Store.ExtendLeases(ctx, owner, ids, now, t.cfg.LeaseFor)
		if err != nil {
			if ctx.Err() == nil {
				t.log.Warn("tracker: renew leases", "owner", owner, "parcels", len(ids), "error", err)
			}
			continue // they may still be renewed next time, before they end
		}
		if lost := t.held.renewed(ids, kept, now.Add(t.cfg.LeaseFor)); lost > 0 {
			t.log.Warn("tracker: leases lost while waiting", "owner", owner, "parcels", lost)
		}
		t.cfg.Metrics.renewed(len(kept))
	}
}
