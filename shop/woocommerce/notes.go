package woocommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// Poster adds order notes through the REST API.
type Poster struct {
	Client *http.Client
}

var _ shop.Poster = (*Poster)(nil)

// Kind implements shop.Poster.
func (*Poster) Kind() store.ShopKind { return store.ShopWooCommerce }

// Post implements shop.Poster: POST /wp-json/wc/v3/orders/<id>/notes
// with HTTP basic auth (consumer key and secret), refused over plain HTTP
// to anything but the local machine.
func (p *Poster) Post(ctx context.Context, conn store.ShopConnection, c shop.Credentials, u shop.Update) error {
	if c.ConsumerKey == "" || c.ConsumerSecret == "" {
		return errors.New("woocommerce: the connection has no REST API consumer key and secret")
	}
	base, err := url.Parse(conn.ShopURL)
	if err != nil || !shop.SafeTransport(base) {
		return fmt.Errorf("woocommerce: %q is not an https shop URL; basic auth is not sent in clear", conn.ShopURL)
	}
	body, _ := json.Marshal(map[string]any{"note": u.Message, "customer_note": conn.Settings.CustomerVisible})
	endpoint := base.JoinPath("wp-json", "wc", "v3", "orders", u.OrderID, "notes")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("woocommerce: %w", err)
	}
	req.SetBasicAuth(c.ConsumerKey, c.ConsumerSecret)
	req.Header.Set("Content-Type", "application/json")
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if _, err := shop.Do(client, req); err != nil {
		return fmt.Errorf("woocommerce: order note: %w", err)
	}
	return nil
}
