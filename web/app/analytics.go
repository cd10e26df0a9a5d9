package app

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"time"
)

type analyticsData struct {
	Available  bool
	Error      string
	From, To   time.Time
	Days       int
	Report     Report
	Charts     []chartBlock
	LaneCharts []chartBlock
	Forecast   template.HTML
}

type chartBlock struct {
	Title, Note string
	SVG         template.HTML
}

func pctFmt(f float64) string  { return fmt.Sprintf("%.0f%%", f*100) }
func daysFmt(f float64) string { return fmt.Sprintf("%.0f", f) }
func hourFmt(f float64) string { return fmt.Sprintf("%.0f h", f) }

// analytics charts the tenant's service over the last 7, 30 or 90 days.
func (a *App) analytics(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	days := 30
	switch r.URL.Query().Get("days") {
	case "7":
		days = 7
	case "90":
		days = 90
	}
	to := a.cfg.DataNow().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	d := analyticsData{Available: a.cfg.Analytics != nil, From: to.AddDate(0, 0, -days), To: to, Days: days}
	if d.Available {
		rep, err := a.reports.get(r.Context(), a.cfg.Analytics, v.User.TenantID, d.From, d.To)
		if err != nil {
			d.Error = a.sectionErr(r, "analytics", err)
		} else {
			d.Report = rep
			d.Charts = reportCharts(rep)
			d.Forecast = forecastChart(rep.Forecast)
			for _, l := range rep.Transit {
				d.LaneCharts = append(d.LaneCharts, chartBlock{
					Title: l.Lane, Note: fmt.Sprintf("median %.1f days, 90th percentile %.1f days", l.P50, l.P90),
					SVG: barChart("transit "+l.Lane, l.Buckets, daysFmt),
				})
			}
		}
	}
	a.render(w, r, http.StatusOK, "analytics", "Analytics", d)
}

func reportCharts(rep Report) []chartBlock {
	var carrierOnTime []Bar
	for _, c := range rep.Carriers {
		if !math.IsNaN(c.OnTimeRate) {
			carrierOnTime = append(carrierOnTime, Bar{Label: c.Carrier, Value: c.OnTimeRate})
		}
	}
	views, wismo := 0.0, 0.0
	for _, p := range rep.PageViews {
		views += p.Value
	}
	for _, p := range rep.WISMOAvoided {
		wismo += p.Value
	}
	return []chartBlock{
		{Title: "On-time delivery", Note: "share delivered by the promised date, by day of order", SVG: lineChart("on-time", rep.OnTime, pctFmt, 1)},
		{Title: "Exception rate", Note: "share of shipments that met an exception, by day of order", SVG: lineChart("exception-rate", rep.ExceptionRate, pctFmt, 0)},
		{Title: "Customs dwell", Note: "median hours in customs, by destination", SVG: barChart("customs-dwell", rep.CustomsDwell, hourFmt)},
		{Title: "Carriers: on time", Note: "share delivered by the promised date", SVG: barChart("carrier-on-time", carrierOnTime, pctFmt)},
		{Title: "Tracking-page views", Note: fmt.Sprintf("views per day; %.0f in the period", views), SVG: lineChart("page-views", rep.PageViews, daysFmt, 0)},
		{Title: "WISMO contacts avoided", Note: fmt.Sprintf("estimated as %.0f%% of page views; %.0f in the period", rep.WISMOShare*100, wismo), SVG: lineChart("wismo-avoided", rep.WISMOAvoided, daysFmt, 0)},
	}
}

// forecastChart draws the deliveries expected per day over all countries.
func forecastChart(fc []CountryForecast) template.HTML {
	if len(fc) == 0 {
		return emptyChart("forecast")
	}
	bars := make([]Bar, len(fc[0].Days))
	for i, d := range fc[0].Days {
		bars[i].Label = d.Day.Format("2") // day of month: 14 labels must fit
	}
	for _, c := range fc {
		for i, d := range c.Days {
			if i < len(bars) {
				bars[i].Value += float64(d.Deliveries)
			}
		}
	}
	return barChart("forecast", bars, daysFmt)
}
