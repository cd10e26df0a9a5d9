package carrier

import (
	"context"
	"net/http"
)

// Auth puts credentials on an outgoing carrier request. The HTTP layer calls
// Authorize before every attempt, so a refreshed token is picked up by
// retries.
type Auth interface {
	Authorize(ctx context.Context, r *http.Request) error
}

// invalidator is implemented by Auths that cache a credential (OAuth2):
// after a 401 the client drops the credential used and retries once.
type invalidator interface {
	invalidate(used string)
}

// binder is implemented by Auths that make HTTP calls of their own; the
// client hands them its transport, limits, logger and metrics.
type binder interface {
	bind(c *Client)
}

// HeaderAuth sends a static key in a header, e.g. DHL's "DHL-API-Key" or
// La Poste's "X-Okapi-Key".
type HeaderAuth struct {
	Name  string
	Value Secret
}

// Authorize implements Auth.
func (a HeaderAuth) Authorize(_ context.Context, r *http.Request) error {
	if a.Value.IsZero() {
		return &Error{Kind: ErrConfig, Op: "auth", Message: "API key not configured"}
	}
	r.Header.Set(a.Name, a.Value.Reveal())
	return nil
}

// BasicAuth sends HTTP Basic credentials (Australia Post, DHL Parcel DE).
type BasicAuth struct {
	Username string
	Password Secret
}

// Authorize implements Auth.
func (a BasicAuth) Authorize(_ context.Context, r *http.Request) error {
	if a.Username == "" || a.Password.IsZero() {
		return &Error{Kind: ErrConfig, Op: "auth", Message: "username or password not configured"}
	}
	r.SetBasicAuth(a.Username, a.Password.Reveal())
	return nil
}

// NoAuth sends no credentials.
type NoAuth struct{}

// Authorize implements Auth.
func (NoAuth) Authorize(context.Context, *http.Request) error { return nil }
