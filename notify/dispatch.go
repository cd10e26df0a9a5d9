package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/waypost/waypost/store"
)

// DispatcherOptions configure a Dispatcher; zero values take the defaults.
type DispatcherOptions struct {
	// Owner names this node's leases; default host-pid-random.
	Owner string
	// Batch is the most messages claimed at once (default 200).
	Batch int
	// Concurrency is the most sends in flight (default 64).
	Concurrency int
	// Lease is how long a claimed message is this node's (default 2 min);
	// it must exceed the slowest sender's timeout.
	Lease time.Duration
	// Poll is how often an idle dispatcher looks for due messages that
	// another node enqueued or whose retry time came (default 1 s).
	Poll time.Duration
	// GiveUpAfter is how long after its creation a failing message is
	// given up (default 26 h).
	GiveUpAfter time.Duration
	// Backoff is the wait before retry n (n = attempts so far, from 1);
	// default Backoff.
	Backoff func(n int) time.Duration
	// Registry receives the dispatcher's metrics; nil: none.
	Registry prometheus.Registerer
	Log      *slog.Logger
	Now      func() time.Time
}

// Backoff is the default retry schedule: 30 s doubling per attempt up to
// 1 h, each wait drawn ±20 % so that messages failed together do not come
// back together. With GiveUpAfter of 26 h a message is tried about 31 times.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Dispatcher delivers the outbox: it claims due messages, sends each
// through its channel's Sender with bounded concurrency and records the
// outcomes in batches.
type Dispatcher struct {
	st      store.Outbox
	ob      *Outbox
	senders map[Channel]Sender
	o       DispatcherOptions

	sent, retried, failed, paused *prometheus.CounterVec
	missing                       sync.Map // channels without a sender, logged once
}

// NewDispatcher returns a dispatcher over ob's store sending through
// senders (one per channel).
func NewDispatcher(ob *Outbox, senders []Sender, o DispatcherOptions) (*Dispatcher, error) {
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), newID("")[:8])
	}
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = 26 * time.Hour
	}
	if o.Backoff == nil {
		o.Backoff = Backoff
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &Dispatcher{st: ob.st, ob: ob, senders: map[Channel]Sender{}, o: o}
	for _, s := range senders {
		if _, dup := d.senders[s.Channel()]; dup {
			return nil, fmt.Errorf("notify: two senders for channel %q", s.Channel())
		}
		d.senders[s.Channel()] = s
	}
	counter := func(name, help string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "waypost", Subsystem: "notify", Name: name, Help: help}, []string{"channel"})
		if o.Registry != nil {
			if err := o.Registry.Register(c); err != nil {
				var are prometheus.AlreadyRegisteredError
				if errors.As(err, &are) {
					return are.ExistingCollector.(*prometheus.CounterVec)
				}
			}
		}
		return c
	}
	d.sent = counter("sent_total", "Messages delivered.")
	d.retried = counter("retries_total", "Failed attempts that will be retried.")
	d.failed = counter("failed_total", "Messages rejected for good or given up.")
	d.paused = counter("paused_total", "Messages parked because their destination is paused.")
	return d, nil
}

// Owner returns the lease owner name of this dispatcher.
func (d *Dispatcher) Owner() string { return d.o.Owner }

// result is one finished attempt waiting to be recorded.
type result struct {
	m       store.OutboxMessage
	outcome store.DeliveryOutcome
	gaveUp  bool
}

// Run delivers until ctx ends. Claims happen whenever there are free send
// slots and due messages; outcomes are recorded in batches by one
// goroutine, which wakes the claimer after each batch (a recorded message
// may release the next one of its order key).
func (d *Dispatcher) Run(ctx context.Context) error {
	slots := make(chan struct{}, d.o.Concurrency)
	results := make(chan result, d.o.Concurrency)
	recDone := make(chan struct{})
	go func() {
		defer close(recDone)
		d.recordLoop(results)
	}()
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		close(results)
		<-recDone
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		free := d.o.Concurrency - len(slots)
		if free > 0 {
			list, err := d.st.ClaimMessages(ctx, d.o.Now(), min(free, d.o.Batch), d.o.Owner, d.o.Lease)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				d.o.Log.Warn("outbox claim failed", "err", err)
			}
			for _, m := range list {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					results <- d.attempt(ctx, m)
					<-slots
				}()
			}
			if len(list) == min(free, d.o.Batch) && err == nil {
				continue // there may be more due at once
			}
		}
		timer.Reset(d.o.Poll)
		select {
		case <-ctx.Done():
			return nil
		case <-d.ob.wake:
		case <-timer.C:
		}
	}
}

// recordFlush bounds how many outcomes wait before they are written, and
// recordDelay how long.
const (
	recordFlush = 256
	recordDelay = 5 * time.Millisecond
)

// recordLoop writes outcomes in batches until results is closed.
func (d *Dispatcher) recordLoop(results <-chan result) {
	var pending []result
	flush := func() {
		if len(pending) == 0 {
			return
		}
		// Outcomes are written even while shutting down: a lost outcome
		// would only mean a repeat after the lease, but a repeat is avoidable.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d.record(ctx, pending)
		pending = pending[:0]
		d.ob.Wake()
	}
	for {
		r, ok := <-results
		if !ok {
			flush()
			return
		}
		pending = append(pending, r)
		deadline := time.After(recordDelay)
	collect:
		for len(pending) < recordFlush {
			select {
			case r, ok := <-results:
				if !ok {
					flush()
					return
				}
				pending = append(pending, r)
			case <-deadline:
				break collect
			}
		}
		flush()
	}
}

func (d *Dispatcher) record(ctx context.Context, rs []result) {
	outs := make([]store.DeliveryOutcome, len(rs))
	for i, r := range rs {
		outs[i] = r.outcome
	}
	lost, err := d.st.RecordDeliveries(ctx, outs)
	if err != nil {
		// The leases run out and the messages are tried again: at least
		// once, never lost.
		d.o.Log.Error("outbox outcomes not recorded", "messages", len(rs), "err", err)
		return
	}
	isLost := map[int64]bool{}
	for _, id := range lost {
		isLost[id] = true
	}
	if len(lost) > 0 {
		d.o.Log.Warn("outbox leases lost before recording", "messages", len(lost))
	}
	for _, r := range rs {
		if isLost[r.m.ID] {
			continue
		}
		ch := r.m.Channel
		switch r.outcome.State {
		case store.MessageSent:
			d.sent.WithLabelValues(ch).Inc()
		case store.MessagePending:
			d.retried.WithLabelValues(ch).Inc()
		case store.MessageFailed:
			d.failed.WithLabelValues(ch).Inc()
		case store.MessagePaused:
			d.paused.WithLabelValues(ch).Inc()
		}
		if obs, ok := d.senders[Channel(ch)].(OutcomeObserver); ok && r.outcome.State != store.MessagePaused {
			obs.Observe(ctx, messageOf(r.m), r.outcome.State == store.MessageSent, r.gaveUp)
		}
	}
}

// attempt sends one message and decides what becomes of it.
func (d *Dispatcher) attempt(ctx context.Context, m store.OutboxMessage) result {
	start := d.o.Now()
	var rc Receipt
	var err error
	s, ok := d.senders[Channel(m.Channel)]
	if !ok {
		if _, seen := d.missing.LoadOrStore(m.Channel, true); !seen {
			d.o.Log.Warn("no sender for channel; its messages wait", "channel", m.Channel)
		}
		err = fmt.Errorf("channel %q is not configured", m.Channel)
	} else if dl, ok := s.(Deliverer); ok {
		rc, err = dl.Deliver(ctx, messageOf(m))
	} else {
		err = s.Send(ctx, messageOf(m))
	}
	end := d.o.Now()
	out := store.DeliveryOutcome{ID: m.ID, TenantID: m.TenantID, Owner: d.o.Owner,
		Attempt: store.DeliveryAttempt{At: start, Duration: end.Sub(start), StatusCode: rc.StatusCode, Response: rc.Response}}
	res := result{m: m}
	var perm *PermanentError
	switch {
	case err == nil:
		out.State = store.MessageSent
	case errors.Is(err, ErrPaused):
		out.State = store.MessagePaused
		out.Attempt.Error = "destination paused"
	case errors.As(err, &perm):
		out.State = store.MessageFailed
		out.Attempt.Error = err.Error()
		res.gaveUp = true
	case end.Sub(m.CreatedAt) >= d.o.GiveUpAfter:
		out.State = store.MessageFailed
		out.Attempt.Error = "gave up after " + d.o.GiveUpAfter.String() + ": " + err.Error()
		res.gaveUp = true
	default:
		out.State = store.MessagePending
		out.Attempt.Error = err.Error()
		wait := max(d.o.Backoff(m.Attempts), min(rc.RetryAfter, time.Hour))
		out.NextAttemptAt = end.Add(wait)
	}
	res.outcome = out
	return res
}

// RunOnce claims one batch, delivers it and records the outcomes, for
// tools and tests; it returns how many messages it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	list, err := d.st.ClaimMessages(ctx, d.o.Now(), d.o.Batch, d.o.Owner, d.o.Lease)
	if err != nil {
		return 0, err
	}
	rs := make([]result, len(list))
	var wg sync.WaitGroup
	sem := make(chan struct{}, d.o.Concurrency)
	for i, m := range list {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			rs[i] = d.attempt(ctx, m)
			<-sem
		}()
	}
	wg.Wait()
	d.record(ctx, rs)
	return len(list), nil
}
