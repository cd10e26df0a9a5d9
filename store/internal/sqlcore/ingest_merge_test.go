package sqlcore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// TestMergeMatchesDerive checks the shortcut advance takes for late and
// out-of-order events: merging new events into the stored progress gives
// what deriving from all events gives, whenever Merge says it can decide.
// Times are drawn from a few hours so that late events, ties and every
// phase (delivered, returning, returned) occur often.
func TestMergeMatchesDerive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	subs := append([]status.Substatus{""}, status.Substatuses...)
	event := func(i int) shipment.Event {
		sub := subs[rng.IntN(len(subs))]
		return shipment.Event{
			ParcelID: int64(1 + rng.IntN(2)),
			Time:     base.Add(time.Duration(rng.IntN(40)) * 15 * time.Minute),
			Status:   sub.Status(), Substatus: sub,
			Hash: fmt.Sprintf("%04d", i),
		}
	}
	decided, extended := 0, 0
	for round := range 20000 {
		stored := make([]shipment.Event, rng.IntN(12))
		for i := range stored {
			stored[i] = event(i)
		}
		fresh := make([]shipment.Event, 1+rng.IntN(6))
		for i := range fresh {
			fresh[i] = event(100 + i)
		}
		p := shipment.Derive(stored)
		got, ok := shipment.Merge(p, fresh)
		if !ok {
			continue
		}
		decided++
		if shipment.CanExtend(p, fresh) {
			extended++
		}
		want := shipment.Derive(append(stored, fresh...))
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("round %d: Merge differs from Derive (-derive +merge):\n%s\nstored %v\nnew %v", round, d, stored, fresh)
		}
	}
	// Most rounds must be decided, and most of those by merging rather
	// than extending, or this test would check little.
	if decided < 15000 || decided-extended < 10000 {
		t.Fatalf("only %d of 20000 rounds decided, %d of them by merging", decided, decided-extended)
	}
	t.Logf("%d of 20000 rounds decided, %d by merging", decided, decided-extended)
}
