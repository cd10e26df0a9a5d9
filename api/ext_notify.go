package api

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

var tagNotify = []string{"Notifications"}

// buyerChannels are the channels buyers are told on.
var buyerChannels = []notify.Channel{notify.Email, notify.SMS, notify.WebPush, notify.Ntfy}

// NotificationSettings are the tenant's buyer notification choices.
type NotificationSettings struct {
	DefaultLanguage string `json:"default_language" maxLength:"35" doc:"For buyers whose language is unknown (BCP 47)"`
	QuietStart      string `json:"quiet_start" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"SMS quiet hours start, HH:MM in the buyer's local time"`
	QuietEnd        string `json:"quiet_end" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"Quiet hours end; equal to quiet_start: none"`
	SMSMaxSegments  int    `json:"sms_max_segments" minimum:"0" maximum:"10" doc:"Longest SMS in segments; 0: the default (2)"`
	// Rules has every buyer moment on every buyer channel in answers; in
	// a PUT, the listed ones override the defaults.
	Rules []NotifyRule `json:"rules" maxItems:"200" doc:"Whether each moment goes out on each channel. Answers list every pair; a PUT lists the ones to set, the others take their defaults."`
	// Saved is false while the tenant runs on the defaults.
	Saved bool `json:"saved" readOnly:"true" doc:"false: nothing saved yet, these are the defaults"`
}

// NotifyRule switches one moment on one channel.
type NotifyRule struct {
	Moment  string `json:"moment" doc:"shipped, in_transit, arrived_destination, customs_held, out_for_delivery, failed_attempt, available_for_pickup, delivered, exception, returned or estimate_revised"`
	Channel string `json:"channel" enum:"email,sms,webpush,ntfy"`
	Enabled bool   `json:"enabled"`
}

// Template is a tenant's own text for one part of one moment's message
// in one language.
type Template struct {
	Moment    string    `json:"moment" doc:"A buyer moment, or layout for the email layouts"`
	Part      string    `json:"part" enum:"subject,body,sms,html,text"`
	Language  string    `json:"language"`
	Text      string    `json:"text"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RenderedMessage is a message rendered for the sample shipment.
type RenderedMessage struct {
	Lang    string `json:"lang"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	SMS     string `json:"sms"`
	Text    string `json:"text" doc:"The whole plain-text email"`
	HTML    string `json:"html" doc:"The whole HTML email"`
}

// SentMessage is a message about a shipment in the outbox.
type SentMessage struct {
	ID        int64      `json:"id"`
	MessageID string     `json:"message_id"`
	Channel   string     `json:"channel"`
	Moment    string     `json:"moment"`
	Target    string     `json:"target" doc:"Email address, phone number, push endpoint, topic or webhook endpoint id"`
	State     string     `json:"state" enum:"pending,sent,failed,paused"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// Subscription is a buyer following a tracking on one channel.
type Subscription struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel" enum:"email,sms,webpush,ntfy"`
	Target    string    `json:"target"`
	Language  string    `json:"language,omitempty"`
	Active    bool      `json:"active" doc:"false once unsubscribed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60%24, min%60) }

func minutes(s string) int {
	var h, m int
	_, _ = fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m
}

func toSettings(c store.NotifyConfig, saved bool) NotificationSettings {
	q := notify.DefaultQuietHours
	if saved {
		q = notify.QuietHours{Start: c.QuietStart, End: c.QuietEnd}
	}
	lang := c.DefaultLanguage
	if lang == "" {
		lang = "en"
	}
	s := NotificationSettings{DefaultLanguage: lang, QuietStart: hhmm(q.Start), QuietEnd: hhmm(q.End),
		SMSMaxSegments: c.SMSMaxSegments, Saved: saved}
	if s.SMSMaxSegments == 0 {
		s.SMSMaxSegments = notify.DefaultSMSSegments
	}
	for _, ch := range buyerChannels {
		for _, m := range notify.BuyerMoments {
			s.Rules = append(s.Rules, NotifyRule{Moment: string(m), Channel: string(ch), Enabled: notify.Enabled(c, ch, m)})
		}
	}
	return s
}

func isBuyerMoment(m string) bool { return slices.Contains(notify.BuyerMoments, notify.Moment(m)) }

// subscribeSecret signs nothing the API hands out (it only subscribes);
// notify.Subscriptions needs one.
var subscribeSecret = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

func (a *API) registerNotify() {
	ns, ok := a.st.(store.NotifySettings)
	box, ok2 := a.st.(store.Outbox)
	if !ok || !ok2 {
		return
	}
	var auth Auth
	op := func(id, method, path, summary, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagNotify,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}
	type notifSettingsOutput struct{ Body NotificationSettings }
	read := func(ctx context.Context) (*notifSettingsOutput, error) {
		c, err := ns.NotifyConfig(ctx, TenantID(ctx))
		saved := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, a.internal(ctx, "reading notification settings", err)
		}
		return &notifSettingsOutput{Body: toSettings(c, saved)}, nil
	}
	huma.Register(a.huma, op("get-notification-settings", http.MethodGet, "/notifications/settings", "Get the notification settings", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*notifSettingsOutput, error) { return read(ctx) })

	type notifPutInput struct{ Body NotificationSettings }
	huma.Register(a.huma, op("put-notification-settings", http.MethodPut, "/notifications/settings", "Replace the notification settings", store.ScopeAdmin, 422),
		func(ctx context.Context, in *notifPutInput) (*notifSettingsOutput, error) {
			b := in.Body
			c := store.NotifyConfig{DefaultLanguage: strings.TrimSpace(b.DefaultLanguage), QuietStart: minutes(b.QuietStart),
				QuietEnd: minutes(b.QuietEnd), SMSMaxSegments: b.SMSMaxSegments, UpdatedAt: a.now()}
			seen := map[[2]string]bool{}
			for i, r := range b.Rules {
				if !isBuyerMoment(r.Moment) {
					return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "unknown moment",
						Detail{Location: fmt.Sprintf("body.rules[%d].moment", i), Message: "not a buyer moment", Value: r.Moment})
				}
				if seen[[2]string{r.Moment, r.Channel}] {
					return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "the same moment and channel twice",
						Detail{Location: fmt.Sprintf("body.rules[%d]", i), Message: "duplicate"})
				}
				seen[[2]string{r.Moment, r.Channel}] = true
				c.Rules = append(c.Rules, store.NotifyRule{Moment: r.Moment, Channel: r.Channel, Enabled: r.Enabled})
			}
			if err := ns.SaveNotifyConfig(ctx, TenantID(ctx), c); err != nil {
				return nil, a.domainErr(ctx, err, "settings")
			}
			return read(ctx)
		})

	type notifTemplatesOutput struct {
		Body struct {
			Templates []Template `json:"templates" doc:"The tenant's own templates; others use the defaults"`
			Languages []string   `json:"languages" doc:"Languages with default templates"`
			Moments   []string   `json:"moments"`
		}
	}
	huma.Register(a.huma, op("list-notification-templates", http.MethodGet, "/notifications/templates", "List the tenant's message templates", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*notifTemplatesOutput, error) {
			ts, err := ns.NotifyTemplates(ctx, TenantID(ctx))
			if err != nil {
				return nil, a.internal(ctx, "listing templates", err)
			}
			out := &notifTemplatesOutput{}
			out.Body.Templates = make([]Template, 0, len(ts))
			for _, t := range ts {
				out.Body.Templates = append(out.Body.Templates, Template{Moment: t.Moment, Part: t.Part, Language: t.Language,
					Text: t.Text, UpdatedAt: t.UpdatedAt})
			}
			for _, l := range notify.Languages {
				out.Body.Languages = append(out.Body.Languages, l.String())
			}
			for _, m := range notify.BuyerMoments {
				out.Body.Moments = append(out.Body.Moments, string(m))
			}
			return out, nil
		})

	type notifKeyPath struct {
		Moment   string `path:"moment" maxLength:"64" doc:"A buyer moment, or layout for the html and text email layouts"`
		Part     string `path:"part" enum:"subject,body,sms,html,text" doc:"The channel's part: subject and body (email), sms, or the layouts"`
		Language string `path:"lang" maxLength:"35" doc:"A language with default templates, e.g. de"`
	}
	type notifTemplateOutput struct{ Body Template }
	type notifPutTemplateInput struct {
		Moment   string `path:"moment" maxLength:"64" doc:"A buyer moment, or layout for the html and text email layouts"`
		Part     string `path:"part" enum:"subject,body,sms,html,text" doc:"The channel's part: subject and body (email), sms, or the layouts"`
		Language string `path:"lang" maxLength:"35" doc:"A language with default templates, e.g. de"`
		Body     struct {
			Text string `json:"text" maxLength:"65536"`
		}
	}
	putTpl := op("put-notification-template", http.MethodPut, "/notifications/templates/{moment}/{part}/{lang}",
		"Save a message template", store.ScopeAdmin, 422)
	putTpl.Description = "The text is a Go template over the sample shipment; one that does not parse or render is " +
		"422 template_invalid, with the line in details. Needs scope admin."
	huma.Register(a.huma, putTpl, func(ctx context.Context, in *notifPutTemplateInput) (*notifTemplateOutput, error) {
		k := notify.TemplateKey{Moment: in.Moment, Part: in.Part, Language: in.Language}
		if err := notify.ValidateTemplate(k, in.Body.Text); err != nil {
			return nil, a.domainErr(ctx, err, "template")
		}
		t := store.NotifyTemplate{NotifyTemplateKey: store.NotifyTemplateKey{Moment: k.Moment, Part: k.Part, Language: k.Language},
			Text: in.Body.Text, UpdatedAt: a.now()}
		if err := ns.SaveNotifyTemplate(ctx, TenantID(ctx), t); err != nil {
			return nil, a.domainErr(ctx, err, "template")
		}
		return &notifTemplateOutput{Body: Template{Moment: t.Moment, Part: t.Part, Language: t.Language, Text: t.Text, UpdatedAt: t.UpdatedAt}}, nil
	})

	type notifPreviewInput struct {
		Moment   string `path:"moment" maxLength:"64" doc:"A buyer moment, or layout for the html and text email layouts"`
		Part     string `path:"part" enum:"subject,body,sms,html,text" doc:"The channel's part: subject and body (email), sms, or the layouts"`
		Language string `path:"lang" maxLength:"35" doc:"A language with default templates, e.g. de"`
		Body     struct {
			Text *string `json:"text,omitempty" maxLength:"65536" doc:"Unsaved text to try; absent: the saved one or the default"`
		}
	}
	type notifPreviewOutput struct{ Body RenderedMessage }
	huma.Register(a.huma, op("preview-notification-template", http.MethodPost, "/notifications/templates/{moment}/{part}/{lang}/preview",
		"Render a moment's message for a sample shipment", store.ScopeRead, 422),
		func(ctx context.Context, in *notifPreviewInput) (*notifPreviewOutput, error) {
			tenant := TenantID(ctx)
			k := notify.TemplateKey{Moment: in.Moment, Part: in.Part, Language: in.Language}
			over := map[notify.TemplateKey]string{}
			ts, err := ns.NotifyTemplates(ctx, tenant)
			if err != nil {
				return nil, a.internal(ctx, "listing templates", err)
			}
			for _, t := range ts {
				over[notify.TemplateKey{Moment: t.Moment, Part: t.Part, Language: t.Language}] = t.Text
			}
			if in.Body.Text != nil {
				if err := notify.ValidateTemplate(k, *in.Body.Text); err != nil {
					return nil, a.domainErr(ctx, err, "template")
				}
				over[k] = *in.Body.Text
			}
			m := notify.Moment(k.Moment)
			if k.Moment == notify.LayoutMoment {
				m = notify.Shipped
			} else if !isBuyerMoment(k.Moment) {
				return nil, NewError(http.StatusUnprocessableEntity, CodeTemplateInvalid, "unknown moment "+k.Moment,
					Detail{Location: "path.moment", Message: "not a buyer moment", Value: k.Moment})
			}
			brand, err := notify.StoreBranding{Store: a.st}.Branding(ctx, tenant)
			if err != nil {
				a.log.WarnContext(ctx, "api: branding for preview", "error", err)
			}
			r, err := notify.Preview(over, m, k.Language, brand)
			if err != nil {
				return nil, a.domainErr(ctx, err, "template")
			}
			return &notifPreviewOutput{Body: RenderedMessage{Lang: r.Lang, Subject: r.Subject, Body: r.Body, SMS: r.SMS, Text: r.Text, HTML: r.HTML}}, nil
		})

	delTpl := op("delete-notification-template", http.MethodDelete, "/notifications/templates/{moment}/{part}/{lang}",
		"Delete a template: the default applies again", store.ScopeAdmin, 404, 422)
	delTpl.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, delTpl, func(ctx context.Context, in *notifKeyPath) (*struct{}, error) {
		err := ns.DeleteNotifyTemplate(ctx, TenantID(ctx), store.NotifyTemplateKey{Moment: in.Moment, Part: in.Part, Language: in.Language})
		if err != nil {
			return nil, a.storeErr(ctx, err, "template")
		}
		return nil, nil
	})

	type notifMessagesInput struct {
		ID    int64 `path:"id" minimum:"1"`
		Limit int   `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	}
	type notifMessagesOutput struct {
		Body struct {
			Messages []SentMessage `json:"messages" doc:"Newest first"`
		}
	}
	huma.Register(a.trackingGets(), op("list-tracking-notifications", http.MethodGet, "/trackings/{id}/notifications",
		"Messages sent (or to be sent) about a tracking", store.ScopeRead, 404, 422),
		func(ctx context.Context, in *notifMessagesInput) (*notifMessagesOutput, error) {
			tenant := TenantID(ctx)
			if _, err := a.st.GetShipment(ctx, tenant, in.ID); err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			ms, err := box.ListMessages(ctx, tenant, store.MessageQuery{ShipmentID: in.ID, Limit: in.Limit})
			if err != nil {
				return nil, a.internal(ctx, "listing messages", err)
			}
			out := &notifMessagesOutput{}
			out.Body.Messages = make([]SentMessage, 0, len(ms))
			for _, m := range ms {
				out.Body.Messages = append(out.Body.Messages, SentMessage{ID: m.ID, MessageID: m.MessageID, Channel: m.Channel,
					Moment: m.Moment, Target: m.Target, State: string(m.State), Attempts: m.Attempts, LastError: m.LastError,
					CreatedAt: m.CreatedAt, SentAt: tp(m.SentAt)})
			}
			return out, nil
		})

	a.registerSubscriptions(ns, op)
}

func toSubscription(s store.Subscription) Subscription {
	return Subscription{ID: s.ID, Channel: s.Channel, Target: s.Target, Language: s.Language, Active: s.Active,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func (a *API) registerSubscriptions(ns store.NotifySettings, op func(id, method, path, summary, scope string, errs ...int) huma.Operation) {
	type notifSubsOutput struct {
		Body struct {
			Subscriptions []Subscription `json:"subscriptions"`
		}
	}
	huma.Register(a.trackingGets(), op("list-tracking-subscriptions", http.MethodGet, "/trackings/{id}/subscriptions",
		"Buyers following a tracking", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*notifSubsOutput, error) {
			tenant := TenantID(ctx)
			if _, err := a.st.GetShipment(ctx, tenant, in.ID); err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			ss, err := ns.Subscriptions(ctx, tenant, in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			out := &notifSubsOutput{}
			out.Body.Subscriptions = make([]Subscription, 0, len(ss))
			for _, s := range ss {
				out.Body.Subscriptions = append(out.Body.Subscriptions, toSubscription(s))
			}
			return out, nil
		})

	type notifSubscribeInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body struct {
			Channel  string `json:"channel" enum:"email,sms,webpush,ntfy"`
			Target   string `json:"target" minLength:"1" maxLength:"2048" doc:"Email address, phone number (national numbers are read in the destination country), push endpoint or ntfy topic"`
			P256dh   string `json:"p256dh,omitempty" maxLength:"200" doc:"Web push key (base64url)"`
			Auth     string `json:"auth,omitempty" maxLength:"100" doc:"Web push auth secret (base64url)"`
			Language string `json:"language,omitempty" maxLength:"35"`
		}
	}
	type notifSubOutput struct{ Body Subscription }
	sub := op("create-tracking-subscription", http.MethodPost, "/trackings/{id}/subscriptions", "Subscribe a buyer to a tracking",
		store.ScopeWrite, 404, 422)
	sub.DefaultStatus = http.StatusCreated
	sub.Description = "Subscribing again re-activates a subscription. Bad targets are 422 email_invalid, phone_invalid, " +
		"push_invalid or topic_invalid. Needs scope write."
	huma.Register(a.huma, sub, func(ctx context.Context, in *notifSubscribeInput) (*notifSubOutput, error) {
		subs, err := notify.NewSubscriptions(a.st, subscribeSecret, "")
		if err != nil {
			return nil, a.internal(ctx, "subscribing", err)
		}
		b := in.Body
		s, err := subs.Subscribe(ctx, TenantID(ctx), in.ID, notify.SubscribeRequest{Channel: notify.Channel(b.Channel),
			Target: b.Target, P256dh: b.P256dh, Auth: b.Auth, Language: b.Language})
		if err != nil {
			return nil, a.domainErr(ctx, err, "tracking")
		}
		return &notifSubOutput{Body: toSubscription(s)}, nil
	})

	type notifUnsubInput struct {
		ID             int64 `path:"id" minimum:"1"`
		SubscriptionID int64 `path:"subscription_id" minimum:"1"`
	}
	unsub := op("delete-tracking-subscription", http.MethodDelete, "/trackings/{id}/subscriptions/{subscription_id}",
		"Unsubscribe a buyer: the subscription stays, inactive", store.ScopeWrite, 404)
	unsub.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, unsub, func(ctx context.Context, in *notifUnsubInput) (*struct{}, error) {
		tenant := TenantID(ctx)
		ss, err := ns.Subscriptions(ctx, tenant, in.ID)
		if err != nil {
			return nil, a.storeErr(ctx, err, "subscription")
		}
		for _, s := range ss {
			if s.ID == in.SubscriptionID {
				s.Active = false
				if err := ns.SaveSubscription(ctx, tenant, &s); err != nil {
					return nil, a.storeErr(ctx, err, "subscription")
				}
				return nil, nil
			}
		}
		return nil, NewError(http.StatusNotFound, "subscription_not_found", "no such subscription")
	})
}
