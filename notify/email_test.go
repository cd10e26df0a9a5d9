package notify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server in the test process that keeps what it
// receives.
type smtpServer struct {
	addr     string
	port     int
	ca       *x509.CertPool
	mu       sync.Mutex
	received []received
	tlsSeen  []bool
	reject   string // RCPT TO address answered with 550
}

type received struct {
	from string
	to   []string
	data []byte
}

type smtpBackend struct{ s *smtpServer }

func (b smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: b.s, conn: c}, nil
}

type smtpSession struct {
	s      *smtpServer
	conn   *smtp.Conn
	authed bool
	cur    received
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "mailer" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		x.authed = true
		return nil
	}), nil
}
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.cur.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == x.s.reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.cur.to = append(x.cur.to, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, tlsOn := x.conn.TLSConnectionState()
	x.cur.data = b
	x.s.mu.Lock()
	x.s.received = append(x.s.received, x.cur)
	x.s.tlsSeen = append(x.s.tlsSeen, tlsOn)
	x.s.mu.Unlock()
	return nil
}
func (x *smtpSession) Reset()        { x.cur = received{} }
func (x *smtpSession) Logout() error { return nil }

// startSMTP runs a server on 127.0.0.1:0; with withTLS it offers STARTTLS
// with a certificate of its own CA.
func startSMTP(t *testing.T, withTLS bool) *smtpServer {
	t.Helper()
	ss := &smtpServer{}
	srv := smtp.NewServer(smtpBackend{ss})
	srv.Domain = "127.0.0.1"
	srv.AllowInsecureAuth = !withTLS
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := selfSigned(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ss.ca = pool
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	ss.addr = l.Addr().String()
	ss.port = l.Addr().(*net.TCPAddr).Port
	return ss
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func emailMessage(t *testing.T, lang, to string) Message {
	t.Helper()
	data := SampleData(lang)
	r, err := NewTemplates(nil).Render(Delivered, data, Branding{Name: "Kiez Laden", Color: "#aa3300"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(EmailBody{Subject: r.Subject, Text: r.Text, HTML: r.HTML, FromName: "Kiez Laden",
		UnsubscribeURL: data.UnsubscribeURL, Lang: r.Lang})
	return Message{ID: "msg_42abc", TenantID: 1, ShipmentID: 7, Channel: Email, Moment: Delivered, Target: to, Body: body}
}

func TestEmailOverSTARTTLSWithAuth(t *testing.T) {
	srv := startSMTP(t, true)
	s, err := NewEmailSender(SMTPConfig{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "s3cret",
		From: "Waypost <notify@shop.example>", STARTTLS: TLSMandatory,
		TLSConfig: &tls.Config{RootCAs: srv.ca, ServerName: "127.0.0.1"}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m := emailMessage(t, "de", "kunde@example.de")
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if len(srv.received) != 1 || !srv.tlsSeen[0] {
		t.Fatalf("received %d messages (tls %v)", len(srv.received), srv.tlsSeen)
	}
	got := srv.received[0]
	if got.from != "notify@shop.example" || len(got.to) != 1 || got.to[0] != "kunde@example.de" {
		t.Errorf("envelope from %q to %v", got.from, got.to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Get("Subject"))
	from, _ := dec.DecodeHeader(h.Get("From"))
	checks := map[string][2]string{
		"Subject":               {subject, "Ihre Bestellung #1001 wurde zugestellt"},
		"From":                  {from, `"Kiez Laden" <notify@shop.example>`},
		"Message-ID":            {h.Get("Message-ID"), "<msg_42abc@shop.example>"},
		"List-Unsubscribe":      {h.Get("List-Unsubscribe"), "<https://track.example.com/u/sample>"},
		"List-Unsubscribe-Post": {h.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
		"Content-Language":      {h.Get("Content-Language"), "de"},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	parts := mimeParts(t, h.Get("Content-Type"), msg.Body)
	text, html := parts["text/plain"], parts["text/html"]
	if !strings.Contains(text, "Hallo Alex Doe,") || !strings.Contains(text, "Sendung verfolgen: https://track.example.com/track/RR123456785CN") ||
		!strings.Contains(text, "https://track.example.com/u/sample") {
		t.Errorf("plain-text part:\n%s", text)
	}
	if !strings.Contains(html, `href="https://track.example.com/track/RR123456785CN"`) || !strings.Contains(html, "background:#aa3300") ||
		!strings.Contains(html, `href="https://track.example.com/u/sample"`) || !strings.Contains(html, "wurde zugestellt") {
		t.Errorf("html part:\n%s", html)
	}
}

// mimeParts reads a multipart/alternative body into content type → text.
func mimeParts(t *testing.T, contentType string, body io.Reader) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", contentType, err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			r = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(r)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	if len(out) != 2 {
		t.Fatalf("parts %v, want text/plain and text/html", len(out))
	}
	return out
}

func TestEmailMandatoryTLSRefusesPlainServer(t *testing.T) {
	srv := startSMTP(t, false)
	s, err := NewEmailSender(SMTPConfig{Host: "127.0.0.1", Port: srv.port, From: "notify@shop.example", STARTTLS: TLSMandatory, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), emailMessage(t, "en", "a@example.com"))
	var perm *PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Fatalf("send without STARTTLS: %v, want a retryable error", err)
	}
	if len(srv.received) != 0 {
		t.Error("message delivered in clear text despite the mandatory policy")
	}
	// The same server is fine when the policy allows it.
	s, _ = NewEmailSender(SMTPConfig{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "s3cret",
		Auth: "plain-noenc", From: "notify@shop.example", STARTTLS: TLSOpportunistic, Timeout: 5 * time.Second})
	if err := s.Send(t.Context(), emailMessage(t, "en", "a@example.com")); err != nil {
		t.Fatal(err)
	}
	if len(srv.received) != 1 || srv.tlsSeen[0] {
		t.Errorf("opportunistic: received %d (tls %v)", len(srv.received), srv.tlsSeen)
	}
}

func TestEmailRejectedRecipientIsPermanent(t *testing.T) {
	srv := startSMTP(t, false)
	srv.reject = "gone@example.com"
	s, _ := NewEmailSender(SMTPConfig{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "s3cret",
		Auth: "PLAIN-NOENC", From: "notify@shop.example", STARTTLS: TLSNone, Timeout: 5 * time.Second})
	err := s.Send(t.Context(), emailMessage(t, "en", "gone@example.com"))
	var perm *PermanentError
	if !errors.As(err, &perm) {
		t.Fatalf("550 on RCPT: %v, want a permanent error", err)
	}
	// Wrong credentials are a server-side fault to fix, retried.
	s, _ = NewEmailSender(SMTPConfig{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "wrong",
		Auth: "PLAIN-NOENC", From: "notify@shop.example", STARTTLS: TLSNone, Timeout: 5 * time.Second})
	if err := s.Send(t.Context(), emailMessage(t, "en", "a@example.com")); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad password: %v (the password must not appear)", err)
	}
	// A body that is not an email is permanent: retrying cannot fix it.
	m := emailMessage(t, "en", "a@example.com")
	m.Body = []byte(`"nope"`)
	if err := s.Send(t.Context(), m); !errors.As(err, &perm) {
		t.Errorf("bad body: %v", err)
	}
	if _, err := NewEmailSender(SMTPConfig{Host: "x", From: "notify@shop.example", STARTTLS: "sometimes"}); err == nil {
		t.Error("unknown STARTTLS policy accepted")
	}
}
