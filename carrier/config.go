package carrier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config configures the connector for one carrier slug. It is read from the
// carriers file and WAYPOST_<SLUG>_<FIELD> environment variables (see
// LoadConfig); the fields tagged json:"-" are filled in by the program.
type Config struct {
	// Slug is the carrier this configuration is for (the key in the file).
	Slug string `json:"-"`
	// Connector names the registered connector serving the slug: the slug
	// itself for a direct API (the default), or an aggregator such as
	// "17track".
	Connector string `json:"connector,omitempty"`
	// BaseURL overrides the connector's production URL (sandbox, test server).
	BaseURL string `json:"base_url,omitempty"`
	// TokenURL overrides the OAuth token endpoint; by default it is derived
	// from BaseURL.
	TokenURL string `json:"token_url,omitempty"`

	ClientID     string `json:"client_id,omitempty"`
	ClientSecret Secret `json:"client_secret,omitzero"`
	APIKey       Secret `json:"api_key,omitzero"`
	Username     string `json:"username,omitempty"`
	Password     Secret `json:"password,omitzero"`
	// Account is the carrier account or merchant number some APIs want.
	Account string `json:"account,omitempty"`

	// Overrides of the connector's default limits; zero keeps the default.
	BatchSize         int      `json:"batch_size,omitempty"`
	RequestsPerSecond float64  `json:"requests_per_second,omitempty"`
	Burst             int      `json:"burst,omitempty"`
	RequestsPerDay    int      `json:"requests_per_day,omitempty"`
	Timeout           Duration `json:"timeout,omitzero"` // per HTTP attempt
	// Language asks for event texts in this language where the carrier
	// supports it (BCP 47, e.g. "en", "de").
	Language string `json:"language,omitempty"`
	// Options holds connector-specific settings, documented per connector.
	Options map[string]string `json:"options,omitempty"`

	// Logger receives debug logs of requests; nil discards them.
	Logger *slog.Logger `json:"-"`
	// Metrics records per-carrier metrics; nil records nothing.
	Metrics *Metrics `json:"-"`
	// Transport sends the HTTP requests; nil uses a default transport.
	Transport http.RoundTripper `json:"-"`
}

// ConnectorName is the connector serving the slug.
func (c Config) ConnectorName() string {
	if c.Connector != "" {
		return c.Connector
	}
	return c.Slug
}

// HasCredentials reports whether any credential is configured. It cannot
// tell whether the carrier accepts them; only a request can.
func (c Config) HasCredentials() bool {
	return c.ClientID != "" || !c.ClientSecret.IsZero() || !c.APIKey.IsZero() ||
		c.Username != "" || !c.Password.IsZero()
}

// URL returns BaseURL when set, else def, without a trailing slash.
func (c Config) URL(def string) string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return strings.TrimRight(def, "/")
}

// Limits applies the configured overrides to a connector's defaults.
func (c Config) Limits(def Limits) Limits {
	if c.BatchSize > 0 && (def.BatchSize == 0 || c.BatchSize < def.BatchSize) {
		def.BatchSize = c.BatchSize // never above what the carrier accepts
	}
	if c.RequestsPerSecond > 0 {
		def.RequestsPerSecond = c.RequestsPerSecond
	}
	if c.Burst > 0 {
		def.Burst = c.Burst
	}
	if c.RequestsPerDay > 0 {
		def.RequestsPerDay = c.RequestsPerDay
	}
	return def
}

// Validate checks what can be checked without knowing the connector.
func (c Config) Validate() error {
	if !slugRE.MatchString(c.Slug) {
		return fmt.Errorf("carrier config: invalid slug %q (lower case letters, digits and hyphens)", c.Slug)
	}
	if c.Connector != "" && !slugRE.MatchString(c.Connector) {
		return fmt.Errorf("carrier config %s: invalid connector %q", c.Slug, c.Connector)
	}
	for name, u := range map[string]string{"base_url": c.BaseURL, "token_url": c.TokenURL} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("carrier config %s: %s %q is not an http(s) URL", c.Slug, name, u)
		}
	}
	if c.BatchSize < 0 || c.RequestsPerSecond < 0 || c.Burst < 0 || c.RequestsPerDay < 0 || c.Timeout < 0 {
		return fmt.Errorf("carrier config %s: limits must not be negative", c.Slug)
	}
	return nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Duration is a time.Duration written as "10s", "1m30s" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "10s" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var secs float64
		if err2 := json.Unmarshal(b, &secs); err2 != nil {
			return fmt.Errorf("duration: want \"10s\" or seconds: %w", err)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// configFile is the shape of the carriers file:
//
//	{"carriers": {"ups": {"client_id": "...", "client_secret": "..."},
//	              "usps": {"connector": "17track"}}}
type configFile struct {
	Carriers map[string]Config `json:"carriers"`
}

// LoadConfig reads the carriers file at path (skipped when path is empty)
// and applies environment variables on top, for every slug in the file and
// every slug in known. lookup is os.LookupEnv in production.
//
// Variables are WAYPOST_<SLUG>_<FIELD>, the slug upper-cased with hyphens as
// underscores: WAYPOST_UPS_CLIENT_ID, WAYPOST_ROYAL_MAIL_API_KEY. Fields:
// CONNECTOR, BASE_URL, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, API_KEY,
// USERNAME, PASSWORD, ACCOUNT, REQUESTS_PER_SECOND, REQUESTS_PER_DAY,
// TIMEOUT, LANGUAGE. Secrets may instead name a file with the _FILE suffix
// (WAYPOST_UPS_CLIENT_SECRET_FILE=/run/secrets/ups). A slug only known from
// the environment gets an entry when at least one of its variables is set.
func LoadConfig(path string, lookup func(string) (string, bool), known ...string) (map[string]Config, error) {
	out := map[string]Config{}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("carrier config: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields() // a misspelt key must not silently drop a credential
		var f configFile
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("carrier config %s: %w", path, err)
		}
		for slug, c := range f.Carriers {
			c.Slug = slug
			out[slug] = c
		}
	}
	if lookup == nil {
		lookup = func(string) (string, bool) { return "", false }
	}
	slugs := append([]string(nil), known...)
	for s := range out {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, slug := range slugs {
		c, inFile := out[slug]
		c.Slug = slug
		set, err := applyEnv(&c, lookup)
		if err != nil {
			return nil, err
		}
		if inFile || set {
			out[slug] = c
		}
	}
	for _, c := range out {
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EnvPrefix returns the environment variable prefix of a slug, e.g.
// "WAYPOST_ROYAL_MAIL_".
func EnvPrefix(slug string) string {
	return "WAYPOST_" + strings.ToUpper(strings.ReplaceAll(slug, "-", "_")) + "_"
}

// applyEnv sets the fields of c found in the environment and reports
// whether any was set.
func applyEnv(c *Config, lookup func(string) (string, bool)) (bool, error) {
	p := EnvPrefix(c.Slug)
	set := false
	str := func(name string, dst *string) {
		if v, ok := lookup(p + name); ok {
			*dst, set = v, true
		}
	}
	secret := func(name string, dst *Secret) error {
		if v, ok := lookup(p + name); ok {
			*dst, set = NewSecret(v), true
		}
		if file, ok := lookup(p + name + "_FILE"); ok {
			b, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("carrier config: %s_FILE: %w", p+name, err)
			}
			*dst, set = NewSecret(strings.TrimSpace(string(b))), true
		}
		return nil
	}
	str("CONNECTOR", &c.Connector)
	str("BASE_URL", &c.BaseURL)
	str("TOKEN_URL", &c.TokenURL)
	str("CLIENT_ID", &c.ClientID)
	str("USERNAME", &c.Username)
	str("ACCOUNT", &c.Account)
	str("LANGUAGE", &c.Language)
	for name, dst := range map[string]*Secret{"CLIENT_SECRET": &c.ClientSecret, "API_KEY": &c.APIKey, "PASSWORD": &c.Password} {
		if err := secret(name, dst); err != nil {
			return false, err
		}
	}
	if v, ok := lookup(p + "REQUESTS_PER_SECOND"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false, fmt.Errorf("carrier config: %sREQUESTS_PER_SECOND: %w", p, err)
		}
		c.RequestsPerSecond, set = f, true
	}
	if v, ok := lookup(p + "REQUESTS_PER_DAY"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return false, fmt.Errorf("carrier config: %sREQUESTS_PER_DAY: %w", p, err)
		}
		c.RequestsPerDay, set = n, true
	}
	if v, ok := lookup(p + "TIMEOUT"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return false, fmt.Errorf("carrier config: %sTIMEOUT: %w", p, err)
		}
		c.Timeout, set = Duration(d), true
	}
	return set, nil
}
