package ui

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Text must stand out from its background: WCAG 2.1 asks for a contrast
// ratio of at least 4.5:1 for normal text (success criterion 1.4.3). The
// pairs below are the text colours the stylesheets put on each
// background; a palette change that breaks one fails here.
func TestTextContrast(t *testing.T) {
	base := cssVars(t, "static/base.css")
	app := cssVars(t, "../app/static/app.css")
	type pair struct{ sheet, what, fg, bg string }
	pairs := []pair{
		{"base", "body text", base["ink"], base["bg"]},
		{"base", "muted text", base["muted"], base["bg"]},
		{"base", "muted text on soft", base["muted"], base["soft"]},
		{"base", "links and headings", base["brand"], base["bg"]},
		{"base", "accent text", base["accent"], base["bg"]},
		{"base", "good news", base["ok"], base["bg"]},
		{"base", "warnings", base["warn"], base["bg"]},
		{"base", "errors", base["bad"], base["bg"]},
		{"track", "hand-off label", base["accent"], "#fff8ef"},
		{"app", "body text", app["fg"], app["bg"]},
		{"app", "text on cards", app["fg"], app["card"]},
		{"app", "muted text", app["muted"], app["bg"]},
		{"app", "muted text on cards", app["muted"], app["card"]},
		{"app", "links", app["accent"], app["card"]},
		{"app", "button text", "#ffffff", app["accent"]},
		{"app", "errors", app["bad"], app["card"]},
		{"app", "delivered badge", app["ok"], "#dcf3e6"},
		{"app", "in-transit badge", app["accent"], "#e3ebff"},
		{"app", "exception badge", app["bad"], "#fde4e1"},
		{"app", "attempt badge", app["warn"], "#fff0d6"},
		{"app", "pending badge", app["muted"], "#eef0f4"},
	}
	for _, p := range pairs {
		if p.fg == "" || p.bg == "" {
			t.Errorf("%s %s: colour not found in the stylesheet", p.sheet, p.what)
			continue
		}
		if r := contrast(t, p.fg, p.bg); r < 4.5 {
			t.Errorf("%s %s: %s on %s has contrast %.2f:1, want at least 4.5:1", p.sheet, p.what, p.fg, p.bg, r)
		}
	}
}

var cssVar = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b`)

// cssVars reads the colour custom properties of a stylesheet.
func cssVars(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(string(b), -1) {
		c := strings.ToLower(m[2])
		if len(c) == 4 { // #abc is #aabbcc
			c = "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
		}
		out[m[1]] = c
	}
	return out
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("%q is not a #rrggbb colour", hex)
	}
	ch := func(shift uint) float64 {
		c := float64((v>>shift)&0xff) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(16) + 0.7152*ch(8) + 0.0722*ch(0)
}

func TestContrastFormula(t *testing.T) {
	// Black on white is 21:1 by definition; equal colours 1:1.
	if r := contrast(t, "#000000", "#ffffff"); math.Abs(r-21) > 1e-9 {
		t.Errorf("black on white = %v", r)
	}
	if r := contrast(t, "#777777", "#777777"); r != 1 {
		t.Errorf("grey on grey = %v", r)
	}
	// #767676 on white is the well-known lightest grey that passes AA.
	if r := contrast(t, "#767676", "#ffffff"); r < 4.5 || r > 4.6 {
		t.Errorf("#767676 on white = %v, want about 4.54", r)
	}
}
