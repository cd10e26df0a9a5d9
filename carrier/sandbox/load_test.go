package sandbox_test

import (
	"context"
	"flag"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/sandbox"
)

// loadFigures is what one load run measured.
type loadFigures struct {
	parcels, found, notFound, failed int
	requests, tokens, rateLimited    int64
	elapsed                          time.Duration
}

func (f loadFigures) perParcel() float64 { return float64(f.requests) / float64(f.parcels) }
func (f loadFigures) parcelsPerSec() float64 {
	return float64(f.parcels) / f.elapsed.Seconds()
}

// loadRateLimit is the sandbox's limit during load runs: high enough to
// finish 10,000 one-number-per-call parcels in seconds, low enough that the
// client's own pacing is what keeps it out of 429s.
const loadRateLimit = 2500

// loadRun tracks n parcels of slug through the connector with workers
// concurrent callers sharing one connector (one client, one limiter), the
// client paced just under the sandbox's limit.
func loadRun(t testing.TB, slug string, n, workers int) loadFigures {
	js := sandbox.Generate(sandbox.Options{Seed: 2026, N: n, Carriers: []string{slug}, Spread: 10 * 24 * time.Hour})
	at := sandbox.DefaultStart.Add(9 * 24 * time.Hour) // parcels at every stage
	srv, err := sandbox.Start(sandbox.ServerOptions{
		Clock: sandbox.NewClock(at, 0), Journeys: js, Carriers: []string{slug},
		Faults: map[string]sandbox.Faults{slug: {RateLimit: loadRateLimit, Burst: 100}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := open(t, srv, slug, func(c *carrier.Config) {
		c.RequestsPerSecond, c.Burst = loadRateLimit*0.95, 50
	})
	ts := targets(js, slug)
	size := max(1, c.Limits().BatchSize)
	var (
		next                    atomic.Int64
		found, notFound, failed atomic.Int64
		wg                      sync.WaitGroup
		mismatchOnce            sync.Once
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(int64(size))) - size
				if i >= len(ts) {
					return
				}
				batch := ts[i:min(i+size, len(ts))]
				reqs := make([]carrier.Request, len(batch))
				for k, tg := range batch {
					reqs[k] = carrier.Request{TrackingNumber: tg.j.Legs[tg.leg].Number}
				}
				res, err := c.Track(context.Background(), reqs)
				if err != nil {
					failed.Add(int64(len(batch)))
					continue
				}
				for k, r := range res {
					want := len(shown(slug, batch[k], at))
					switch {
					case r.Err != nil:
						failed.Add(1)
					case r.Found:
						found.Add(1)
						if len(r.Events) != want {
							mismatchOnce.Do(func() { t.Errorf("%s: %d events, want %d", r.TrackingNumber, len(r.Events), want) })
						}
					default:
						notFound.Add(1)
						if want != 0 {
							mismatchOnce.Do(func() { t.Errorf("%s: not found, want %d events", r.TrackingNumber, want) })
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	st := srv.Stats(slug)
	return loadFigures{
		parcels: len(ts), found: int(found.Load()), notFound: int(notFound.Load()), failed: int(failed.Load()),
		requests: st.Requests, tokens: st.Token, rateLimited: st.RateLimited, elapsed: time.Since(start),
	}
}

// loadParcels is the number of parcels per connector of TestLoadRun: a
// thousand keeps the package's tests short on two cores; the full run is
//
//	go test ./carrier/sandbox -run TestLoadRun -v -parcels 10000
var loadParcels = flag.Int("parcels", 1000, "parcels per connector in TestLoadRun (10000 for the full load run)")

// TestLoadRun tracks -parcels parcels (1,000 by default, 10,000 for the
// full run) through each connector against the sandbox and reports the
// figures. Nothing may be lost; the timings are reported, never asserted.
func TestLoadRun(t *testing.T) {
	if testing.Short() {
		t.Skip("load run of every connector; skipped with -short")
	}
	for _, slug := range connectors(t) {
		t.Run(slug, func(t *testing.T) {
			f := loadRun(t, slug, *loadParcels, 8)
			if f.failed > 0 {
				t.Errorf("%d parcels failed", f.failed)
			}
			if f.found+f.notFound != f.parcels {
				t.Errorf("%d found + %d not found != %d parcels", f.found, f.notFound, f.parcels)
			}
			t.Logf("%s: %d parcels (%d found, %d not yet scanned) in %s: %.0f parcels/s, %.3f requests/parcel (%d requests, %d token, %d answered 429), sandbox limit %d req/s",
				slug, f.parcels, f.found, f.notFound, f.elapsed.Round(time.Millisecond), f.parcelsPerSec(), f.perParcel(),
				f.requests, f.tokens, f.rateLimited, loadRateLimit)
		})
	}
}

// BenchmarkTrack measures parcels tracked per second through each connector
// and the sandbox, paced by the sandbox's rate limit.
func BenchmarkTrack(b *testing.B) {
	for _, slug := range connectors(b) {
		b.Run(slug, func(b *testing.B) {
			f := loadRun(b, slug, max(b.N, 1), 8)
			b.ReportMetric(f.parcelsPerSec(), "parcels/s")
			b.ReportMetric(f.perParcel(), "requests/parcel")
			b.ReportMetric(0, "ns/op")
		})
	}
}
