package notify

import (
	"crypto/rand"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/store"
)

// Config is the buyer channels' configuration as `waypost serve` takes it
// (flags, or WAYPOST_* variables). A channel whose required settings are
// empty is not configured: nothing is planned for it.
type Config struct {
	SMTP SMTPConfig
	SMS  SMSConfig
	Push PushConfig
	Ntfy NtfyConfig
	// UnsubscribeSecret signs unsubscribe links; keep it across restarts.
	UnsubscribeSecret string
}

// Senders builds the Sender of every configured channel.
func (c Config) Senders() ([]Sender, error) {
	var out []Sender
	if c.SMTP.Host != "" {
		s, err := NewEmailSender(c.SMTP)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if c.SMS.Provider != "" {
		s, err := NewSMSSender(c.SMS)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if c.Push.VAPIDPrivateKey != "" {
		s, err := NewPushSender(c.Push)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if c.Ntfy.BaseURL != "" {
		s, err := NewNtfySender(c.Ntfy)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// configured lists the channels Senders would build.
func (c Config) configured() []Channel {
	var out []Channel
	if c.SMTP.Host != "" {
		out = append(out, Email)
	}
	if c.SMS.Provider != "" {
		out = append(out, SMS)
	}
	if c.Push.VAPIDPrivateKey != "" {
		out = append(out, WebPush)
	}
	if c.Ntfy.BaseURL != "" {
		out = append(out, Ntfy)
	}
	return out
}

// flagConfig holds the values of the serve flags.
var flagConfig Config

func init() {
	c := &flagConfig
	RegisterChannel(ChannelSpec{Channel: Email, Flags: func(fs *pflag.FlagSet) {
		fs.StringVar(&c.SMTP.Host, "smtp-host", "", "SMTP server for buyer emails (empty: no email)")
		fs.IntVar(&c.SMTP.Port, "smtp-port", 587, "SMTP port")
		fs.StringVar(&c.SMTP.Username, "smtp-user", "", "SMTP user name")
		fs.StringVar(&c.SMTP.Password, "smtp-password", "", "SMTP password")
		fs.StringVar(&c.SMTP.Auth, "smtp-auth", "", "SMTP auth mechanism (empty: the strongest offered)")
		fs.StringVar(&c.SMTP.From, "smtp-from", "", "sender address of buyer emails")
		fs.StringVar(&c.SMTP.STARTTLS, "smtp-starttls", TLSMandatory, "STARTTLS policy: mandatory, opportunistic or none")
		fs.DurationVar(&c.SMTP.Timeout, "smtp-timeout", 30*time.Second, "SMTP connection timeout")
		fs.StringVar(&c.UnsubscribeSecret, "unsubscribe-secret", "", "key signing unsubscribe links (empty: random, links die on restart)")
	}, New: func(ChannelEnv) (Sender, error) {
		return nilIfNone(c.SMTP.Host != "", func() (Sender, error) { return NewEmailSender(c.SMTP) })
	}})

	RegisterChannel(ChannelSpec{Channel: SMS, Flags: func(fs *pflag.FlagSet) {
		fs.StringVar(&c.SMS.Provider, "sms-provider", "", "SMS provider: twilio or form (empty: no SMS)")
		fs.StringVar(&c.SMS.URL, "sms-url", "", "SMS API base (twilio) or endpoint (form)")
		fs.StringVar(&c.SMS.AccountSID, "sms-account", "", "SMS account SID or user")
		fs.StringVar(&c.SMS.Token, "sms-token", "", "SMS auth token or password")
		fs.StringVar(&c.SMS.From, "sms-from", "", "SMS sender number or ID")
		fs.StringVar(&c.SMS.ToField, "sms-to-field", "", "form provider: recipient field (default to)")
		fs.StringVar(&c.SMS.FromField, "sms-from-field", "", "form provider: sender field (default from)")
		fs.StringVar(&c.SMS.BodyField, "sms-body-field", "", "form provider: text field (default text)")
	}, New: func(ChannelEnv) (Sender, error) {
		return nilIfNone(c.SMS.Provider != "", func() (Sender, error) { return NewSMSSender(c.SMS) })
	}})

	RegisterChannel(ChannelSpec{Channel: WebPush, Flags: func(fs *pflag.FlagSet) {
		fs.StringVar(&c.Push.VAPIDPublicKey, "vapid-public-key", "", "web push VAPID public key (base64url)")
		fs.StringVar(&c.Push.VAPIDPrivateKey, "vapid-private-key", "", "web push VAPID private key (empty: no web push)")
		fs.StringVar(&c.Push.Subscriber, "vapid-subscriber", "", "web push contact, mailto: or https:")
	}, New: func(ChannelEnv) (Sender, error) {
		return nilIfNone(c.Push.VAPIDPrivateKey != "", func() (Sender, error) { return NewPushSender(c.Push) })
	}})

	RegisterChannel(ChannelSpec{Channel: Ntfy, Flags: func(fs *pflag.FlagSet) {
		fs.StringVar(&c.Ntfy.BaseURL, "ntfy-url", "", "ntfy server, e.g. https://ntfy.sh (empty: no ntfy)")
		fs.StringVar(&c.Ntfy.Token, "ntfy-token", "", "ntfy access token")
	}, New: func(ChannelEnv) (Sender, error) {
		return nilIfNone(c.Ntfy.BaseURL != "", func() (Sender, error) { return NewNtfySender(c.Ntfy) })
	}})

	RegisterPlanner(func(env ChannelEnv) (Planner, error) {
		subs, err := BuyerSubscriptions(env)
		if err != nil {
			return nil, err
		}
		return NewPlanner(PlannerConfig{Store: env.Store, Subs: subs, BaseURL: env.BaseURL, Channels: c.configured(),
			NtfyBase: c.Ntfy.BaseURL, Log: env.Log, Now: env.Now})
	})
}

// nilIfNone builds a Sender only when its channel is configured; a nil
// Sender tells the dispatcher the channel is off.
func nilIfNone(on bool, build func() (Sender, error)) (Sender, error) {
	if !on {
		return nil, nil
	}
	return build()
}

var (
	subsMu sync.Mutex
	subsOf = map[store.Store]*Subscriptions{}
)

// BuyerSubscriptions returns the server's buyer subscriptions, built once
// per store from the --unsubscribe-secret flag; the server mounts
// its Handler on GET and POST /u/{token} and the tracking page calls its
// Subscribe.
func BuyerSubscriptions(env ChannelEnv) (*Subscriptions, error) {
	subsMu.Lock()
	defer subsMu.Unlock()
	if s, ok := subsOf[env.Store]; ok {
		return s, nil
	}
	secret := []byte(flagConfig.UnsubscribeSecret)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
		if env.Log != nil && !env.Demo {
			env.Log.Warn("no --unsubscribe-secret: unsubscribe links stop working when the server restarts")
		}
	}
	s, err := NewSubscriptions(env.Store, secret, env.BaseURL)
	if err != nil {
		return nil, err
	}
	subsOf[env.Store] = s
	return s, nil
}

// VAPIDPublicKey is the configured web push key the tracking page hands to
// the browser's PushManager.subscribe; empty when web push is off.
func VAPIDPublicKey() string {
	if flagConfig.Push.VAPIDPrivateKey == "" {
		return ""
	}
	return flagConfig.Push.VAPIDPublicKey
}
