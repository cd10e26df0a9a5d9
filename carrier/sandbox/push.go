package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// postWebhook delivers one push the way the aggregators do: a JSON POST
// with their signature header, successful only on a 2xx answer.
func postWebhook(ctx context.Context, url string, header http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sandbox: push to %s: %w", url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox: push to %s: %w", url, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sandbox: push to %s: answered %d: %s", url, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
