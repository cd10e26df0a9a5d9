package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// DefaultSMSSegments caps an SMS when the tenant set no limit.
const DefaultSMSSegments = 2

// defaultOff lists the moments each channel leaves out unless the tenant
// switches them on: email skips the routine "in transit"; SMS, which the
// seller pays for, only carries what the buyer must act on or be home
// for. Buyers who subscribed to push or ntfy asked for everything.
var defaultOff = map[Channel]map[Moment]bool{
	Email: {InTransit: true},
	SMS: {Shipped: true, InTransit: true, ArrivedDest: true, Delivered: true, Exception: true,
		Returned: true, EstimateRevised: true},
}

// Enabled reports whether moment m goes out on channel ch under cfg.
func Enabled(cfg store.NotifyConfig, ch Channel, m Moment) bool {
	for _, r := range cfg.Rules {
		if r.Channel == string(ch) && r.Moment == string(m) {
			return r.Enabled
		}
	}
	return !defaultOff[ch][m]
}

// PlannerConfig configures the buyer Planner.
type PlannerConfig struct {
	Store store.Store // must implement store.NotifySettings
	Subs  *Subscriptions
	// BaseURL is the server's public address for tracking links.
	BaseURL string
	// Channels are the channels with a configured Sender; messages are
	// planned for these only (nil: all buyer channels).
	Channels []Channel
	Branding BrandingSource // nil: StoreBranding over Store
	// TrackURL links a shipment's tracking page; nil means
	// BaseURL/track/{first tracking number}.
	TrackURL func(sh shipment.Shipment, parcels []shipment.Parcel) string
	// NtfyBase turns a buyer's ntfy topic into its URL (the ntfy sender's
	// base); empty keeps the bare topic.
	NtfyBase string
	Log      *slog.Logger
	Now      func() time.Time
}

// BuyerPlanner turns shipment changes into messages to the buyer (email,
// SMS, web push, ntfy) and the tenant's webhooks. It implements Planner.
type BuyerPlanner struct {
	cfg PlannerConfig
	ns  store.NotifySettings

	mu       sync.Mutex
	settings map[int64]tenantSettings
}

// settingsTTL bounds how stale a tenant's cached settings and templates
// may be: a change planned at 1,000 a second must not read them each
// time, and a seller's edit applies within seconds.
const settingsTTL = 2 * time.Second

// tenantSettings is a tenant's notification settings and templates as
// last read.
type tenantSettings struct {
	cfg  store.NotifyConfig
	tpl  *Templates
	read time.Time
}

// NewPlanner returns the buyer Planner.
func NewPlanner(cfg PlannerConfig) (*BuyerPlanner, error) {
	ns, ok := cfg.Store.(store.NotifySettings)
	if !ok {
		return nil, fmt.Errorf("notify: store %T keeps no notification settings", cfg.Store)
	}
	if cfg.Subs == nil {
		return nil, errors.New("notify: the planner needs the subscriptions for unsubscribe links")
	}
	if cfg.Branding == nil {
		cfg.Branding = StoreBranding{Store: cfg.Store}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Channels == nil {
		cfg.Channels = []Channel{Email, SMS, WebPush, Ntfy}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &BuyerPlanner{cfg: cfg, ns: ns, settings: map[int64]tenantSettings{}}, nil
}

// Plan implements Planner. Webhooks get one message per moment the change
// reached; buyers hear only of the newest, once per shipment and
// recipient, however many events the carrier sent at once.
func (p *BuyerPlanner) Plan(ctx context.Context, t store.Task, sh shipment.Shipment) ([]Message, error) {
	if t.Kind != store.KindShipmentChanged {
		return nil, nil
	}
	change := t.Change
	if change == nil {
		change = new(store.ShipmentChange)
		if err := json.Unmarshal(t.Payload, change); err != nil {
			return nil, fmt.Errorf("notify: task %d: change: %w", t.ID, err)
		}
	}
	now := p.cfg.Now()
	var out []Message
	key := "task-" + strconv.FormatInt(t.ID, 10)
	for _, m := range MomentsOf(*change) {
		out = append(out, Message{ID: messageID(sh.TenantID, sh.ID, key, m, Webhook, ""), TenantID: sh.TenantID,
			ShipmentID: sh.ID, Channel: Webhook, Moment: m, CreatedAt: now})
	}
	newest, ok := NewestMoment(*change)
	if !ok {
		return out, nil
	}
	buyer, err := p.buyerMessages(ctx, key, sh, newest, time.Time{})
	if err != nil {
		return nil, err
	}
	return append(out, buyer...), nil
}

// PlanEstimateRevised plans the "estimate revised" messages when the
// expected delivery date of a shipment moves to estimate; the caller
// enqueues them (Outbox.Enqueue). The moment is sent once per shipment and
// recipient.
func (p *BuyerPlanner) PlanEstimateRevised(ctx context.Context, tenantID, shipmentID int64, estimate time.Time) ([]Message, error) {
	sh, err := p.cfg.Store.GetShipment(ctx, tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("notify: estimate revised: %w", err)
	}
	return p.buyerMessages(ctx, "eta-"+estimate.UTC().Format("20060102"), sh, EstimateRevised, estimate)
}

// messageID is stable for a (shipment, cause, moment, channel, target),
// so a task retried after a crash enqueues the same IDs, which the outbox
// stores once.
func messageID(tenantID, shipmentID int64, cause string, m Moment, ch Channel, target string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%d\x00%s\x00%s\x00%s\x00%s", tenantID, shipmentID, cause, m, ch, target)))
	return "msg_" + hex.EncodeToString(h[:12])
}

func (p *BuyerPlanner) buyerMessages(ctx context.Context, cause string, sh shipment.Shipment, m Moment, estimate time.Time) ([]Message, error) {
	ts, err := p.tenant(ctx, sh.TenantID)
	if err != nil {
		return nil, err
	}
	cfg := ts.cfg
	subs, err := p.ns.Subscriptions(ctx, sh.TenantID, sh.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: %w", err)
	}
	phone := sh.Customer.Phone
	if phone != "" {
		if phone, err = NormalizePhone(phone, sh.DestinationCountry); err != nil {
			p.cfg.Log.WarnContext(ctx, "customer phone unusable for SMS", "tenant_id", sh.TenantID, "shipment_id", sh.ID)
			phone = ""
		}
	}
	var targets []store.Subscription
	for _, r := range recipients(shipmentContact{strings.ToLower(sh.Customer.Email), phone, sh.Customer.Language}, subs) {
		if p.channelOn(Channel(r.Channel)) && Enabled(cfg, Channel(r.Channel), m) {
			targets = append(targets, r)
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	parcels, err := p.cfg.Store.ListParcels(ctx, sh.TenantID, sh.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: %w", err)
	}
	events, err := p.cfg.Store.ListEvents(ctx, sh.TenantID, sh.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: %w", err)
	}
	brand, err := p.cfg.Branding.Branding(ctx, sh.TenantID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: branding: %w", err)
	}
	tpl := ts.tpl
	now := p.cfg.Now()
	maxSeg := cfg.SMSMaxSegments
	if maxSeg <= 0 {
		maxSeg = DefaultSMSSegments
	}
	quiet := DefaultQuietHours
	if cfg.UpdatedAt != (time.Time{}) {
		quiet = QuietHours{Start: cfg.QuietStart, End: cfg.QuietEnd}
	}
	var msgs []Message
	for _, r := range targets {
		ch := Channel(r.Channel)
		lang := r.Language
		if lang == "" {
			lang = sh.Customer.Language
		}
		data := p.data(sh, parcels, events, brand, matchLanguage(lang, cfg.DefaultLanguage).String(), estimate)
		data.UnsubscribeURL = p.cfg.Subs.UnsubscribeURL(sh.TenantID, sh.ID, ch, r.Target)
		rendered, err := tpl.Render(m, data, brand)
		if err != nil {
			// A broken tenant template must not block the change task:
			// fall back to the defaults and say so.
			p.cfg.Log.WarnContext(ctx, "tenant template failed, using the default", "tenant_id", sh.TenantID, "error", err)
			if rendered, err = NewTemplates(nil).Render(m, data, brand); err != nil {
				return nil, fmt.Errorf("notify: plan: %w", err)
			}
		}
		msg := Message{ID: messageID(sh.TenantID, sh.ID, cause, m, ch, r.Target), TenantID: sh.TenantID, ShipmentID: sh.ID,
			Channel: ch, Moment: m, Target: r.Target, CreatedAt: now}
		var body any
		switch ch {
		case Email:
			body = EmailBody{Subject: rendered.Subject, Text: rendered.Text, HTML: rendered.HTML, FromName: data.Shop,
				UnsubscribeURL: data.UnsubscribeURL, Lang: rendered.Lang}
		case SMS:
			body = SMSBody{Text: ShortenSMS(rendered.SMS, data.TrackURL, maxSeg)}
			msg.NotBefore = quiet.Release(now, BuyerZone(sh.DestinationCountry, events))
		case WebPush:
			body = PushBody{P256dh: r.P256dh, Auth: r.Auth, Title: rendered.Subject, Body: rendered.SMS, URL: data.TrackURL,
				Tag: "shipment-" + strconv.FormatInt(sh.ID, 10)}
		case Ntfy:
			body = NtfyBody{Title: rendered.Subject, Message: rendered.SMS, Click: data.TrackURL, Tags: []string{ntfyTag(m)}}
			if p.cfg.NtfyBase != "" {
				msg.Target = strings.TrimRight(p.cfg.NtfyBase, "/") + "/" + r.Target
			}
		default:
			continue
		}
		if msg.Body, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("notify: plan: %w", err)
		}
		msgs = append(msgs, msg)
	}
	return p.once(ctx, sh, msgs)
}

// once records the planned moments and keeps the messages this cause owns:
// those it recorded now, or recorded on an earlier try of the same task
// (same message ID), so a retried task re-plans the same messages while a
// later change never repeats a moment.
func (p *BuyerPlanner) once(ctx context.Context, sh shipment.Shipment, msgs []Message) ([]Message, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	sent := make([]store.SentMoment, len(msgs))
	for i, m := range msgs {
		sent[i] = store.SentMoment{ShipmentID: sh.ID, Moment: string(m.Moment), Channel: string(m.Channel), Target: m.Target,
			MessageID: m.ID, SentAt: m.CreatedAt}
	}
	if _, err := p.ns.RecordSent(ctx, sh.TenantID, sent); err != nil {
		return nil, fmt.Errorf("notify: plan: %w", err)
	}
	recorded, err := p.ns.SentMoments(ctx, sh.TenantID, sh.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: %w", err)
	}
	owner := map[string]string{}
	for _, r := range recorded {
		owner[r.Moment+"\x00"+r.Channel+"\x00"+r.Target] = r.MessageID
	}
	var out []Message
	for _, m := range msgs {
		if owner[string(m.Moment)+"\x00"+string(m.Channel)+"\x00"+m.Target] == m.ID {
			out = append(out, m)
		}
	}
	return out, nil
}

func (p *BuyerPlanner) channelOn(ch Channel) bool {
	for _, c := range p.cfg.Channels {
		if c == ch {
			return true
		}
	}
	return false
}

// tenant returns the tenant's settings and templates, read at most every
// settingsTTL.
func (p *BuyerPlanner) tenant(ctx context.Context, tenantID int64) (tenantSettings, error) {
	now := time.Now()
	p.mu.Lock()
	ts, ok := p.settings[tenantID]
	p.mu.Unlock()
	if ok && now.Sub(ts.read) < settingsTTL {
		return ts, nil
	}
	cfg, err := p.ns.NotifyConfig(ctx, tenantID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ts, fmt.Errorf("notify: plan: %w", err)
	}
	tpl, err := p.templates(ctx, tenantID)
	if err != nil {
		return ts, err
	}
	ts = tenantSettings{cfg: cfg, tpl: tpl, read: now}
	p.mu.Lock()
	p.settings[tenantID] = ts
	p.mu.Unlock()
	return ts, nil
}

func (p *BuyerPlanner) templates(ctx context.Context, tenantID int64) (*Templates, error) {
	list, err := p.ns.NotifyTemplates(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("notify: plan: templates: %w", err)
	}
	o := map[TemplateKey]string{}
	for _, t := range list {
		o[TemplateKey{t.Moment, t.Part, t.Language}] = t.Text
	}
	return NewTemplates(o), nil
}

// data fills the template fields from the shipment in lang.
func (p *BuyerPlanner) data(sh shipment.Shipment, parcels []shipment.Parcel, events []shipment.Event, b Branding, lang string, estimate time.Time) TemplateData {
	tag := matchLanguage(lang, "")
	d := TemplateData{Shop: b.Name, Customer: sh.Customer.Name, Reference: sh.Reference, Lang: tag.String(),
		Status: status.Describe(sh.Substatus, tag.String()), Country: countryName(sh.DestinationCountry, tag)}
	if len(parcels) > 0 {
		last := parcels[len(parcels)-1]
		d.TrackingNumber, d.Carrier = last.TrackingNumber, last.Carrier
	}
	d.Ref = d.Reference
	if d.Ref == "" {
		d.Ref = d.TrackingNumber
	}
	if len(events) > 0 {
		e := events[len(events)-1]
		switch {
		case e.Location.City != "" && e.Location.Country != "":
			d.Location = e.Location.City + ", " + e.Location.Country
		case e.Location.Text != "":
			d.Location = e.Location.Text
		}
	}
	if estimate.IsZero() {
		estimate = sh.PromisedDate
	}
	d.Estimate = formatDate(estimate, tag)
	if p.cfg.TrackURL != nil {
		d.TrackURL = p.cfg.TrackURL(sh, parcels)
	} else if d.TrackingNumber != "" {
		d.TrackURL = p.cfg.BaseURL + "/track/" + url.PathEscape(d.TrackingNumber)
	} else {
		d.TrackURL = p.cfg.BaseURL + "/track"
	}
	return d
}

// ntfyTag is the emoji tag ntfy shows for a moment.
func ntfyTag(m Moment) string {
	switch m {
	case Delivered:
		return "white_check_mark"
	case Exception, CustomsHeld, FailedAttempt, Returned:
		return "warning"
	case OutForDelivery:
		return "truck"
	}
	return "package"
}
