package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/waypost/waypost/api"
)

type endpointAnswer struct {
	ID     int64    `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	State  string   `json:"state"`
	Secret string   `json:"secret"`
}

type deliveryAnswer struct {
	ID        int64  `json:"id"`
	MessageID string `json:"message_id"`
	Moment    string `json:"moment"`
	State     string `json:"state"`
}

func TestExtWebhooks(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		good := map[string]any{"url": "https://hooks.example.com/waypost", "description": "orders"}
		expect(t, "no key", e.call("POST", "/api/v1/webhooks", "", good), 401, api.CodeUnauthorized)
		expect(t, "write key", e.call("POST", "/api/v1/webhooks", e.write, good), 403, api.CodeForbidden)
		for _, c := range []struct {
			body map[string]any
			code string
		}{
			{map[string]any{"url": "ftp://hooks.example.com/x"}, "webhook_url_scheme"},
			{map[string]any{"url": "http://127.0.0.1:8080/x"}, "webhook_address_blocked"},
			{map[string]any{"url": "http://10.1.2.3/x"}, "webhook_address_blocked"},
			{map[string]any{"url": "https://u:p@hooks.example.com/"}, "webhook_url_invalid"},
			{map[string]any{"url": "https://hooks.example.com/", "events": []string{"teleported"}}, "webhook_events"},
			{map[string]any{"url": "https://hooks.example.com/", "format": "zapier"}, api.CodeValidation},
		} {
			expect(t, fmt.Sprint(c.body), e.call("POST", "/api/v1/webhooks", e.admin, c.body), 422, c.code)
		}
		r := e.call("POST", "/api/v1/webhooks", e.admin, good)
		expect(t, "create", r, 201, "")
		var ep endpointAnswer
		r.decode(t, &ep)
		if ep.Secret == "" || ep.State != "enabled" {
			t.Fatalf("created: %+v", ep)
		}
		p := fmt.Sprintf("/api/v1/webhooks/%d", ep.ID)
		r = e.call("GET", p, e.read, nil)
		expect(t, "get", r, 200, "")
		if strings.Contains(string(r.body), ep.Secret) {
			t.Fatal("GET shows the secret")
		}
		expect(t, "tenant B reads", e.call("GET", p, e.bKey, nil), 404, "webhook_not_found")
		expect(t, "tenant B deletes", e.call("DELETE", p, e.bKey, nil), 404, "webhook_not_found")
		var list struct {
			Webhooks []endpointAnswer `json:"webhooks"`
		}
		e.call("GET", "/api/v1/webhooks", e.bKey, nil).decode(t, &list)
		if len(list.Webhooks) != 0 {
			t.Fatalf("tenant B lists %+v", list.Webhooks)
		}
		e.call("GET", "/api/v1/webhooks", e.read, nil).decode(t, &list)
		if len(list.Webhooks) != 1 || list.Webhooks[0].Secret != "" {
			t.Fatalf("list: %+v", list.Webhooks)
		}

		r = e.call("PUT", p, e.admin, map[string]any{"url": "https://other.example.org/hook", "events": []string{"delivered"}})
		expect(t, "update", r, 200, "")
		r.decode(t, &ep)
		if ep.URL != "https://other.example.org/hook" || len(ep.Events) != 1 {
			t.Fatalf("updated: %+v", ep)
		}
		expect(t, "update to private", e.call("PUT", p, e.admin, map[string]any{"url": "http://192.168.1.1/"}), 422, "webhook_address_blocked")

		first := ep.Secret
		var rot endpointAnswer
		e.call("POST", p+"/rotate-secret", e.admin, nil).decode(t, &rot)
		if rot.Secret == "" || rot.Secret == first {
			t.Fatalf("rotate: %+v", rot)
		}
		e.call("POST", p+"/pause", e.admin, nil).decode(t, &ep)
		if ep.State != "paused" {
			t.Fatalf("pause: %+v", ep)
		}
		e.call("POST", p+"/resume", e.admin, nil).decode(t, &ep)
		if ep.State != "enabled" {
			t.Fatalf("resume: %+v", ep)
		}
		expect(t, "write key pauses", e.call("POST", p+"/pause", e.write, nil), 403, api.CodeForbidden)

		// A test event lands in the delivery log and can be replayed, by
		// delivery id or by message id, by its tenant only.
		r = e.call("POST", p+"/test", e.admin, nil)
		expect(t, "test", r, 202, "")
		var test struct {
			MessageID string `json:"message_id"`
		}
		r.decode(t, &test)
		var log struct {
			Deliveries []deliveryAnswer `json:"deliveries"`
		}
		e.call("GET", p+"/deliveries", e.read, nil).decode(t, &log)
		if len(log.Deliveries) != 1 || log.Deliveries[0].MessageID != test.MessageID || log.Deliveries[0].Moment != "test" {
			t.Fatalf("deliveries: %+v (test %s)", log.Deliveries, test.MessageID)
		}
		expect(t, "tenant B's log", e.call("GET", p+"/deliveries", e.bKey, nil), 404, "webhook_not_found")
		expect(t, "tenant B replays", e.call("POST", fmt.Sprintf("/api/v1/webhooks/deliveries/%d/replay", log.Deliveries[0].ID), e.bKey, nil), 404, "delivery_not_found")
		r = e.call("POST", "/api/v1/webhooks/deliveries/"+test.MessageID+"/replay", e.admin, nil)
		expect(t, "replay by message id", r, 202, "")
		var rep deliveryAnswer
		r.decode(t, &rep)
		if rep.ID == log.Deliveries[0].ID || !strings.HasPrefix(rep.MessageID, test.MessageID) || rep.State != "pending" {
			t.Fatalf("replay: %+v", rep)
		}
		expect(t, "replay by id", e.call("POST", fmt.Sprintf("/api/v1/webhooks/deliveries/%d/replay", log.Deliveries[0].ID), e.admin, nil), 202, "")
		e.call("GET", p+"/deliveries", e.read, nil).decode(t, &log)
		if len(log.Deliveries) != 3 {
			t.Fatalf("after two replays: %+v", log.Deliveries)
		}
		expect(t, "replay unknown", e.call("POST", "/api/v1/webhooks/deliveries/evt_nope/replay", e.admin, nil), 404, "delivery_not_found")

		expect(t, "delete", e.call("DELETE", p, e.admin, nil), 204, "")
		expect(t, "get deleted", e.call("GET", p, e.read, nil), 404, "webhook_not_found")
	})
}
