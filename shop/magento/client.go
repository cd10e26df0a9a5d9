// Package magento is the Magento 2 (Adobe Commerce) side of the shop
// integration. Magento has no signed webhooks out of the box, so Waypost
// polls its REST API with an integration's bearer token: shipments
// updated since a stored cursor (GET /rest/V1/shipments with
// searchCriteria on updated_at), their orders for the buyer's details
// (GET /rest/V1/orders/<id>), and adds shipment comments back (POST
// /rest/V1/shipment/<id>/comments).
//
// Formats follow the Magento 2 REST reference (salesShipmentRepositoryV1,
// salesOrderRepositoryV1, salesShipmentCommentRepositoryV1) and its
// searchCriteria conventions.
package magento

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/waypost/waypost/shop"
)

// TimeLayout is how Magento writes created_at and updated_at (UTC).
const TimeLayout = "2006-01-02 15:04:05"

// Client calls one shop's REST API.
type Client struct {
	Base  *url.URL
	Token string
	HTTP  *http.Client
	// Sleep waits before a retry; nil means time.Sleep bounded by ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Tries is how many times a 429/5xx answer is tried; 0 means 3.
	Tries int
}

// NewClient checks the shop URL and token.
func NewClient(shopURL, token string) (*Client, error) {
	u, err := url.Parse(shopURL)
	if err != nil || !shop.SafeTransport(u) {
		return nil, fmt.Errorf("magento: %q is not an https shop URL; the token is not sent in clear", shopURL)
	}
	if token == "" {
		return nil, errors.New("magento: the connection has no integration access token")
	}
	return &Client{Base: u, Token: token, HTTP: &http.Client{Timeout: 60 * time.Second}}, nil
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// do sends a request built by mk, retrying 429 and 5xx answers with the
// shop's Retry-After (at most 30 s) or a doubling backoff.
func (c *Client) do(ctx context.Context, mk func() (*http.Request, error), out any) error {
	tries := c.Tries
	if tries <= 0 {
		tries = 3
	}
	wait := time.Second
	for i := 1; ; i++ {
		req, err := mk()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Accept", "application/json")
		body, err := shop.Do(c.HTTP, req)
		if err == nil {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("magento: %s: %w", req.URL.Path, err)
			}
			return nil
		}
		after, retry := shop.IsRetryable(err)
		if !retry || i >= tries {
			return fmt.Errorf("magento: %w", err)
		}
		if after > 0 {
			wait = min(after, 30*time.Second)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
		wait *= 2
	}
}

// Track is one tracking number of a shipment.
type Track struct {
	TrackNumber string  `json:"track_number"`
	Title       string  `json:"title"`
	CarrierCode string  `json:"carrier_code"`
	OrderID     shop.ID `json:"order_id"`
}

// Shipment is one shipment of an order.
type Shipment struct {
	EntityID    shop.ID `json:"entity_id"`
	OrderID     shop.ID `json:"order_id"`
	IncrementID string  `json:"increment_id"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Tracks      []Track `json:"tracks"`
}

// ShipmentPage is one page of GET /V1/shipments.
type ShipmentPage struct {
	Items      []Shipment `json:"items"`
	TotalCount int        `json:"total_count"`
}

// Shipments returns one page (from 1) of shipments updated at or after
// since, oldest update first.
func (c *Client) Shipments(ctx context.Context, since string, page, size int) (ShipmentPage, error) {
	q := url.Values{}
	if since != "" {
		q.Set("searchCriteria[filter_groups][0][filters][0][field]", "updated_at")
		q.Set("searchCriteria[filter_groups][0][filters][0][value]", since)
		q.Set("searchCriteria[filter_groups][0][filters][0][condition_type]", "gteq")
	}
	q.Set("searchCriteria[sortOrders][0][field]", "updated_at")
	q.Set("searchCriteria[sortOrders][0][direction]", "ASC")
	q.Set("searchCriteria[pageSize]", strconv.Itoa(size))
	q.Set("searchCriteria[currentPage]", strconv.Itoa(page))
	u := c.Base.JoinPath("rest", "V1", "shipments")
	u.RawQuery = q.Encode()
	var p ShipmentPage
	err := c.do(ctx, func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}, &p)
	return p, err
}

// Address is an order address.
type Address struct {
	Firstname   string   `json:"firstname"`
	Lastname    string   `json:"lastname"`
	Street      []string `json:"street"`
	City        string   `json:"city"`
	Region      string   `json:"region"`
	RegionCode  string   `json:"region_code"`
	Postcode    string   `json:"postcode"`
	CountryID   string   `json:"country_id"`
	Telephone   string   `json:"telephone"`
	AddressType string   `json:"address_type"`
}

// Order is the part of an order the import uses.
type Order struct {
	EntityID            shop.ID  `json:"entity_id"`
	IncrementID         string   `json:"increment_id"`
	CustomerEmail       string   `json:"customer_email"`
	CustomerFirstname   string   `json:"customer_firstname"`
	CustomerLastname    string   `json:"customer_lastname"`
	CreatedAt           string   `json:"created_at"`
	ShippingDescription string   `json:"shipping_description"`
	BillingAddress      *Address `json:"billing_address"`
	ExtensionAttributes struct {
		ShippingAssignments []struct {
			Shipping struct {
				Address *Address `json:"address"`
			} `json:"shipping"`
		} `json:"shipping_assignments"`
	} `json:"extension_attributes"`
}

// Order returns one order.
func (c *Client) Order(ctx context.Context, id string) (Order, error) {
	var o Order
	u := c.Base.JoinPath("rest", "V1", "orders", id)
	err := c.do(ctx, func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}, &o)
	return o, err
}
