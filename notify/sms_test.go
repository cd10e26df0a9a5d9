package notify

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
)

// fakeSMSProvider speaks Twilio's Messages API and answers with the
// scripted status codes in turn (201 once the script is used up).
type fakeSMSProvider struct {
	mu      sync.Mutex
	script  []int
	forms   []map[string]string
	authOK  []bool
	srv     *httptest.Server
	pathHit []string
}

func newFakeSMS(t *testing.T, script ...int) *fakeSMSProvider {
	f := &fakeSMSProvider{script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		user, pass, ok := r.BasicAuth()
		f.mu.Lock()
		defer f.mu.Unlock()
		form := map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostForm.Get(k)
		}
		f.forms = append(f.forms, form)
		f.authOK = append(f.authOK, ok && user == "AC123" && pass == "tok")
		f.pathHit = append(f.pathHit, r.Method+" "+r.URL.Path)
		code := http.StatusCreated
		if len(f.script) > 0 {
			code, f.script = f.script[0], f.script[1:]
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		if code == http.StatusCreated {
			_, _ = w.Write([]byte(`{"sid":"SM1","status":"queued"}`))
		} else {
			_, _ = w.Write([]byte(`{"code":21211,"message":"scripted failure"}`))
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func smsMessage(to, text string) Message {
	b, _ := json.Marshal(SMSBody{Text: text})
	return Message{ID: "msg_s1", TenantID: 1, ShipmentID: 2, Channel: SMS, Moment: OutForDelivery, Target: to, Body: b}
}

func TestTwilioSMS(t *testing.T) {
	f := newFakeSMS(t, 429, 500, 400)
	s, err := NewSMSSender(SMSConfig{Provider: ProviderTwilio, URL: f.srv.URL, AccountSID: "AC123", Token: "tok", From: "+15005550006"})
	if err != nil {
		t.Fatal(err)
	}
	m := smsMessage("+4915112345678", "Kiez Laden: order #1001 is out for delivery today. https://t.example/track/X")
	var perm *PermanentError
	// 429 and 500 are retried (not permanent), 400 is permanent.
	for i, wantPerm := range []bool{false, false, true} {
		err := s.Send(t.Context(), m)
		if err == nil || errors.As(err, &perm) != wantPerm {
			t.Errorf("attempt %d: %v, permanent want %v", i, err, wantPerm)
		}
	}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("fourth attempt: %v", err)
	}
	last := f.forms[len(f.forms)-1]
	if last["To"] != "+4915112345678" || last["From"] != "+15005550006" || last["Body"] != "Kiez Laden: order #1001 is out for delivery today. https://t.example/track/X" {
		t.Errorf("form = %v", last)
	}
	if f.pathHit[0] != "POST /2010-04-01/Accounts/AC123/Messages.json" || !f.authOK[3] {
		t.Errorf("request %s, basic auth ok %v", f.pathHit[0], f.authOK)
	}
	// A number that cannot be valid never reaches the provider.
	n := len(f.forms)
	if err := s.Send(t.Context(), smsMessage("+49 12", "x")); !errors.As(err, &perm) || len(f.forms) != n {
		t.Errorf("invalid number: %v", err)
	}
}

func TestFormSMS(t *testing.T) {
	f := newFakeSMS(t)
	s, err := NewSMSSender(SMSConfig{Provider: ProviderForm, URL: f.srv.URL + "/send", ToField: "msisdn", BodyField: "message",
		FromField: "sender", From: "KIEZ"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), smsMessage("+33612345678", "Colis en route")); err != nil {
		t.Fatal(err)
	}
	if got := f.forms[0]; got["msisdn"] != "+33612345678" || got["message"] != "Colis en route" || got["sender"] != "KIEZ" {
		t.Errorf("form = %v", got)
	}
	if _, err := NewSMSSender(SMSConfig{Provider: "carrier-pigeon"}); err == nil {
		t.Error("unknown provider accepted")
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ in, region, want string }{
		{"030 1234567", "DE", "+49301234567"},
		{"+49 (0)151 1234 5678", "", "+4915112345678"},
		{"06 12 34 56 78", "fr", "+33612345678"},
		{"(212) 736-5000", "US", "+12127365000"},
	}
	for _, c := range cases {
		got, err := NormalizePhone(c.in, c.region)
		if err != nil || got != c.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q", c.in, c.region, got, err, c.want)
		}
	}
	for _, bad := range []string{"12345", "not a phone", "+49 12", ""} {
		_, err := NormalizePhone(bad, "DE")
		var pe *PhoneError
		if !errors.As(err, &pe) || pe.Code() != "phone_invalid" {
			t.Errorf("NormalizePhone(%q) = %v, want phone_invalid", bad, err)
		}
	}
}

func TestSMSSegments(t *testing.T) {
	cases := []struct {
		text string
		enc  string
		want int
	}{
		{strings.Repeat("a", 160), "gsm7", 1},
		{strings.Repeat("a", 161), "gsm7", 2},
		{strings.Repeat("a", 306), "gsm7", 2},
		{strings.Repeat("a", 307), "gsm7", 3},
		{strings.Repeat("€", 80), "gsm7", 1}, // extension characters take two septets
		{strings.Repeat("€", 81), "gsm7", 2},
		{strings.Repeat("é", 160), "gsm7", 1},
		{strings.Repeat("中", 70), "ucs2", 1},
		{strings.Repeat("中", 71), "ucs2", 2},
		{strings.Repeat("中", 134), "ucs2", 2},
		{strings.Repeat("中", 135), "ucs2", 3},
		{strings.Repeat("a", 69) + "😀", "ucs2", 2}, // an emoji is two UTF-16 units
		{"Ihre Bestellung ist unterwegs", "gsm7", 1},
		{"Votre commande a été expédiée", "gsm7", 1},
		{"Seu pedido está a caminho", "ucs2", 1}, // "á" is not in the GSM alphabet
	}
	for _, c := range cases {
		if enc, n := SMSEncoding(c.text), SMSSegments(c.text); enc != c.enc || n != c.want {
			t.Errorf("%.20q…: %s %d, want %s %d", c.text, enc, n, c.enc, c.want)
		}
	}
}

func TestShortenSMSKeepsLink(t *testing.T) {
	link := "https://track.example.com/track/RR123456785CN"
	long := strings.Repeat("Your parcel is moving along nicely. ", 20)
	for _, max := range []int{1, 2, 3} {
		got := ShortenSMS(long, link, max)
		if !strings.HasSuffix(got, " "+link) || SMSSegments(got) > max || !strings.Contains(got, "...") {
			t.Errorf("max %d: %q (%d segments)", max, got, SMSSegments(got))
		}
		// It uses the room it has: one more word would not fit.
		if SMSSegments(got) != max {
			t.Errorf("max %d: only %d segments used", max, SMSSegments(got))
		}
	}
	zh := strings.Repeat("您的订单正在运输中。", 20)
	got := ShortenSMS(zh, link, 1)
	if !strings.HasSuffix(got, link) || SMSSegments(got) != 1 || !strings.Contains(got, "…") {
		t.Errorf("zh: %q (%d segments)", got, SMSSegments(got))
	}
	if got := ShortenSMS("Short.", link, 1); got != "Short. "+link {
		t.Errorf("short text changed: %q", got)
	}
}

func TestQuietHours(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	q := DefaultQuietHours
	cases := []struct {
		local string
		want  string // "" means send now
	}{
		{"2026-03-10 22:30", "2026-03-11 08:00"},
		{"2026-03-10 03:00", "2026-03-10 08:00"},
		{"2026-03-10 08:00", ""},
		{"2026-03-10 20:59", ""},
		{"2026-03-10 21:00", "2026-03-11 08:00"},
	}
	for _, c := range cases {
		now, _ := time.ParseInLocation("2006-01-02 15:04", c.local, berlin)
		got := q.Release(now.UTC(), berlin)
		want := time.Time{}
		if c.want != "" {
			want, _ = time.ParseInLocation("2006-01-02 15:04", c.want, berlin)
		}
		if !got.Equal(want) {
			t.Errorf("%s: release %v, want %v", c.local, got, want)
		}
	}
	day := QuietHours{Start: 12 * 60, End: 14 * 60}
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-03-10 13:00", berlin)
	if got := day.Release(now, berlin); got.In(berlin).Hour() != 14 {
		t.Errorf("daytime window: %v", got)
	}
	if got := (QuietHours{}).Release(now, berlin); !got.IsZero() {
		t.Errorf("no quiet hours held a message until %v", got)
	}
}

func TestBuyerZone(t *testing.T) {
	evs := []shipment.Event{
		{Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Zone: "Asia/Shanghai", Location: shipment.Location{Country: "CN"}},
		{Time: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Zone: "America/Denver", Location: shipment.Location{Country: "US"}},
	}
	if z := BuyerZone("US", evs); z == nil || z.String() != "America/Denver" {
		t.Errorf("US with a Denver scan: %v", z)
	}
	if z := BuyerZone("US", evs[:1]); z == nil || z.String() != "America/New_York" {
		t.Errorf("US without a local scan: %v", z)
	}
	if z := BuyerZone("DE", nil); z == nil || z.String() != "Europe/Berlin" {
		t.Errorf("DE: %v", z)
	}
	odd := []shipment.Event{{Time: time.Now(), Zone: "+05:45", UTCOffset: 20700, OffsetSource: shipment.OffsetExplicit, Location: shipment.Location{Country: "NP"}}}
	if z := BuyerZone("NP", odd); z == nil {
		t.Error("NP: the event's offset was not used")
	} else if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, z).Zone(); off != 20700 {
		t.Errorf("NP offset %d", off)
	}
	if z := BuyerZone("", nil); z != nil {
		t.Errorf("nothing known: %v", z)
	}
}
