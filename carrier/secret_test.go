package carrier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrinted(t *testing.T) {
	s := NewSecret("hunter2-secret")
	type holder struct {
		Name string
		key  Secret // unexported: printed by reflection, not by methods
		Key  Secret
	}
	h := holder{"x", s, s}
	outs := []string{
		s.String(), fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", h, h, h), fmt.Sprint(&h),
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(b))
	for _, o := range outs {
		if strings.Contains(o, "hunter2") {
			t.Fatalf("secret leaked in %q", o)
		}
	}
	if !strings.Contains(string(b), `"Key":"[redacted]"`) {
		t.Fatalf("JSON %s does not show the redacted marker", b)
	}
	if s.Reveal() != "hunter2-secret" || NewSecret("").String() != "" || !NewSecret("").IsZero() {
		t.Fatal("Reveal/IsZero/empty String broken")
	}
	var back Secret
	if err := json.Unmarshal([]byte(`"from-file"`), &back); err != nil || back.Reveal() != "from-file" {
		t.Fatalf("UnmarshalJSON: %v %q", err, back.Reveal())
	}
}

// TestSecretsAbsentFromLogs runs OAuth, API-key and error paths with debug
// logging on and checks that no credential or token reaches the log.
func TestSecretsAbsentFromLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))

	ts := newTokenServer(t)
	ts.accept("tok-2") // force a 401 and a refresh
	cfg, _ := testConfig(t)
	cfg.Logger = logger
	cfg.Auth = ts.oauth()
	c := NewClient(cfg)
	if _, err := c.Do(t.Context(), get(ts.URL+"/api?apikey=query-key-secret")); err != nil {
		t.Fatal(err)
	}
	// A failed token fetch logs its error too.
	cfg.Auth = NewOAuth2(OAuth2Config{TokenURL: ts.URL + "/token", ClientID: "client", ClientSecret: NewSecret("wrong-secret-value")})
	_, err := NewClient(cfg).Do(t.Context(), get(ts.URL+"/api"))
	if err == nil {
		t.Fatal("bad secret accepted")
	}
	logger.Error("track failed", "error", err)

	// A configuration logged whole, and its dump.
	conf := Config{Slug: "ups", ClientID: "client", ClientSecret: NewSecret("s3cr3t-client"),
		APIKey: NewSecret("api-key-secret"), Password: NewSecret("password-secret")}
	logger.Info("config", "config", conf, "secret", conf.ClientSecret, "ptr", &conf)
	dump, _ := json.Marshal(conf)
	logger.Info("dump", "json", string(dump), "printf", fmt.Sprintf("%+v", conf))

	out := buf.String()
	if !strings.Contains(out, "carrier request") || !strings.Contains(out, "carrier token fetched") {
		t.Fatalf("expected request and token logs, got:\n%s", out)
	}
	for _, secret := range []string{"s3cr3t-client", "wrong-secret-value", "api-key-secret", "password-secret",
		"query-key-secret", "tok-1", "tok-2", "Bearer", "Basic "} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}
