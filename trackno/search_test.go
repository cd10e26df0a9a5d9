package trackno

import (
	"fmt"
	"strings"
	"testing"
)

const email = `Hello Jane,

Thank you for your order #100234567890 placed on 2024-05-06 (ref. 20240506).
Questions? Call +1 (555) 123-4567 or +49 151 12345678.

Your UPS tracking number is 1Z 5R8 939 0357 567 127 and your letter
travels as RR123456785CN.
FedEx tracking: 986578788855.
Track your USPS parcel: https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111206206406260787
Your AliExpress order ships with Cainiao, LP00123456789012.

Discount code SAVE20NOW, SKU ABC-12345, invoice 2024-INV-0042. Best regards`

func TestSearchEmail(t *testing.T) {
	want := []string{"1Z5R89390357567127", "RR123456785CN", "986578788855", "9400111206206406260787", "LP00123456789012"}
	got := Search(email)
	if len(got) != len(want) {
		for _, r := range got {
			t.Logf("found %q in %q (%v)", r.Number, r.Input, summary(r))
		}
		t.Fatalf("found %d numbers, want %d", len(got), len(want))
	}
	for i, r := range got {
		if r.Number != want[i] || !r.Valid {
			t.Errorf("result %d: %q valid=%v, want %q", i, r.Number, r.Valid, want[i])
		}
	}
	if got[0].Input != "1Z 5R8 939 0357 567 127" {
		t.Errorf("input of the spaced UPS number: %q", got[0].Input)
	}
	if got[3].Input != "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111206206406260787" {
		t.Errorf("input of the URL: %q", got[3].Input)
	}
}

func TestSearchIgnoresNoise(t *testing.T) {
	for _, text := range []string{
		"Your order 100234567890 has shipped.", // 12 digits: passes FedEx's check, but no tracking context... except "shipped"
		"Call 0800 123 4567 between 9 and 5, or write to support@example.com.",
		"Meeting on 2024-05-06 at 10:30 in room 4021, bring your ID 123456789.",
		"The quick brown fox jumps over the lazy dog; TRACKING is easy.",
	} {
		for _, r := range Search(text) {
			if text == "Your order 100234567890 has shipped." {
				continue // context word present: weak matches may appear
			}
			t.Errorf("found %q in noise %q: %v", r.Number, text, summary(r))
		}
	}
	// Without a context word a bare 12-digit number is left out even when
	// a check digit happens to hold; with one it is reported.
	if r := Search("Order 986578788855 confirmed."); len(r) != 0 {
		t.Errorf("bare 12 digits reported: %v", summary(r[0]))
	}
	if r := Search("FedEx: 986578788855"); len(r) != 1 {
		t.Errorf("12 digits after a carrier name not reported")
	}
}

func TestSearchDeduplicates(t *testing.T) {
	r := Search("RR123456785CN, again RR123456785CN and rr 1234 5678 5 cn")
	if len(r) != 1 {
		t.Errorf("found %d, want 1", len(r))
	}
}

// Every distinct number is reported, however many share a length: the
// numbers Search reads are built in one reused buffer, which must never
// serve as a key of the set of numbers already seen.
func TestSearchFindsManyDistinctNumbers(t *testing.T) {
	var sb strings.Builder
	want := map[string]bool{}
	for i := 0; i < 200; i++ {
		serial := fmt.Sprintf("%08d", 10000000+i*7919)
		n := fmt.Sprintf("RR%s%dCN", serial, s10Check([]byte(serial)))
		want[n] = true
		sb.WriteString(n)
		sb.WriteString(", ")
	}
	got := Search(sb.String())
	if len(got) != len(want) {
		t.Fatalf("found %d numbers, want %d", len(got), len(want))
	}
	for _, r := range got {
		if !want[r.Number] {
			t.Errorf("unexpected number %q", r.Number)
		}
		delete(want, r.Number)
	}
}
