package app

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn on the server as inline SVG: no script, no library,
// readable without JavaScript and in a screenshot. Every mark carries its
// value in a <title> (a tooltip) and a data-value attribute.

const (
	chartW, chartH = 560, 200
	padL, padB     = 44, 28
	padT, padR     = 10, 10
)

// barChart draws one bar per value, labelled underneath.
func barChart(name string, bars []Bar, format func(float64) string) template.HTML {
	if len(bars) == 0 {
		return emptyChart(name)
	}
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
	}
	maxV = niceCeil(maxV)
	var sb strings.Builder
	open(&sb, name)
	axis(&sb, maxV, format)
	plotW := float64(chartW - padL - padR)
	plotH := float64(chartH - padT - padB)
	slot := plotW / float64(len(bars))
	bw := math.Max(2, slot*0.7)
	for i, b := range bars {
		h := 0.0
		if maxV > 0 {
			h = b.Value / maxV * plotH
		}
		x := float64(padL) + slot*float64(i) + (slot-bw)/2
		y := float64(padT) + plotH - h
		fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-label="%s" data-value="%g"><title>%s: %s</title></rect>`,
			x, y, bw, h, esc(b.Label), b.Value, esc(b.Label), esc(format(b.Value)))
		if len(bars) <= 16 {
			fmt.Fprintf(&sb, `<text class="xl" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+bw/2, chartH-padB+16, esc(shorten(b.Label, 10)))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every interpolated text is escaped above
}

// lineChart draws a series over time.
func lineChart(name string, pts []Point, format func(float64) string, fixedMax float64) template.HTML {
	if len(pts) == 0 {
		return emptyChart(name)
	}
	maxV := fixedMax
	if maxV <= 0 {
		for _, p := range pts {
			maxV = math.Max(maxV, p.Value)
		}
		maxV = niceCeil(maxV)
	}
	var sb strings.Builder
	open(&sb, name)
	axis(&sb, maxV, format)
	plotW := float64(chartW - padL - padR)
	plotH := float64(chartH - padT - padB)
	step := 0.0
	if len(pts) > 1 {
		step = plotW / float64(len(pts)-1)
	}
	coords := make([]string, len(pts))
	for i, p := range pts {
		y := float64(padT) + plotH
		if maxV > 0 {
			y -= p.Value / maxV * plotH
		}
		x := float64(padL) + step*float64(i)
		coords[i] = fmt.Sprintf("%.1f,%.1f", x, y)
		fmt.Fprintf(&sb, `<circle class="dot" cx="%.1f" cy="%.1f" r="3" data-label="%s" data-value="%g"><title>%s: %s</title></circle>`,
			x, y, p.Day.Format("2006-01-02"), p.Value, p.Day.Format("2 Jan"), esc(format(p.Value)))
	}
	fmt.Fprintf(&sb, `<polyline class="line" points="%s"/>`, strings.Join(coords, " "))
	first, last := pts[0].Day.Format("2 Jan"), pts[len(pts)-1].Day.Format("2 Jan")
	fmt.Fprintf(&sb, `<text class="xl" x="%d" y="%d">%s</text><text class="xl" x="%d" y="%d" text-anchor="end">%s</text>`,
		padL, chartH-padB+16, first, chartW-padR, chartH-padB+16, last)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func open(sb *strings.Builder, name string) {
	fmt.Fprintf(sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" data-chart="%s">`, chartW, chartH, esc(name), esc(name))
}

// axis draws the baseline, the top gridline and their values.
func axis(sb *strings.Builder, maxV float64, format func(float64) string) {
	base := chartH - padB
	fmt.Fprintf(sb, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, base, chartW-padR, base)
	fmt.Fprintf(sb, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, padT, chartW-padR, padT)
	fmt.Fprintf(sb, `<text class="yl" x="%d" y="%d" text-anchor="end">%s</text>`, padL-4, padT+4, esc(format(maxV)))
	fmt.Fprintf(sb, `<text class="yl" x="%d" y="%d" text-anchor="end">%s</text>`, padL-4, base, esc(format(0)))
}

func emptyChart(name string) template.HTML {
	return template.HTML(`<p class="muted" data-chart="` + esc(name) + `">No data for this period.</p>`)
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, so the top
// gridline has a round value.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string { return html.EscapeString(s) }
