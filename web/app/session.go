package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/waypost/waypost/store"
)

const (
	sessionCookie = "waypost_session"
	loginCookie   = "waypost_login" // the sign-in form's CSRF token
)

// viewer is the signed-in user of a request.
type viewer struct {
	User    store.User
	Session store.Session
}

func (v viewer) Admin() bool { return v.User.Role == store.RoleAdmin }

type viewerKey struct{}

func viewerOf(r *http.Request) viewer {
	v, _ := r.Context().Value(viewerKey{}).(viewer)
	return v
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a session token.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// session returns the request's live session, extending its idle expiry
// at most once a minute so that reading pages costs no write each time.
func (a *App) session(w http.ResponseWriter, r *http.Request) (viewer, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return viewer{}, false
	}
	now := a.now()
	s, u, err := a.users.GetSession(r.Context(), hashToken(c.Value), now)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.log.ErrorContext(r.Context(), "session lookup failed", "error", err)
		}
		a.clearCookie(w, r, sessionCookie)
		return viewer{}, false
	}
	if want := now.Add(a.cfg.IdleTimeout); want.Sub(s.IdleUntil) > min(time.Minute, a.cfg.IdleTimeout/10) && s.IdleUntil.Before(s.ExpiresAt) {
		if err := a.users.TouchSession(r.Context(), s.TokenHash, want); err != nil {
			a.log.WarnContext(r.Context(), "session touch failed", "error", err)
		}
	}
	return viewer{User: u, Session: s}, true
}

// authed wraps handlers for signed-in users: no session redirects to the
// sign-in page (GET) or is 401; a POST without the session's token is 403.
func (a *App) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := a.session(w, r)
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/app/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.fail(w, r, http.StatusUnauthorized, "unauthenticated", "Your session has ended. Sign in again.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !a.validCSRF(r, v.Session.CSRFToken) {
			a.log.WarnContext(r.Context(), "csrf token rejected", "user_id", v.User.ID, "path", r.URL.Path)
			a.fail(w, r, http.StatusForbidden, "csrf", "This form has expired. Reload the page and try again.")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// admin is authed for admins only; agents get 403.
func (a *App) admin(h http.HandlerFunc) http.Handler {
	return a.authed(func(w http.ResponseWriter, r *http.Request) {
		if !viewerOf(r).Admin() {
			a.fail(w, r, http.StatusForbidden, "forbidden", "Only an administrator can open the settings.")
			return
		}
		h(w, r)
	})
}

// validCSRF compares the form's (or header's) token with want in constant
// time. Multipart forms must already be parsed by the caller's limits, so
// the token is read from the query-free form value.
func (a *App) validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (a *App) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/app", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || a.cfg.SecureCookies,
	})
}

func (a *App) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	a.setCookie(w, r, name, "", -1)
}
