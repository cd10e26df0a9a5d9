package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Credentials the sandbox accepts; Server.Config hands them to connectors.
// They are not secrets: anyone can run the sandbox.
const (
	ClientID     = "sandbox-client"
	ClientSecret = "sandbox-secret"
	APIKey       = "sandbox-api-key"
	Username     = "sandbox-user"
	Password     = "sandbox-password"
	Account      = "0001234567"
)

// ServerOptions configure Start.
type ServerOptions struct {
	// Clock is the simulated time; nil means a clock frozen at the time of
	// the latest step of the journeys (every event revealed).
	Clock *Clock
	// Journeys are the parcels the carriers know.
	Journeys []*Journey
	// Carriers are the dialects to serve; nil means every dialect.
	Carriers []string
	// Faults per carrier slug at start; change them with SetFaults.
	Faults map[string]Faults
	// Seed drives the random draws of fault shares.
	Seed uint64
	// Addr is the listen address (default "127.0.0.1:0", a free port).
	Addr string
}

// Server is a running sandbox: one HTTP server on loopback where each
// carrier answers under its own path prefix ("/ups/...", "/fedex/...").
type Server struct {
	url   string
	clock *Clock
	cat   *Catalog
	hosts map[string]*host // fixed after Start
	hs    *http.Server
	ln    net.Listener
	done  chan struct{}
}

// Dialects returns the carrier slugs the sandbox can speak, sorted.
func Dialects() []string {
	var out []string
	for _, d := range allDialects() {
		out = append(out, d.slug)
	}
	sort.Strings(out)
	return out
}

// allDialects lists every dialect; each lives in its own file.
func allDialects() []*dialect {
	return []*dialect{
		upsDialect(), fedexDialect(), dhlDialect(), canadaPostDialect(),
		uspsDialect(), royalMailDialect(), laPosteDialect(), postNLDialect(), ausPostDialect(),
		seventeenTrackDialect(), afterShipDialect(),
	}
}

// Start listens on loopback and serves the journeys.
func Start(o ServerOptions) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Clock == nil {
		last := DefaultStart
		for _, j := range o.Journeys {
			if len(j.Steps) > 0 && j.Last().After(last) {
				last = j.Last()
			}
		}
		o.Clock = NewClock(last, 0)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen %s: %w", o.Addr, err)
	}
	s := &Server{
		url:   "http://" + ln.Addr().String(),
		clock: o.Clock,
		cat:   NewCatalog(o.Journeys),
		hosts: map[string]*host{},
		ln:    ln,
		done:  make(chan struct{}),
	}
	mux := http.NewServeMux()
	for i, d := range allDialects() {
		if o.Carriers != nil && !slices.Contains(o.Carriers, d.slug) {
			continue
		}
		h := newHost(s, d, mux, o.Seed+uint64(i)*7919)
		h.setFaults(o.Faults[d.slug])
		d.routes(h)
		s.hosts[d.slug] = h
	}
	if o.Carriers != nil {
		for _, c := range o.Carriers {
			if s.hosts[c] == nil {
				_ = ln.Close()
				return nil, fmt.Errorf("sandbox: no dialect for carrier %q (have %v)", c, Dialects())
			}
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sandbox: no carrier at this path; carriers are under /<slug>/", http.StatusNotFound)
	})
	s.hs = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		// Serve returns ErrServerClosed after Close; any other error means
		// the listener broke, which the next request will show.
		_ = s.hs.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	if err != nil {
		err = s.hs.Close()
	}
	<-s.done
	if err != nil {
		return fmt.Errorf("sandbox: close: %w", err)
	}
	return nil
}

// URL is the server's root, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.url }

// BaseURL is the root of one carrier's API, to use as carrier.Config.BaseURL.
func (s *Server) BaseURL(slug string) string {
	base := s.url + "/" + slug
	if h := s.hosts[slug]; h != nil {
		base += h.d.basePath
	}
	return base
}

// Clock returns the simulated clock the server reveals events by.
func (s *Server) Clock() *Clock { return s.clock }

// Catalog returns the journeys the server knows.
func (s *Server) Catalog() *Catalog { return s.cat }

// Carriers returns the slugs served, sorted.
func (s *Server) Carriers() []string {
	out := make([]string, 0, len(s.hosts))
	for slug := range s.hosts {
		out = append(out, slug)
	}
	sort.Strings(out)
	return out
}

// Config returns the connector configuration that points carrier slug at
// the sandbox, with credentials it accepts.
func (s *Server) Config(slug string) carrier.Config {
	cfg := s.baseConfig(slug)
	if h := s.hosts[slug]; h != nil && h.d.configure != nil {
		h.d.configure(&cfg)
	}
	return cfg
}

// ConfigVia returns the configuration that serves carrier slug through the
// aggregator dialect ("17track", "aftership") of the sandbox: the
// aggregator's connector, URL and credentials, under the carrier's slug, so
// the connector sends that carrier's code.
func (s *Server) ConfigVia(aggregator, slug string) carrier.Config {
	cfg := s.baseConfig(aggregator)
	cfg.Slug, cfg.Connector = slug, aggregator
	return cfg
}

func (s *Server) baseConfig(slug string) carrier.Config {
	return carrier.Config{
		Slug:         slug,
		BaseURL:      s.BaseURL(slug),
		ClientID:     ClientID,
		ClientSecret: carrier.NewSecret(ClientSecret),
		APIKey:       carrier.NewSecret(APIKey),
		Username:     Username,
		Password:     carrier.NewSecret(Password),
		Account:      Account,
	}
}

func (s *Server) host(slug string) *host {
	h := s.hosts[slug]
	if h == nil {
		panic(fmt.Sprintf("sandbox: carrier %q is not served (have %v)", slug, s.Carriers()))
	}
	return h
}

// SetFaults replaces the faults of carrier slug.
func (s *Server) SetFaults(slug string, f Faults) { s.host(slug).setFaults(f) }

// Inject queues one-shot faults for the next n tracking calls to slug.
func (s *Server) Inject(slug string, f Fault, n int) { s.host(slug).inject(f, n) }

// ExpireTokens invalidates every OAuth token slug has issued, as if they
// had all expired: the next call with one gets 401.
func (s *Server) ExpireTokens(slug string) { s.host(slug).expireTokens() }

// Push sends the current tracking of number to a webhook at url, as the
// aggregator slug pushes it ("17track": a TRACKING_UPDATED body signed in
// the "sign" header with secret, the account's key; "aftership": a
// tracking_update body signed in aftership-hmac-sha256 with secret, the
// webhook secret). The number must have been registered (17TRACK) or
// created (AfterShip) first. It fails for a carrier that does not push,
// and when the webhook does not answer 2xx.
func (s *Server) Push(slug, url, secret, number string) error {
	h := s.host(slug)
	if h.push == nil {
		return fmt.Errorf("sandbox: %s does not push updates", slug)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return h.push(ctx, url, secret, number)
}

// Stats returns what carrier slug has counted so far.
func (s *Server) Stats(slug string) Stats { return s.host(slug).stats.snapshot() }

// Expected returns the substatus that carrier slug's code for kind stands
// for: what a correct connector reads from the sandbox's answer. It is the
// kind's own substatus unless the carrier's codes are coarser. ok is false
// for a slug without a dialect.
func Expected(slug string, k Kind) (sub status.Substatus, ok bool) {
	for _, d := range allDialects() {
		if d.slug == slug {
			return d.expected(k), true
		}
	}
	return "", false
}
