package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// NtfyBody is the Body of an ntfy Message.
type NtfyBody struct {
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Tags     []string `json:"tags,omitempty"`
	Click    string   `json:"click,omitempty"`
	Priority int      `json:"priority,omitempty"` // 1..5; 0 leaves the server's default
}

// NtfyConfig configures the ntfy channel.
type NtfyConfig struct {
	// BaseURL is the ntfy server, e.g. https://ntfy.sh. Messages only go
	// to topics under it, so a buyer cannot make the server post
	// elsewhere.
	BaseURL string
	// Token is an access token for protected topics; never logged.
	Token      string
	HTTPClient *http.Client // nil: 20 s timeout
}

// NtfySender publishes to ntfy topics with an HTTP POST to
// {base}/{topic} and the Title, Tags, Click and Priority headers.
type NtfySender struct {
	base *url.URL
	cfg  NtfyConfig
}

// NewNtfySender returns the ntfy Sender.
func NewNtfySender(cfg NtfyConfig) (*NtfySender, error) {
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("notify: ntfy: base URL %q must be an http(s) URL", cfg.BaseURL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	return &NtfySender{base: u, cfg: cfg}, nil
}

// ntfyTopic is ntfy's own rule for topic names.
var ntfyTopic = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

// ErrTopicInvalid is the code of a bad ntfy topic name.
const ErrTopicInvalid = "topic_invalid"

// ValidTopic reports whether topic is a valid ntfy topic name.
func ValidTopic(topic string) bool { return ntfyTopic.MatchString(topic) }

// TopicURL is the target of a topic on this server.
func (s *NtfySender) TopicURL(topic string) string { return s.base.String() + "/" + topic }

// Channel implements Sender.
func (s *NtfySender) Channel() Channel { return Ntfy }

// Send implements Sender. The target is a topic name or a topic URL on
// the configured server.
func (s *NtfySender) Send(ctx context.Context, m Message) error {
	var b NtfyBody
	if err := json.Unmarshal(m.Body, &b); err != nil {
		return Permanent(fmt.Errorf("notify: ntfy %s: body: %w", m.ID, err))
	}
	topic := strings.TrimPrefix(m.Target, s.base.String()+"/")
	if !ValidTopic(topic) {
		return Permanent(fmt.Errorf("notify: ntfy %s: %s: target is not a topic on %s", m.ID, ErrTopicInvalid, s.base.Host))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.TopicURL(topic), strings.NewReader(b.Message))
	if err != nil {
		return Permanent(fmt.Errorf("notify: ntfy %s: %w", m.ID, err))
	}
	// Header values must be one line; ntfy reads UTF-8 titles as sent.
	req.Header.Set("Title", oneLine(b.Title))
	if len(b.Tags) > 0 {
		req.Header.Set("Tags", strings.Join(b.Tags, ","))
	}
	if b.Click != "" {
		req.Header.Set("Click", b.Click)
	}
	if b.Priority > 0 {
		req.Header.Set("Priority", fmt.Sprint(b.Priority))
	}
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("notify: ntfy %s: %w", m.ID, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if err := httpOutcome(resp.StatusCode, snippet); err != nil {
		return fmt.Errorf("notify: ntfy %s: %w", m.ID, err)
	}
	return nil
}
