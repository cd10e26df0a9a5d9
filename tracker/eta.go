package tracker

import (
	"context"
	"sync"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// carrierETAs remembers the last delivery date each shipment's carrier
// declared, so the date is written when it changes rather than on every
// check. It is a cache: a node that forgets writes the same date again.
type carrierETAs struct {
	mu   sync.Mutex
	last map[int64]string
}

// maxETACache bounds the cache; past it, it starts afresh.
const maxETACache = 200_000

// changed reports whether date is news for the shipment, and remembers it.
func (c *carrierETAs) changed(shipmentID int64, date string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil || len(c.last) >= maxETACache {
		c.last = map[int64]string{}
	}
	if c.last[shipmentID] == date {
		return false
	}
	c.last[shipmentID] = date
	return true
}

// recordCarrierETA stores the delivery date a carrier declared for the
// parcel's shipment, where the store keeps estimates; delivery estimates
// weigh it against the lane's history.
func (t *Tracker) recordCarrierETA(ctx context.Context, p shipment.Parcel, eta *carrier.ETA) {
	es, ok := t.cfg.Store.(store.Estimates)
	if !ok || eta == nil || eta.Date == "" {
		return
	}
	day, err := time.Parse(time.DateOnly, eta.Date)
	if err != nil {
		t.log.Debug("tracker: carrier estimate unreadable", "carrier", p.Carrier, "date", eta.Date)
		return
	}
	if !t.etas.changed(p.ShipmentID, eta.Date) {
		return
	}
	if err := es.SetCarrierEstimate(ctx, p.TenantID, p.ShipmentID, day); err != nil {
		t.etas.changed(p.ShipmentID, "") // try again next time
		t.log.Warn("tracker: store carrier estimate", "shipment_id", p.ShipmentID, "error", err)
	}
}
