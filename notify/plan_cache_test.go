package notify

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// countingSettings counts the planner's reads of tenant settings.
type countingSettings struct {
	store.Store
	store.NotifySettings
	configs, templates atomic.Int32
}

func (c *countingSettings) NotifyConfig(ctx context.Context, tenantID int64) (store.NotifyConfig, error) {
	c.configs.Add(1)
	return c.NotifySettings.NotifyConfig(ctx, tenantID)
}

func (c *countingSettings) NotifyTemplates(ctx context.Context, tenantID int64) ([]store.NotifyTemplate, error) {
	c.templates.Add(1)
	return c.NotifySettings.NotifyTemplates(ctx, tenantID)
}

// TestPlannerCachesTenantSettings: changes planned back to back read the
// tenant's settings and templates once; once the cache is older than
// settingsTTL a saved change applies.
func TestPlannerCachesTenantSettings(t *testing.T) {
	f := newPlanFixture(t)
	cs := &countingSettings{Store: f.st, NotifySettings: f.st.(store.NotifySettings)}
	p, err := NewPlanner(PlannerConfig{Store: cs, Subs: f.subs, BaseURL: "https://wp.example/", Log: quietLog, Now: f.planner.cfg.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.planner = p
	steps := []status.Substatus{status.InfoReceivedInfoReceived, status.InTransitArrivedDestinationCountry, status.OutForDeliveryOutForDelivery}
	for i, sub := range steps {
		ch := byChannel(f.plan(f.ingest(f.ev(float64(10-i), sub, "DE"))))
		if len(ch[Email]) != 1 {
			t.Fatalf("step %s: %d emails, want 1", sub, len(ch[Email]))
		}
	}
	if c, tp := cs.configs.Load(), cs.templates.Load(); c != 1 || tp != 1 {
		t.Errorf("settings read %d times and templates %d times for 3 changes; want once each", c, tp)
	}
	// The seller switches delivered emails off; after the cache expires the
	// next change follows the new rule.
	rules := []store.NotifyRule{{Moment: string(Delivered), Channel: string(Email), Enabled: false}}
	if err := f.st.(store.NotifySettings).SaveNotifyConfig(t.Context(), f.tenant.ID, store.NotifyConfig{Rules: rules}); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	ts := p.settings[f.tenant.ID]
	ts.read = ts.read.Add(-settingsTTL)
	p.settings[f.tenant.ID] = ts
	p.mu.Unlock()
	if ch := byChannel(f.plan(f.ingest(f.ev(1, status.DeliveredDelivered, "DE")))); len(ch[Email]) != 0 {
		t.Errorf("delivered email planned although switched off: %+v", ch[Email])
	}
	if c := cs.configs.Load(); c != 2 {
		t.Errorf("settings read %d times, want 2 after expiry", c)
	}
}
