package notify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// EmailBody is the Body of an email Message: the rendered message and who
// it is from.
type EmailBody struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	// FromName is the shop's name shown as the sender; the address is the
	// server's configured From.
	FromName string `json:"from_name,omitempty"`
	// UnsubscribeURL is the one-click unsubscribe link (List-Unsubscribe).
	UnsubscribeURL string `json:"unsubscribe_url,omitempty"`
	Lang           string `json:"lang,omitempty"`
}

// STARTTLS policies.
const (
	TLSMandatory     = "mandatory"     // refuse to send without STARTTLS
	TLSOpportunistic = "opportunistic" // use STARTTLS when the server offers it
	TLSNone          = "none"          // never encrypt (a local relay)
)

// SMTPConfig configures the email channel.
type SMTPConfig struct {
	Host     string
	Port     int // 0 means 587
	Username string
	Password string // never logged
	// Auth is the SASL mechanism (go-mail's names: "PLAIN", "LOGIN",
	// "CRAM-MD5", "SCRAM-SHA-256", "PLAIN-NOENC" for a relay without
	// TLS...); empty picks the strongest the server offers.
	Auth string
	// From is the envelope and header sender address, e.g.
	// "notifications@shop.example"; a display name in it is replaced by
	// the shop's name per message.
	From string
	// STARTTLS is TLSMandatory (the default), TLSOpportunistic or TLSNone.
	STARTTLS string
	Timeout  time.Duration // per connection; 0 means 30 s
	// TLSConfig overrides the TLS settings (e.g. a private CA); nil means
	// the system roots with the host's name.
	TLSConfig *tls.Config
}

// EmailSender delivers email messages over SMTP.
type EmailSender struct {
	cfg    SMTPConfig
	from   mail.Address
	policy gomail.TLSPolicy
}

// NewEmailSender checks cfg and returns the email Sender.
func NewEmailSender(cfg SMTPConfig) (*EmailSender, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: smtp: host is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp: from address %q: %w", cfg.From, err)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	s := &EmailSender{cfg: cfg, from: *from}
	switch strings.ToLower(cfg.STARTTLS) {
	case "", TLSMandatory:
		s.policy = gomail.TLSMandatory
	case TLSOpportunistic:
		s.policy = gomail.TLSOpportunistic
	case TLSNone:
		s.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("notify: smtp: STARTTLS policy %q: want mandatory, opportunistic or none", cfg.STARTTLS)
	}
	return s, nil
}

// Channel implements Sender.
func (s *EmailSender) Channel() Channel { return Email }

// Send implements Sender: one SMTP connection per message, which keeps a
// failed message from affecting the next one.
func (s *EmailSender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return Permanent(err)
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTLSPolicy(s.policy), gomail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.cfg.TLSConfig))
	}
	if s.cfg.Username != "" {
		mech := gomail.SMTPAuthAutoDiscover
		if s.cfg.Auth != "" {
			mech = gomail.SMTPAuthType(strings.ToUpper(s.cfg.Auth))
		}
		opts = append(opts, gomail.WithSMTPAuth(mech),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("notify: smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			// 5xx: the server refused the address or the message for good.
			return Permanent(fmt.Errorf("notify: smtp send %s: %w", m.ID, err))
		}
		return fmt.Errorf("notify: smtp send %s: %w", m.ID, err)
	}
	return nil
}

// build turns a message into a MIME message with a plain-text and an HTML
// alternative and the unsubscribe headers.
func (s *EmailSender) build(m Message) (*gomail.Msg, error) {
	var b EmailBody
	if err := json.Unmarshal(m.Body, &b); err != nil {
		return nil, fmt.Errorf("notify: email %s: body: %w", m.ID, err)
	}
	to, err := mail.ParseAddress(m.Target)
	if err != nil {
		return nil, fmt.Errorf("notify: email %s: recipient: %w", m.ID, err)
	}
	msg := gomail.NewMsg()
	name := b.FromName
	if name == "" {
		name = s.from.Name
	}
	if err := msg.FromFormat(name, s.from.Address); err != nil {
		return nil, fmt.Errorf("notify: email %s: from: %w", m.ID, err)
	}
	if err := msg.To(to.Address); err != nil {
		return nil, fmt.Errorf("notify: email %s: to: %w", m.ID, err)
	}
	msg.Subject(b.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + domainOf(s.from.Address))
	msg.SetDate()
	if b.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, b.Lang)
	}
	if b.UnsubscribeURL != "" {
		// RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click"
		// to the URL.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+b.UnsubscribeURL+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, b.Text)
	if b.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, b.HTML)
	}
	return msg, nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "waypost.invalid"
}
