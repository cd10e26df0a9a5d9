package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// seedMain creates trackings through POST /api/v1/trackings/bulk, in
// calls of -batch, -workers at a time, and reports the time per call:
// both a way to fill a database for a load run and the bulk-create
// measurement itself.
func seedMain(args []string) error {
	fs := flag.NewFlagSet("wayload seed", flag.ContinueOnError)
	var (
		base, key, prefix string
		n, batch, workers int
		jsonOut           bool
	)
	fs.StringVar(&base, "url", "http://127.0.0.1:8080", "server address")
	fs.StringVar(&key, "key", os.Getenv("WAYPOST_API_KEY"), "API key with scope write (default $WAYPOST_API_KEY)")
	fs.IntVar(&n, "n", 100_000, "trackings to create")
	fs.IntVar(&batch, "batch", 1000, "trackings per call")
	fs.IntVar(&workers, "workers", 1, "calls in flight")
	fs.StringVar(&prefix, "prefix", "LD", "tracking number prefix; numbers are PREFIX + 16 digits, carrier dhl")
	fs.BoolVar(&jsonOut, "json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	type item struct {
		TrackingNumber string `json:"tracking_number"`
		Carrier        string `json:"carrier"`
		Reference      string `json:"reference"`
		Destination    string `json:"destination_country"`
	}
	calls := (n + batch - 1) / batch
	var (
		next    atomic.Int64
		mu      sync.Mutex
		lat     []time.Duration
		created atomic.Int64
		failed  atomic.Int64
		firstEr error
		wg      sync.WaitGroup
	)
	client := &http.Client{Timeout: 5 * time.Minute}
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1)) - 1
				if c >= calls {
					return
				}
				lo, hi := c*batch, min((c+1)*batch, n)
				items := make([]item, 0, hi-lo)
				for i := lo; i < hi; i++ {
					items = append(items, item{fmt.Sprintf("%s%016d", prefix, i), "dhl", fmt.Sprintf("%s-%d", prefix, i), "DE"})
				}
				body, _ := json.Marshal(map[string]any{"trackings": items})
				req, _ := http.NewRequest(http.MethodPost, strings.TrimRight(base, "/")+"/api/v1/trackings/bulk", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				t0 := time.Now()
				res, err := client.Do(req)
				d := time.Since(t0)
				if err != nil {
					mu.Lock()
					firstEr = err
					mu.Unlock()
					return
				}
				var out struct{ Created, Failed int }
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
					mu.Lock()
					firstEr = fmt.Errorf("call %d: %d %.200s", c, res.StatusCode, b)
					mu.Unlock()
					return
				}
				created.Add(int64(out.Created))
				failed.Add(int64(out.Failed))
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := time.Since(start)
	if firstEr != nil {
		return firstEr
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	rep := map[string]any{"calls": len(lat), "created": created.Load(), "failed": failed.Load(), "total_s": total.Seconds(),
		"per_second": float64(created.Load()) / total.Seconds()}
	if len(lat) > 0 {
		rep["call_p50_ms"], rep["call_max_ms"] = ms(lat[len(lat)/2]), ms(lat[len(lat)-1])
	}
	if jsonOut {
		return json.NewEncoder(os.Stdout).Encode(rep)
	}
	fmt.Printf("created %d (failed %d) in %d calls, %.1fs total, %.0f trackings/s; call p50 %.0fms, max %.0fms\n",
		created.Load(), failed.Load(), len(lat), total.Seconds(), rep["per_second"], rep["call_p50_ms"], rep["call_max_ms"])
	return nil
}
