package storetest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// Environment variables that turn a test binary into the crash child.
const (
	crashChildEnv = "WAYPOST_STORETEST_CRASH_CHILD"
	crashArgsEnv  = "WAYPOST_STORETEST_CRASH_ARGS"
)

const (
	crashBatch   = 1000 // events per acknowledged batch
	crashParcels = 4
	crashAcks    = 12 // acknowledgements to wait for before the kill
)

// OpenAt opens the store at a location (a file path, a database URL) that
// both the test and its child process can reach.
type OpenAt func(t testing.TB, location string) store.Store

// RunCrash checks that acknowledged batches survive a SIGKILL and that no
// batch is ever partly stored. testName must be the name of the calling
// top-level test: the test binary re-executes itself with -test.run set to
// it, and in that child process RunCrash ingests batches of events into the
// store at location, printing "ack N" after batch N commits, until killed.
// The parent kills it after a few acknowledgements, reopens the store and
// checks every batch.
//
// In the child, location is ignored: the parent passes its own.
func RunCrash(t *testing.T, testName, location string, open OpenAt) {
	if os.Getenv(crashChildEnv) == "1" {
		crashChild(t, open)
		return
	}
	s := open(t, location)
	f := newFixture(t, s)
	tn := f.tenant()
	sh := f.shipment(tn.ID, "crash")
	args := []string{strconv.FormatInt(tn.ID, 10), location}
	for i := range crashParcels {
		p := f.parcel(tn.ID, sh.ID, "dhl", fmt.Sprintf("CRASH%d", i))
		args = append(args, strconv.FormatInt(p.ID, 10))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^"+testName+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashArgsEnv+"="+strings.Join(args, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int]bool{}
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		n, ok := strings.CutPrefix(lines.Text(), "ack ")
		if !ok {
			continue
		}
		b, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("child printed %q", lines.Text())
		}
		acked[b] = true
		if len(acked) == crashAcks && !killed {
			// Let the next batch get under way, then kill mid-transaction.
			time.Sleep(time.Duration(3+len(location)%7) * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child ended before being killed: %v", err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", err)
	}

	s = open(t, location)
	f = newFixture(t, s)
	evs := f.events(tn.ID, sh.ID)
	perBatch := map[int]int{}
	for _, e := range evs {
		b, err := strconv.Atoi(strings.TrimPrefix(e.Code, "B"))
		if err != nil {
			t.Fatalf("unexpected event code %q", e.Code)
		}
		perBatch[b]++
	}
	for b := range acked {
		if perBatch[b] != crashBatch {
			t.Errorf("acknowledged batch %d has %d of %d events", b, perBatch[b], crashBatch)
		}
	}
	for b, n := range perBatch {
		if n != crashBatch {
			t.Errorf("batch %d partly stored: %d of %d events", b, n, crashBatch)
		}
	}
	// The stored status is the one the stored events give: progress was
	// written in the same transaction as the events.
	got := f.getShipment(tn.ID, sh.ID)
	if d := cmp.Diff(shipment.Derive(evs), got.Progress); d != "" {
		t.Errorf("shipment progress does not match its events (-derived +stored):\n%s", d)
	}
	t.Logf("%d batches acknowledged, %d stored (%d events)", len(acked), len(perBatch), len(evs))
}

// crashChild is the child's side: ingest numbered batches until killed.
func crashChild(t *testing.T, open OpenAt) {
	parts := strings.Split(os.Getenv(crashArgsEnv), ",")
	if len(parts) != 2+crashParcels {
		t.Fatalf("bad %s", crashArgsEnv)
	}
	tenantID, _ := strconv.ParseInt(parts[0], 10, 64)
	var parcels []int64
	for _, p := range parts[2:] {
		id, _ := strconv.ParseInt(p, 10, 64)
		parcels = append(parcels, id)
	}
	s := open(t, parts[1])
	subs := []status.Substatus{status.InTransitArrivedFacility, "", status.InTransitDepartedFacility, status.OutForDeliveryOutForDelivery}
	deadline := time.Now().Add(time.Minute)
	for b := 0; time.Now().Before(deadline); b++ {
		batch := make([]shipment.Event, crashBatch)
		for i := range batch {
			batch[i] = ev(parcels[i%len(parcels)], (float64(b)+float64(i)/crashBatch)/60, subs[i%len(subs)], fmt.Sprintf("batch %d event %d", b, i))
			batch[i].Code = "B" + strconv.Itoa(b)
		}
		res, err := s.IngestEvents(t.Context(), tenantID, batch)
		if err != nil || res.Inserted != crashBatch {
			t.Fatalf("batch %d: %+v %v", b, res, err)
		}
		// Acknowledge only after the commit returned.
		fmt.Fprintf(os.Stdout, "ack %d\n", b)
	}
	t.Fatal("child was not killed within a minute")
}
