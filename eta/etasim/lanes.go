// Package etasim simulates a year of cross-border shipping history for
// measuring delivery estimates: lanes with different transit
// distributions (lognormal legs with long tails), customs checks and holds,
// carriers that do not deliver at weekends, consolidated departures on
// fixed weekdays, a peak season and lost parcels, with milestones reported
// unreliably the way real carriers report them.
//
// Nothing in it knows how the estimator works: lanes are drawn from broad
// ranges, not fitted to the model.
package etasim

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/waypost/waypost/store"
)

// Kind is a lane's class of service.
type Kind int

// Lane kinds.
const (
	Express  Kind = iota // couriers: door to door in days
	Standard             // tracked postal and parcel services
	Economy              // consolidated e-commerce services
	Domestic             // within one country
)

func (k Kind) String() string {
	return [...]string{"express", "standard", "economy", "domestic"}[k]
}

// logn is a lognormal duration: median days and spread.
type logn struct{ median, sigma float64 }

func (l logn) draw(r *rand.Rand) time.Duration {
	d := l.median * expNorm(r, l.sigma)
	return time.Duration(d * float64(24*time.Hour))
}

func expNorm(r *rand.Rand, sigma float64) float64 {
	return math.Exp(r.NormFloat64() * sigma)
}

// Profile is one simulated lane and how parcels move on it.
type Profile struct {
	store.Lane
	Kind Kind
	// Legs: label to hand-over, hand-over to export, export to arrival,
	// arrival (or customs release) to the delivery round.
	Handover, Export, Linehaul, LastMile logn
	// Backlog is the chance the line-haul takes 1.5-3 times longer.
	Backlog float64
	// DepartDays are the weekdays consolidated departures leave on; nil:
	// any day.
	DepartDays []time.Weekday
	// CustomsCheck is the chance of a customs processing scan, CustomsHold
	// the chance of a hold (duties, documents) with its dwell.
	CustomsCheck, CustomsHold float64
	Dwell, HoldDwell          logn
	// Saturday is whether the last-mile carrier delivers on Saturdays.
	Saturday bool
	// FirstAttempt is the chance the first delivery attempt succeeds.
	FirstAttempt float64
	// Missing is the chance each in-transit milestone goes unreported.
	Missing float64
	// Lost is the chance a parcel is never delivered.
	Lost float64
	// PromiseDays is the delivery promise the shop makes on this lane.
	PromiseDays int
	// CarrierETA is whether the carrier declares an estimate.
	CarrierETA bool
}

var (
	origins      = []string{"CN", "US", "GB", "DE", "NL", "FR", "JP", "HK"}
	destinations = []string{"US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "SE", "BR", "CH"}
	expressCo    = []string{"dhl", "ups", "fedex"}
	postalCo     = map[string]string{"CN": "china-post", "US": "usps", "GB": "royal-mail", "DE": "deutsche-post",
		"NL": "postnl", "FR": "la-poste", "JP": "japan-post", "HK": "hongkong-post"}
	economyCo = []string{"yunexpress", "4px", "cainiao", "yanwen"}
	// holdRisk is the destination's chance of a customs hold on top of
	// the lane's: duties thresholds differ widely.
	holdRisk = map[string]float64{"BR": 0.25, "CH": 0.12, "GB": 0.06, "CA": 0.06, "AU": 0.04, "US": 0.03}
)

// Lanes draws n distinct lane profiles.
func Lanes(r *rand.Rand, n int) []Profile {
	seen := map[store.Lane]bool{}
	var out []Profile
	for len(out) < n {
		p := drawProfile(r)
		if seen[p.Lane] {
			continue
		}
		seen[p.Lane] = true
		out = append(out, p)
	}
	return out
}

func uni(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

func drawProfile(r *rand.Rand) Profile {
	o := origins[r.IntN(len(origins))]
	d := destinations[r.IntN(len(destinations))]
	k := Kind(r.IntN(3))
	if r.Float64() < 0.12 {
		k, d = Domestic, o
		if o == "CN" || o == "HK" || o == "JP" {
			d = "US"
			k = Express
		}
	}
	if o == d && k != Domestic {
		d = destinations[(indexOf(destinations, d)+1)%len(destinations)]
	}
	p := Profile{Lane: store.Lane{Origin: o, Destination: d}, Kind: k}
	p.Saturday = r.Float64() < 0.5
	p.FirstAttempt = uni(r, 0.82, 0.95)
	p.Missing = uni(r, 0.02, 0.2)
	p.Lost = uni(r, 0.003, 0.02)
	p.Handover = logn{uni(r, 0.3, 1.5), uni(r, 0.5, 0.9)}
	hold := holdRisk[d]
	switch k {
	case Express:
		p.Carrier, p.Service = expressCo[r.IntN(len(expressCo))], "express"
		p.Export = logn{uni(r, 0.3, 0.8), 0.4}
		p.Linehaul = logn{uni(r, 1, 2.5), uni(r, 0.25, 0.45)}
		p.LastMile = logn{uni(r, 0.5, 1.2), 0.5}
		p.Backlog = uni(r, 0.01, 0.04)
		p.CustomsCheck, p.CustomsHold = 0.95, uni(r, 0.01, 0.05)+hold/2
		p.Dwell, p.HoldDwell = logn{uni(r, 0.2, 0.6), 0.6}, logn{uni(r, 1.5, 3), 0.6}
		p.CarrierETA = true
	case Standard:
		p.Carrier, p.Service = postalCo[o], "tracked"
		p.Export = logn{uni(r, 1, 3), 0.6}
		p.Linehaul = logn{uni(r, 3, 8), uni(r, 0.35, 0.6)}
		p.LastMile = logn{uni(r, 1, 2.5), 0.6}
		p.Backlog = uni(r, 0.04, 0.1)
		p.CustomsCheck, p.CustomsHold = 0.8, uni(r, 0.02, 0.08)+hold
		p.Dwell, p.HoldDwell = logn{uni(r, 0.5, 1.5), 0.7}, logn{uni(r, 3, 7), 0.6}
		p.DepartDays = weekdays(r, 3)
	case Economy:
		p.Carrier, p.Service = economyCo[r.IntN(len(economyCo))], "economy"
		p.Export = logn{uni(r, 2, 5), 0.6}
		p.Linehaul = logn{uni(r, 6, 14), uni(r, 0.4, 0.7)}
		p.LastMile = logn{uni(r, 1.5, 4), 0.7}
		p.Backlog = uni(r, 0.06, 0.15)
		p.CustomsCheck, p.CustomsHold = 0.6, uni(r, 0.03, 0.1)+hold
		p.Dwell, p.HoldDwell = logn{uni(r, 1, 3), 0.8}, logn{uni(r, 4, 10), 0.7}
		p.DepartDays = weekdays(r, 2)
		p.Missing += 0.1
	case Domestic:
		p.Carrier, p.Service = postalCo[o], "standard"
		p.Export = logn{uni(r, 0.3, 1), 0.5}
		p.Linehaul = logn{uni(r, 0.5, 1.5), 0.5}
		p.LastMile = logn{uni(r, 0.4, 1), 0.5}
		p.Backlog = uni(r, 0.01, 0.05)
	}
	total := p.Handover.median + p.Export.median + p.Linehaul.median + p.LastMile.median + p.Dwell.median
	p.PromiseDays = int(total*1.5) + 3
	return p
}

// weekdays draws n distinct weekdays from Monday to Friday, in order.
func weekdays(r *rand.Rand, n int) []time.Weekday {
	days := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	r.Shuffle(len(days), func(i, j int) { days[i], days[j] = days[j], days[i] })
	out := days[:n]
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
