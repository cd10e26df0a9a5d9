package app

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/waypost/waypost/store"
)

// MinPasswordLength is the shortest password accepted for a user.
const MinPasswordLength = 10

// HashPassword returns the bcrypt hash of a password, checking its length
// first (bcrypt reads at most 72 bytes).
func HashPassword(pw string) (string, error) {
	switch {
	case len(pw) < MinPasswordLength:
		return "", fmt.Errorf("password: at least %d characters", MinPasswordLength)
	case len(pw) > 72:
		return "", errors.New("password: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the user does not exist, so that a
// wrong e-mail takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("waypost-no-such-user"), bcrypt.DefaultCost)

type loginData struct {
	Shop, Email, Next, Token, Error string
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.session(w, r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	a.renderLogin(w, r, http.StatusOK, loginData{Shop: r.URL.Query().Get("shop"), Next: r.URL.Query().Get("next")})
}

func (a *App) renderLogin(w http.ResponseWriter, r *http.Request, code int, d loginData) {
	d.Token = randomToken()
	a.setCookie(w, r, loginCookie, d.Token, 3600)
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, code, "login", "Sign in", d)
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(loginCookie)
	tok := r.PostFormValue("csrf")
	if err != nil || tok == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(tok)) != 1 {
		a.fail(w, r, http.StatusForbidden, "csrf", "The sign-in form has expired. Reload the page and try again.")
		return
	}
	d := loginData{Shop: strings.TrimSpace(r.PostFormValue("shop")), Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")}
	pw := r.PostFormValue("password")
	u, err := a.users.FindLoginUser(r.Context(), d.Shop, d.Email)
	hash := []byte(u.PasswordHash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.log.ErrorContext(r.Context(), "sign-in lookup failed", "error", err)
			a.fail(w, r, http.StatusInternalServerError, "internal", "Signing in failed. Try again in a moment.")
			return
		}
		hash = dummyHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pw)) != nil || err != nil {
		a.log.InfoContext(r.Context(), "sign-in refused", "shop", d.Shop, "remote", r.RemoteAddr)
		d.Error = "The shop, e-mail or password is not right."
		a.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	tokPlain := randomToken()
	now := a.now()
	s := store.Session{TokenHash: hashToken(tokPlain), TenantID: u.TenantID, UserID: u.ID, CSRFToken: randomToken(),
		IdleUntil: now.Add(a.cfg.IdleTimeout), ExpiresAt: now.Add(a.cfg.MaxAge)}
	if err := a.users.CreateSession(r.Context(), &s); err != nil {
		a.log.ErrorContext(r.Context(), "create session failed", "error", err)
		a.fail(w, r, http.StatusInternalServerError, "internal", "Signing in failed. Try again in a moment.")
		return
	}
	a.clearCookie(w, r, loginCookie)
	a.setCookie(w, r, sessionCookie, tokPlain, int(a.cfg.MaxAge.Seconds()))
	a.log.InfoContext(r.Context(), "signed in", "user", u)
	http.Redirect(w, r, safeNext(d.Next), http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if err := a.users.DeleteSession(r.Context(), v.Session.TokenHash); err != nil {
		a.log.ErrorContext(r.Context(), "logout failed", "error", err)
	}
	a.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/app/login", http.StatusSeeOther)
}

// safeNext keeps redirects after sign-in inside the dashboard.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/app/") && !strings.HasPrefix(next, "/app//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/app/shipments"
}
