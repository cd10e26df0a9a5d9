package alert_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/status"
)

// pngHeader and pdfHeader are the signatures http.DetectContentType
// sniffs (WHATWG MIME Sniffing, section 6).
var (
	pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	pdfHeader = []byte("%PDF-1.7\n")
)

func TestCaseFlowFromLoss(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("royal-mail", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{100, status.ExceptionLost})
	e.evaluate(sh, 101)
	lost := e.open(sh)[alert.Lost]
	cases := &alert.Cases{St: e.st, Now: e.clock}
	c, err := cases.OpenCase(e.ctx, e.tenant.ID, sh.ID, lost.ID, "Lost parcel", "mia@shop.example", "mia@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != string(alert.Open) || !c.NextFollowUpAt.Equal(hours(101).Add(48*time.Hour)) {
		t.Fatalf("opened case = %+v", c)
	}
	c, err = cases.Move(e.ctx, e.tenant.ID, c.ID, alert.WaitingOnCarrier, "", "mia", "claim filed, ref RM-123")
	if err != nil || c.State != "waiting_on_carrier" {
		t.Fatalf("waiting: %+v %v", c, err)
	}
	if _, err := cases.Attach(e.ctx, e.tenant.ID, c.ID, "invoice.pdf", append(pdfHeader, "1 0 obj"...), "mia"); err != nil {
		t.Errorf("PDF rejected: %v", err)
	}
	if _, err := cases.Attach(e.ctx, e.tenant.ID, c.ID, "label.png", pngHeader, "mia"); err != nil {
		t.Errorf("PNG rejected: %v", err)
	}
	// A script named like a photo is refused by its content.
	_, err = cases.Attach(e.ctx, e.tenant.ID, c.ID, "photo.jpg", []byte("<html><script>alert(1)</script>"), "mia")
	if !errors.Is(err, alert.ErrFileType) || alert.ErrorCode(err) != "attachment_type" {
		t.Errorf("HTML as photo: %v (code %q)", err, alert.ErrorCode(err))
	}
	big := append(bytes.Clone(pngHeader), make([]byte, alert.MaxAttachment)...)
	if _, err := cases.Attach(e.ctx, e.tenant.ID, c.ID, "huge.png", big, "mia"); alert.ErrorCode(err) != "attachment_too_large" {
		t.Errorf("11 MiB file: %v", err)
	}
	atts, _ := e.st.ListCaseAttachments(e.ctx, e.tenant.ID, c.ID)
	if len(atts) != 2 || atts[0].ContentType != "application/pdf" || atts[1].ContentType != "image/png" || len(atts[0].SHA256) != 64 {
		t.Errorf("stored attachments = %+v", atts)
	}
	if err := e.st.AddCaseNote(e.ctx, e.tenant.ID, c.ID, "mia", "carrier confirms loss"); err != nil {
		t.Fatal(err)
	}
	// Resolving needs a resolution, and a resolution needs resolving.
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, alert.Resolved, "", "mia", ""); alert.ErrorCode(err) != "invalid_resolution" {
		t.Errorf("resolved without resolution: %v", err)
	}
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, alert.WaitingOnBuyer, alert.Refunded, "mia", ""); alert.ErrorCode(err) != "invalid_resolution" {
		t.Errorf("waiting with resolution: %v", err)
	}
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, "shipped", "", "mia", ""); alert.ErrorCode(err) != "invalid_transition" {
		t.Errorf("unknown state: %v", err)
	}
	c, err = cases.Move(e.ctx, e.tenant.ID, c.ID, alert.Resolved, alert.ClaimPaid, "mia", "claim paid: 42 GBP")
	if err != nil || c.Resolution != "claim_paid" || !c.NextFollowUpAt.IsZero() {
		t.Fatalf("resolve: %+v %v", c, err)
	}
	e.wantCleared(sh, alert.Lost, "case_resolved:claim_paid")
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, alert.WaitingOnBuyer, "", "mia", ""); !errors.Is(err, alert.ErrInvalidTransition) {
		t.Errorf("resolved -> waiting_on_buyer: %v", err)
	}
	h, err := e.st.History(e.ctx, e.tenant.ID, 0, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, ev := range h {
		trail = append(trail, ev.Action+" "+ev.Detail)
	}
	want := []string{"case.opened Lost parcel", "case.state open -> waiting_on_carrier", "case.note claim filed, ref RM-123",
		"case.attachment invoice.pdf (application/pdf)", "case.attachment label.png (image/png)", "case.note carrier confirms loss",
		"case.state waiting_on_carrier -> resolved (claim_paid)", "case.note claim paid: 42 GBP", "alert.cleared case_resolved:claim_paid"}
	if strings.Join(trail, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(trail, "\n"), strings.Join(want, "\n"))
	}
	// The other tenant cannot see or move the case.
	other := e.tenant
	other.ID, other.Slug = 0, "other"
	if err := e.st.CreateTenant(e.ctx, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := cases.Move(e.ctx, other.ID, c.ID, alert.Open, "", "x", ""); alert.ErrorCode(err) != "not_found" {
		t.Errorf("other tenant moves case: %v", err)
	}
}

func TestFollowUpReminder(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("dhl", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted})
	cases := &alert.Cases{St: e.st, Now: e.clock, FollowUp: 24 * time.Hour}
	c, err := cases.OpenCase(e.ctx, e.tenant.ID, sh.ID, 0, "Where is my parcel?", "mia@shop.example", "mia")
	if err != nil {
		t.Fatal(err)
	}
	e.at(c.NextFollowUpAt.Add(-time.Minute))
	if n, err := e.eng.RemindFollowUps(e.ctx); err != nil || n != 0 {
		t.Fatalf("early reminders: %d %v", n, err)
	}
	e.at(c.NextFollowUpAt.Add(time.Minute))
	if n, err := e.eng.RemindFollowUps(e.ctx); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	msgs := e.box.take()
	if len(msgs) != 1 || msgs[0].Target != "mia@shop.example" || msgs[0].Channel != notify.Email || msgs[0].Moment != alert.MomentCaseFollowUp {
		t.Fatalf("reminder messages = %+v", msgs)
	}
	var body alert.EmailBody
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil || !strings.Contains(body.Subject, sh.Reference) {
		t.Errorf("reminder body = %+v, %v", body, err)
	}
	// Moved on: not again until the next interval.
	if n, _ := e.eng.RemindFollowUps(e.ctx); n != 0 {
		t.Errorf("second reminder at once: %d", n)
	}
	got, _ := e.st.GetCase(e.ctx, e.tenant.ID, c.ID)
	if !got.NextFollowUpAt.Equal(e.clock().Add(48 * time.Hour)) {
		t.Errorf("next follow-up %v, want %v", got.NextFollowUpAt, e.clock().Add(48*time.Hour))
	}
	if _, err := cases.Move(e.ctx, e.tenant.ID, c.ID, alert.Resolved, alert.ResolvedDelivered, "mia", ""); err != nil {
		t.Fatal(err)
	}
	e.at(e.clock().Add(100 * time.Hour))
	if n, _ := e.eng.RemindFollowUps(e.ctx); n != 0 {
		t.Errorf("resolved case reminded %d times", n)
	}
}

func TestCanMove(t *testing.T) {
	for _, tc := range []struct {
		from, to alert.State
		ok       bool
	}{
		{alert.Open, alert.WaitingOnCarrier, true},
		{alert.Open, alert.WaitingOnBuyer, true},
		{alert.WaitingOnCarrier, alert.WaitingOnBuyer, true},
		{alert.WaitingOnBuyer, alert.Resolved, true},
		{alert.Resolved, alert.Open, true},
		{alert.Resolved, alert.WaitingOnCarrier, false},
		{alert.Open, alert.Open, false},
		{"", alert.Open, false},
	} {
		if got := alert.CanMove(tc.from, tc.to); got != tc.ok {
			t.Errorf("CanMove(%q, %q) = %v", tc.from, tc.to, got)
		}
	}
}
