package tracker

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/trackno"
)

// Handoff is the next leg of a shipment: the carrier that takes the parcel
// over and the number it knows it by.
type Handoff struct {
	Carrier        string
	TrackingNumber string
	// Why names the evidence, e.g. "handed_over event" or "S10 item left
	// the origin country".
	Why string
}

// HandoffRules configure DetectHandoff.
type HandoffRules struct {
	// PostOf names the post that delivers S10 items in a country; nil uses
	// carrier.PostOf (the designated operator of the directory).
	PostOf func(country string) (string, bool)
}

func (r HandoffRules) post(country string) (string, bool) {
	if r.PostOf != nil {
		return r.PostOf(country)
	}
	info, ok := carrier.PostOf(country)
	return info.Slug, ok
}

// DetectHandoff looks at a parcel's events for a hand-off to another
// carrier and returns the next leg. It knows two kinds:
//
//   - an in_transit.handed_over event whose text names the next carrier
//     and its number (consolidators such as Cainiao or YunExpress hand the
//     parcel to the destination post under a new number);
//   - a UPU S10 item (two letters, nine digits, country) of a post that has
//     left the origin country: the destination country's post carries it on
//     under the same number.
//
// dest is the shipment's destination country (ISO alpha-2, may be empty).
func DetectHandoff(p shipment.Parcel, dest string, events []shipment.Event, rules HandoffRules) (Handoff, bool) {
	for i := range events {
		e := &events[i]
		if e.Substatus != status.InTransitHandedOver {
			continue
		}
		if h, ok := handoffFromText(p, e.Text, dest); ok {
			return h, true
		}
	}
	if dest == "" || !isS10(p.TrackingNumber) {
		return Handoff{}, false
	}
	info, ok := carrier.Lookup(p.Carrier)
	if !ok || info.Country == "" || info.Country == dest {
		return Handoff{}, false
	}
	crossed := slices.ContainsFunc(events, func(e shipment.Event) bool {
		switch e.Substatus {
		case status.InTransitDepartedOriginCountry, status.InTransitArrivedDestinationCountry,
			status.InTransitCustomsProcessing, status.InTransitHandedOver:
			return true
		}
		return false
	})
	if !crossed {
		return Handoff{}, false
	}
	next, ok := rules.post(dest)
	if !ok || next == p.Carrier {
		return Handoff{}, false
	}
	return Handoff{Carrier: next, TrackingNumber: p.TrackingNumber, Why: "S10 item left the origin country"}, true
}

// handoffFromText reads "Handed over to Canada Post 1234567890123456" and
// the like: a carrier name from the directory and a tracking number.
func handoffFromText(p shipment.Parcel, text, dest string) (Handoff, bool) {
	slug, at, end := carrierIn(text)
	if slug != "" {
		// Blank the name out so "DHL 0034..." is not read as one number.
		text = text[:at] + " | " + text[end:]
	}
	hints := trackno.Hints{Destination: dest}
	if slug != "" {
		hints.Preferred = []string{slug}
	}
	for _, r := range trackno.SearchHints(text, hints) {
		if !r.Valid || r.Number == "" {
			continue
		}
		next := slug
		if next == "" {
			c, ok := r.Best()
			if !ok {
				continue
			}
			next = c.Carrier
		}
		if r.Number == p.TrackingNumber && next == p.Carrier {
			continue
		}
		return Handoff{Carrier: next, TrackingNumber: r.Number, Why: "handed_over event names the next carrier"}, true
	}
	return Handoff{}, false
}

func isS10(n string) bool {
	r := trackno.Detect(n)
	if !r.Valid {
		return false
	}
	c, ok := r.Best()
	return ok && c.Format == "s10"
}

// carrierNames is the directory's names and slugs, longest first, so
// "DHL eCommerce" wins over "DHL".
var carrierNames = sync.OnceValue(func() []struct{ name, slug string } {
	var out []struct{ name, slug string }
	for _, i := range carrier.All() {
		out = append(out, struct{ name, slug string }{strings.ToLower(i.Name), i.Slug})
		if alias := strings.ReplaceAll(i.Slug, "-", " "); alias != strings.ToLower(i.Name) {
			out = append(out, struct{ name, slug string }{alias, i.Slug})
		}
	}
	slices.SortStableFunc(out, func(a, b struct{ name, slug string }) int { return len(b.name) - len(a.name) })
	return out
})

// carrierIn returns the slug of the carrier named in text (whole words,
// case-insensitive) and where the name is, or "".
func carrierIn(text string) (slug string, at, end int) {
	low := strings.ToLower(text)
	for _, c := range carrierNames() {
		for from := 0; ; {
			k := strings.Index(low[from:], c.name)
			if k < 0 {
				break
			}
			k += from
			end := k + len(c.name)
			if boundary(low, k-1) && boundary(low, end) {
				if len(low) != len(text) { // lower-casing moved the bytes
					return c.slug, 0, 0
				}
				return c.slug, k, end
			}
			from = k + 1
		}
	}
	return "", 0, 0
}

func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	r := rune(s[i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
