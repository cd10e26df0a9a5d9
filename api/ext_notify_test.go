package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store"
)

func TestExtNotificationSettings(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		var s api.NotificationSettings
		enabled := func(m, ch string) bool {
			for _, r := range s.Rules {
				if r.Moment == m && r.Channel == ch {
					return r.Enabled
				}
			}
			t.Fatalf("no rule for %s/%s in %+v", m, ch, s.Rules)
			return false
		}
		e.call("GET", "/api/v1/notifications/settings", e.read, nil).decode(t, &s)
		// notify's defaults: email skips in_transit; quiet hours 21:00-08:00.
		if s.Saved || s.QuietStart != "21:00" || s.QuietEnd != "08:00" || enabled("in_transit", "email") || !enabled("delivered", "email") {
			t.Fatalf("defaults: %+v", s)
		}
		put := map[string]any{"default_language": "de", "quiet_start": "22:00", "quiet_end": "07:30", "sms_max_segments": 3,
			"rules": []map[string]any{{"moment": "in_transit", "channel": "email", "enabled": true}}}
		expect(t, "write key", e.call("PUT", "/api/v1/notifications/settings", e.write, put), 403, api.CodeForbidden)
		expect(t, "no key", e.call("GET", "/api/v1/notifications/settings", "", nil), 401, api.CodeUnauthorized)
		e.call("PUT", "/api/v1/notifications/settings", e.admin, put).decode(t, &s)
		if !s.Saved || s.DefaultLanguage != "de" || s.QuietEnd != "07:30" || s.SMSMaxSegments != 3 || !enabled("in_transit", "email") {
			t.Fatalf("saved: %+v", s)
		}
		expect(t, "unknown moment", e.call("PUT", "/api/v1/notifications/settings", e.admin, map[string]any{"default_language": "en",
			"quiet_start": "00:00", "quiet_end": "00:00", "sms_max_segments": 0, "rules": []map[string]any{{"moment": "teleported", "channel": "email", "enabled": true}}}), 422, api.CodeValidation)
		expect(t, "bad time", e.call("PUT", "/api/v1/notifications/settings", e.admin, map[string]any{"default_language": "en",
			"quiet_start": "25:00", "quiet_end": "00:00", "sms_max_segments": 0, "rules": []any{}}), 422, api.CodeValidation)
		e.call("GET", "/api/v1/notifications/settings", e.bKey, nil).decode(t, &s)
		if s.Saved {
			t.Fatal("tenant B sees A's settings")
		}

		// Templates: validated at save, previewed, deleted.
		tp := "/api/v1/notifications/templates/shipped/subject/en"
		expect(t, "write key saves", e.call("PUT", tp, e.write, map[string]any{"text": "x"}), 403, api.CodeForbidden)
		r := e.call("PUT", tp, e.admin, map[string]any{"text": "Line one\n{{.Ref"})
		expect(t, "broken template", r, 422, api.CodeTemplateInvalid)
		var bad struct {
			Error struct {
				Details []struct {
					Value float64 `json:"value"`
				} `json:"details"`
			} `json:"error"`
		}
		r.decode(t, &bad)
		if len(bad.Error.Details) != 1 || bad.Error.Details[0].Value != 2 {
			t.Fatalf("template error line: %s", r.body)
		}
		expect(t, "unknown language", e.call("PUT", "/api/v1/notifications/templates/shipped/subject/xx", e.admin, map[string]any{"text": "hi"}), 422, api.CodeTemplateInvalid)
		expect(t, "save", e.call("PUT", tp, e.admin, map[string]any{"text": "Parcel {{.Ref}} left {{.Shop}}"}), 200, "")
		var list struct {
			Templates []struct{ Moment, Part, Language, Text string } `json:"templates"`
			Languages []string                                        `json:"languages"`
		}
		e.call("GET", "/api/v1/notifications/templates", e.read, nil).decode(t, &list)
		if len(list.Templates) != 1 || list.Templates[0].Text != "Parcel {{.Ref}} left {{.Shop}}" || len(list.Languages) != 7 {
			t.Fatalf("templates: %+v", list)
		}
		e.call("GET", "/api/v1/notifications/templates", e.bKey, nil).decode(t, &list)
		if len(list.Templates) != 0 {
			t.Fatalf("tenant B sees %+v", list.Templates)
		}
		var pv api.RenderedMessage
		e.call("POST", tp+"/preview", e.read, map[string]any{}).decode(t, &pv)
		// The sample shipment (notify.SampleData): reference #1001, shop Example Shop.
		if pv.Subject != "Parcel #1001 left Example Shop" || !strings.Contains(pv.HTML, "#1001") {
			t.Fatalf("preview of the saved text: %+v", pv.Subject)
		}
		e.call("POST", tp+"/preview", e.read, map[string]any{"text": "Try {{.TrackingNumber}}"}).decode(t, &pv)
		if pv.Subject != "Try RR123456785CN" {
			t.Fatalf("preview of unsaved text: %q", pv.Subject)
		}
		expect(t, "preview broken", e.call("POST", tp+"/preview", e.read, map[string]any{"text": "{{if}}"}), 422, api.CodeTemplateInvalid)
		expect(t, "tenant B deletes", e.call("DELETE", tp, e.bKey, nil), 404, "template_not_found")
		expect(t, "delete", e.call("DELETE", tp, e.admin, nil), 204, "")
		expect(t, "delete again", e.call("DELETE", tp, e.admin, nil), 404, "template_not_found")
		e.call("POST", tp+"/preview", e.read, map[string]any{}).decode(t, &pv)
		if pv.Subject != "Your order #1001 is on its way" { // notify/templates/en.tmpl
			t.Fatalf("default after delete: %q", pv.Subject)
		}
	})
}

func TestExtTrackingNotifications(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber, "destination_country": "DE"})
		base := fmt.Sprintf("/api/v1/trackings/%d", tr.ID)

		expect(t, "read key subscribes", e.call("POST", base+"/subscriptions", e.read, map[string]any{"channel": "email", "target": "a@b.de"}), 403, api.CodeForbidden)
		expect(t, "bad email", e.call("POST", base+"/subscriptions", e.write, map[string]any{"channel": "email", "target": "not-an-address"}), 422, "email_invalid")
		expect(t, "bad phone", e.call("POST", base+"/subscriptions", e.write, map[string]any{"channel": "sms", "target": "12"}), 422, "phone_invalid")
		expect(t, "tenant B subscribes", e.call("POST", base+"/subscriptions", e.bKey, map[string]any{"channel": "email", "target": "a@b.de"}), 404, "tracking_not_found")
		r := e.call("POST", base+"/subscriptions", e.write, map[string]any{"channel": "sms", "target": "030 1234567"})
		expect(t, "subscribe", r, 201, "")
		var sub api.Subscription
		r.decode(t, &sub)
		if sub.Target != "+49301234567" || !sub.Active {
			t.Fatalf("subscription (national number read in DE): %+v", sub)
		}
		var subs struct {
			Subscriptions []api.Subscription `json:"subscriptions"`
		}
		e.call("GET", base+"/subscriptions", e.read, nil).decode(t, &subs)
		if len(subs.Subscriptions) != 1 {
			t.Fatalf("subscriptions: %+v", subs)
		}
		expect(t, "tenant B lists", e.call("GET", base+"/subscriptions", e.bKey, nil), 404, "tracking_not_found")
		expect(t, "tenant B unsubscribes", e.call("DELETE", fmt.Sprintf("%s/subscriptions/%d", base, sub.ID), e.bKey, nil), 404, "")
		expect(t, "unsubscribe", e.call("DELETE", fmt.Sprintf("%s/subscriptions/%d", base, sub.ID), e.write, nil), 204, "")
		e.call("GET", base+"/subscriptions", e.read, nil).decode(t, &subs)
		if len(subs.Subscriptions) != 1 || subs.Subscriptions[0].Active {
			t.Fatalf("after unsubscribe: %+v", subs)
		}
		expect(t, "unknown subscription", e.call("DELETE", base+"/subscriptions/99999", e.write, nil), 404, "subscription_not_found")

		// The outbox's messages about the tracking.
		box := e.st.(store.Outbox)
		now := time.Now().UTC()
		if _, err := box.EnqueueMessages(context.Background(), "", 0, []store.OutboxMessage{{MessageID: "msg_t1", TenantID: e.a.ID,
			ShipmentID: tr.ID, Channel: "email", Moment: "shipped", Target: "ada@example.com", OrderKey: "s1",
			Body: []byte(`{"subject":"x"}`), State: store.MessagePending, NextAttemptAt: now, CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		var msgs struct {
			Messages []api.SentMessage `json:"messages"`
		}
		e.call("GET", base+"/notifications", e.read, nil).decode(t, &msgs)
		if len(msgs.Messages) != 1 || msgs.Messages[0].MessageID != "msg_t1" || msgs.Messages[0].Moment != "shipped" || msgs.Messages[0].State != "pending" {
			t.Fatalf("notifications: %+v", msgs)
		}
		expect(t, "tenant B", e.call("GET", base+"/notifications", e.bKey, nil), 404, "tracking_not_found")
		expect(t, "no key", e.call("GET", base+"/notifications", "", nil), 401, api.CodeUnauthorized)
		expect(t, "unknown sub-path", e.call("GET", base+"/nonsense", e.read, nil), 404, api.CodeNotFound)
	})
}
