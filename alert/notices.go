package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

// MomentCaseFollowUp is the moment of case reminders to their owner.
const MomentCaseFollowUp notify.Moment = "case_follow_up"

// Event is the JSON body of alert.raised and alert.cleared webhooks.
type Event struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"` // "alert.raised" or "alert.cleared"
	CreatedAt time.Time  `json:"created_at"`
	Data      EventAlert `json:"data"`
}

// EventAlert is the alert in an Event.
type EventAlert struct {
	AlertID       int64     `json:"alert_id"`
	ShipmentID    int64     `json:"shipment_id"`
	Reference     string    `json:"reference,omitempty"`
	Kind          Kind      `json:"kind"`
	Severity      int       `json:"severity"`
	Carrier       string    `json:"carrier,omitempty"`
	Substatus     string    `json:"substatus,omitempty"`
	Detail        string    `json:"detail,omitempty"`
	RaisedAt      time.Time `json:"raised_at"`
	ClearedAt     time.Time `json:"cleared_at,omitzero"`
	ClearedReason string    `json:"cleared_reason,omitempty"`
	Playbook      Playbook  `json:"playbook"`
	URL           string    `json:"url,omitempty"`
}

func eventAlert(a store.Alert, ref, url string) EventAlert {
	return EventAlert{AlertID: a.ID, ShipmentID: a.ShipmentID, Reference: ref, Kind: Kind(a.Kind),
		Severity: Kind(a.Kind).Severity(), Carrier: a.Carrier, Substatus: a.Substatus, Detail: a.Detail,
		RaisedAt: a.RaisedAt, ClearedAt: a.ClearedAt, ClearedReason: a.ClearedReason,
		Playbook: PlaybookFor(Kind(a.Kind)), URL: url}
}

// SlackPayload renders alerts as a Slack incoming-webhook message: text
// for notifications and clients without blocks, and a header, one section
// per alert and a context line. Slack caps a message at 50 blocks, so
// alerts beyond 45 are summarised.
func SlackPayload(title string, alerts []EventAlert) ([]byte, error) {
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type block struct {
		Type     string `json:"type"`
		Text     *text  `json:"text,omitempty"`
		Elements []text `json:"elements,omitempty"`
	}
	blocks := []block{{Type: "header", Text: &text{"plain_text", truncate(title, 150)}}}
	for i, a := range alerts {
		if i == 45 {
			blocks = append(blocks, block{Type: "context", Elements: []text{{"mrkdwn", fmt.Sprintf("and %d more", len(alerts)-45)}}})
			break
		}
		state := "raised"
		if !a.ClearedAt.IsZero() {
			state = "cleared (" + slackEscape(a.ClearedReason) + ")"
		}
		name := slackEscape(cmpStr(a.Reference, "shipment "+strconv.FormatInt(a.ShipmentID, 10)))
		if a.URL != "" {
			name = "<" + a.URL + "|" + name + ">"
		}
		line := fmt.Sprintf("*%s* %s: %s\n%s", slackEscape(a.Playbook.Title), state, name, slackEscape(a.Detail))
		if len(a.Playbook.Actions) > 0 && a.ClearedAt.IsZero() {
			line += "\nNext: " + slackEscape(a.Playbook.Actions[0])
		}
		blocks = append(blocks, block{Type: "section", Text: &text{"mrkdwn", truncate(line, 3000)}})
	}
	return json.Marshal(struct {
		Text   string  `json:"text"`
		Blocks []block `json:"blocks"`
	}{title, blocks})
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// EmailBody is the body of digest and reminder emails.
type EmailBody struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

// Digest renders a tenant's new alerts as one email.
func Digest(shop string, alerts []EventAlert) EmailBody {
	open := 0
	for _, a := range alerts {
		if a.ClearedAt.IsZero() {
			open++
		}
	}
	subj := fmt.Sprintf("%s: %d new shipment alerts (%d still open)", cmpStr(shop, "Waypost"), len(alerts), open)
	var t, h strings.Builder
	t.WriteString(subj + "\n\n")
	h.WriteString("<h1>" + html.EscapeString(subj) + "</h1>\n<ul>\n")
	for _, a := range alerts {
		name := cmpStr(a.Reference, "shipment "+strconv.FormatInt(a.ShipmentID, 10))
		state := "open"
		if !a.ClearedAt.IsZero() {
			state = "cleared: " + a.ClearedReason
		}
		fmt.Fprintf(&t, "- %s — %s (%s): %s\n", name, a.Playbook.Title, state, a.Detail)
		if a.ClearedAt.IsZero() && len(a.Playbook.Actions) > 0 {
			fmt.Fprintf(&t, "  next: %s\n", a.Playbook.Actions[0])
		}
		if a.URL != "" {
			fmt.Fprintf(&t, "  %s\n", a.URL)
		}
		link := html.EscapeString(name)
		if a.URL != "" {
			link = `<a href="` + html.EscapeString(a.URL) + `">` + link + "</a>"
		}
		fmt.Fprintf(&h, "<li><strong>%s</strong> — %s (%s): %s</li>\n", link, html.EscapeString(a.Playbook.Title),
			html.EscapeString(state), html.EscapeString(a.Detail))
	}
	h.WriteString("</ul>\n")
	return EmailBody{Subject: subj, Text: t.String(), HTML: h.String()}
}

// shipmentURL links to the shipment in the dashboard.
func (e *Engine) shipmentURL(id int64) string {
	if e.o.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(e.o.BaseURL, "/") + "/app/shipments/" + strconv.FormatInt(id, 10)
}

func (e *Engine) reference(ctx context.Context, tenantID, shipmentID int64) string {
	sh, err := e.o.Store.GetShipment(ctx, tenantID, shipmentID)
	if err != nil {
		return ""
	}
	return sh.Reference
}

// FlushNotices hands pending alert.raised and alert.cleared events to the
// outbox and records them as sent; message IDs are derived from the alert,
// so a crash between the two steps sends nothing twice.
func (e *Engine) FlushNotices(ctx context.Context) (int, error) {
	if e.o.Outbox == nil {
		return 0, nil
	}
	pending, err := e.st.PendingAlertNotices(ctx, 200)
	if err != nil {
		return 0, fmt.Errorf("alert: notices: %w", err)
	}
	sent := 0
	for _, a := range pending {
		aud, err := e.o.Audience.AlertAudience(ctx, a.TenantID)
		if err != nil {
			return sent, fmt.Errorf("alert: notices: %w", err)
		}
		ea := eventAlert(a, e.reference(ctx, a.TenantID, a.ShipmentID), e.shipmentURL(a.ShipmentID))
		var msgs []notify.Message
		upTo := 1
		if a.NoticesSent < 1 {
			m, err := e.notices(a, ea, "raised", aud)
			if err != nil {
				return sent, err
			}
			msgs = append(msgs, m...)
		}
		if !a.Open() {
			upTo = 2
			m, err := e.notices(a, ea, "cleared", aud)
			if err != nil {
				return sent, err
			}
			msgs = append(msgs, m...)
		}
		if len(msgs) > 0 {
			if _, err := e.o.Outbox.Enqueue(ctx, msgs...); err != nil {
				return sent, fmt.Errorf("alert: notices: %w", err)
			}
		}
		if err := e.st.MarkAlertNotices(ctx, a.TenantID, a.ID, upTo); err != nil {
			return sent, fmt.Errorf("alert: notices: %w", err)
		}
		sent += len(msgs)
	}
	return sent, nil
}

// notices builds one alert event per webhook and Slack endpoint.
func (e *Engine) notices(a store.Alert, ea EventAlert, what string, aud Recipients) ([]notify.Message, error) {
	moment, at := notify.AlertRaised, a.RaisedAt
	if what == "cleared" {
		moment, at = notify.AlertCleared, a.ClearedAt
	}
	id := fmt.Sprintf("alert_%d_%s", a.ID, what)
	body, err := json.Marshal(Event{ID: id, Type: "alert." + what, CreatedAt: at, Data: ea})
	if err != nil {
		return nil, err
	}
	var out []notify.Message
	mk := func(target string, body []byte) notify.Message {
		return notify.Message{ID: id + "_" + target, TenantID: a.TenantID, ShipmentID: a.ShipmentID,
			Channel: notify.Webhook, Moment: moment, Target: target, OrderKey: "alert:" + target + ":" + strconv.FormatInt(a.ShipmentID, 10),
			Body: body, CreatedAt: at}
	}
	for _, w := range aud.Webhooks {
		out = append(out, mk(w, body))
	}
	if len(aud.Slack) > 0 {
		sb, err := SlackPayload(ea.Playbook.Title+" — "+what, []EventAlert{ea})
		if err != nil {
			return nil, err
		}
		for _, w := range aud.Slack {
			out = append(out, mk(w, sb))
		}
	}
	return out, nil
}

// SendDigests emails each tenant's alerts raised since its last digest.
func (e *Engine) SendDigests(ctx context.Context) (int, error) {
	if e.o.Outbox == nil {
		return 0, nil
	}
	tenants, err := e.st.UndigestedAlerts(ctx, 0, 1000)
	if err != nil {
		return 0, fmt.Errorf("alert: digest: %w", err)
	}
	sent := 0
	for _, t := range tenants {
		alerts, err := e.st.UndigestedAlerts(ctx, t.TenantID, 500)
		if err != nil {
			return sent, fmt.Errorf("alert: digest: %w", err)
		}
		if len(alerts) == 0 {
			continue
		}
		aud, err := e.o.Audience.AlertAudience(ctx, t.TenantID)
		if err != nil {
			return sent, fmt.Errorf("alert: digest: %w", err)
		}
		shop := ""
		if tn, err := e.o.Store.GetTenant(ctx, t.TenantID); err == nil {
			shop = tn.Name
		}
		eas := make([]EventAlert, len(alerts))
		ids := make([]int64, len(alerts))
		for i, a := range alerts {
			eas[i] = eventAlert(a, e.reference(ctx, a.TenantID, a.ShipmentID), e.shipmentURL(a.ShipmentID))
			ids[i] = a.ID
		}
		body, err := json.Marshal(Digest(shop, eas))
		if err != nil {
			return sent, err
		}
		now := e.now()
		var msgs []notify.Message
		for _, to := range aud.Emails {
			msgs = append(msgs, notify.Message{ID: fmt.Sprintf("alert_digest_%d_%d_%s", ids[0], ids[len(ids)-1], to),
				TenantID: t.TenantID, Channel: notify.Email, Moment: notify.AlertRaised, Target: to, Body: body, CreatedAt: now})
		}
		if len(msgs) > 0 {
			if _, err := e.o.Outbox.Enqueue(ctx, msgs...); err != nil {
				return sent, fmt.Errorf("alert: digest: %w", err)
			}
		}
		if err := e.st.MarkAlertsDigested(ctx, t.TenantID, now, ids...); err != nil {
			return sent, fmt.Errorf("alert: digest: %w", err)
		}
		sent += len(msgs)
	}
	return sent, nil
}

// RemindFollowUps sends a reminder to the owner of each case whose
// follow-up is due (to the tenant's alert emails when the owner is not an
// address) and moves the follow-up on by FollowUpEvery.
func (e *Engine) RemindFollowUps(ctx context.Context) (int, error) {
	cs, ok := e.o.Store.(store.Cases)
	if !ok {
		return 0, nil
	}
	now := e.now()
	due, err := cs.DueFollowUps(ctx, now, 200)
	if err != nil {
		return 0, fmt.Errorf("alert: follow-ups: %w", err)
	}
	n := 0
	for _, c := range due {
		if e.o.Outbox != nil {
			to := []string{c.Owner}
			if !strings.Contains(c.Owner, "@") {
				aud, err := e.o.Audience.AlertAudience(ctx, c.TenantID)
				if err != nil {
					return n, fmt.Errorf("alert: follow-ups: %w", err)
				}
				to = aud.Emails
			}
			ref := cmpStr(e.reference(ctx, c.TenantID, c.ShipmentID), "shipment "+strconv.FormatInt(c.ShipmentID, 10))
			subj := fmt.Sprintf("Follow up: case %d (%s) is %s", c.ID, ref, strings.ReplaceAll(c.State, "_", " "))
			text := subj + "\n\n" + cmpStr(c.Title, "") + "\n" + e.shipmentURL(c.ShipmentID)
			body, err := json.Marshal(EmailBody{Subject: subj, Text: strings.TrimSpace(text), HTML: "<p>" + html.EscapeString(subj) + "</p>"})
			if err != nil {
				return n, err
			}
			var msgs []notify.Message
			for _, addr := range to {
				msgs = append(msgs, notify.Message{ID: fmt.Sprintf("case_%d_followup_%d_%s", c.ID, c.NextFollowUpAt.Unix(), addr),
					TenantID: c.TenantID, ShipmentID: c.ShipmentID, Channel: notify.Email, Moment: MomentCaseFollowUp,
					Target: addr, Body: body, CreatedAt: now})
			}
			if len(msgs) > 0 {
				if _, err := e.o.Outbox.Enqueue(ctx, msgs...); err != nil {
					return n, fmt.Errorf("alert: follow-ups: %w", err)
				}
			}
		}
		moved, err := cs.AdvanceFollowUp(ctx, c.TenantID, c.ID, c.NextFollowUpAt, now.Add(e.o.FollowUpEvery))
		if err != nil {
			return n, fmt.Errorf("alert: follow-ups: %w", err)
		}
		if moved {
			n++
		}
	}
	return n, nil
}
