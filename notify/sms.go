package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// SMSBody is the Body of an SMS Message: the whole text, link included.
type SMSBody struct {
	Text string `json:"text"`
}

// SMSProvider sends one text to one E.164 number. Errors follow Sender's
// rule: Permanent for what retrying cannot fix.
type SMSProvider interface {
	SendSMS(ctx context.Context, to, from, text string) error
}

// SMS provider kinds for SMSConfig.Provider.
const (
	ProviderTwilio = "twilio" // Twilio or a Twilio-compatible API
	ProviderForm   = "form"   // any HTTP endpoint taking a form POST
)

// SMSConfig configures the SMS channel.
type SMSConfig struct {
	Provider string // ProviderTwilio or ProviderForm
	// URL is the API base for Twilio (default https://api.twilio.com) or
	// the endpoint for a form provider.
	URL string
	// AccountSID and Token are Twilio's basic-auth credentials; for a form
	// provider they are sent as basic auth when set. Never logged.
	AccountSID, Token string
	From              string // the sender number or alphanumeric ID
	// ToField, FromField and BodyField name a form provider's fields
	// (defaults "to", "from", "text").
	ToField, FromField, BodyField string
	HTTPClient                    *http.Client // nil: 20 s timeout
}

// SMSSender delivers SMS messages through a provider.
type SMSSender struct {
	p    SMSProvider
	from string
}

// NewSMSSender returns the SMS Sender for cfg.
func NewSMSSender(cfg SMSConfig) (*SMSSender, error) {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	var p SMSProvider
	switch cfg.Provider {
	case ProviderTwilio:
		if cfg.AccountSID == "" || cfg.Token == "" {
			return nil, errors.New("notify: sms: twilio needs an account SID and a token")
		}
		base := cfg.URL
		if base == "" {
			base = "https://api.twilio.com"
		}
		p = &Twilio{BaseURL: strings.TrimRight(base, "/"), AccountSID: cfg.AccountSID, Token: cfg.Token, Client: hc}
	case ProviderForm:
		if cfg.URL == "" {
			return nil, errors.New("notify: sms: form provider needs a URL")
		}
		p = &FormSMS{URL: cfg.URL, User: cfg.AccountSID, Password: cfg.Token, ToField: cfg.ToField,
			FromField: cfg.FromField, BodyField: cfg.BodyField, Client: hc}
	default:
		return nil, fmt.Errorf("notify: sms: provider %q: want %q or %q", cfg.Provider, ProviderTwilio, ProviderForm)
	}
	return &SMSSender{p: p, from: cfg.From}, nil
}

// Channel implements Sender.
func (s *SMSSender) Channel() Channel { return SMS }

// Send implements Sender.
func (s *SMSSender) Send(ctx context.Context, m Message) error {
	var b SMSBody
	if err := json.Unmarshal(m.Body, &b); err != nil {
		return Permanent(fmt.Errorf("notify: sms %s: body: %w", m.ID, err))
	}
	to, err := NormalizePhone(m.Target, "")
	if err != nil {
		return Permanent(fmt.Errorf("notify: sms %s: %w", m.ID, err))
	}
	if err := s.p.SendSMS(ctx, to, s.from, b.Text); err != nil {
		return fmt.Errorf("notify: sms %s: %w", m.ID, err)
	}
	return nil
}

// ErrPhoneInvalid is the code of a phone number that is not a valid
// number (E.164 after normalising).
const ErrPhoneInvalid = "phone_invalid"

// PhoneError is a number that cannot receive SMS.
type PhoneError struct{ Number, Reason string }

func (e *PhoneError) Error() string {
	return fmt.Sprintf("%s: %q: %s", ErrPhoneInvalid, e.Number, e.Reason)
}

// Code returns "phone_invalid".
func (e *PhoneError) Code() string { return ErrPhoneInvalid }

// NormalizePhone returns the E.164 form of a phone number written
// nationally (read in region, an ISO country code) or internationally; a
// number that is not valid is a *PhoneError.
func NormalizePhone(number, region string) (string, error) {
	n, err := phonenumbers.Parse(number, strings.ToUpper(region))
	if err != nil {
		return "", &PhoneError{number, err.Error()}
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", &PhoneError{number, "not a valid number"}
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// Twilio sends through Twilio's Messages API, or any API compatible with
// it: POST {BaseURL}/2010-04-01/Accounts/{sid}/Messages.json with a form
// of To, From and Body, and basic auth.
type Twilio struct {
	BaseURL, AccountSID, Token string
	Client                     *http.Client
}

// SendSMS implements SMSProvider.
func (t *Twilio) SendSMS(ctx context.Context, to, from, text string) error {
	u := t.BaseURL + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	form := url.Values{"To": {to}, "From": {from}, "Body": {text}}
	return postForm(ctx, t.Client, u, t.AccountSID, t.Token, form)
}

// FormSMS posts a form to a configurable URL with configurable field
// names, for gateways that take one (many self-hosted SMS gateways do).
type FormSMS struct {
	URL, User, Password           string
	ToField, FromField, BodyField string
	Client                        *http.Client
}

// SendSMS implements SMSProvider.
func (f *FormSMS) SendSMS(ctx context.Context, to, from, text string) error {
	name := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	form := url.Values{name(f.ToField, "to"): {to}, name(f.BodyField, "text"): {text}}
	if from != "" {
		form.Set(name(f.FromField, "from"), from)
	}
	return postForm(ctx, f.Client, f.URL, f.User, f.Password, form)
}

// postForm posts form and classifies the answer: 2xx is done, 408, 429
// and 5xx are retried, any other 4xx is permanent.
func postForm(ctx context.Context, hc *http.Client, u, user, pass string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return Permanent(fmt.Errorf("provider URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("provider: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return httpOutcome(resp.StatusCode, snippet)
}

// httpOutcome turns an HTTP answer into Sender's error rule.
func httpOutcome(code int, snippet []byte) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("provider answered %d: %s", code, strings.TrimSpace(string(snippet)))
	}
	return Permanent(fmt.Errorf("provider answered %d: %s", code, strings.TrimSpace(string(snippet))))
}
