// Package track is the public tracking page: what the buyer looks at. It
// looks a shipment up by tracking number (status and city-level detail
// only) or by order number plus e-mail or postal code (everything, the
// buyer's name and address included), in the buyer's language, with the
// seller's branding, and lets the buyer subscribe to updates, confirm
// receipt or report a problem. An iframe version and a script snippet put
// the same lookup on the seller's own site.
package track

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/ui"
)

// Estimator gives a shipment's estimated delivery window; ok is false when
// there is no estimate.
type Estimator interface {
	Estimate(ctx context.Context, tenantID, shipmentID int64) (from, to time.Time, ok bool)
}

// Subscriber signs a buyer up for updates about one shipment by e-mail.
type Subscriber interface {
	Subscribe(ctx context.Context, tenantID, shipmentID int64, email, lang string) error
}

// Reporter opens a case for a buyer's report and returns the case ID.
type Reporter interface {
	OpenCase(ctx context.Context, tenantID int64, r store.BuyerReport) (caseID int64, err error)
}

// Config is what the page needs; only Store is required.
type Config struct {
	// Store must also implement store.TrackingPages.
	Store      store.Store
	Estimator  Estimator  // nil: no delivery estimate shown
	Subscriber Subscriber // nil: no subscribe form
	Reporter   Reporter   // nil: reports are stored without opening a case
	// DefaultTenantID is the shop /track (without a slug) belongs to; 0
	// means /track looks numbers up across all tenants.
	DefaultTenantID int64
	// Secret signs the verification cookie; all nodes sharing a database
	// need the same one. Empty: a random secret per process.
	Secret []byte
	// LookupRate and LookupBurst are the per-client token bucket for
	// lookups (per second); zero LookupRate means 0.5/s with a burst of 20.
	LookupRate  float64
	LookupBurst int
	// TrustProxy takes the client address from X-Forwarded-For (behind a
	// reverse proxy); otherwise the connection's address is used.
	TrustProxy bool
	Registry   prometheus.Registerer // nil: metrics not registered
	Log        *slog.Logger
	Now        func() time.Time
}

// Handler serves the tracking page.
type Handler struct {
	cfg     Config
	pages   store.TrackingPages
	tmpl    *template.Template
	assets  *ui.Assets
	shared  *ui.Assets
	limiter *limiter
	counts  *counter
	metrics metrics
	log     *slog.Logger
	now     func() time.Time
	secret  []byte
}

// Paths the handler serves; StaticPrefix is exported for tests and docs.
const (
	StaticPrefix = "/track/static/"
	uiPrefix     = StaticPrefix + "ui/"
)

// New builds the handler. It fails when the store lacks the
// tracking-page tables.
func New(cfg Config) (*Handler, error) {
	pages, ok := cfg.Store.(store.TrackingPages)
	if !ok {
		return nil, fmt.Errorf("track: store %T does not implement store.TrackingPages", cfg.Store)
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LookupRate <= 0 {
		cfg.LookupRate, cfg.LookupBurst = 0.5, 20
	}
	if cfg.LookupBurst <= 0 {
		cfg.LookupBurst = max(1, int(cfg.LookupRate*10))
	}
	secret := cfg.Secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("track: secret: %w", err)
		}
	}
	h := &Handler{
		cfg:     cfg,
		pages:   pages,
		assets:  ownAssets(),
		shared:  ui.Shared(uiPrefix),
		limiter: newLimiter(cfg.LookupRate, cfg.LookupBurst, cfg.Now),
		counts:  newCounter(),
		log:     cfg.Log,
		now:     cfg.Now,
		secret:  secret,
	}
	h.metrics = newMetrics(cfg.Registry)
	var err error
	if h.tmpl, err = h.parseTemplates(); err != nil {
		return nil, err
	}
	return h, nil
}

// Mux is what the handler mounts on: *http.ServeMux and server.Server.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Mount registers the page's routes. The slugs "embed", "widget.js",
// "static", "lookup", "subscribe", "report" and "photo" are taken by
// routes and cannot name a tenant's page.
func (h *Handler) Mount(m Mux) {
	m.Handle("GET /track", http.HandlerFunc(h.page))
	m.Handle("GET /track/{$}", http.HandlerFunc(h.page))
	m.Handle("GET /track/{slug}", http.HandlerFunc(h.page))
	m.Handle("POST /track/lookup", http.HandlerFunc(h.lookup))
	m.Handle("GET /track/embed", http.HandlerFunc(h.embed))
	m.Handle("GET /track/widget.js", http.HandlerFunc(h.widget))
	m.Handle("POST /track/subscribe", http.HandlerFunc(h.subscribe))
	m.Handle("POST /track/report", http.HandlerFunc(h.report))
	m.Handle("GET "+uiPrefix, h.shared)
	m.Handle("GET "+StaticPrefix, h.assets)
}

// Run writes the page counters to the store every interval until ctx
// ends, then once more.
func (h *Handler) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// The server is stopping: a fresh context so the last
			// counts are still written.
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := h.Flush(fctx); err != nil {
				h.log.Warn("track: page counts not written at shutdown", "err", err)
			}
			return nil
		case <-t.C:
			if err := h.Flush(ctx); err != nil && !errors.Is(err, context.Canceled) {
				h.log.Warn("track: page counts not written; kept for the next try", "err", err)
			}
		}
	}
}

// Flush writes the counters gathered since the last flush. Counts that
// fail to be written are put back, so nothing counted is lost.
func (h *Handler) Flush(ctx context.Context) error {
	var errs []error
	for k, c := range h.counts.take() {
		if err := h.pages.AddPageCounts(ctx, k.tenant, k.day, c); err != nil {
			h.counts.putBack(k, c)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
