package analytics

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/waypost/waypost/store"
)

// ForecastDays is the forecast's horizon.
const ForecastDays = 14

// CountryForecast is the expected deliveries to one destination country,
// one entry per day of the horizon (days without deliveries included).
type CountryForecast struct {
	Country string        `json:"country"`
	Days    []ForecastDay `json:"days"`
	Total   int           `json:"total"`
}

// ForecastDay is one day of a country's forecast.
type ForecastDay struct {
	Day        time.Time `json:"day"`
	Deliveries int       `json:"deliveries"`
	// Late is how many of them arrive after their promised day, by
	// MeanDaysLate on average; ExpectedMisses sums their probabilities of
	// missing the promise.
	Late           int     `json:"late"`
	MeanDaysLate   float64 `json:"mean_days_late"`
	ExpectedMisses float64 `json:"expected_misses"`
}

// Forecast returns the deliveries expected per destination country and day
// for the ForecastDays days starting with from's day, from the active
// shipments' estimates, countries with the most deliveries first.
func Forecast(ctx context.Context, st store.Store, tenantID int64, from time.Time) ([]CountryForecast, error) {
	a, ok := st.(store.Analytics)
	if !ok {
		return nil, fmt.Errorf("analytics: store %T has no analytics", st)
	}
	rows, err := a.DeliveryForecast(ctx, tenantID, from, ForecastDays)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	y, m, d := from.UTC().Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	byCountry := map[string]*CountryForecast{}
	var out []*CountryForecast
	for _, r := range rows {
		c := byCountry[r.Country]
		if c == nil {
			c = &CountryForecast{Country: r.Country, Days: make([]ForecastDay, ForecastDays)}
			for i := range c.Days {
				c.Days[i].Day = first.AddDate(0, 0, i)
			}
			byCountry[r.Country] = c
			out = append(out, c)
		}
		i := int(r.Day.Sub(first) / (24 * time.Hour))
		if i < 0 || i >= ForecastDays {
			continue
		}
		fd := &c.Days[i]
		fd.Deliveries, fd.Late, fd.ExpectedMisses = r.Deliveries, r.PastPromise, r.ExpectedMisses
		if r.PastPromise > 0 {
			fd.MeanDaysLate = r.DaysLate / float64(r.PastPromise)
		}
		c.Total += r.Deliveries
	}
	res := make([]CountryForecast, len(out))
	for i, c := range out {
		res[i] = *c
	}
	sortByTotal(res)
	return res, nil
}

func sortByTotal(cs []CountryForecast) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Total != cs[j].Total {
			return cs[i].Total > cs[j].Total
		}
		return cs[i].Country < cs[j].Country
	})
}
