package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/waypost/waypost/store"
)

// RunNotifySettings runs the contract of store.NotifySettings: settings,
// templates, subscriptions and sent moments, each isolated by tenant.
func RunNotifySettings(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture, store.NotifySettings)
	}{
		{"Config", testNotifyConfig},
		{"Templates", testNotifyTemplates},
		{"Subscriptions", testNotifySubscriptions},
		{"SentOnce", testNotifySentOnce},
		{"SentConcurrent", testNotifySentConcurrent},
		{"Isolation", testNotifyIsolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			ns, ok := s.(store.NotifySettings)
			if !ok {
				t.Fatal("store does not implement store.NotifySettings")
			}
			tc.fn(t, newFixture(t, s), ns)
		})
	}
}

func testNotifyConfig(t *testing.T, f *fixture, ns store.NotifySettings) {
	tn := f.tenant()
	_, err := ns.NotifyConfig(f.ctx, tn.ID)
	wantErr(t, "NotifyConfig before any save", err, store.ErrNotFound)

	in := store.NotifyConfig{DefaultLanguage: "de", QuietStart: 21 * 60, QuietEnd: 8 * 60, SMSMaxSegments: 2,
		Rules: []store.NotifyRule{{Moment: "in_transit", Channel: "email", Enabled: true}, {Moment: "delivered", Channel: "sms", Enabled: false}}}
	if err := ns.SaveNotifyConfig(f.ctx, tn.ID, in); err != nil {
		t.Fatal(err)
	}
	got, err := ns.NotifyConfig(f.ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DefaultLanguage != "de" || got.QuietStart != 1260 || got.QuietEnd != 480 || got.SMSMaxSegments != 2 ||
		len(got.Rules) != 2 || got.Rules[1] != in.Rules[1] || got.UpdatedAt.IsZero() {
		t.Errorf("NotifyConfig = %+v, want %+v", got, in)
	}
	// Saving again replaces, rules included.
	in.Rules, in.DefaultLanguage = nil, "fr"
	if err := ns.SaveNotifyConfig(f.ctx, tn.ID, in); err != nil {
		t.Fatal(err)
	}
	if got, _ = ns.NotifyConfig(f.ctx, tn.ID); got.DefaultLanguage != "fr" || len(got.Rules) != 0 {
		t.Errorf("after second save: %+v", got)
	}
	wantErr(t, "SaveNotifyConfig for unknown tenant", ns.SaveNotifyConfig(f.ctx, tn.ID+1000, in), store.ErrNotFound)
}

func testNotifyTemplates(t *testing.T, f *fixture, ns store.NotifySettings) {
	tn := f.tenant()
	a := store.NotifyTemplate{NotifyTemplateKey: store.NotifyTemplateKey{Moment: "delivered", Part: "subject", Language: "en"}, Text: "Here: {{.Reference}}"}
	b := store.NotifyTemplate{NotifyTemplateKey: store.NotifyTemplateKey{Moment: "delivered", Part: "subject", Language: "de"}, Text: "Da: {{.Reference}}"}
	for _, x := range []store.NotifyTemplate{a, b} {
		if err := ns.SaveNotifyTemplate(f.ctx, tn.ID, x); err != nil {
			t.Fatal(err)
		}
	}
	a.Text = "Arrived: {{.Reference}}"
	if err := ns.SaveNotifyTemplate(f.ctx, tn.ID, a); err != nil {
		t.Fatal(err)
	}
	list, err := ns.NotifyTemplates(f.ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Language != "de" || list[1].Text != a.Text || list[1].UpdatedAt.IsZero() {
		t.Fatalf("NotifyTemplates = %+v", list)
	}
	if err := ns.DeleteNotifyTemplate(f.ctx, tn.ID, b.NotifyTemplateKey); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "second delete", ns.DeleteNotifyTemplate(f.ctx, tn.ID, b.NotifyTemplateKey), store.ErrNotFound)
	if list, _ = ns.NotifyTemplates(f.ctx, tn.ID); len(list) != 1 || list[0].Language != "en" {
		t.Errorf("after delete: %+v", list)
	}
	bad := a
	bad.Part = ""
	wantErr(t, "template without part", ns.SaveNotifyTemplate(f.ctx, tn.ID, bad), store.ErrInvalid)
}

func testNotifySubscriptions(t *testing.T, f *fixture, ns store.NotifySettings) {
	tn, sh, _ := f.setup()
	push := store.Subscription{ShipmentID: sh.ID, Channel: "webpush", Target: "https://push.example/ep/1",
		P256dh: "key", Auth: "secret", Language: "ja", Active: true}
	if err := ns.SaveSubscription(f.ctx, tn.ID, &push); err != nil {
		t.Fatal(err)
	}
	if push.ID == 0 || push.TenantID != tn.ID || push.CreatedAt.IsZero() || !push.Active {
		t.Errorf("saved subscription = %+v", push)
	}
	mail := store.Subscription{ShipmentID: sh.ID, Channel: "email", Target: "ada@example.com", Active: true}
	if err := ns.SaveSubscription(f.ctx, tn.ID, &mail); err != nil {
		t.Fatal(err)
	}
	// Unsubscribing keeps the row, its keys and its ID.
	off := store.Subscription{ShipmentID: sh.ID, Channel: "webpush", Target: push.Target, Active: false}
	if err := ns.SaveSubscription(f.ctx, tn.ID, &off); err != nil {
		t.Fatal(err)
	}
	if off.ID != push.ID || off.Active || off.P256dh != "key" || off.Auth != "secret" || off.Language != "ja" {
		t.Errorf("after unsubscribe = %+v", off)
	}
	list, err := ns.Subscriptions(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != push.ID || list[0].Active || !list[1].Active || list[1].Target != "ada@example.com" {
		t.Errorf("Subscriptions = %+v", list)
	}
	// Subscribing again re-activates.
	push.Active = true
	if err := ns.SaveSubscription(f.ctx, tn.ID, &push); err != nil || !push.Active || push.ID != off.ID {
		t.Errorf("re-subscribe: %+v %v", push, err)
	}
	empty := store.Subscription{ShipmentID: sh.ID, Channel: "email", Target: " "}
	wantErr(t, "empty target", ns.SaveSubscription(f.ctx, tn.ID, &empty), store.ErrInvalid)
	ghost := store.Subscription{ShipmentID: sh.ID + 1000, Channel: "email", Target: "x@example.com", Active: true}
	wantErr(t, "unknown shipment", ns.SaveSubscription(f.ctx, tn.ID, &ghost), store.ErrNotFound)
}

func testNotifySentOnce(t *testing.T, f *fixture, ns store.NotifySettings) {
	tn, sh, _ := f.setup()
	batch := []store.SentMoment{
		{ShipmentID: sh.ID, Moment: "delivered", Channel: "email", Target: "ada@example.com", MessageID: "m1"},
		{ShipmentID: sh.ID, Moment: "delivered", Channel: "sms", Target: "+4915112345678", MessageID: "m2"},
	}
	n, err := ns.RecordSent(f.ctx, tn.ID, batch)
	if err != nil || n != 2 {
		t.Fatalf("RecordSent = %d, %v; want 2", n, err)
	}
	// The same moment again, plus one new: only the new one counts.
	batch = append(batch, store.SentMoment{ShipmentID: sh.ID, Moment: "out_for_delivery", Channel: "email", Target: "ada@example.com", MessageID: "m3"})
	batch[0].MessageID = "m9"
	if n, err = ns.RecordSent(f.ctx, tn.ID, batch); err != nil || n != 1 {
		t.Fatalf("RecordSent again = %d, %v; want 1", n, err)
	}
	list, err := ns.SentMoments(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("SentMoments = %+v", list)
	}
	for _, m := range list {
		if m.MessageID == "m9" || m.SentAt.IsZero() {
			t.Errorf("recorded %+v: the first record must stay", m)
		}
	}
}

// testNotifySentConcurrent: two nodes planning the same change race to
// record a moment; exactly one wins.
func testNotifySentConcurrent(t *testing.T, f *fixture, ns store.NotifySettings) {
	tn, sh, _ := f.setup()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := ns.RecordSent(f.ctx, tn.ID, []store.SentMoment{{ShipmentID: sh.ID, Moment: "shipped",
				Channel: "email", Target: "ada@example.com", MessageID: fmt.Sprint("node-", i)}})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 {
		t.Errorf("%d concurrent records succeeded, want 1", total)
	}
}

func testNotifyIsolation(t *testing.T, f *fixture, ns store.NotifySettings) {
	a := f.tenant()
	b, shB, _ := f.setup()
	sub := store.Subscription{ShipmentID: shB.ID, Channel: "email", Target: "b@example.com", Active: true}
	if err := ns.SaveSubscription(f.ctx, b.ID, &sub); err != nil {
		t.Fatal(err)
	}
	if _, err := ns.RecordSent(f.ctx, b.ID, []store.SentMoment{{ShipmentID: shB.ID, Moment: "shipped", Channel: "email", Target: "b@example.com"}}); err != nil {
		t.Fatal(err)
	}
	tpl := store.NotifyTemplate{NotifyTemplateKey: store.NotifyTemplateKey{Moment: "shipped", Part: "body", Language: "en"}, Text: "B"}
	if err := ns.SaveNotifyTemplate(f.ctx, b.ID, tpl); err != nil {
		t.Fatal(err)
	}
	if err := ns.SaveNotifyConfig(f.ctx, b.ID, store.NotifyConfig{DefaultLanguage: "es"}); err != nil {
		t.Fatal(err)
	}

	_, err := ns.NotifyConfig(f.ctx, a.ID)
	wantErr(t, "NotifyConfig of another tenant", err, store.ErrNotFound)
	if list, err := ns.NotifyTemplates(f.ctx, a.ID); err != nil || len(list) != 0 {
		t.Errorf("NotifyTemplates shows another tenant's: %+v %v", list, err)
	}
	wantErr(t, "DeleteNotifyTemplate of another tenant", ns.DeleteNotifyTemplate(f.ctx, a.ID, tpl.NotifyTemplateKey), store.ErrNotFound)
	if list, err := ns.Subscriptions(f.ctx, a.ID, shB.ID); err != nil || len(list) != 0 {
		t.Errorf("Subscriptions shows another tenant's: %+v %v", list, err)
	}
	steal := store.Subscription{ShipmentID: shB.ID, Channel: "email", Target: "b@example.com", Active: false}
	wantErr(t, "SaveSubscription on another tenant's shipment", ns.SaveSubscription(f.ctx, a.ID, &steal), store.ErrNotFound)
	_, err = ns.RecordSent(f.ctx, a.ID, []store.SentMoment{{ShipmentID: shB.ID, Moment: "delivered", Channel: "email", Target: "x"}})
	wantErr(t, "RecordSent on another tenant's shipment", err, store.ErrNotFound)
	if list, err := ns.SentMoments(f.ctx, a.ID, shB.ID); err != nil || len(list) != 0 {
		t.Errorf("SentMoments shows another tenant's: %+v %v", list, err)
	}
	// B's rows are untouched.
	if list, _ := ns.Subscriptions(f.ctx, b.ID, shB.ID); len(list) != 1 || !list[0].Active {
		t.Errorf("B's subscription changed: %+v", list)
	}
	if list, _ := ns.SentMoments(f.ctx, b.ID, shB.ID); len(list) != 1 {
		t.Errorf("B's sent moments changed: %+v", list)
	}
}
