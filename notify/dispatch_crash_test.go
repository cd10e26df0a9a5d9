package notify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Environment variables that turn the test binary into the crash child.
const (
	crashChildEnv = "WAYPOST_NOTIFY_CRASH_CHILD"
	crashDBEnv    = "WAYPOST_NOTIFY_CRASH_DB"
)

const (
	crashShipments = 40
	crashLease     = time.Second
)

// TestCrashBetweenCommitAndSend commits shipment changes, lets a child
// process plan and deliver them, kills it with SIGKILL while deliveries
// are in flight, then finishes the work in this process: the receiver
// must have seen every event at least once, and its de-duplicated view
// each exactly once, in order per shipment.
func TestCrashBetweenCommitAndSend(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		crashChild(t)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	w := newWorld(t, path)
	r := newReceiver(t, func(int) (int, time.Duration) { return 200, 2 * time.Millisecond })
	w.endpoint(r)
	c := w.consumer() // subscribes before the changes are committed
	parcels := w.shipments(crashShipments)
	for step := range journey {
		for _, p := range parcels {
			w.step(p, step)
		}
	}
	total := crashShipments * len(journey)

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenCommitAndSend$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDBEnv+"="+path)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if firsts, _ := r.view(); len(firsts) >= total/3 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the child delivered too little before the deadline")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", cmd.ProcessState)
	}
	firstsAtKill, rawAtKill := r.view()

	// Restart: the child's leases run out and this process finishes.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := w.dispatcher(time.Second, DispatcherOptions{Concurrency: 16, Lease: crashLease}, WebhookOptions{})
	go func() { _ = c.Run(ctx) }()
	go func() { _ = d.Run(ctx) }()
	deadline = time.Now().Add(30 * time.Second)
	for {
		tasks, err := w.st.CountTasks(ctx, QueueName)
		if err != nil {
			t.Fatal(err)
		}
		if firsts, _ := r.view(); tasks == 0 && len(firsts) == total {
			break
		}
		if time.Now().After(deadline) {
			firsts, raw := r.view()
			t.Fatalf("after restart: %d tasks left, %d of %d events received (%d requests)", tasks, len(firsts), total, raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.waitOutbox(10 * time.Second)
	cancel()
	checkView(t, "receiver", r, parcels)
	t.Logf("at the kill: %d events (%d requests) received", len(firstsAtKill), rawAtKill)
}

// crashChild plans and delivers from the parent's database until killed.
func crashChild(t *testing.T) {
	w := &world{t: t, st: openSQLite(t, os.Getenv(crashDBEnv))}
	w.attach()
	c, err := NewConsumer(w.st, w.ob, StatusPlanner{}, ConsumerOptions{Log: quiet, Lease: crashLease, Batch: 10, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	d := w.dispatcher(time.Second, DispatcherOptions{Concurrency: 8, Lease: crashLease}, WebhookOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() { _ = c.Run(ctx) }()
	_ = d.Run(ctx)
	t.Fatal("child was not killed within a minute")
}
