package shipment

import (
	"fmt"
	"testing"
	"time"
)

func baseEvent() Event {
	return Event{
		Time:     time.Date(2026, 3, 4, 10, 20, 30, 0, time.UTC),
		Code:     "AR",
		Text:     "Arrived at Facility",
		Location: Location{Text: "MEMPHIS, TN US", City: "Memphis", State: "TN", PostalCode: "38118", Country: "US"},
		Status:   "in_transit",
	}
}

func TestHashEventStableAndNormalised(t *testing.T) {
	e := baseEvent()
	h := HashEvent("ups", "1Z999AA10123456784", &e)
	if len(h) != 42 || h[:10] != fmt.Sprintf("%010x", e.Time.Unix()) {
		t.Fatalf("hash %q: want 42 hex digits starting with the Unix second", h)
	}
	same := []func(*Event){
		func(e *Event) { e.Text = "  ARRIVED   at\tfacility " },
		func(e *Event) { e.Time = e.Time.In(time.FixedZone("CST", -6*3600)) },
		func(e *Event) { e.Time = e.Time.Add(999 * time.Millisecond) },
		func(e *Event) { e.Status, e.Substatus = "exception", "exception.delayed" },
		func(e *Event) { e.Language = "de" },
		func(e *Event) { e.ParcelID = 42 },
	}
	for i, f := range same {
		c := baseEvent()
		f(&c)
		if got := HashEvent("UPS", "1Z 999 AA1 0123456784", &c); got != h {
			t.Errorf("variant %d: hash changed: %s != %s", i, got, h)
		}
	}
	differ := []func(*Event){
		func(e *Event) { e.Code = "DP" },
		func(e *Event) { e.Time = e.Time.Add(time.Second) },
		func(e *Event) { e.Text = "Departed Facility" },
		func(e *Event) { e.Location.City = "Louisville" },
		func(e *Event) { e.Location.Country = "CA" },
		func(e *Event) { e.Location.PostalCode = "38119" },
		func(e *Event) { e.Location.State = "KY" },
		func(e *Event) { e.Location.Text = "LOUISVILLE" },
	}
	for i, f := range differ {
		c := baseEvent()
		f(&c)
		if got := HashEvent("ups", "1Z999AA10123456784", &c); got == h {
			t.Errorf("variant %d: hash did not change", i)
		}
	}
	if HashEvent("fedex", "1Z999AA10123456784", &e) == h || HashEvent("ups", "1Z999AA10123456785", &e) == h {
		t.Error("carrier and tracking number must be part of the identity")
	}
}

func TestHashEventFieldBoundaries(t *testing.T) {
	// Moving text from one field to the next must not collide.
	a := Event{Time: time.Unix(1e9, 0), Code: "A", Text: "B"}
	b := Event{Time: time.Unix(1e9, 0), Code: "AB", Text: ""}
	if HashEvent("x", "1", &a) == HashEvent("x", "1", &b) {
		t.Error("field boundary collision")
	}
}

func TestHashEventUnicodeFolding(t *testing.T) {
	a := Event{Time: time.Unix(1.7e9, 0), Text: "Zugestellt an Nachbar ÄÖÜ", Location: Location{City: "Köln"}}
	b := a
	b.Text = "zugestellt  an nachbar äöü"
	b.Location.City = "Ko\u0308ln" // decomposed ö
	if HashEvent("dhl", "1", &a) != HashEvent("dhl", "1", &b) {
		t.Error("case, spacing or Unicode normalisation changed the hash")
	}
}

func BenchmarkHashEvent(b *testing.B) {
	e := baseEvent()
	for b.Loop() {
		HashEvent("ups", "1Z999AA10123456784", &e)
	}
}
