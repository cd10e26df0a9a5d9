package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// Options tune Generate.
type Options struct {
	// Seed makes the output reproducible: the same options give the same
	// journeys, numbers and instants.
	Seed uint64
	// N is the number of journeys.
	N int
	// Start is the earliest first event; first events are spread evenly at
	// random over [Start, Start+Spread). Zero Start means 2026-03-02 00:00 UTC.
	Start  time.Time
	Spread time.Duration
	// Carriers restricts the journeys to ones with a leg on these slugs,
	// taken in turn; empty means any route and carrier.
	Carriers []string
	// Mix weighs the scenarios; nil means DefaultMix.
	Mix map[Scenario]float64
}

// Express carriers carry door to door; postal ones deliver in their country.
var (
	expressCarriers = []string{"ups", "fedex", "dhl"}
	lastMile        = map[string]string{
		"US": "usps", "GB": "royal-mail", "CA": "canada-post", "FR": "la-poste",
		"NL": "postnl", "AU": "australia-post", "DE": "dhl",
	}
	countries = func() []string {
		out := make([]string, 0, len(lastMile))
		for c := range lastMile {
			out = append(out, c)
		}
		sort.Strings(out)
		return out
	}()
)

// expressService names the product an express carrier uses out of China.
var expressService = map[string]string{
	"ups": "UPS Worldwide Express", "fedex": "FedEx International Priority", "dhl": "DHL Express Worldwide",
}

// DefaultStart is the default simulated start of generated journeys.
var DefaultStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// Generate returns o.N journeys. Each journey draws from its own random
// stream (seed, index), so journey i is the same whatever N is.
func Generate(o Options) []*Journey {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	mix := o.Mix
	if mix == nil {
		mix = DefaultMix
	}
	scen, cum := cumulative(mix)
	seen := map[string]bool{}
	out := make([]*Journey, 0, o.N)
	for i := 0; i < o.N; i++ {
		r := rand.New(rand.NewPCG(o.Seed, uint64(i)))
		start := o.Start
		if o.Spread > 0 {
			start = start.Add(time.Duration(r.Int64N(int64(o.Spread))))
		}
		want := ""
		if len(o.Carriers) > 0 {
			want = o.Carriers[i%len(o.Carriers)]
		}
		s := scen[sort.SearchFloat64s(cum, r.Float64()*cum[len(cum)-1])]
		j := build(r, fmt.Sprintf("J%06d", i), s, want, start, seen)
		out = append(out, j)
	}
	return out
}

// cumulative turns weights into a cumulative table in a fixed order.
func cumulative(mix map[Scenario]float64) ([]Scenario, []float64) {
	var names []Scenario
	for s, w := range mix {
		if w > 0 {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return []Scenario{ScenarioDelivered}, []float64{1}
	}
	slices.Sort(names)
	cum := make([]float64, len(names))
	total := 0.0
	for i, s := range names {
		total += mix[s]
		cum[i] = total
	}
	return names, cum
}

// builder appends steps with a moving cursor.
type builder struct {
	r *rand.Rand
	j *Journey
	t time.Time
}

// hours is a uniform delay in [lo, hi) hours.
func (b *builder) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + b.r.Float64()*(hi-lo)) * float64(time.Hour))
}

// lognormal is a right-skewed delay with the given median (hours) and
// spread; most values are near the median, a few much later, as in real
// networks. Clipped to [median/4, median*6].
func (b *builder) lognormal(median, sigma float64) time.Duration {
	h := median * math.Exp(sigma*b.r.NormFloat64())
	h = min(max(h, median/4), median*6)
	return time.Duration(h * float64(time.Hour))
}

// daytime moves the cursor into the working hours [from, to) local to p,
// the next morning if needed, with a random minute so scans spread.
func (b *builder) daytime(p Place, from, to int) {
	l := p.Local(b.t)
	h := l.Hour()
	if h >= from && h < to {
		return
	}
	day := time.Date(l.Year(), l.Month(), l.Day(), from, 0, 0, 0, l.Location())
	if h >= to {
		day = day.AddDate(0, 0, 1)
	}
	b.t = day.Add(time.Duration(b.r.IntN(90)) * time.Minute).UTC()
}

func (b *builder) step(k Kind, p Place, leg int, d time.Duration, detail string) {
	b.t = b.t.Add(d).Truncate(time.Second)
	b.add(k, p, leg, detail)
}

// add appends a step at the cursor, one second after the previous step at
// least, so instants are strictly increasing.
func (b *builder) add(k Kind, p Place, leg int, detail string) {
	b.t = b.t.Truncate(time.Second) // carriers print whole seconds
	if n := len(b.j.Steps); n > 0 && !b.t.After(b.j.Steps[n-1].At) {
		b.t = b.j.Steps[n-1].At.Add(time.Duration(1+b.r.IntN(600)) * time.Second)
	}
	b.j.Steps = append(b.j.Steps, Step{Kind: k, At: b.t.UTC(), Place: p, Leg: leg, Detail: detail})
}

// build scripts one journey.
func build(r *rand.Rand, id string, s Scenario, want string, start time.Time, seen map[string]bool) *Journey {
	j := &Journey{ID: id, Scenario: s}
	b := &builder{r: r, j: j, t: start.UTC().Truncate(time.Second)}

	// Route and carriers.
	var country, carrier string
	switch {
	case want == "ups" || want == "fedex":
		j.Route, carrier = RouteExpress, want
		country = countries[r.IntN(len(countries))]
	case want == "dhl" && r.IntN(2) == 0:
		j.Route, carrier = RouteExpress, want
		country = countries[r.IntN(len(countries))]
	case want != "" && want != "17track" && want != "aftership":
		for c, slug := range lastMile {
			if slug == want {
				country = c
			}
		}
		if country == "" { // a carrier the generator does not route: treat as express
			j.Route, carrier = RouteExpress, want
			country = countries[r.IntN(len(countries))]
		}
	default:
		country = countries[r.IntN(len(countries))]
		if r.IntN(10) < 3 {
			j.Route, carrier = RouteExpress, expressCarriers[r.IntN(len(expressCarriers))]
		}
	}
	if j.Route == "" {
		j.Route = RoutePostS10
		if r.IntN(2) == 0 {
			j.Route = RouteConsolidator
		}
	}
	dest := destinations[country]
	origin := origins[r.IntN(len(origins))]
	town := dest.delivery[r.IntN(len(dest.delivery))]
	sorting := dest.sorting[r.IntN(len(dest.sorting))]
	j.Origin, j.Destination = origin, town

	unique := func(gen func() string) string {
		for {
			n := gen()
			if !seen[n] {
				seen[n] = true
				return n
			}
		}
	}
	post := lastMile[country]
	switch j.Route {
	case RouteExpress:
		gen := map[string]func(*rand.Rand) string{"ups": upsNumber, "fedex": fedexNumber, "dhl": dhlExpressNumber}[carrier]
		if gen == nil {
			gen = func(r *rand.Rand) string { return lastMileNumber(r, carrier) }
		}
		j.Legs = []Leg{{Carrier: carrier, Number: unique(func() string { return gen(r) }), Service: expressService[carrier]}}
	case RoutePostS10:
		svc := []string{"LX", "LY", "LZ", "RR", "UA"}[r.IntN(5)]
		n := unique(func() string { return s10Number(r, svc, "CN") })
		j.Legs = []Leg{{Carrier: "china-post", Number: n, Service: "ePacket"}, {Carrier: post, Number: n, Service: "International Inbound"}}
	case RouteConsolidator:
		first, gen := "cainiao", cainiaoNumber
		if r.IntN(2) == 0 {
			first, gen = "yunexpress", yunExpressNumber
		}
		j.Legs = []Leg{
			{Carrier: first, Number: unique(func() string { return gen(r) }), Service: "Standard Shipping"},
			{Carrier: post, Number: unique(func() string { return lastMileNumber(r, post) }), Service: "Parcel"},
		}
	}

	// First mile and export.
	b.add(KindInfoReceived, origin, 0, "")
	b.t = b.t.Add(b.lognormal(18, 0.6))
	b.daytime(origin, 9, 19)
	b.add(KindAccepted, origin, 0, "")
	if j.Route == RouteExpress {
		b.step(KindArrivedFacility, origin, 0, b.hours(1, 4), "")
		b.step(KindDepartedFacility, origin, 0, b.hours(2, 6), "")
		if s == ScenarioDelayed {
			b.step(KindDelayed, origin, 0, b.hours(1, 3), "Flight delayed")
			b.t = b.t.Add(b.hours(12, 30))
		}
		b.step(KindDepartedOriginCountry, origin, 0, b.hours(2, 8), "")
	} else {
		b.step(KindArrivedFacility, origin, 0, b.hours(3, 10), "")
		b.step(KindExportCustoms, origin, 0, b.lognormal(20, 0.5), "")
		if s == ScenarioDelayed {
			b.step(KindDelayed, origin, 0, b.hours(6, 20), "Awaiting flight allocation")
			b.t = b.t.Add(b.hours(24, 72))
		}
		b.step(KindDepartedOriginCountry, origin, 0, b.lognormal(30, 0.5), "")
	}

	// Flight and import: the destination post scans it when the S10 number
	// travels on; the consolidator keeps scanning until the hand-over.
	in := 0
	if j.Route == RoutePostS10 {
		in = 1
	}
	flight := b.hours(13, 22)
	if j.Route != RouteExpress {
		flight += b.lognormal(20, 0.7) // waiting for space, mail bags
	}
	if j.Route == RouteConsolidator {
		// The last-mile carrier gets the label data when the parcel is manifested.
		b.j.Steps = append(b.j.Steps, Step{Kind: KindInfoReceived, At: b.t.Add(b.hours(1, 4)).Truncate(time.Second).UTC(), Place: dest.gateway, Leg: 1})
	}
	b.step(KindArrivedDestinationCountry, dest.gateway, in, flight, "")
	b.step(KindCustomsProcessing, dest.gateway, in, b.hours(1, 5), "")
	if s == ScenarioCustomsHeld {
		b.step(KindCustomsHeld, dest.gateway, in, b.hours(4, 20), "")
		b.step(KindDutiesDue, dest.gateway, in, b.hours(1, 6), "")
		b.t = b.t.Add(b.lognormal(48, 0.5)) // the recipient pays
		b.daytime(dest.gateway, 8, 18)
		b.add(KindCustomsCleared, dest.gateway, in, "")
	} else {
		b.step(KindCustomsCleared, dest.gateway, in, b.lognormal(6, 0.8), "")
	}
	last := len(j.Legs) - 1
	if j.Route == RouteConsolidator {
		l := j.Legs[1]
		b.step(KindHandedOver, dest.gateway, 0, b.hours(4, 16), carrierName(l.Carrier)+" "+l.Number)
		b.step(KindAccepted, dest.gateway, 1, b.hours(1, 6), "")
	}

	// Domestic leg.
	b.step(KindDepartedFacility, dest.gateway, last, b.hours(2, 10), "")
	b.step(KindArrivedFacility, sorting, last, b.lognormal(14, 0.4), "")
	if s == ScenarioDamaged {
		b.step(KindDamaged, sorting, last, b.hours(1, 5), "Packaging damaged, repacked")
	}
	b.step(KindDepartedFacility, sorting, last, b.hours(2, 8), "")
	office := town
	office.Facility = "Delivery Office"
	b.step(KindArrivedFacility, office, last, b.lognormal(12, 0.4), "")
	outForDelivery := func() {
		b.t = b.t.Add(b.hours(2, 10))
		b.daytime(office, 7, 10)
		b.add(KindOutForDelivery, office, last, "")
	}
	outForDelivery()
	delivered := func(k Kind, detail string) {
		b.t = b.t.Add(b.hours(1, 7))
		b.daytime(town, 9, 19)
		b.add(k, town, last, detail)
	}
	pickupPoint := town
	pickupPoint.Facility = "Post Office"
	switch s {
	case ScenarioSigned:
		delivered(KindDeliveredSigned, signers[r.IntN(len(signers))])
	case ScenarioNeighbour:
		delivered(KindDeliveredNeighbour, "")
	case ScenarioLocker:
		delivered(KindDeliveredLocker, "")
	case ScenarioPickup:
		delivered(KindAttemptUnavailable, "")
		b.step(KindAvailableForPickup, pickupPoint, last, b.hours(1, 5), "")
		b.t = b.t.Add(b.hours(20, 100))
		b.daytime(pickupPoint, 9, 18)
		b.add(KindPickedUp, pickupPoint, last, "")
	case ScenarioAddressIssue:
		delivered(KindAttemptAddress, "")
		b.t = b.t.Add(b.hours(20, 30))
		outForDelivery()
		delivered(KindDelivered, "")
	case ScenarioReturned:
		delivered(KindAttemptUnavailable, "")
		b.step(KindAvailableForPickup, pickupPoint, last, b.hours(1, 5), "")
		b.t = b.t.Add(b.hours(14*24, 16*24))
		b.daytime(pickupPoint, 8, 18)
		b.add(KindReturning, pickupPoint, last, "Not collected")
		b.t = b.t.Add(b.lognormal(20*24, 0.3))
		b.daytime(origin, 9, 18)
		b.add(KindReturned, origin, last, "")
	default:
		delivered(KindDelivered, "")
	}
	if s == ScenarioLost {
		// Tracking goes dark somewhere between export and the last scans.
		from := slices.IndexFunc(j.Steps, func(st Step) bool { return st.Kind == KindDepartedOriginCountry })
		to := slices.IndexFunc(j.Steps, func(st Step) bool { return st.Kind == KindOutForDelivery })
		j.Steps = j.Steps[:from+1+r.IntN(to-from)]
	}
	return j
}

// signers are the names written for signed deliveries.
var signers = []string{"J SMITH", "M GARCIA", "A MUELLER", "L MARTIN", "S JANSEN", "K NGUYEN", "P TREMBLAY", "R BROWN"}

// carrierName is how hand-over texts name a carrier.
func carrierName(slug string) string {
	switch slug {
	case "usps":
		return "USPS"
	case "royal-mail":
		return "Royal Mail"
	case "canada-post":
		return "Canada Post"
	case "la-poste":
		return "La Poste"
	case "postnl":
		return "PostNL"
	case "australia-post":
		return "Australia Post"
	case "dhl":
		return "DHL"
	case "ups":
		return "UPS"
	case "fedex":
		return "FedEx"
	}
	return slug
}
