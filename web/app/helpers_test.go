package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/web/app"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable time source for session expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a dashboard over a real SQLite file, served by httptest.
type env struct {
	t     testing.TB
	st    store.Store
	users store.Users
	srv   *httptest.Server
	clock *clock
}

const password = "correct horse battery"

var seq atomic.Int64

func newEnv(t testing.TB, cfg app.Config) *env {
	t.Helper()
	st := testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
	c := &clock{t: time.Now().UTC()}
	cfg.Store, cfg.Log, cfg.Now = st, quiet, c.Now
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, users: st, srv: srv, clock: c}
}

func (e *env) tenant() shipment.Tenant {
	e.t.Helper()
	tn := shipment.Tenant{Slug: fmt.Sprintf("shop-%d", seq.Add(1)), Name: "Shop"}
	if err := e.st.CreateTenant(context.Background(), &tn); err != nil {
		e.t.Fatal(err)
	}
	return tn
}

func (e *env) user(tenantID int64, email string, role store.Role) store.User {
	e.t.Helper()
	h, err := app.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := store.User{Email: email, Role: role, PasswordHash: h}
	if err := e.users.CreateUser(context.Background(), tenantID, &u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) shipment(tenantID int64, ref, email, number, carrier, dest string) shipment.Shipment {
	e.t.Helper()
	sh := shipment.Shipment{Reference: ref, OriginCountry: "CN", DestinationCountry: dest,
		Customer: shipment.Contact{Name: "Customer " + ref, Email: email}}
	if err := e.st.CreateShipment(context.Background(), tenantID, &sh); err != nil {
		e.t.Fatal(err)
	}
	if number != "" {
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: carrier, TrackingNumber: number}
		if err := e.st.CreateParcel(context.Background(), tenantID, &p); err != nil {
			e.t.Fatal(err)
		}
	}
	return sh
}

// client is one browser: a cookie jar and no automatic redirects.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in and remembers the session's CSRF token.
func (c *client) login(shop, email, pw string) *http.Response {
	c.e.t.Helper()
	_, body := c.get("/app/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		c.e.t.Fatalf("no csrf token on the sign-in page")
	}
	res, _ := c.post("/app/login", url.Values{"csrf": {m[1]}, "shop": {shop}, "email": {email}, "password": {pw}})
	if res.StatusCode == http.StatusSeeOther {
		_, page := c.get("/app/shipments")
		if m := csrfRE.FindStringSubmatch(page); m != nil {
			c.csrf = m[1]
		}
	}
	return res
}

func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	return c.do(http.MethodGet, path, nil, "")
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.e.t.Helper()
	return c.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

func (c *client) do(method, path string, body io.Reader, ctype string, hdr ...string) (*http.Response, string) {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func wantStatus(t *testing.T, what string, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("%s: status %d, want %d", what, res.StatusCode, want)
	}
}

func hashOf(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
