package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
	"golang.org/x/time/rate"
)

// dialect is one carrier's API shape. Each lives in its own file.
type dialect struct {
	slug string
	// routes registers the carrier's endpoints on h.
	routes func(h *host)
	// authorize checks a tracking call's credentials.
	authorize func(h *host, r *http.Request) bool
	// errorReply renders a failure in the carrier's own error shape.
	errorReply func(status int, code, message string) reply
	// expect returns the substatus the carrier's code for k stands for,
	// when it differs from k's own (coarser codes); "" otherwise.
	expect func(k Kind) status.Substatus
	// tokenTTL is the token lifetime the carrier announces (OAuth only).
	tokenTTL time.Duration
	// aggregator dialects answer for every leg of a journey.
	aggregator bool
	// basePath is the API root under the carrier's prefix, part of the
	// BaseURL a connector is given (La Poste's "/suivi/v2").
	basePath string
	// configure completes Server.Config for the dialect (options an
	// aggregator needs); nil adds nothing.
	configure func(c *carrier.Config)
}

func (d *dialect) expected(k Kind) status.Substatus {
	if d.expect != nil {
		if s := d.expect(k); s != "" {
			return s
		}
	}
	return k.Substatus()
}

// reply is an answer before faults touch it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func jsonReply(code int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: encoding answer: %v", err)) // only our own types are encoded
	}
	return reply{status: code, header: http.Header{"Content-Type": {"application/json"}}, body: b}
}

func xmlReply(code int, contentType string, body []byte) reply {
	return reply{status: code, header: http.Header{"Content-Type": {contentType}}, body: body}
}

// op says what an endpoint is, for counting and for which faults apply.
type op int

const (
	opTrack op = iota
	opToken
)

// host is one carrier inside the server: its dialect, faults, tokens and
// counters.
type host struct {
	srv *Server
	d   *dialect
	mux *http.ServeMux

	mu      sync.Mutex
	faults  Faults
	limiter *rate.Limiter
	rng     *mrand.Rand
	queue   []Fault
	tokens  map[string]time.Time // access token -> real expiry

	// push sends one number's tracking to a webhook, for dialects whose
	// carrier pushes (set by their routes); nil otherwise.
	push func(ctx context.Context, url, secret, number string) error

	stats counters
}

func newHost(s *Server, d *dialect, mux *http.ServeMux, seed uint64) *host {
	return &host{srv: s, d: d, mux: mux, rng: mrand.New(mrand.NewPCG(seed, 0x5eed)), tokens: map[string]time.Time{}}
}

func (h *host) setFaults(f Faults) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = f
	h.limiter = nil
	if f.RateLimit > 0 {
		burst := f.Burst
		if burst <= 0 {
			burst = max(1, int(f.RateLimit))
		}
		h.limiter = rate.NewLimiter(rate.Limit(f.RateLimit), burst)
	}
}

func (h *host) inject(f Fault, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for range n {
		h.queue = append(h.queue, f)
	}
}

func (h *host) expireTokens() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.tokens)
}

// handle registers fn for "METHOD /path" under the carrier's prefix.
func (h *host) handle(pattern string, o op, fn func(r *http.Request) reply) {
	method, path, _ := strings.Cut(pattern, " ")
	h.mux.HandleFunc(method+" /"+h.d.slug+path, func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, o, fn)
	})
}

// retryAfter is the Retry-After value in whole seconds, at least one.
func retryAfter(d time.Duration) string {
	if d <= 0 {
		d = time.Second
	}
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// decision is what the fault stage chose for one request.
type decision struct {
	fault Fault
	delay time.Duration
}

// decide applies windows, limits and shares. It runs under h.mu so the
// random stream is drawn in a reproducible order for one client.
func (h *host) decide(o op, now time.Time) (d decision, retry time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.faults
	retry = f.RetryAfter
	for _, w := range f.Down {
		if w.Contains(now) {
			if f.DropConnections {
				return decision{fault: FaultDrop}, retry
			}
			return decision{fault: FaultUnavailable}, retry
		}
	}
	for _, w := range f.Storms {
		if w.Contains(now) {
			return decision{fault: FaultRateLimit}, retry
		}
	}
	if h.limiter != nil {
		r := h.limiter.Reserve()
		if wait := r.Delay(); wait > 0 {
			r.Cancel()
			return decision{fault: FaultRateLimit}, max(retry, wait)
		}
	}
	if o != opTrack {
		return decision{}, retry
	}
	if len(h.queue) > 0 {
		d.fault, h.queue = h.queue[0], h.queue[1:]
		if d.fault == FaultSlow {
			d.delay = f.SlowDelay
			if d.delay <= 0 {
				d.delay = 2 * time.Second
			}
		}
		return d, retry
	}
	switch x := h.rng.Float64(); {
	case x < f.ServerErrors:
		d.fault = FaultServerError
	case x < f.ServerErrors+f.Truncated:
		d.fault = FaultTruncated
	case x < f.ServerErrors+f.Truncated+f.Broken:
		d.fault = FaultBroken
	}
	if f.Slow > 0 && h.rng.Float64() < f.Slow {
		d.delay = f.SlowDelay
	}
	return d, retry
}

// serve runs one request through the fault stage, authentication and the
// dialect's handler.
func (h *host) serve(w http.ResponseWriter, r *http.Request, o op, fn func(*http.Request) reply) {
	h.stats.requests.Add(1)
	if o == opTrack {
		h.stats.track.Add(1)
	} else {
		h.stats.token.Add(1)
	}
	d, retry := h.decide(o, h.srv.clock.Now())
	if d.delay > 0 {
		h.stats.slow.Add(1)
		t := time.NewTimer(d.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch d.fault {
	case FaultDrop:
		h.stats.dropped.Add(1)
		drop(w)
		return
	case FaultRateLimit:
		h.stats.rateLimited.Add(1)
		rep := h.d.errorReply(http.StatusTooManyRequests, "RATE.LIMIT.EXCEEDED", "Too many requests, slow down")
		rep.header.Set("Retry-After", retryAfter(retry))
		write(w, rep)
		return
	case FaultUnavailable:
		h.stats.serverErrors.Add(1)
		rep := h.d.errorReply(http.StatusServiceUnavailable, "SERVICE.UNAVAILABLE", "The service is temporarily unavailable")
		rep.header.Set("Retry-After", retryAfter(retry))
		write(w, rep)
		return
	case FaultServerError:
		h.stats.serverErrors.Add(1)
		write(w, h.d.errorReply(http.StatusInternalServerError, "INTERNAL.SERVER.ERROR", "An internal error occurred"))
		return
	case FaultUnauthorized:
		h.revoke(r)
		h.stats.unauthorized.Add(1)
		write(w, h.d.errorReply(http.StatusUnauthorized, "UNAUTHORIZED", "Access token expired"))
		return
	}
	if o == opTrack && !h.d.authorize(h, r) {
		h.stats.unauthorized.Add(1)
		write(w, h.d.errorReply(http.StatusUnauthorized, "UNAUTHORIZED", "Invalid or missing credentials"))
		return
	}
	rep := fn(r)
	if rep.header == nil {
		rep.header = http.Header{}
	}
	switch d.fault {
	case FaultTruncated:
		h.stats.truncated.Add(1)
		rep.body = rep.body[:len(rep.body)/2]
	case FaultBroken:
		h.stats.broken.Add(1)
		rep = reply{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html"}}, body: []byte(brokenPage)}
	}
	write(w, rep)
}

func write(w http.ResponseWriter, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// drop closes the connection without an answer, like a carrier whose load
// balancer has no healthy backend.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// lookup returns the steps of number this carrier has revealed by now. ok
// is false when the carrier does not know the number or has no event yet.
func (h *host) lookup(number string) (*Journey, int, []Step, bool) {
	now := h.srv.clock.Now()
	h.stats.numbers.Add(1)
	var (
		j   *Journey
		leg int
		ok  bool
	)
	if h.d.aggregator {
		j, leg, ok = h.srv.cat.FindAny(number)
	} else {
		j, leg, ok = h.srv.cat.Find(h.d.slug, number)
	}
	if !ok {
		h.stats.notFound.Add(1)
		return nil, 0, nil, false
	}
	var steps []Step
	if h.d.aggregator {
		steps = aggregatorSteps(j, leg, now)
	} else {
		steps = j.Visible(leg, now)
	}
	if len(steps) == 0 {
		h.stats.notFound.Add(1)
		return nil, 0, nil, false
	}
	h.stats.found.Add(1)
	return j, leg, steps, true
}

// aggregatorSteps is what an aggregator shows for the number of leg: asked
// by the first leg's number it follows the parcel across every carrier
// (origin and last mile, as 17TRACK and AfterShip do for a consolidator's
// number); asked by a last-mile carrier's own new number, only that leg.
func aggregatorSteps(j *Journey, leg int, now time.Time) []Step {
	if leg == 0 || normNumber(j.Legs[leg].Number) == normNumber(j.Legs[0].Number) {
		return j.VisibleAll(now)
	}
	return j.Visible(leg, now)
}

// OAuth --------------------------------------------------------------

// issueToken checks client credentials and returns a new token with the
// lifetime the carrier announces.
func (h *host) issueToken(id, secret string) (string, bool) {
	if id != ClientID || secret != ClientSecret {
		return "", false
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	h.mu.Lock()
	defer h.mu.Unlock()
	life := h.d.tokenTTL
	if h.faults.TokenTTL > 0 && h.faults.TokenTTL < life {
		life = h.faults.TokenTTL
	}
	now := time.Now()
	for t, exp := range h.tokens { // keep the table small under long runs
		if now.After(exp) {
			delete(h.tokens, t)
		}
	}
	h.tokens[tok] = now.Add(life)
	return tok, true
}

// bearerOK checks an "Authorization: Bearer" token.
func (h *host) bearerOK(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	exp, ok := h.tokens[tok]
	return ok && time.Now().Before(exp)
}

// revoke drops the bearer token of r, if any.
func (h *host) revoke(r *http.Request) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		h.mu.Lock()
		delete(h.tokens, tok)
		h.mu.Unlock()
	}
}

// basicOK checks HTTP Basic credentials against user and password.
func basicOK(r *http.Request, user, pass string) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == user && p == pass
}

// randRead fills b with random bytes (identifiers, tokens).
func randRead(b []byte) (int, error) { return rand.Read(b) }
