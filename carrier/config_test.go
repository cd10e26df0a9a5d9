package carrier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigFileAndEnv(t *testing.T) {
	file := writeFile(t, "carriers.json", `{"carriers": {
		"ups":  {"client_id": "file-id", "client_secret": "file-secret", "base_url": "https://wwwcie.ups.com", "timeout": "5s"},
		"usps": {"connector": "17track", "requests_per_day": 100}
	}}`)
	secretFile := writeFile(t, "secret", "from-secret-file\n")
	cfgs, err := LoadConfig(file, envMap(map[string]string{
		"WAYPOST_UPS_CLIENT_ID":               "env-id",
		"WAYPOST_FEDEX_CLIENT_SECRET_FILE":    secretFile,
		"WAYPOST_FEDEX_CLIENT_ID":             "fx",
		"WAYPOST_ROYAL_MAIL_API_KEY":          "rm-key",
		"WAYPOST_ROYAL_MAIL_REQUESTS_PER_DAY": "500",
		"WAYPOST_DHL_TIMEOUT":                 "bad",
		"WAYPOST_SMTP_PASSWORD":               "not a carrier",
	}), "ups", "fedex", "royal-mail", "canada-post")
	if err != nil {
		t.Fatal(err)
	}
	ups := cfgs["ups"]
	if ups.ClientID != "env-id" || ups.ClientSecret.Reveal() != "file-secret" || ups.URL("https://onlinetools.ups.com") != "https://wwwcie.ups.com" || time.Duration(ups.Timeout) != 5*time.Second {
		t.Fatalf("ups = %+v", ups)
	}
	if fx := cfgs["fedex"]; fx.ClientSecret.Reveal() != "from-secret-file" || fx.ClientID != "fx" || fx.Slug != "fedex" {
		t.Fatalf("fedex = %+v (secret %q)", fx, fx.ClientSecret.Reveal())
	}
	if rm := cfgs["royal-mail"]; rm.APIKey.Reveal() != "rm-key" || rm.RequestsPerDay != 500 {
		t.Fatalf("royal-mail = %+v", rm)
	}
	if u := cfgs["usps"]; u.ConnectorName() != "17track" || u.RequestsPerDay != 100 {
		t.Fatalf("usps = %+v", u)
	}
	if _, ok := cfgs["canada-post"]; ok {
		t.Fatal("slug without any setting got an entry")
	}
	if _, ok := cfgs["smtp"]; ok {
		t.Fatal("unrelated WAYPOST_ variable read as a carrier")
	}
	if _, ok := cfgs["dhl"]; ok {
		t.Fatal("dhl not in known slugs but configured")
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		file string
		env  map[string]string
		want string
	}{
		"unknown field": {`{"carriers":{"ups":{"client_secrt":"x"}}}`, nil, "client_secrt"},
		"bad url":       {`{"carriers":{"ups":{"base_url":"ftp://x"}}}`, nil, "not an http(s) URL"},
		"bad slug":      {`{"carriers":{"UPS":{}}}`, nil, "invalid slug"},
		"negative":      {`{"carriers":{"ups":{"requests_per_day":-1}}}`, nil, "negative"},
		"bad json":      {`{"carriers":`, nil, "unexpected EOF"},
		"bad env rate":  {`{}`, map[string]string{"WAYPOST_UPS_REQUESTS_PER_SECOND": "fast"}, "REQUESTS_PER_SECOND"},
		"missing file":  {"", map[string]string{"WAYPOST_UPS_CLIENT_SECRET_FILE": "/nonexistent/x"}, "CLIENT_SECRET_FILE"},
	} {
		t.Run(name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = writeFile(t, "c.json", tc.file)
			}
			_, err := LoadConfig(path, envMap(tc.env), "ups")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestConfigLimits(t *testing.T) {
	def := Limits{BatchSize: 30, RequestsPerSecond: 5, RequestsPerDay: 1000}
	got := Config{BatchSize: 50, RequestsPerDay: 10}.Limits(def)
	if got.BatchSize != 30 || got.RequestsPerDay != 10 || got.RequestsPerSecond != 5 {
		t.Fatalf("Limits = %+v; batch must not exceed the carrier's, quota overridden", got)
	}
	if got := (Config{BatchSize: 10}).Limits(def); got.BatchSize != 10 {
		t.Fatalf("smaller batch not applied: %+v", got)
	}
}

type stubConnector struct{ slug string }

func (s stubConnector) Slug() string { return s.slug }
func (stubConnector) Limits() Limits { return Limits{BatchSize: 1} }
func (stubConnector) Track(context.Context, []Request) ([]Result, error) {
	return nil, nil
}

func TestRegisterAndOpenThroughAggregator(t *testing.T) {
	Register(Driver{Name: "zz-test-aggregator", New: func(cfg Config) (Connector, error) {
		return stubConnector{cfg.Slug}, nil
	}})
	c, err := Open("yunexpress", Config{Connector: "zz-test-aggregator"})
	if err != nil || c.Slug() != "yunexpress" {
		t.Fatalf("Open via aggregator: %v, %v", c, err)
	}
	if !slices.Contains(Drivers(), "zz-test-aggregator") {
		t.Fatalf("Drivers() = %v", Drivers())
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a name twice did not panic")
		}
	}()
	Register(Driver{Name: "zz-test-aggregator", New: func(Config) (Connector, error) { return nil, nil }})
}

func TestOpenUnknownConnector(t *testing.T) {
	_, err := Open("no-such-carrier", Config{})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), `no connector "no-such-carrier"`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Open("Bad Slug", Config{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("invalid slug: err = %v", err)
	}
	if _, err := Parse("no-such-carrier", nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("Parse unknown: err = %v", err)
	}
}

func TestErrorCodes(t *testing.T) {
	for _, c := range codes {
		wrapped := &Error{Kind: c.err, Carrier: "x", Err: errors.New("cause")}
		if got := ErrorCode(wrapped); got != c.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", wrapped, got, c.code)
		}
	}
	if ErrorCode(nil) != "" || ErrorCode(errors.New("x")) != "internal" {
		t.Fatal("nil/unknown codes wrong")
	}
	e := &Error{Kind: ErrRejected, Carrier: "ups", Op: "track", HTTPStatus: 400, CarrierCode: "TV1002", Message: "Invalid inquiry number"}
	if got := e.Error(); got != "ups track: request rejected (HTTP 400): TV1002 Invalid inquiry number" {
		t.Fatalf("Error() = %q", got)
	}
}
