package shipment

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/status"
)

var t0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

func ev(h int, sub status.Substatus, text string) Event {
	e := Event{Time: t0.Add(time.Duration(h) * time.Hour), Text: text, Substatus: sub, Status: sub.Status()}
	if sub == "" {
		e.Status = ""
	}
	e.Hash = HashEvent("dhl", "123", &e)
	return e
}

func TestDeriveLateScanDoesNotUndeliver(t *testing.T) {
	events := []Event{
		ev(0, status.InTransitAccepted, "accepted"),
		ev(20, status.OutForDeliveryOutForDelivery, "out for delivery"),
		ev(24, status.DeliveredSigned, "delivered"),
		ev(26, status.OutForDeliveryOutForDelivery, "late: out for delivery"),
		ev(27, status.InTransitArrivedFacility, "late: arrived"),
		ev(30, "", "signature image recorded"),
	}
	p := Derive(events)
	if p.Status != status.Delivered || p.Substatus != status.DeliveredSigned {
		t.Fatalf("status %s/%s, want delivered/delivered.signed", p.Status, p.Substatus)
	}
	if !p.StatusAt.Equal(events[2].Time) {
		t.Errorf("StatusAt %v, want the delivered event's time", p.StatusAt)
	}
	if !p.LastEventAt.Equal(events[4].Time) {
		t.Errorf("LastEventAt %v, want the latest status-bearing event %v", p.LastEventAt, events[4].Time)
	}
	if !p.Milestones.Delivered.Equal(events[2].Time) || !p.Milestones.OutForDelivery.Equal(events[1].Time) {
		t.Errorf("milestones %+v", p.Milestones)
	}
}

func TestDeriveReturnAfterDelivered(t *testing.T) {
	events := []Event{
		ev(0, status.InTransitAccepted, ""),
		ev(5, status.DeliveredDelivered, ""),
		ev(50, status.ExceptionReturning, ""),
		ev(60, status.InTransitArrivedFacility, "return leg scan"),
		ev(90, status.ExceptionReturned, ""),
		ev(95, status.DeliveredDelivered, "delivered back to sender"),
	}
	p := Derive(events[:3])
	if p.Substatus != status.ExceptionReturning {
		t.Fatalf("after returning: %s", p.Substatus)
	}
	p = Derive(events[:4])
	if p.Substatus != status.ExceptionReturning {
		t.Fatalf("return-leg transit scan moved status to %s", p.Substatus)
	}
	p = Derive(events)
	if p.Substatus != status.ExceptionReturned || !p.Milestones.Returned.Equal(events[4].Time) {
		t.Fatalf("got %s, returned milestone %v", p.Substatus, p.Milestones.Returned)
	}
	// Once returning, a "delivered" scan is the return reaching the sender,
	// not the customer getting the parcel.
	back := []Event{ev(1, status.ExceptionReturning, ""), ev(2, status.InTransitInTransit, ""), ev(3, status.DeliveredDelivered, "")}
	if p := Derive(back); p.Substatus != status.ExceptionReturning {
		t.Fatalf("returning then delivered: %s", p.Substatus)
	}
}

func TestDeriveStatuslessEventsNeverMove(t *testing.T) {
	p := Derive([]Event{ev(0, status.InTransitAccepted, ""), ev(5, "", "notice"), ev(6, "", "image")})
	if p.Substatus != status.InTransitAccepted || !p.LastEventAt.Equal(t0) {
		t.Fatalf("got %+v", p)
	}
	if p := Derive([]Event{ev(1, "", "only a notice")}); p.Status != status.Pending || !p.StatusAt.IsZero() {
		t.Fatalf("no status-bearing events: %+v", p)
	}
}

func TestDeriveAcrossParcels(t *testing.T) {
	first := []Event{ev(0, status.InfoReceivedInfoReceived, "label"), ev(2, status.InTransitAccepted, ""), ev(30, status.InTransitDepartedOriginCountry, ""), ev(40, status.InTransitHandedOver, "")}
	last := []Event{ev(60, status.InTransitArrivedDestinationCountry, ""), ev(61, status.InTransitCustomsProcessing, ""), ev(70, status.InTransitCustomsCleared, ""), ev(80, status.OutForDeliveryOutForDelivery, "")}
	for i := range last {
		last[i].ParcelID = 2
	}
	all := append(append([]Event{}, last...), first...)
	p := Derive(all)
	if p.Status != status.OutForDelivery {
		t.Fatalf("status %s", p.Status)
	}
	want := Milestones{
		InfoReceived: first[0].Time, PickedUp: first[1].Time, DepartedOrigin: first[2].Time,
		ArrivedDestination: last[0].Time, CustomsIn: last[1].Time, CustomsOut: last[2].Time,
		OutForDelivery: last[3].Time,
	}
	if d := cmp.Diff(want, p.Milestones); d != "" {
		t.Fatalf("milestones (-want +got):\n%s", d)
	}
}

func TestDeriveTieOnSameInstant(t *testing.T) {
	a := ev(3, status.OutForDeliveryOutForDelivery, "")
	b := ev(3, status.DeliveredDelivered, "")
	for _, order := range [][]Event{{a, b}, {b, a}} {
		if p := Derive(order); p.Status != status.Delivered {
			t.Fatalf("tie resolved to %s", p.Status)
		}
	}
}

// TestDeriveOrderIndependent checks the core promise: arrival order does
// not matter, and extending incrementally equals deriving from scratch.
func TestDeriveOrderIndependent(t *testing.T) {
	subs := []status.Substatus{"", status.InfoReceivedInfoReceived, status.InTransitAccepted,
		status.InTransitCustomsProcessing, status.OutForDeliveryOutForDelivery, status.AttemptFailRecipientUnavailable,
		status.DeliveredDelivered, status.ExceptionReturning, status.ExceptionReturned, status.ExceptionDamaged}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := 1 + rng.IntN(12)
		events := make([]Event, n)
		for i := range events {
			events[i] = ev(rng.IntN(10), subs[rng.IntN(len(subs))], string(rune('a'+i)))
		}
		want := Derive(events)
		shuffled := append([]Event(nil), events...)
		rng.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := Derive(shuffled); got != want {
			t.Fatalf("round %d: shuffled result differs:\n%+v\n%+v", round, got, want)
		}
		// Split into a prefix and a rest; extend when allowed, else refold.
		k := rng.IntN(n + 1)
		p := Derive(shuffled[:k])
		if CanExtend(p, shuffled[k:]) {
			p = Extend(p, shuffled[k:])
		} else {
			p = Derive(shuffled)
		}
		if p != want {
			t.Fatalf("round %d: incremental result differs:\n%+v\n%+v", round, p, want)
		}
	}
}

func TestCanExtend(t *testing.T) {
	p := Derive([]Event{ev(5, status.InTransitAccepted, "")})
	if !CanExtend(p, []Event{ev(6, status.DeliveredDelivered, ""), ev(1, "", "statusless, earlier")}) {
		t.Error("later events should extend")
	}
	if CanExtend(p, []Event{ev(5, status.DeliveredDelivered, "")}) {
		t.Error("an event at the same instant needs a refold (tie order)")
	}
	if CanExtend(p, []Event{ev(4, status.InTransitArrivedFacility, "")}) {
		t.Error("an earlier event needs a refold")
	}
}
