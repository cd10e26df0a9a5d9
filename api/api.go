package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/time/rate"

	"github.com/waypost/waypost/store"
)

// Base is the path every v1 operation lives under.
const Base = "/api/v1"

// Body limits: most requests are small; a bulk create of 1,000 trackings
// with full contacts fits in 10 MiB.
const (
	MaxBody     = 1 << 20
	MaxBulkBody = 10 << 20
)

// Options configure New.
type Options struct {
	// Store must also implement store.Keys, store.Idempotency,
	// store.TrackingCreator and store.TrackingReader (both engines do).
	Store  store.Store
	Logger *slog.Logger // nil: slog.Default()
	// Now is the clock of stored times (the demo's is simulated); nil:
	// time.Now. Rate limits and caches always use the real clock.
	Now func() time.Time
	// RateLimit is each key's sustained request rate per second, and
	// RateBurst the bucket size (0: twice the rate, at least 1). A
	// RateLimit of 0 turns rate limiting off.
	RateLimit float64
	RateBurst int
	// KeyCacheTTL is how long a key, once read, is trusted without
	// reading it again (default 10s).
	KeyCacheTTL time.Duration
	// Version is the API document's version string.
	Version string
}

// API is the REST API. It is an http.Handler for Base and /compat/.
type API struct {
	st      store.Store
	keys    store.Keys
	idem    store.Idempotency
	creator store.TrackingCreator
	reader  store.TrackingReader
	log     *slog.Logger
	now     func() time.Time

	mux    *http.ServeMux
	huma   huma.API
	cache  *keyCache
	limits *limiters

	touchMu sync.Mutex
	touched map[int64]time.Time
	bg      sync.WaitGroup
}

// New builds the API and registers its operations.
func New(o Options) (*API, error) {
	keys, ok1 := o.Store.(store.Keys)
	idem, ok2 := o.Store.(store.Idempotency)
	creator, ok3 := o.Store.(store.TrackingCreator)
	reader, ok4 := o.Store.(store.TrackingReader)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, errors.New("api: the store does not implement store.Keys, store.Idempotency, store.TrackingCreator and store.TrackingReader")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.KeyCacheTTL <= 0 {
		o.KeyCacheTTL = 10 * time.Second
	}
	if o.Version == "" {
		o.Version = "1.0.0"
	}
	a := &API{st: o.Store, keys: keys, idem: idem, creator: creator, reader: reader, log: o.Logger, now: o.Now,
		mux: http.NewServeMux(), cache: &keyCache{ttl: o.KeyCacheTTL, m: map[string]cachedKey{}},
		touched: map[int64]time.Time{}}
	if o.RateLimit > 0 {
		burst := o.RateBurst
		if burst <= 0 {
			burst = max(1, int(2*o.RateLimit))
		}
		a.limits = &limiters{limit: rate.Limit(o.RateLimit), burst: burst, m: map[int64]*rate.Limiter{}}
	}

	cfg := huma.DefaultConfig("Waypost API", o.Version)
	cfg.Info.Description = "Track parcels across carriers and borders. Every error has the shape " +
		"{\"error\":{\"code\",\"message\",\"details\"}} with a stable code."
	cfg.OpenAPIPath = Base + "/openapi"
	cfg.DocsPath = Base + "/docs"
	cfg.SchemasPath = Base + "/schemas"
	// No $schema links in answers: clients get plain objects.
	cfg.CreateHooks = nil
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":       {Type: "http", Scheme: "bearer", Description: "Authorization: Bearer wp_live_..."},
		"apiKeyHeader": {Type: "apiKey", In: "header", Name: "Waypost-Api-Key"},
	}
	a.huma = humago.New(a.mux, cfg)
	a.huma.UseMiddleware(a.middleware)
	a.registerTrackings()
	a.registerActions()
	a.registerBulk()
	a.registerMisc()
	a.registerKeys()
	a.registerExt()
	// Anything else under the API answers in the API's error shape.
	a.mux.HandleFunc(Base+"/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, NewError(http.StatusNotFound, CodeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	a.mountCompat()
	return a, nil
}

// Register lets another package add operations to the API and its
// document; see the package documentation. Call it before serving.
func (a *API) Register(fn func(h huma.API, auth Auth)) { fn(a.huma, Auth{}) }

// Huma returns the underlying huma API.
func (a *API) Huma() huma.API { return a.huma }

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Close waits for background writes (key use times) to finish.
func (a *API) Close() { a.bg.Wait() }

// RevokeKey revokes a key of the tenant and forgets it at once in this
// process.
func (a *API) RevokeKey(ctx context.Context, tenantID, keyID int64) error {
	if err := a.keys.RevokeAPIKey(ctx, tenantID, keyID, a.now()); err != nil {
		return err
	}
	a.cache.drop(keyID)
	return nil
}

// PurgeLoop deletes idempotency records older than a day, hourly, until
// ctx ends.
func (a *API) PurgeLoop(ctx context.Context) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.idem.PurgeIdempotencyKeys(ctx, a.now().Add(-IdempotencyTTL)); err != nil {
			a.log.Warn("api: purge idempotency keys", "error", err)
		} else if n > 0 {
			a.log.Info("api: purged idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func writeJSONError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = huma.DefaultJSONFormat.Marshal(w, e)
}

// internal logs err and returns the generic 500 answer, so that database
// details never reach the client.
func (a *API) internal(ctx context.Context, what string, err error) error {
	a.log.ErrorContext(ctx, "api: "+what, "tenant_id", TenantID(ctx), "error", err)
	return NewError(http.StatusInternalServerError, CodeInternal, "internal error while "+what)
}

// storeErr maps a store error for an object named what, logging
// unexpected ones.
func (a *API) storeErr(ctx context.Context, err error, what string) error {
	mapped := StoreError(err, what)
	var e *Error
	if errors.As(mapped, &e) {
		return e
	}
	return a.internal(ctx, what, err)
}
