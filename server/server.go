// Package server is Waypost's HTTP server: one mux on which the parts of
// the program mount their handlers (REST API under /api/v1, public pages
// under /track, dashboard under /app, carrier push endpoints under
// /hooks), plus /healthz and /metrics, with graceful shutdown.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure New.
type Options struct {
	// Health reports whether the server can do its work (the database
	// answers); nil means always healthy.
	Health func(ctx context.Context) error
	// Gatherer serves /metrics; nil leaves /metrics out.
	Gatherer prometheus.Gatherer
	// Logger receives request errors and lifecycle logs; nil means
	// slog.Default().
	Logger *slog.Logger
	// ShutdownTimeout bounds the wait for open requests on shutdown
	// (default 10s).
	ShutdownTimeout time.Duration
}

// Server holds the mux. Mount handlers with Handle before Serve.
type Server struct {
	mux  *http.ServeMux
	opts Options
	log  *slog.Logger
}

// New returns a server with /healthz and /metrics mounted.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	s := &Server{mux: http.NewServeMux(), opts: o, log: o.Logger}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	if o.Gatherer != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{ErrorLog: slogAdapter{o.Logger}}))
	}
	return s
}

// Handle mounts h on pattern (Go 1.22 mux patterns, e.g. "GET /track/{id}"
// or "/api/v1/").
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// HandleFunc mounts f on pattern.
func (s *Server) HandleFunc(pattern string, f http.HandlerFunc) { s.mux.HandleFunc(pattern, f) }

// Handler is the root handler, for tests with httptest.
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	body := map[string]string{"status": "ok"}
	code := http.StatusOK
	if s.opts.Health != nil {
		if err := s.opts.Health(ctx); err != nil {
			code, body = http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()}
		}
	}
	WriteJSON(w, code, body)
}

// Serve serves on ln until ctx is cancelled, then stops accepting
// connections and waits up to ShutdownTimeout for open requests.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// WriteJSON writes v as an indented JSON answer.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// slogAdapter lets promhttp log through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Println(v ...any) { a.l.Error("metrics: " + fmt.Sprint(v...)) }
