// Command loadgen sends GET requests at a fixed rate (open loop: a slow
// answer does not slow the sending, so queueing shows in the latencies,
// unlike closed-loop tools) and prints the latency percentiles. It is how
// docs/dashboard.md measures the dashboard from a second process.
//
//	go run ./web/app/internal/loadgen -rate 200 -d 30s -cookie "waypost_session=…" URL...
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	rate := flag.Float64("rate", 200, "requests per second")
	dur := flag.Duration("d", 30*time.Second, "how long to send")
	cookie := flag.String("cookie", "", "Cookie header of every request")
	flag.Parse()
	urls := flag.Args()
	if len(urls) == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: give one or more URLs (used in turn)")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	var (
		mu    sync.Mutex
		lat   []time.Duration
		fails int
		wg    sync.WaitGroup
	)
	every := time.Duration(float64(time.Second) / *rate)
	start := time.Now()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * every)
		if at.Sub(start) >= *dur {
			break
		}
		time.Sleep(time.Until(at))
		u := urls[i%len(urls)]
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			if *cookie != "" {
				req.Header.Set("Cookie", *cookie)
			}
			res, err := client.Do(req)
			ok := err == nil && res.StatusCode == http.StatusOK
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			// Latency from the scheduled send time: a late send counts.
			d := time.Since(at)
			mu.Lock()
			lat = append(lat, d)
			if !ok {
				fails++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	p := func(q float64) time.Duration {
		return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(100 * time.Microsecond)
	}
	fmt.Printf("requests %d in %s (%.0f/s), failed %d; latency p50 %s p90 %s p99 %s max %s\n",
		len(lat), *dur, float64(len(lat))/dur.Seconds(), fails, p(0.5), p(0.9), p(0.99), lat[len(lat)-1].Round(100*time.Microsecond))
}
