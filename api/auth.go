package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/time/rate"

	"github.com/waypost/waypost/store"
)

// Auth is handed to Register callbacks to protect their operations.
type Auth struct{}

const metaScope = "waypost.scope"

// Require makes op need a key with at least scope, documents the 401,
// 403 and 429 answers and the key schemes.
func (Auth) Require(op *huma.Operation, scope string) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaScope] = scope
	op.Security = []map[string][]string{{"bearer": {}}, {"apiKeyHeader": {}}}
	codes := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests}
	switch op.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		codes = append(codes, http.StatusBadRequest) // unreadable JSON
	}
	for _, c := range codes {
		if !containsInt(op.Errors, c) {
			op.Errors = append(op.Errors, c)
		}
	}
	if op.Description == "" {
		op.Description = "Needs a key with scope " + scope + "."
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// TenantID returns the tenant of the key that authenticated the request;
// 0 outside an authenticated operation.
func TenantID(ctx context.Context) int64 {
	k, _ := ctx.Value(ctxKey{}).(store.APIKey)
	return k.TenantID
}

// CallerKey returns the key that authenticated the request.
func CallerKey(ctx context.Context) (store.APIKey, bool) {
	k, ok := ctx.Value(ctxKey{}).(store.APIKey)
	return k, ok
}

var scopeRank = map[string]int{store.ScopeRead: 1, store.ScopeWrite: 2, store.ScopeAdmin: 3}

// keyFromHeaders reads the key from Authorization: Bearer, or from the
// given alternative headers.
func keyFromHeaders(get func(string) string, alt ...string) string {
	if v := strings.TrimSpace(get("Authorization")); v != "" {
		scheme, tok, ok := strings.Cut(v, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
	}
	for _, h := range alt {
		if v := strings.TrimSpace(get(h)); v != "" {
			return v
		}
	}
	return ""
}

// keyCache remembers keys found by hash for a short time, so a busy
// client costs no database read per request. A revocation through this
// process takes effect at once; one made elsewhere within the TTL.
type keyCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedKey
}

type cachedKey struct {
	k  store.APIKey
	at time.Time
}

func (c *keyCache) get(hash string, now time.Time) (store.APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.at) > c.ttl {
		return store.APIKey{}, false
	}
	return e.k, true
}

func (c *keyCache) put(k store.APIKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 100_000 {
		clear(c.m) // bounded: many distinct keys only cost re-reads
	}
	c.m[k.Hash] = cachedKey{k, now}
}

func (c *keyCache) drop(keyID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.k.ID == keyID {
			delete(c.m, h)
		}
	}
}

// authenticate finds the active key for secret.
func (a *API) authenticate(ctx context.Context, secret string) (store.APIKey, *Error) {
	if secret == "" {
		return store.APIKey{}, NewError(http.StatusUnauthorized, CodeUnauthorized,
			"an API key is required: Authorization: Bearer <key> or Waypost-Api-Key: <key>")
	}
	now := a.now()
	hash := HashKey(secret)
	k, ok := a.cache.get(hash, now)
	if !ok {
		var err error
		k, err = a.keys.FindAPIKey(ctx, hash)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return k, NewError(http.StatusUnauthorized, CodeUnauthorized, "the API key is not valid")
		case err != nil:
			a.log.ErrorContext(ctx, "api: key lookup failed", "error", err)
			return k, NewError(http.StatusInternalServerError, CodeInternal, "the key could not be checked")
		}
		a.cache.put(k, now)
	}
	if !k.RevokedAt.IsZero() {
		return k, NewError(http.StatusUnauthorized, CodeUnauthorized, "the API key has been revoked")
	}
	a.touch(k, now)
	return k, nil
}

// touch records the key's use, at most once a minute per key and process,
// off the request's path.
func (a *API) touch(k store.APIKey, now time.Time) {
	a.touchMu.Lock()
	last, ok := a.touched[k.ID]
	if ok && now.Sub(last) < time.Minute {
		a.touchMu.Unlock()
		return
	}
	a.touched[k.ID] = now
	a.touchMu.Unlock()
	a.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.keys.TouchAPIKey(ctx, k.TenantID, k.ID, now); err != nil {
			a.log.Warn("api: record key use", "key", k.Prefix, "error", err)
		}
	})
}

// limiters holds one token bucket per key.
type limiters struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	m     map[int64]*rate.Limiter
}

func (l *limiters) get(keyID int64) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[keyID]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.m[keyID] = lim
	}
	return lim
}

// allow takes a token for the key and returns the rate-limit headers to
// send; ok false means the request must be refused with Retry-After.
func (l *limiters) allow(keyID int64, now time.Time) (hdr map[string]string, retryAfter int, ok bool) {
	lim := l.get(keyID)
	ok = lim.AllowN(now, 1)
	tokens := lim.TokensAt(now)
	rem := int(math.Max(0, math.Floor(tokens)))
	// Reset: seconds until the bucket is full again.
	reset := int(math.Ceil((float64(l.burst) - tokens) / float64(l.limit)))
	hdr = map[string]string{
		"RateLimit-Limit":     strconv.Itoa(l.burst),
		"RateLimit-Remaining": strconv.Itoa(rem),
		"RateLimit-Reset":     strconv.Itoa(max(reset, 0)),
	}
	if !ok {
		retryAfter = max(1, int(math.Ceil((1-tokens)/float64(l.limit))))
	}
	return hdr, retryAfter, ok
}

// middleware authenticates operations that Require a scope, checks the
// scope, applies the key's rate limit and puts the key in the context.
func (a *API) middleware(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	scope, _ := op.Metadata[metaScope].(string)
	if scope == "" {
		next(ctx)
		return
	}
	k, e := a.authenticate(ctx.Context(), keyFromHeaders(ctx.Header, "Waypost-Api-Key"))
	if e != nil {
		if e.status == http.StatusUnauthorized {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="waypost"`)
		}
		a.writeError(ctx, e)
		return
	}
	if scopeRank[k.Scope] < scopeRank[scope] {
		a.writeError(ctx, NewError(http.StatusForbidden, CodeForbidden, "this operation needs a key with scope "+scope+"; the key has "+k.Scope))
		return
	}
	if a.limits != nil {
		hdr, retry, ok := a.limits.allow(k.ID, time.Now())
		for h, v := range hdr {
			ctx.SetHeader(h, v)
		}
		if !ok {
			ctx.SetHeader("Retry-After", strconv.Itoa(retry))
			a.writeError(ctx, NewError(http.StatusTooManyRequests, CodeRateLimited, "rate limit exceeded; retry after "+strconv.Itoa(retry)+"s"))
			return
		}
	}
	next(huma.WithValue(ctx, ctxKey{}, k))
}

// writeError writes e in the API's error shape.
func (a *API) writeError(ctx huma.Context, e *Error) {
	ctx.SetHeader("Content-Type", "application/json")
	ctx.SetStatus(e.status)
	if err := a.huma.Marshal(ctx.BodyWriter(), "application/json", e); err != nil {
		a.log.Warn("api: write error answer", "error", err)
	}
}
