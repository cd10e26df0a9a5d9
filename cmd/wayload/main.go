// Command wayload is an open-loop HTTP load generator: it starts requests
// at a constant rate whatever the server's speed, and measures each
// latency from the moment its request was due, so a slow server cannot
// hide its queueing (no coordinated omission).
//
//	wayload -url http://127.0.0.1:8080/api/v1/trackings/{id} -ids 1-1000000 \
//	    -rate 2000 -duration 30s -H "Authorization: Bearer $KEY"
//
// It prints requests, errors by status, the achieved rate and latency
// percentiles, as text or (-json) one JSON object. The seed mode creates
// trackings through the bulk API (see seed.go).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type config struct {
	urls        []string
	idLo, idHi  int64
	rate        float64
	duration    time.Duration
	method      string
	body        []byte
	headers     http.Header
	timeout     time.Duration
	maxInFlight int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "seed" {
		if err := seedMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "wayload seed:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wayload:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("wayload", flag.ContinueOnError)
	var (
		urls         listFlag
		hdrs         listFlag
		urlFile, ids string
		bodyFile     string
		jsonOut      bool
		cfg          config
	)
	fs.Var(&urls, "url", "URL to request (repeatable; requests go round-robin); {id} is replaced by a random id from -ids, {id:09} by one zero-padded to 9 digits")
	fs.StringVar(&urlFile, "url-file", "", "file of URLs, one a line")
	fs.StringVar(&ids, "ids", "", "range of ids for {id}, e.g. 1-1000000")
	fs.Float64Var(&cfg.rate, "rate", 100, "requests started per second")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to send")
	fs.Var(&hdrs, "H", `header "Name: value" (repeatable)`)
	fs.StringVar(&cfg.method, "method", http.MethodGet, "HTTP method")
	fs.StringVar(&bodyFile, "body-file", "", "request body file")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.IntVar(&cfg.maxInFlight, "max-inflight", 10000, "requests in flight at most; beyond it a due request counts as error \"dropped\"")
	fs.BoolVar(&jsonOut, "json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.urls = urls
	if urlFile != "" {
		f, err := os.Open(urlFile)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				cfg.urls = append(cfg.urls, l)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	if len(cfg.urls) == 0 {
		return errors.New("give -url or -url-file")
	}
	if ids != "" {
		lo, hi, ok := strings.Cut(ids, "-")
		a, err1 := strconv.ParseInt(lo, 10, 64)
		b, err2 := strconv.ParseInt(hi, 10, 64)
		if !ok || err1 != nil || err2 != nil || b < a {
			return fmt.Errorf("-ids %q: want LO-HI", ids)
		}
		cfg.idLo, cfg.idHi = a, b
	}
	if cfg.rate <= 0 || cfg.duration <= 0 {
		return errors.New("-rate and -duration must be positive")
	}
	cfg.headers = http.Header{}
	for _, h := range hdrs {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("-H %q: want \"Name: value\"", h)
		}
		cfg.headers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if bodyFile != "" {
		b, err := os.ReadFile(bodyFile)
		if err != nil {
			return err
		}
		cfg.body = b
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep := load(ctx, cfg)
	if jsonOut {
		return json.NewEncoder(out).Encode(rep)
	}
	rep.print(out)
	return nil
}

// report is the outcome of a run. Latencies are in milliseconds.
type report struct {
	Requests     int            `json:"requests"`
	OK           int            `json:"ok"`
	Errors       map[string]int `json:"errors"` // by status code, or "timeout", "dropped", "connection"
	Duration     float64        `json:"duration_s"`
	TargetRate   float64        `json:"target_rate"`
	AchievedRate float64        `json:"achieved_rate"`
	P50          float64        `json:"p50_ms"`
	P90          float64        `json:"p90_ms"`
	P99          float64        `json:"p99_ms"`
	P999         float64        `json:"p999_ms"`
	Max          float64        `json:"max_ms"`
}

type sample struct {
	lat    time.Duration
	status string // "" for 2xx/3xx
}

func load(ctx context.Context, cfg config) report {
	tr := &http.Transport{MaxIdleConns: cfg.maxInFlight, MaxIdleConnsPerHost: cfg.maxInFlight, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: cfg.timeout}
	n := int(cfg.rate * cfg.duration.Seconds())
	samples := make([]sample, n)
	interval := time.Duration(float64(time.Second) / cfg.rate)
	sem := make(chan struct{}, cfg.maxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	sent := 0
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		sent++
		select {
		case sem <- struct{}{}:
		default:
			samples[i] = sample{status: "dropped"}
			continue
		}
		u := cfg.urls[i%len(cfg.urls)]
		if cfg.idHi > 0 {
			u = fillID(u, cfg.idLo+rand.Int64N(cfg.idHi-cfg.idLo+1))
		}
		wg.Go(func() {
			defer func() { <-sem }()
			samples[i] = do(client, cfg, u, due)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	return summarise(samples[:sent], cfg.rate, elapsed)
}

// fillID replaces the first {id} or {id:0N} in u with id, the second form
// zero-padded to N digits: seeded tracking numbers such as LN000000042CN
// embed their row id that way.
func fillID(u string, id int64) string {
	i := strings.Index(u, "{id")
	if i < 0 {
		return u
	}
	j := strings.IndexByte(u[i:], '}')
	if j < 0 {
		return u
	}
	spec, v := u[i+3:i+j], strconv.FormatInt(id, 10)
	if w, err := strconv.Atoi(strings.TrimPrefix(spec, ":0")); strings.HasPrefix(spec, ":0") && err == nil && w > len(v) {
		v = strings.Repeat("0", w-len(v)) + v
	} else if spec != "" && !strings.HasPrefix(spec, ":0") {
		return u
	}
	return u[:i] + v + u[i+j+1:]
}

func do(client *http.Client, cfg config, u string, due time.Time) sample {
	var body io.Reader
	if cfg.body != nil {
		body = strings.NewReader(string(cfg.body))
	}
	req, err := http.NewRequest(cfg.method, u, body)
	if err != nil {
		return sample{status: "bad_request_url"}
	}
	req.Header = cfg.headers.Clone()
	res, err := client.Do(req)
	if err != nil {
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return sample{lat: time.Since(due), status: "timeout"}
		}
		return sample{lat: time.Since(due), status: "connection"}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	s := sample{lat: time.Since(due)}
	if res.StatusCode >= 400 {
		s.status = strconv.Itoa(res.StatusCode)
	}
	return s
}

func summarise(samples []sample, target float64, elapsed time.Duration) report {
	r := report{Requests: len(samples), Errors: map[string]int{}, Duration: elapsed.Seconds(), TargetRate: target}
	lats := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		if s.status != "" {
			r.Errors[s.status]++
		} else {
			r.OK++
		}
		if s.status != "dropped" {
			lats = append(lats, s.lat)
		}
	}
	if elapsed > 0 {
		r.AchievedRate = float64(len(samples)) / elapsed.Seconds()
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		i := int(p*float64(len(lats))+0.5) - 1
		i = min(max(i, 0), len(lats)-1)
		return float64(lats[i].Microseconds()) / 1000
	}
	r.P50, r.P90, r.P99, r.P999 = pct(0.50), pct(0.90), pct(0.99), pct(0.999)
	if len(lats) > 0 {
		r.Max = float64(lats[len(lats)-1].Microseconds()) / 1000
	}
	return r
}

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "requests   %d in %.1fs (target %.0f/s, achieved %.1f/s)\n", r.Requests, r.Duration, r.TargetRate, r.AchievedRate)
	fmt.Fprintf(w, "ok         %d\n", r.OK)
	keys := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "error %-5s %d\n", k, r.Errors[k])
	}
	fmt.Fprintf(w, "latency    p50 %.2fms  p90 %.2fms  p99 %.2fms  p99.9 %.2fms  max %.2fms\n", r.P50, r.P90, r.P99, r.P999, r.Max)
}
