package notify

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

type planFixture struct {
	t       *testing.T
	st      store.Store
	subs    *Subscriptions
	planner *BuyerPlanner
	tenant  shipment.Tenant
	sh      shipment.Shipment
	parcel  shipment.Parcel
	now     time.Time
	taskSeq int64
}

func newPlanFixture(t *testing.T) *planFixture {
	t.Helper()
	st := testdb.OpenSQLite(t, sqlite.Options{Logger: quietLog})
	f := &planFixture{t: t, st: st, now: time.Now().UTC().Truncate(time.Second)}
	f.tenant = shipment.Tenant{Slug: "kiez", Name: "Kiez Laden"}
	if err := st.CreateTenant(t.Context(), &f.tenant); err != nil {
		t.Fatal(err)
	}
	f.sh = shipment.Shipment{Reference: "#1001", OriginCountry: "CN", DestinationCountry: "DE",
		Customer: shipment.Contact{Name: "Ada", Email: "Ada@Example.com", Phone: "0151 12345678", Language: "de-DE"}}
	if err := st.CreateShipment(t.Context(), f.tenant.ID, &f.sh); err != nil {
		t.Fatal(err)
	}
	f.parcel = shipment.Parcel{ShipmentID: f.sh.ID, Carrier: "china-post", TrackingNumber: "RR123456785CN"}
	if err := st.CreateParcel(t.Context(), f.tenant.ID, &f.parcel); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.subs, err = NewSubscriptions(st, []byte("0123456789abcdef0123"), "https://wp.example"); err != nil {
		t.Fatal(err)
	}
	if f.planner, err = NewPlanner(PlannerConfig{Store: st, Subs: f.subs, BaseURL: "https://wp.example/",
		NtfyBase: "https://ntfy.example", Log: quietLog, Now: func() time.Time { return f.now }}); err != nil {
		t.Fatal(err)
	}
	return f
}

// ingest stores events and returns the change task IngestEvents would
// write for the shipment.
func (f *planFixture) ingest(evs ...shipment.Event) store.Task {
	f.t.Helper()
	prev, _ := f.st.GetShipment(f.t.Context(), f.tenant.ID, f.sh.ID)
	if _, err := f.st.IngestEvents(f.t.Context(), f.tenant.ID, evs); err != nil {
		f.t.Fatal(err)
	}
	next, _ := f.st.GetShipment(f.t.Context(), f.tenant.ID, f.sh.ID)
	f.sh = next
	f.taskSeq++
	return store.Task{ID: f.taskSeq, Queue: QueueName, Kind: store.KindShipmentChanged, TenantID: f.tenant.ID, ShipmentID: f.sh.ID,
		Change: &store.ShipmentChange{Prev: prev.Progress, Next: next.Progress, NewEvents: len(evs), At: f.now}}
}

func (f *planFixture) ev(hoursAgo float64, sub status.Substatus, country string) shipment.Event {
	return shipment.Event{ParcelID: f.parcel.ID, Time: f.now.Add(-time.Duration(hoursAgo * float64(time.Hour))),
		Text: string(sub), Status: sub.Status(), Substatus: sub, Zone: "UTC", OffsetSource: shipment.OffsetExplicit,
		Location: shipment.Location{City: "Leipzig", Country: country}}
}

func (f *planFixture) plan(task store.Task) []Message {
	f.t.Helper()
	msgs, err := f.planner.Plan(f.t.Context(), task, f.sh)
	if err != nil {
		f.t.Fatal(err)
	}
	return msgs
}

func byChannel(msgs []Message) map[Channel][]Message {
	out := map[Channel][]Message{}
	for _, m := range msgs {
		out[m.Channel] = append(out[m.Channel], m)
	}
	return out
}

func TestPlanBurstSendsNewestMomentOnce(t *testing.T) {
	f := newPlanFixture(t)
	// The carrier reports the whole journey at once.
	task := f.ingest(
		f.ev(200, status.InfoReceivedInfoReceived, "CN"),
		f.ev(190, status.InTransitAccepted, "CN"),
		f.ev(150, status.InTransitDepartedOriginCountry, "CN"),
		f.ev(100, status.InTransitArrivedDestinationCountry, "DE"),
		f.ev(30, status.OutForDeliveryOutForDelivery, "DE"),
		f.ev(28, status.DeliveredDelivered, "DE"),
	)
	msgs := f.plan(task)
	ch := byChannel(msgs)
	if len(ch[Email]) != 1 || len(ch[SMS]) != 0 {
		t.Fatalf("buyer messages: %d email, %d sms; want 1 email (SMS is off for delivered by default)", len(ch[Email]), len(ch[SMS]))
	}
	mail := ch[Email][0]
	if mail.Moment != Delivered || mail.Target != "ada@example.com" || !strings.HasPrefix(mail.ID, "msg_") {
		t.Errorf("email %+v", mail)
	}
	var body EmailBody
	if err := json.Unmarshal(mail.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Subject != "Ihre Bestellung #1001 wurde zugestellt" || body.Lang != "de" || body.FromName != "Kiez Laden" ||
		!strings.Contains(body.Text, "https://wp.example/track/RR123456785CN") || !strings.HasPrefix(body.UnsubscribeURL, "https://wp.example/u/") {
		t.Errorf("email body %+v", body)
	}
	// Webhooks hear of every moment on the way, in order.
	var hooks []Moment
	for _, m := range ch[Webhook] {
		hooks = append(hooks, m.Moment)
	}
	want := []Moment{Shipped, InTransit, ArrivedDest, OutForDelivery, Delivered}
	if len(hooks) != len(want) {
		t.Fatalf("webhook moments %v, want %v", hooks, want)
	}
	for i := range want {
		if hooks[i] != want[i] {
			t.Errorf("webhook moments %v, want %v", hooks, want)
		}
	}

	// The same task again (a retry after a crash) plans the same IDs.
	again := byChannel(f.plan(task))
	if len(again[Email]) != 1 || again[Email][0].ID != mail.ID {
		t.Errorf("retried task planned %+v, want the same email %s", again[Email], mail.ID)
	}
	// Another change reaching "delivered" again (a late signature event)
	// sends nothing new to the buyer.
	task2 := *task.Change
	task2.Prev.Substatus = status.DeliveredDelivered
	task2.Next.Substatus = status.DeliveredSigned
	if got := byChannel(f.plan(store.Task{ID: 99, Kind: store.KindShipmentChanged, Change: &task2}))[Email]; len(got) != 0 {
		t.Errorf("delivered repeated: %+v", got)
	}
	sent, _ := f.st.(store.NotifySettings).SentMoments(t.Context(), f.tenant.ID, f.sh.ID)
	if len(sent) != 1 || sent[0].Moment != string(Delivered) || sent[0].MessageID != mail.ID {
		t.Errorf("sent moments %+v", sent)
	}
}

func TestPlanSMSQuietHoursAndSubscribers(t *testing.T) {
	f := newPlanFixture(t)
	// 23:30 in Berlin: an SMS waits for 08:00.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.now = time.Date(2026, 3, 10, 23, 30, 0, 0, berlin).UTC()
	if _, err := f.subs.Subscribe(t.Context(), f.tenant.ID, f.sh.ID, SubscribeRequest{Channel: Ntfy, Target: "ada-parcels"}); err != nil {
		t.Fatal(err)
	}
	task := f.ingest(f.ev(1, status.InTransitAccepted, "CN"), f.ev(0.5, status.OutForDeliveryOutForDelivery, "DE"))
	ch := byChannel(f.plan(task))
	if len(ch[SMS]) != 1 || len(ch[Email]) != 1 || len(ch[Ntfy]) != 1 {
		t.Fatalf("planned %d sms, %d email, %d ntfy", len(ch[SMS]), len(ch[Email]), len(ch[Ntfy]))
	}
	sms := ch[SMS][0]
	wantRelease := time.Date(2026, 3, 11, 8, 0, 0, 0, berlin)
	if sms.Target != "+4915112345678" || !sms.NotBefore.Equal(wantRelease) || sms.Moment != OutForDelivery {
		t.Errorf("sms to %s not before %v (%s), want +4915112345678 at %v", sms.Target, sms.NotBefore, sms.Moment, wantRelease)
	}
	var sb SMSBody
	_ = json.Unmarshal(sms.Body, &sb)
	if !strings.HasSuffix(sb.Text, " https://wp.example/track/RR123456785CN") || !strings.Contains(sb.Text, "wird heute zugestellt") ||
		SMSSegments(sb.Text) > DefaultSMSSegments {
		t.Errorf("sms text %q", sb.Text)
	}
	if ch[Email][0].NotBefore != (time.Time{}) {
		t.Error("email held back by SMS quiet hours")
	}
	if n := ch[Ntfy][0]; n.Target != "https://ntfy.example/ada-parcels" {
		t.Errorf("ntfy target %q", n.Target)
	}
}

func TestUnsubscribeLinkStopsMessages(t *testing.T) {
	f := newPlanFixture(t)
	ch := byChannel(f.plan(f.ingest(f.ev(5, status.InfoReceivedInfoReceived, "CN"))))
	if len(ch[Email]) != 1 {
		t.Fatalf("shipped: %d emails", len(ch[Email]))
	}
	var body EmailBody
	_ = json.Unmarshal(ch[Email][0].Body, &body)
	u, _ := url.Parse(body.UnsubscribeURL)

	mux := http.NewServeMux()
	h := f.subs.Handler(quietLog)
	mux.Handle("GET /u/{token}", h)
	mux.Handle("POST /u/{token}", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// GET only asks; the address stays subscribed.
	resp, err := http.Get(srv.URL + u.Path)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `<form method="post">`) {
		t.Fatalf("GET: %d %s", resp.StatusCode, page)
	}
	// A forged token is refused.
	resp, _ = http.Post(srv.URL+u.Path+"x", "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
	// The mail client's one-click POST.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+u.Path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Sie sind abgemeldet") {
		t.Fatalf("POST: %d %s", resp.StatusCode, page)
	}
	// Twice is harmless.
	if err := f.subs.Unsubscribe(t.Context(), strings.TrimPrefix(u.Path, "/u/")); err != nil {
		t.Errorf("second unsubscribe: %v", err)
	}
	ch = byChannel(f.plan(f.ingest(f.ev(1, status.AttemptFailRecipientUnavailable, "DE"))))
	if len(ch[Email]) != 0 || len(ch[SMS]) != 1 {
		t.Errorf("after unsubscribe: %d emails (want 0), %d sms (want 1)", len(ch[Email]), len(ch[SMS]))
	}
}

func TestSubscribeValidates(t *testing.T) {
	f := newPlanFixture(t)
	ctx := t.Context()
	cases := []struct {
		r    SubscribeRequest
		code string
	}{
		{SubscribeRequest{Channel: Email, Target: "not-an-address"}, "email_invalid"},
		{SubscribeRequest{Channel: SMS, Target: "12"}, "phone_invalid"},
		{SubscribeRequest{Channel: WebPush, Target: "http://push.example/x", P256dh: "a", Auth: "b"}, "push_invalid"},
		{SubscribeRequest{Channel: Ntfy, Target: "../etc"}, "topic_invalid"},
		{SubscribeRequest{Channel: Webhook, Target: "x"}, "channel_invalid"},
	}
	for _, c := range cases {
		_, err := f.subs.Subscribe(ctx, f.tenant.ID, f.sh.ID, c.r)
		se, ok := err.(*SubscribeError)
		if !ok || se.Code() != c.code {
			t.Errorf("%+v: %v, want %s", c.r, err, c.code)
		}
	}
	// A national number is read in the destination country.
	sub, err := f.subs.Subscribe(ctx, f.tenant.ID, f.sh.ID, SubscribeRequest{Channel: SMS, Target: "0170 1234567"})
	if err != nil || sub.Target != "+491701234567" {
		t.Errorf("national number: %+v %v", sub, err)
	}
	// Another tenant's shipment does not exist for this one.
	other := shipment.Tenant{Slug: "other", Name: "Other"}
	_ = f.st.CreateTenant(ctx, &other)
	if _, err := f.subs.Subscribe(ctx, other.ID, f.sh.ID, SubscribeRequest{Channel: Email, Target: "x@example.com"}); store.Code(err) != "not_found" {
		t.Errorf("other tenant: %v", err)
	}
	// A token for one tenant's shipment cannot be replayed against another.
	tok := f.subs.UnsubscribeToken(other.ID, f.sh.ID, Email, "ada@example.com")
	if err := f.subs.Unsubscribe(ctx, tok); err == nil {
		t.Error("token naming another tenant accepted")
	}
}
