package alert_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/status"
)

func TestNoticesWebhookSlackDigest(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("dhl", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{5, status.ExceptionDamaged})
	e.evaluate(sh, 6)
	n, err := e.eng.FlushNotices(e.ctx)
	if err != nil || n != 2 {
		t.Fatalf("FlushNotices = %d, %v; want webhook + slack", n, err)
	}
	msgs := e.box.take()
	byTarget := map[string]notify.Message{}
	for _, m := range msgs {
		if m.Channel != notify.Webhook || m.Moment != notify.AlertRaised || m.TenantID != e.tenant.ID || m.ShipmentID != sh.ID {
			t.Errorf("message %+v", m)
		}
		byTarget[m.Target] = m
	}
	var ev alert.Event
	if err := json.Unmarshal(byTarget["7"].Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "alert.raised" || ev.Data.Kind != alert.Damaged || ev.Data.Reference != sh.Reference ||
		ev.Data.Playbook.Title == "" || ev.Data.URL != "https://waypost.example/app/shipments/"+itoa(sh.ID) {
		t.Errorf("webhook event = %+v", ev)
	}
	var slack struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text struct {
				Type, Text string
			} `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(byTarget["9"].Body, &slack); err != nil {
		t.Fatal(err)
	}
	if slack.Text == "" || len(slack.Blocks) != 2 || slack.Blocks[0].Type != "header" || slack.Blocks[1].Text.Type != "mrkdwn" ||
		!strings.Contains(slack.Blocks[1].Text.Text, "<https://waypost.example/app/shipments/") {
		t.Errorf("slack body = %s", byTarget["9"].Body)
	}
	// Nothing pending: nothing sent again.
	if n, _ := e.eng.FlushNotices(e.ctx); n != 0 {
		t.Errorf("second flush sent %d", n)
	}
	// Case resolution clears the sticky alert: an alert.cleared follows.
	cases := &alert.Cases{St: e.st, Now: e.clock}
	c, err := cases.OpenCase(e.ctx, e.tenant.ID, sh.ID, e.open(sh)[alert.Damaged].ID, "Damaged", "mia@shop.example", "mia")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, alert.Resolved, alert.Reshipped, "mia", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := e.eng.FlushNotices(e.ctx); err != nil || n != 2 {
		t.Fatalf("cleared notices = %d, %v", n, err)
	}
	for _, m := range e.box.take() {
		if m.Moment != notify.AlertCleared || !strings.HasPrefix(m.ID, "alert_") || !strings.Contains(m.ID, "_cleared_") {
			t.Errorf("cleared message %+v", m)
		}
	}
	// The digest: one email per recipient, then nothing until new alerts.
	if n, err := e.eng.SendDigests(e.ctx); err != nil || n != 1 {
		t.Fatalf("SendDigests = %d, %v", n, err)
	}
	d := e.box.take()[0]
	var body alert.EmailBody
	if err := json.Unmarshal(d.Body, &body); err != nil {
		t.Fatal(err)
	}
	if d.Channel != notify.Email || d.Moment != notify.AlertRaised || d.Target != "ops@shop.example" ||
		!strings.Contains(body.Subject, "Ada's Shop: 1 new shipment alerts (0 still open)") ||
		!strings.Contains(body.Text, sh.Reference) || !strings.Contains(body.HTML, "<li>") {
		t.Errorf("digest = %+v %+v", d, body)
	}
	if n, _ := e.eng.SendDigests(e.ctx); n != 0 {
		t.Errorf("second digest sent %d", n)
	}
}

func TestSlackPayloadEscapesAndCaps(t *testing.T) {
	var alerts []alert.EventAlert
	for i := range 60 {
		alerts = append(alerts, alert.EventAlert{ShipmentID: int64(i), Reference: "<b>&", Kind: alert.Lost,
			Playbook: alert.PlaybookFor(alert.Lost), Detail: "a > b"})
	}
	b, err := alert.SlackPayload("60 alerts", alerts)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Text   string            `json:"text"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.Text != "60 alerts" || len(p.Blocks) > 50 || !strings.Contains(string(b), "and 15 more") {
		t.Errorf("payload has %d blocks: %s", len(p.Blocks), b[:200])
	}
	var sec struct {
		Text struct{ Text string } `json:"text"`
	}
	if err := json.Unmarshal(p.Blocks[1], &sec); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sec.Text.Text, "<b>") || !strings.Contains(sec.Text.Text, "&lt;b&gt;&amp;") || !strings.Contains(sec.Text.Text, "a &gt; b") {
		t.Errorf("mrkdwn not escaped: %q", sec.Text.Text)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
