package shopify

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
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// DefaultAPIVersion is the Admin API version used when a connection's
// settings name none.
const DefaultAPIVersion = "2025-01"

// Poster posts fulfilment events through the REST Admin API.
type Poster struct {
	Client *http.Client
}

var _ shop.Poster = (*Poster)(nil)

// Kind implements shop.Poster.
func (*Poster) Kind() store.ShopKind { return store.ShopShopify }

// EventStatus maps a Waypost status to a fulfilment event status; ""
// for statuses Shopify has no event for.
func EventStatus(st status.Status, sub status.Substatus) string {
	switch st {
	case status.InfoReceived:
		return "confirmed"
	case status.InTransit:
		if sub == status.InTransitDelayed {
			return "delayed"
		}
		return "in_transit"
	case status.OutForDelivery:
		return "out_for_delivery"
	case status.AttemptFail:
		return "attempted_delivery"
	case status.AvailableForPickup:
		return "ready_for_pickup"
	case status.Delivered:
		return "delivered"
	case status.Exception:
		return "failure"
	}
	return ""
}

type eventBody struct {
	Event struct {
		Status     string `json:"status"`
		Message    string `json:"message,omitempty"`
		HappenedAt string `json:"happened_at,omitempty"`
	} `json:"event"`
}

// Post implements shop.Poster: POST
// /admin/api/<version>/orders/<order>/fulfillments/<fulfillment>/events.json
// with the X-Shopify-Access-Token header.
func (p *Poster) Post(ctx context.Context, conn store.ShopConnection, c shop.Credentials, u shop.Update) error {
	st := EventStatus(u.Status, u.Substatus)
	if st == "" || u.FulfillmentID == "" {
		return nil
	}
	if c.AccessToken == "" {
		return errors.New("shopify: the connection has no Admin API access token")
	}
	base, err := url.Parse(conn.ShopURL)
	if err != nil || !shop.SafeTransport(base) {
		return fmt.Errorf("shopify: %q is not an https shop URL", conn.ShopURL)
	}
	ver := conn.Settings.APIVersion
	if ver == "" {
		ver = DefaultAPIVersion
	}
	var b eventBody
	b.Event.Status, b.Event.Message = st, u.Message
	if !u.At.IsZero() {
		b.Event.HappenedAt = u.At.UTC().Format(time.RFC3339)
	}
	body, _ := json.Marshal(b)
	endpoint := base.JoinPath("admin", "api", ver, "orders", u.OrderID, "fulfillments", u.FulfillmentID, "events.json")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("shopify: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Shopify-Access-Token", c.AccessToken)
	if _, err := shop.Do(p.client(), req); err != nil {
		return fmt.Errorf("shopify: fulfillment event: %w", err)
	}
	return nil
}

func (p *Poster) client() *http.Client {
	if p.Client != nil {
		return p.Client
	}
	return &http.Client{Timeout: 30 * time.Second}
}
