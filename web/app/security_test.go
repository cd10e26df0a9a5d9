package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/app"
)

func TestLoginAndLogout(t *testing.T) {
	e := newEnv(t, app.Config{})
	tn := e.tenant()
	e.user(tn.ID, "ada@example.com", store.RoleAdmin)

	c := e.client()
	res, _ := c.get("/app")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/login" {
		t.Fatalf("/app without a session: %d %q, want a redirect to /app/login", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = c.get("/app/shipments")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/app/login") {
		t.Fatalf("/app/shipments without a session: %d %q", res.StatusCode, loc)
	}

	if res := c.login(tn.Slug, "ada@example.com", "wrong password!"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", res.StatusCode)
	}
	if res := c.login("other-shop", "ada@example.com", password); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong shop: status %d", res.StatusCode)
	}
	res = c.login(tn.Slug, "ADA@example.com", password)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d", res.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "waypost_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP", session)
	}
	// The store keeps only the token's hash.
	if _, _, err := e.users.GetSession(t.Context(), session.Value, time.Now()); err == nil {
		t.Error("the raw cookie value finds a session: tokens must be stored hashed")
	}
	res, body := c.get("/app/shipments")
	wantStatus(t, "shipments after sign-in", res, http.StatusOK)
	if !strings.Contains(body, "ada@example.com") {
		t.Error("the page does not show who is signed in")
	}

	res, _ = c.post("/app/logout", url.Values{"csrf": {c.csrf}})
	wantStatus(t, "logout", res, http.StatusSeeOther)
	res, _ = c.get("/app/shipments")
	wantStatus(t, "shipments after logout", res, http.StatusSeeOther)
	// The old cookie is dead on the server too, not only in this jar.
	if _, _, err := e.users.GetSession(t.Context(), hashOf(session.Value), time.Now()); err == nil {
		t.Error("the session survived logout")
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, app.Config{})
	tn := e.tenant()
	e.user(tn.ID, "ada@example.com", store.RoleAdmin)
	c := e.client()
	c.login(tn.Slug, "ada@example.com", password)
	if c.csrf == "" {
		t.Fatal("no csrf token in the signed-in page")
	}
	form := url.Values{"email": {"new@example.com"}, "role": {"agent"}, "password": {password}}

	res, body := c.post("/app/settings/users", form)
	wantStatus(t, "POST without token", res, http.StatusForbidden)
	if !strings.Contains(body, "csrf") {
		t.Error("the refusal does not carry the csrf code")
	}
	form.Set("csrf", "not-the-token")
	res, _ = c.post("/app/settings/users", form)
	wantStatus(t, "POST with a wrong token", res, http.StatusForbidden)
	// A cross-site request is refused even with the right token.
	form.Set("csrf", c.csrf)
	res, _ = c.do(http.MethodPost, "/app/settings/users", strings.NewReader(form.Encode()),
		"application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site")
	wantStatus(t, "cross-site POST", res, http.StatusForbidden)
	res, _ = c.do(http.MethodPost, "/app/settings/users", strings.NewReader(form.Encode()),
		"application/x-www-form-urlencoded", "Origin", "https://evil.example")
	wantStatus(t, "POST from another origin", res, http.StatusForbidden)
	if list, _ := e.users.ListUsers(t.Context(), tn.ID); len(list) != 1 {
		t.Fatalf("refused requests created users: %d users", len(list))
	}

	res, _ = c.post("/app/settings/users", form)
	wantStatus(t, "POST with the token", res, http.StatusSeeOther)
	if list, _ := e.users.ListUsers(t.Context(), tn.ID); len(list) != 2 {
		t.Fatalf("users after a valid POST: %d, want 2", len(list))
	}
	// The sign-in form has its own token.
	res, _ = e.client().post("/app/login", url.Values{"shop": {tn.Slug}, "email": {"ada@example.com"}, "password": {password}})
	wantStatus(t, "sign-in without the form token", res, http.StatusForbidden)
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, app.Config{})
	a, b := e.tenant(), e.tenant()
	e.user(a.ID, "ada@example.com", store.RoleAdmin)
	mine := e.shipment(a.ID, "A-1", "x@example.com", "1Z5R89390357567127", "ups", "DE")
	theirs := e.shipment(b.ID, "B-1", "secret@example.com", "RR123456785CN", "china-post", "FR")

	c := e.client()
	c.login(a.Slug, "ada@example.com", password)
	res, _ := c.get(fmt.Sprintf("/app/shipments/%d", mine.ID))
	wantStatus(t, "own shipment", res, http.StatusOK)
	for _, id := range []int64{theirs.ID, theirs.ID + 1000, 0} {
		res, body := c.get(fmt.Sprintf("/app/shipments/%d", id))
		wantStatus(t, fmt.Sprintf("shipment %d of another tenant or none", id), res, http.StatusNotFound)
		if strings.Contains(body, "secret@example.com") || strings.Contains(body, "B-1") {
			t.Errorf("the 404 for shipment %d leaks the other tenant's data", id)
		}
	}
	_, list := c.get("/app/shipments")
	if strings.Contains(list, "B-1") || !strings.Contains(list, "A-1") {
		t.Error("the list shows another tenant's shipment or misses its own")
	}
	_, csv := c.get("/app/shipments.csv")
	if strings.Contains(csv, "secret@example.com") || !strings.Contains(csv, "A-1") {
		t.Error("the export holds another tenant's shipment or misses its own")
	}
	_, found := c.get("/app/shipments?q=RR123456785CN")
	if strings.Contains(found, "B-1") {
		t.Error("search finds another tenant's tracking number")
	}
}

func TestAgentCannotReachSettings(t *testing.T) {
	e := newEnv(t, app.Config{})
	tn := e.tenant()
	e.user(tn.ID, "agent@example.com", store.RoleAgent)
	c := e.client()
	c.login(tn.Slug, "agent@example.com", password)
	for _, p := range []string{"/app/settings", "/app/settings/users", "/app/settings/keys", "/app/settings/webhooks"} {
		res, _ := c.get(p)
		wantStatus(t, "agent GET "+p, res, http.StatusForbidden)
	}
	res, _ := c.post("/app/settings/users", url.Values{"csrf": {c.csrf}, "email": {"evil@example.com"}, "role": {"admin"}, "password": {password}})
	wantStatus(t, "agent creating a user", res, http.StatusForbidden)
	if list, _ := e.users.ListUsers(t.Context(), tn.ID); len(list) != 1 {
		t.Errorf("an agent created a user: %d users", len(list))
	}
	_, page := c.get("/app/shipments")
	if strings.Contains(page, `href="/app/settings"`) {
		t.Error("agents are shown the settings link")
	}
	res, _ = c.get("/app/shipments")
	wantStatus(t, "agent GET shipments", res, http.StatusOK)
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, app.Config{IdleTimeout: 30 * time.Minute, MaxAge: 2 * time.Hour})
	tn := e.tenant()
	e.user(tn.ID, "ada@example.com", store.RoleAdmin)

	idle := e.client()
	idle.login(tn.Slug, "ada@example.com", password)
	active := e.client()
	active.login(tn.Slug, "ada@example.com", password)

	// Active use keeps a session alive past the idle timeout...
	for range 5 {
		e.clock.Add(20 * time.Minute)
		res, _ := active.get("/app/shipments")
		wantStatus(t, "active session", res, http.StatusOK)
	}
	// ...while the untouched one has ended.
	res, _ := idle.get("/app/shipments")
	wantStatus(t, "idle session after 100 minutes", res, http.StatusSeeOther)

	// No amount of activity passes the absolute limit (2 h after sign-in).
	e.clock.Add(20 * time.Minute) // 120 minutes
	res, _ = active.get("/app/shipments")
	wantStatus(t, "session at its absolute expiry", res, http.StatusSeeOther)
	res, _ = active.post("/app/logout", url.Values{"csrf": {active.csrf}})
	wantStatus(t, "POST with an expired session", res, http.StatusUnauthorized)
}
