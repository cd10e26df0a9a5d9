package app

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/status"
)

// pages holds one template set per page, each the layout plus the page.
type pages map[string]*template.Template

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02")
	},
	"ago": func(now, t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return humanDuration(now.Sub(t))
	},
	"statusClass": func(s status.Status) string { return "st-" + strings.ReplaceAll(string(s), "_", "-") },
	"statusName":  func(s status.Status) string { return strings.ReplaceAll(string(s), "_", " ") },
	"pct": func(f float64) string {
		if math.IsNaN(f) {
			return "–"
		}
		return fmt.Sprintf("%.1f %%", f*100)
	},
	"num": func(f float64) string {
		if math.IsNaN(f) {
			return "–"
		}
		return fmt.Sprintf("%.1f", f)
	},
	"list":        func(v ...any) []any { return v },
	"resolutions": func() []string { return caseResolutions },
	"hookMoments": func() []notify.Moment { return webhookMoments },
	"busiest": func(days []ForecastDay) *ForecastDay {
		var best *ForecastDay
		for i := range days {
			if days[i].Deliveries > 0 && (best == nil || days[i].Deliveries > best.Deliveries) {
				best = &days[i]
			}
		}
		return best
	},
}

func parsePages() (pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("app: templates: %w", err)
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, n)
		if err != nil {
			return nil, fmt.Errorf("app: template %s: %w", n, err)
		}
		p[base] = t
	}
	return p, nil
}

// view is what every page template gets.
type view struct {
	Title  string
	Page   string
	Viewer viewer
	Now    time.Time
	Data   any
}

// CSRF is the token forms carry.
func (v view) CSRF() string { return v.Viewer.Session.CSRFToken }

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (a *App) render(w http.ResponseWriter, r *http.Request, code int, page, title string, data any) {
	t, ok := a.pages[page]
	if !ok {
		a.log.ErrorContext(r.Context(), "no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	v := view{Title: title, Page: page, Viewer: viewerOf(r), Now: a.now(), Data: data}
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		a.log.ErrorContext(r.Context(), "render failed", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = buf.WriteTo(w)
}

type failData struct{ Code, Message string }

// fail renders an error page with a stable code.
func (a *App) fail(w http.ResponseWriter, r *http.Request, code int, errCode, msg string) {
	w.Header().Set("X-Waypost-Error", errCode)
	a.render(w, r, code, "error", http.StatusText(code), failData{Code: errCode, Message: msg})
}

func humanDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = "just now"
		return s
	case d < time.Hour:
		s = fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%d h", int(d.Hours()))
	default:
		s = fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if neg {
		return "in " + s
	}
	return s + " ago"
}
