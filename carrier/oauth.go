package carrier

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// OAuth2Config describes an OAuth 2.0 client-credentials token endpoint.
type OAuth2Config struct {
	TokenURL     string
	ClientID     string
	ClientSecret Secret
	// CredentialsInBody sends client_id and client_secret as form fields
	// (FedEx) instead of HTTP Basic (UPS, RFC 6749's preferred way).
	CredentialsInBody bool
	// Params are extra form fields; Header extra headers (UPS x-merchant-id).
	Params url.Values
	Header http.Header
	// RefreshBefore renews a token this long before it expires (default 60s,
	// at most half the token's lifetime).
	RefreshBefore time.Duration
}

// OAuth2 is a client-credentials token cache. Tokens are fetched lazily,
// renewed before they expire, and shared: concurrent callers that find no
// valid token wait for a single fetch. After a 401 the client invalidates
// the token it used, so the next attempt fetches a fresh one.
type OAuth2 struct {
	cfg OAuth2Config
	c   *Client // bound by NewClient: transport, limits, logs, metrics

	mu      sync.Mutex
	header  string // "Bearer ..." of the cached token
	renewAt time.Time
	group   singleflight.Group
}

// NewOAuth2 returns a token cache for cfg. Pass it as ClientConfig.Auth.
func NewOAuth2(cfg OAuth2Config) *OAuth2 {
	if cfg.RefreshBefore <= 0 {
		cfg.RefreshBefore = time.Minute
	}
	return &OAuth2{cfg: cfg}
}

func (o *OAuth2) bind(c *Client) { o.c = c }

// Authorize implements Auth.
func (o *OAuth2) Authorize(ctx context.Context, r *http.Request) error {
	h, err := o.token(ctx)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", h)
	return nil
}

func (o *OAuth2) invalidate(used string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.header == used {
		o.header = ""
	}
}

// token returns a valid "Bearer ..." header value, fetching one if needed.
func (o *OAuth2) token(ctx context.Context) (string, error) {
	o.mu.Lock()
	h, renewAt := o.header, o.renewAt
	o.mu.Unlock()
	if h != "" && o.c.now().Before(renewAt) {
		return h, nil
	}
	// The fetch is detached from the first caller's cancellation: other
	// callers share it, and a token is worth having anyway.
	ch := o.group.DoChan("token", func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.c.cfg.Timeout)
		defer cancel()
		return o.fetch(fctx)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", fmt.Errorf("carrier %s: waiting for token: %w", o.c.cfg.Carrier, ctx.Err())
	}
}

// tokenResponse accepts expires_in as a number (RFC 6749, FedEx) or a string
// (UPS sends "14399").
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

func (o *OAuth2) fetch(ctx context.Context) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	for k, v := range o.cfg.Params {
		form[k] = v
	}
	if o.cfg.CredentialsInBody {
		form.Set("client_id", o.cfg.ClientID)
		form.Set("client_secret", o.cfg.ClientSecret.Reveal())
	}
	if o.cfg.ClientID == "" || o.cfg.ClientSecret.IsZero() {
		return "", &Error{Kind: ErrConfig, Carrier: o.c.cfg.Carrier, Op: "token", Message: "client id or secret not configured"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &Error{Kind: ErrConfig, Carrier: o.c.cfg.Carrier, Op: "token", Err: err}
	}
	for k, v := range o.cfg.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !o.cfg.CredentialsInBody {
		req.SetBasicAuth(o.cfg.ClientID, o.cfg.ClientSecret.Reveal())
	}
	start := o.c.now()
	resp, err := o.c.send(ctx, ctx, "token", req)
	o.c.cfg.Metrics.token(o.c.cfg.Carrier, err)
	if err != nil {
		return "", err
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body, &tr); err != nil || tr.AccessToken == "" {
		if err == nil {
			err = fmt.Errorf("no access_token in answer")
		}
		return "", &Error{Kind: ErrBadResponse, Carrier: o.c.cfg.Carrier, Op: "token", HTTPStatus: resp.Status, Err: err}
	}
	life := parseExpiresIn(tr.ExpiresIn)
	early := min(o.cfg.RefreshBefore, life/2)
	h := "Bearer " + tr.AccessToken
	o.mu.Lock()
	o.header, o.renewAt = h, start.Add(life-early)
	o.mu.Unlock()
	o.c.log.Debug("carrier token fetched", "carrier", o.c.cfg.Carrier, "expires_in", life)
	return h, nil
}

// defaultTokenLife is assumed when a token answer has no usable
// expires_in: short enough to be safe, long enough not to hammer the endpoint.
const defaultTokenLife = 10 * time.Minute

func parseExpiresIn(raw json.RawMessage) time.Duration {
	s := strings.Trim(string(raw), `" `)
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return defaultTokenLife
	}
	return time.Duration(n * float64(time.Second))
}
