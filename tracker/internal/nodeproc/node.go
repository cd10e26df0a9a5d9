package nodeproc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/waypost/waypost/carrier"
	_ "github.com/waypost/waypost/carrier/all" // connectors of the sandbox dialects
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// Serve is a node's life: read the Spec from in, open the store and the
// carriers, say Ready, wait for "go", track until "stop" or the end of in,
// stop gracefully and send the final Stats. Messages go to out; logs
// (warnings) to logw.
func Serve(ctx context.Context, in io.Reader, out, logw io.Writer) error {
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 0, 64<<10), 4<<20)
	if !lines.Scan() {
		return fmt.Errorf("nodeproc: no spec on input: %v", lines.Err())
	}
	var spec Spec
	if err := json.Unmarshal(lines.Bytes(), &spec); err != nil {
		return fmt.Errorf("nodeproc: spec: %w", err)
	}
	w := &writer{out: out}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", spec.Node)

	js := sandbox.Generate(sandbox.Options{Seed: spec.Seed, N: spec.N, Start: sandbox.DefaultStart, Spread: spec.Spread, Mix: spec.Mix})
	if d := Digest(js); d != spec.Digest {
		return fmt.Errorf("nodeproc: journeys differ from the parent's (digest %x, want %x)", d, spec.Digest)
	}
	clock := sandbox.NewClock(spec.ClockStart, 0)
	conns, err := connectors(spec, js, clock)
	if err != nil {
		return err
	}
	st, err := postgres.Open(ctx, spec.DatabaseURL, postgres.Options{Now: clock.Now, MaxConns: 6, Logger: log})
	if err != nil {
		return fmt.Errorf("nodeproc: open store: %w", err)
	}
	defer st.Close()
	if err := w.send(Msg{Ready: &Ready{Digest: spec.Digest, PID: os.Getpid()}}); err != nil {
		return err
	}

	if !lines.Scan() {
		return fmt.Errorf("nodeproc: input ended before go: %v", lines.Err())
	}
	t0, w0, err := parseGo(lines.Text())
	if err != nil {
		return err
	}
	// The parent's clock showed t0 at wall time w0 and runs at Speed.
	clock.SetSpeed(spec.Speed)
	clock.Set(t0.Add(time.Duration(float64(time.Since(w0)) * spec.Speed)))

	// The tracker is made once the clock runs: it reads the clock's pace
	// from its first readings.
	tr, err := tracker.New(tracker.Config{
		Store: st, Connectors: conns, Now: clock.Now, Node: spec.Node,
		Policy:   tracker.Policy{ExpireAfter: spec.ExpireAfter},
		Handoff:  tracker.HandoffRules{PostOf: simcarrier.PostOf},
		LeaseFor: spec.LeaseFor, ClaimBatch: spec.ClaimBatch, MaxInFlight: spec.MaxInFlight,
		Idle: 5 * time.Millisecond, Logger: log,
		OnCheck: func(c tracker.Check) { _ = w.send(Msg{Check: flatten(c)}) },
	})
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx) }()
	go func() {
		// A "stop" line or the end of input (the parent went away).
		for lines.Scan() && strings.TrimSpace(lines.Text()) != "stop" {
		}
		stop()
	}()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			s := stats(spec.Node, tr)
			s.Final = true
			if serr := w.send(Msg{Stats: &s}); err == nil {
				err = serr
			}
			return err
		case <-tick.C:
			s := stats(spec.Node, tr)
			if err := w.send(Msg{Stats: &s}); err != nil {
				stop() // the parent stopped reading
			}
		}
	}
}

func parseGo(line string) (time.Time, time.Time, error) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "go" {
		return time.Time{}, time.Time{}, fmt.Errorf("nodeproc: want \"go T W\", got %q", line)
	}
	t, err1 := strconv.ParseInt(f[1], 10, 64)
	w, err2 := strconv.ParseInt(f[2], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("nodeproc: %q: %w", line, err)
	}
	return time.Unix(0, t).UTC(), time.Unix(0, w), nil
}

// connectors opens the real connectors against the parent's sandbox and
// the in-process stand-ins for the other carriers.
func connectors(spec Spec, js []*sandbox.Journey, clock *sandbox.Clock) (map[string]carrier.Connector, error) {
	out := map[string]carrier.Connector{}
	for slug, c := range spec.HTTP {
		cfg := carrier.Config{Slug: slug, BaseURL: c.BaseURL, ClientID: c.ClientID, ClientSecret: carrier.NewSecret(c.ClientSecret),
			APIKey: carrier.NewSecret(c.APIKey), Username: c.Username, Password: carrier.NewSecret(c.Password), Account: c.Account,
			Options: c.Options, RequestsPerSecond: c.RequestsPerSecond, Burst: int(c.RequestsPerSecond), RequestsPerDay: 1 << 40}
		conn, err := carrier.Open(slug, cfg)
		if err != nil {
			return nil, fmt.Errorf("nodeproc: connector %s: %w", slug, err)
		}
		out[slug] = noQuota{conn}
	}
	cat := sandbox.NewCatalog(js)
	for _, slug := range spec.InProcess {
		out[slug] = simcarrier.New(slug, cat, clock, carrier.Limits{})
	}
	return out, nil
}

// noQuota hides the connector's daily quota: the sandbox has none, and
// accelerated days would stretch schedules by the real carrier's quota.
type noQuota struct{ carrier.Connector }

func (c noQuota) Limits() carrier.Limits {
	l := c.Connector.Limits()
	l.RequestsPerDay = 0
	return l
}

func flatten(c tracker.Check) *Check {
	out := &Check{Node: c.Node, Parcel: c.Parcel.ID, Shipment: c.Parcel.ShipmentID, Carrier: c.Parcel.Carrier,
		Owner: c.Parcel.LeaseOwner, LeaseUntil: c.Parcel.LeaseUntil.UnixMicro(), At: c.At.UnixMicro(),
		Started: c.Started.UnixNano(), Finished: c.Finished.UnixNano(), Outcome: c.Outcome,
		NewEvents: c.NewEvents, Substatus: c.Substatus, Reason: c.Next.Reason, Lost: c.Lost}
	if !c.Next.At.IsZero() {
		out.Next = c.Next.At.UnixMicro()
	}
	return out
}

func stats(node string, tr *tracker.Tracker) Stats {
	rss, peak := Memory(os.Getpid())
	return Stats{Node: node, Stats: tr.Stats(), RSS: rss, PeakRSS: peak}
}

// writer sends one message per write, so a line is whole even when the
// process is killed right after.
type writer struct {
	mu  sync.Mutex
	out io.Writer
	buf []byte
}

func (w *writer) send(m Msg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("nodeproc: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(append(append(w.buf[:0], Prefix...), b...), '\n')
	if _, err := w.out.Write(w.buf); err != nil {
		return fmt.Errorf("nodeproc: write: %w", err)
	}
	return nil
}

// Memory reads a process's resident memory now and at its peak from
// /proc (zero where it cannot be read).
func Memory(pid int) (rss, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}
