package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/app"
)

// signedIn returns an env whose webhooks may reach loopback receivers,
// two tenants, and a client signed in as the first tenant's admin.
func signedIn(t *testing.T) (*env, int64, int64, *client) {
	t.Helper()
	g, err := notify.NewGuard([]string{"127.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, app.Config{WebhookGuard: g, BaseURL: "https://waypost.example"})
	a, b := e.tenant(), e.tenant()
	e.user(a.ID, "ada@example.com", store.RoleAdmin)
	c := e.client()
	c.login(a.Slug, "ada@example.com", password)
	if c.csrf == "" {
		t.Fatal("no csrf token after sign-in")
	}
	return e, a.ID, b.ID, c
}

func (c *client) form(path string, kv ...string) (*http.Response, string) {
	c.e.t.Helper()
	f := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return c.post(path, f)
}

func TestBrandingForm(t *testing.T) {
	e, tid, _, c := signedIn(t)
	tp := e.st.(store.TrackingPages)
	res, body := c.form("/app/settings/branding", "display_name", "Ada's Shop", "primary_color", "#zzzzzz")
	wantStatus(t, "bad colour", res, http.StatusBadRequest)
	if res.Header.Get("X-Waypost-Error") != "invalid_input" || !strings.Contains(body, "primary_color") {
		t.Errorf("bad colour: code %q, body does not name the field", res.Header.Get("X-Waypost-Error"))
	}
	if b, _ := tp.GetBranding(t.Context(), tid); b.DisplayName != "" {
		t.Fatalf("a rejected form was stored: %+v", b)
	}
	res, _ = c.form("/app/settings/branding", "display_name", "Ada's Shop", "primary_color", "#112233", "support_email", "help@ada.example")
	wantStatus(t, "branding", res, http.StatusSeeOther)
	b, err := tp.GetBranding(t.Context(), tid)
	if err != nil || b.DisplayName != "Ada's Shop" || b.PrimaryColor != "#112233" || b.SupportEmail != "help@ada.example" {
		t.Errorf("stored branding %+v, %v", b, err)
	}
	_, page := c.get("/app/settings/branding?saved=1")
	if !strings.Contains(page, `value="#112233"`) || !strings.Contains(page, "Saved.") {
		t.Error("the branding page does not show the saved values")
	}
}

var secretRE = regexp.MustCompile(`id="secret">([^<]+)<`)

func TestAPIKeys(t *testing.T) {
	e, tid, other, c := signedIn(t)
	keys := e.st.(store.Keys)
	res, _ := c.form("/app/settings/keys", "name", "erp", "scope", "root")
	wantStatus(t, "bad scope", res, http.StatusBadRequest)
	res, body := c.form("/app/settings/keys", "name", "erp", "scope", "write")
	wantStatus(t, "create key", res, http.StatusCreated)
	m := secretRE.FindStringSubmatch(body)
	if m == nil || !strings.HasPrefix(m[1], api.KeyPrefix) {
		t.Fatalf("the new key is not shown: %.300s", body)
	}
	k, err := keys.FindAPIKey(t.Context(), api.HashKey(m[1]))
	if err != nil || k.TenantID != tid || k.Scope != "write" || k.Name != "erp" {
		t.Fatalf("the shown key is not the stored one: %+v %v", k, err)
	}
	if _, list := c.get("/app/settings/keys"); strings.Contains(list, m[1]) || !strings.Contains(list, k.Prefix) {
		t.Error("the key list shows the secret again or misses the key")
	}
	// Another tenant's key cannot be revoked from here.
	_, theirs, _ := api.GenerateKey()
	ok := store.APIKey{TenantID: other, Name: "theirs", Prefix: "wp_live_xxxx", Hash: theirs, Scope: "admin"}
	if err := keys.CreateAPIKey(t.Context(), &ok); err != nil {
		t.Fatal(err)
	}
	res, _ = c.form(fmt.Sprintf("/app/settings/keys/%d/revoke", ok.ID))
	wantStatus(t, "revoke another tenant's key", res, http.StatusNotFound)
	if got, _ := keys.FindAPIKey(t.Context(), theirs); !got.RevokedAt.IsZero() {
		t.Error("another tenant's key was revoked")
	}
	res, _ = c.post(fmt.Sprintf("/app/settings/keys/%d/revoke", k.ID), url.Values{})
	wantStatus(t, "revoke without csrf", res, http.StatusForbidden)
	res, _ = c.form(fmt.Sprintf("/app/settings/keys/%d/revoke", k.ID))
	wantStatus(t, "revoke", res, http.StatusSeeOther)
	if got, _ := keys.FindAPIKey(t.Context(), k.Hash); got.RevokedAt.IsZero() {
		t.Error("the key is not revoked")
	}
}

func TestWebhookSettings(t *testing.T) {
	e, tid, other, c := signedIn(t)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer recv.Close()
	res, body := c.form("/app/settings/webhooks", "url", "http://10.1.2.3/hook")
	wantStatus(t, "private address", res, http.StatusBadRequest)
	if code := res.Header.Get("X-Waypost-Error"); code == "" || code == "invalid_input" || !strings.Contains(body, code) {
		t.Errorf("private address: code %q, want notify's URL code on the page", code)
	}
	res, body = c.form("/app/settings/webhooks", "url", recv.URL+"/hook", "description", "erp", "events", "delivered", "events", "exception")
	wantStatus(t, "create endpoint", res, http.StatusCreated)
	m := secretRE.FindStringSubmatch(body)
	hooks := e.st.(store.Webhooks)
	list, _ := hooks.ListWebhookEndpoints(t.Context(), tid)
	if m == nil || len(list) != 1 || list[0].Secret != m[1] || len(list[0].Events) != 2 {
		t.Fatalf("endpoint %+v; secret shown %v", list, m)
	}
	id := list[0].ID
	base := "/app/settings/webhooks/" + strconv.FormatInt(id, 10)
	if _, page := c.get(base); strings.Contains(page, m[1]) {
		t.Error("the endpoint page shows the secret again")
	}
	for _, step := range []struct {
		act  string
		want store.EndpointState
	}{{"pause", store.EndpointPaused}, {"resume", store.EndpointEnabled}} {
		res, _ := c.form(base + "/" + step.act)
		wantStatus(t, step.act, res, http.StatusSeeOther)
		if got, _ := hooks.GetWebhookEndpoint(t.Context(), tid, id); got.State != step.want {
			t.Errorf("after %s: state %s, want %s", step.act, got.State, step.want)
		}
	}
	res, _ = c.form(base + "/test")
	wantStatus(t, "test event", res, http.StatusSeeOther)
	box := e.st.(store.Outbox)
	msgs, _ := box.ListMessages(t.Context(), tid, store.MessageQuery{Channel: "webhook", Target: strconv.FormatInt(id, 10)})
	if len(msgs) != 1 || msgs[0].Moment != "test" {
		t.Fatalf("test event not queued: %+v", msgs)
	}
	_, page := c.get(base)
	if !strings.Contains(page, msgs[0].MessageID) {
		t.Error("the delivery log misses the test event")
	}
	res, _ = c.form(fmt.Sprintf("%s/replay/%d", base, msgs[0].ID))
	wantStatus(t, "replay", res, http.StatusSeeOther)
	msgs, _ = box.ListMessages(t.Context(), tid, store.MessageQuery{Channel: "webhook", Target: strconv.FormatInt(id, 10)})
	if len(msgs) != 2 || !strings.Contains(msgs[0].MessageID+msgs[1].MessageID, ".replay-") {
		t.Errorf("replay: %d messages", len(msgs))
	}

	// Another tenant's endpoint and message are not found.
	theirs := store.WebhookEndpoint{URL: recv.URL, Secret: "s", State: store.EndpointEnabled, Format: "waypost"}
	if err := hooks.CreateWebhookEndpoint(t.Context(), other, &theirs); err != nil {
		t.Fatal(err)
	}
	tb := "/app/settings/webhooks/" + strconv.FormatInt(theirs.ID, 10)
	res, _ = c.get(tb)
	wantStatus(t, "another tenant's endpoint", res, http.StatusNotFound)
	res, _ = c.form(tb + "/pause")
	wantStatus(t, "pausing another tenant's endpoint", res, http.StatusNotFound)
	if got, _ := hooks.GetWebhookEndpoint(t.Context(), other, theirs.ID); got.State != store.EndpointEnabled {
		t.Error("another tenant's endpoint was paused")
	}
	if _, err := box.EnqueueMessages(t.Context(), "", 0, []store.OutboxMessage{{MessageID: "theirs-1", TenantID: other, Channel: "webhook",
		Target: strconv.FormatInt(id, 10), Body: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	theirMsgs, _ := box.ListMessages(t.Context(), other, store.MessageQuery{})
	res, _ = c.form(fmt.Sprintf("%s/replay/%d", base, theirMsgs[0].ID))
	wantStatus(t, "replaying another tenant's message", res, http.StatusNotFound)
}

func TestNotificationSettings(t *testing.T) {
	e, tid, _, c := signedIn(t)
	ns := e.st.(store.NotifySettings)
	res, _ := c.form("/app/settings/notifications", "default_language", "de", "quiet_start", "22:00", "quiet_end", "07:30",
		"sms_max_segments", "3", "on", "delivered/sms", "on", "shipped/email")
	wantStatus(t, "save", res, http.StatusSeeOther)
	cfg, err := ns.NotifyConfig(t.Context(), tid)
	if err != nil || cfg.DefaultLanguage != "de" || cfg.QuietStart != 22*60 || cfg.QuietEnd != 7*60+30 || cfg.SMSMaxSegments != 3 {
		t.Fatalf("stored %+v, %v", cfg, err)
	}
	if !notify.Enabled(cfg, notify.SMS, notify.Delivered) || notify.Enabled(cfg, notify.Email, notify.Delivered) || !notify.Enabled(cfg, notify.Email, notify.Shipped) {
		t.Error("the switches were not stored as ticked")
	}
	res, _ = c.form("/app/settings/notifications", "default_language", "xx", "quiet_start", "22:00", "quiet_end", "07:00", "sms_max_segments", "0")
	wantStatus(t, "unknown language", res, http.StatusBadRequest)

	tpl := "/app/settings/notifications/template"
	res, body := c.form(tpl, "moment", "delivered", "part", "subject", "lang", "en", "action", "save", "text", "Hi {{.Nope}")
	wantStatus(t, "broken template", res, http.StatusBadRequest)
	if res.Header.Get("X-Waypost-Error") != notify.ErrTemplateInvalid || !strings.Contains(body, "{{.Nope}") {
		t.Errorf("broken template: code %q; the editor should keep the text", res.Header.Get("X-Waypost-Error"))
	}
	if list, _ := ns.NotifyTemplates(t.Context(), tid); len(list) != 0 {
		t.Fatalf("a broken template was stored: %+v", list)
	}
	res, body = c.form(tpl, "moment", "delivered", "part", "subject", "lang", "en", "action", "preview", "text", "Order {{.Ref}} arrived")
	wantStatus(t, "preview", res, http.StatusOK)
	if !strings.Contains(body, "Order #1001 arrived") {
		t.Error("the preview does not render the sample shipment")
	}
	res, _ = c.form(tpl, "moment", "delivered", "part", "subject", "lang", "en", "action", "save", "text", "Order {{.Ref}} arrived")
	wantStatus(t, "save template", res, http.StatusSeeOther)
	if list, _ := ns.NotifyTemplates(t.Context(), tid); len(list) != 1 || list[0].Text != "Order {{.Ref}} arrived" {
		t.Errorf("stored templates %+v", list)
	}
}

func TestShopAndAlertSettings(t *testing.T) {
	e, tid, other, c := signedIn(t)
	shops := e.st.(store.Shops)
	res, _ := c.form("/app/settings/shops", "kind", "shopify", "name", "Main", "shop_url", "https://ada.myshopify.com", "webhook_secret", "whsec-123")
	wantStatus(t, "connect shop", res, http.StatusSeeOther)
	list, _ := shops.ListShopConnections(t.Context(), tid)
	if len(list) != 1 || list[0].HookKey == "" || strings.Contains(string(list[0].Secrets), "nothing") {
		t.Fatalf("connections %+v", list)
	}
	_, page := c.get("/app/settings/shops")
	if !strings.Contains(page, "https://waypost.example/hooks/shopify/"+list[0].HookKey) || strings.Contains(page, "whsec-123") {
		t.Error("the shops page misses the webhook URL or shows the secret")
	}
	res, _ = c.form(fmt.Sprintf("/app/settings/shops/%d/disable", list[0].ID))
	wantStatus(t, "disable shop", res, http.StatusSeeOther)
	if got, _ := shops.GetShopConnection(t.Context(), tid, list[0].ID); got.Enabled {
		t.Error("the connection is still enabled")
	}
	theirs := store.ShopConnection{Kind: store.ShopWooCommerce, ShopURL: "https://other.example", Enabled: true}
	if err := shops.CreateShopConnection(t.Context(), other, &theirs); err != nil {
		t.Fatal(err)
	}
	res, _ = c.form(fmt.Sprintf("/app/settings/shops/%d/delete", theirs.ID))
	wantStatus(t, "delete another tenant's shop", res, http.StatusNotFound)
	if _, err := shops.GetShopConnection(t.Context(), other, theirs.ID); err != nil {
		t.Error("another tenant's connection was removed")
	}

	al := e.st.(store.Alerts)
	res, _ = c.form("/app/settings/alerts", "kind", "nonsense", "hours", "12")
	wantStatus(t, "unknown kind", res, http.StatusBadRequest)
	res, _ = c.form("/app/settings/alerts", "kind", "customs_delay", "carrier", "DHL", "destination", "fr", "hours", "36")
	wantStatus(t, "override", res, http.StatusSeeOther)
	set, _ := al.ListAlertSettings(t.Context(), tid)
	if len(set) != 1 || set[0].Carrier != "dhl" || set[0].Destination != "FR" || set[0].Threshold.Hours() != 36 {
		t.Fatalf("settings %+v", set)
	}
	res, _ = c.form("/app/settings/alerts", "action", "delete", "kind", "customs_delay", "carrier", "dhl", "destination", "FR")
	wantStatus(t, "remove override", res, http.StatusSeeOther)
	if set, _ := al.ListAlertSettings(t.Context(), tid); len(set) != 0 {
		t.Errorf("override not removed: %+v", set)
	}
}

// TestSettingsFormsSecurity: every new form refuses a missing token and
// agents.
func TestSettingsFormsSecurity(t *testing.T) {
	e, tid, _, admin := signedIn(t)
	tn, _ := e.st.GetTenant(context.Background(), tid)
	e.user(tid, "sam@example.com", store.RoleAgent)
	agent := e.client()
	agent.login(tn.Slug, "sam@example.com", password)
	forms := []string{"/app/settings/branding", "/app/settings/notifications", "/app/settings/notifications/template",
		"/app/settings/webhooks", "/app/settings/webhooks/1/pause", "/app/settings/webhooks/1/replay/1", "/app/settings/keys",
		"/app/settings/keys/1/revoke", "/app/settings/shops", "/app/settings/shops/1/delete", "/app/settings/alerts"}
	for _, p := range forms {
		res, _ := admin.post(p, url.Values{"csrf": {"wrong"}, "kind": {"shopify"}, "scope": {"read"}})
		wantStatus(t, "admin POST without the token "+p, res, http.StatusForbidden)
		res, _ = agent.form(p, "kind", "customs_delay", "scope", "read", "display_name", "x")
		wantStatus(t, "agent POST "+p, res, http.StatusForbidden)
	}
	for _, p := range []string{"/app/settings/shops", "/app/settings/alerts", "/app/settings/webhooks/1", "/app/settings/notifications/template?moment=shipped&part=subject&lang=en"} {
		res, _ := agent.get(p)
		wantStatus(t, "agent GET "+p, res, http.StatusForbidden)
	}
	if b, _ := e.st.(store.TrackingPages).GetBranding(t.Context(), tid); b.DisplayName != "" {
		t.Error("a refused form changed the branding")
	}
	if k, _ := e.st.(store.Keys).ListAPIKeys(t.Context(), tid); len(k) != 0 {
		t.Error("a refused form created a key")
	}
}
