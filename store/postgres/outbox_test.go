package postgres_test

import (
	"testing"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/storetest"
)

func TestOutbox(t *testing.T) { storetest.RunOutbox(t, open) }

// TestOutboxTwoNodes claims from two stores (two pools, as two nodes have)
// on one schema.
func TestOutboxTwoNodes(t *testing.T) {
	u := freshSchema(t)
	a := openURL(t, u, postgres.Options{MaxConns: 4})
	b := openURL(t, u, postgres.Options{MaxConns: 4})
	tn := shipment.Tenant{Slug: "two-nodes", Name: "Shop"}
	if err := a.CreateTenant(t.Context(), &tn); err != nil {
		t.Fatal(err)
	}
	storetest.OutboxClaimersSplit(t, store.Outbox(a), store.Outbox(b), tn.ID)
}
