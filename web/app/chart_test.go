package app

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var heightRE = regexp.MustCompile(`<rect class="bar"[^>]* height="([0-9.]+)" data-label="([^"]*)"`)

func TestBarChartScalesAndEscapes(t *testing.T) {
	svg := string(barChart("dwell", []Bar{{Label: "DE", Value: 10}, {Label: "<FR>", Value: 40}}, hourFmt))
	m := heightRE.FindAllStringSubmatch(svg, -1)
	if len(m) != 2 {
		t.Fatalf("%d bars in %s", len(m), svg)
	}
	h1, _ := strconv.ParseFloat(m[0][1], 64)
	h2, _ := strconv.ParseFloat(m[1][1], 64)
	if h1 <= 0 || h2/h1 < 3.99 || h2/h1 > 4.01 {
		t.Errorf("bar heights %g and %g, want the ratio of 10 to 40", h1, h2)
	}
	// 40 rounds up to a 50 h top line; the tallest bar is 40/50 of the plot.
	if plot := float64(chartH - padT - padB); h2 < plot*0.79 || h2 > plot*0.81 {
		t.Errorf("tallest bar %g of %g", h2, plot)
	}
	if strings.Contains(svg, "<FR>") || !strings.Contains(svg, "&lt;FR&gt;") {
		t.Error("labels are not escaped")
	}
	if !strings.Contains(svg, ">50 h<") {
		t.Error("the top gridline is not labelled 50 h")
	}
}

func TestLineChart(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	svg := string(lineChart("on-time", []Point{{day, 0.5}, {day.AddDate(0, 0, 1), 1}}, pctFmt, 1))
	if n := strings.Count(svg, `<circle class="dot"`); n != 2 {
		t.Errorf("%d points, want 2", n)
	}
	if !strings.Contains(svg, `data-value="0.5"`) || !strings.Contains(svg, "<polyline") {
		t.Errorf("line chart misses its values: %s", svg)
	}
	if got := string(lineChart("x", nil, pctFmt, 0)); !strings.Contains(got, "No data") {
		t.Errorf("empty series: %s", got)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.07: 0.1, 1: 1, 1.2: 2, 3: 5, 7: 10, 40: 50, 520: 1000} {
		if got := niceCeil(in); got < want*0.999 || got > want*1.001 {
			t.Errorf("niceCeil(%g) = %g, want %g", in, got, want)
		}
	}
}
