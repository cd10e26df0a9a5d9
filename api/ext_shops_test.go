package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

func TestExtShops(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		vault, err := shop.NewVault("a long test key for the shop vault")
		if err != nil {
			t.Fatal(err)
		}
		e.api.SetShopVault(vault)
		e.api.SetBaseURL("https://waypost.example.com/")

		const token = "shpat_0123456789abcdef"
		body := map[string]any{"kind": "shopify", "name": "Main", "shop_url": "https://example.myshopify.com",
			"credentials": map[string]any{"access_token": token, "webhook_secret": "whsec_1"}}
		expect(t, "no key", e.call("POST", "/api/v1/shops", "", body), 401, api.CodeUnauthorized)
		expect(t, "write key", e.call("POST", "/api/v1/shops", e.write, body), 403, api.CodeForbidden)
		expect(t, "unknown kind", e.call("POST", "/api/v1/shops", e.admin, map[string]any{"kind": "etsy", "shop_url": "https://x.example"}), 422, api.CodeValidation)
		expect(t, "bad url", e.call("POST", "/api/v1/shops", e.admin, map[string]any{"kind": "magento", "shop_url": "not a url"}), 422, api.CodeValidation)
		r := e.call("POST", "/api/v1/shops", e.admin, body)
		expect(t, "create", r, 201, "")
		if bytes.Contains(r.body, []byte(token)) || bytes.Contains(r.body, []byte("whsec_1")) {
			t.Fatal("the answer shows the credentials")
		}
		var s api.Shop
		r.decode(t, &s)
		if !s.HasCredentials || !s.Enabled || !strings.HasPrefix(s.WebhookPath, "/hooks/shopify/") ||
			s.WebhookURL != "https://waypost.example.com"+s.WebhookPath {
			t.Fatalf("created: %+v", s)
		}
		// Stored sealed: not in clear, and the shop integrations' vault opens it.
		c, err := e.st.(store.Shops).GetShopConnection(context.Background(), e.a.ID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(c.Secrets, []byte(token)) {
			t.Fatal("credentials stored in clear")
		}
		if cr, err := vault.Open(e.a.ID, c.Secrets); err != nil || cr.AccessToken != token || cr.WebhookSecret != "whsec_1" {
			t.Fatalf("open stored credentials: %v", err)
		}
		if c.HookKey == "" || !strings.HasSuffix(s.WebhookPath, c.HookKey) {
			t.Fatalf("webhook path %q, hook key %q", s.WebhookPath, c.HookKey)
		}
		expect(t, "duplicate", e.call("POST", "/api/v1/shops", e.admin, body), 409, api.CodeShopExists)

		p := fmt.Sprintf("/api/v1/shops/%d", s.ID)
		expect(t, "get", e.call("GET", p, e.read, nil), 200, "")
		expect(t, "tenant B reads", e.call("GET", p, e.bKey, nil), 404, "shop_not_found")
		expect(t, "tenant B changes", e.call("PUT", p, e.bKey, body), 404, "shop_not_found")
		expect(t, "tenant B deletes", e.call("DELETE", p, e.bKey, nil), 404, "shop_not_found")
		var list struct {
			Shops []api.Shop `json:"shops"`
		}
		e.call("GET", "/api/v1/shops", e.bKey, nil).decode(t, &list)
		if len(list.Shops) != 0 {
			t.Fatalf("tenant B lists %+v", list.Shops)
		}

		// A change without credentials keeps them; the kind is fixed.
		r = e.call("PUT", p, e.admin, map[string]any{"kind": "shopify", "name": "Renamed", "shop_url": "https://example.myshopify.com",
			"enabled": false, "settings": map[string]any{"post_statuses": []string{"delivered"}, "api_version": "2025-01"}})
		expect(t, "update", r, 200, "")
		r.decode(t, &s)
		if s.Name != "Renamed" || s.Enabled || !s.HasCredentials || s.Settings.APIVersion != "2025-01" {
			t.Fatalf("updated: %+v", s)
		}
		c, _ = e.st.(store.Shops).GetShopConnection(context.Background(), e.a.ID, s.ID)
		if cr, err := vault.Open(e.a.ID, c.Secrets); err != nil || cr.AccessToken != token {
			t.Fatalf("credentials after update: %v", err)
		}
		expect(t, "kind change", e.call("PUT", p, e.admin, map[string]any{"kind": "magento", "shop_url": "https://example.myshopify.com"}), 422, api.CodeValidation)
		expect(t, "write key changes", e.call("PUT", p, e.write, body), 403, api.CodeForbidden)

		expect(t, "delete", e.call("DELETE", p, e.admin, nil), 204, "")
		expect(t, "get deleted", e.call("GET", p, e.read, nil), 404, "shop_not_found")
	})
}
