// Package woocommerce is the WooCommerce side of the shop integration: it
// reads the order.created and order.updated webhooks (signed with
// X-WC-Webhook-Signature), takes tracking numbers from the Shipment
// Tracking extension's order meta (_wc_shipment_tracking_items), and
// posts order notes back through the REST API (wc/v3).
//
// Formats follow the WooCommerce REST API documentation (the order
// resource, order notes, webhooks and their delivery headers) and the
// Shipment Tracking extension's documented meta fields.
package woocommerce

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// TrackingMetaKey is the order meta key of the Shipment Tracking extension.
const TrackingMetaKey = "_wc_shipment_tracking_items"

// Source reads WooCommerce webhooks.
type Source struct{}

var _ shop.Source = Source{}

// Kind implements shop.Source.
func (Source) Kind() store.ShopKind { return store.ShopWooCommerce }

// pingRe matches the unsigned test delivery WooCommerce sends when a
// webhook is saved; it must be answered 2xx or WooCommerce refuses the
// webhook. It carries nothing and imports nothing.
var pingRe = regexp.MustCompile(`^webhook_id=[0-9]+$`)

// Verify implements shop.Source: X-WC-Webhook-Signature is the base64
// HMAC-SHA256 of the raw body under the webhook's secret.
func (Source) Verify(r *http.Request, body []byte, c shop.Credentials) error {
	sig := r.Header.Get("X-WC-Webhook-Signature")
	if sig == "" && pingRe.Match(body) {
		return nil
	}
	return shop.VerifyBase64HMAC(body, c.WebhookSecret, sig)
}

// DeliveryID implements shop.Source.
func (Source) DeliveryID(r *http.Request) string { return r.Header.Get("X-WC-Webhook-Delivery-ID") }

type address struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Address1  string `json:"address_1"`
	Address2  string `json:"address_2"`
	City      string `json:"city"`
	State     string `json:"state"`
	Postcode  string `json:"postcode"`
	Country   string `json:"country"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

type order struct {
	ID             shop.ID `json:"id"`
	Number         string  `json:"number"`
	DateCreatedGMT string  `json:"date_created_gmt"`
	Billing        address `json:"billing"`
	Shipping       address `json:"shipping"`
	ShippingLines  []struct {
		MethodTitle string `json:"method_title"`
	} `json:"shipping_lines"`
	MetaData []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"meta_data"`
}

// TrackingItem is one entry of _wc_shipment_tracking_items.
type TrackingItem struct {
	TrackingProvider       string  `json:"tracking_provider"`
	CustomTrackingProvider string  `json:"custom_tracking_provider"`
	CustomTrackingLink     string  `json:"custom_tracking_link"`
	TrackingNumber         string  `json:"tracking_number"`
	DateShipped            shop.ID `json:"date_shipped"` // Unix seconds, as a string or a number
	TrackingID             string  `json:"tracking_id"`
}

// Parse implements shop.Source for order.created and order.updated.
func (Source) Parse(r *http.Request, body []byte) (*shop.Order, error) {
	switch topic := r.Header.Get("X-WC-Webhook-Topic"); topic {
	case "order.created", "order.updated":
		return ParseOrder(body)
	case "":
		if pingRe.Match(body) {
			return nil, nil
		}
		return nil, errors.New("no X-WC-Webhook-Topic header")
	default:
		return nil, nil
	}
}

// ParseOrder reads an order resource.
func ParseOrder(body []byte) (*shop.Order, error) {
	var o order
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("not a JSON order: %w", err)
	}
	if o.ID == "" || o.ID == "0" {
		return nil, errors.New("order without id")
	}
	out := &shop.Order{ID: string(o.ID), Name: o.Number, Email: o.Billing.Email, Phone: o.Shipping.Phone}
	if out.Phone == "" {
		out.Phone = o.Billing.Phone
	}
	a := o.Shipping
	if a.Address1 == "" && a.City == "" && a.Country == "" {
		a = o.Billing // orders without shipping (virtual goods, local pickup) keep only billing
	}
	out.CustomerName = strings.TrimSpace(a.FirstName + " " + a.LastName)
	out.Address = shipment.Address{Line1: a.Address1, Line2: a.Address2, City: a.City, Region: a.State,
		PostalCode: a.Postcode, Country: a.Country}
	if len(o.ShippingLines) > 0 {
		out.Service = o.ShippingLines[0].MethodTitle
	}
	if t, err := time.Parse("2006-01-02T15:04:05", o.DateCreatedGMT); err == nil {
		out.OrderedAt = t.UTC()
	}
	for _, m := range o.MetaData {
		if m.Key != TrackingMetaKey {
			continue
		}
		var items []TrackingItem
		if err := json.Unmarshal(m.Value, &items); err != nil {
			return nil, fmt.Errorf("%s: %w", TrackingMetaKey, err)
		}
		for _, it := range items {
			if strings.TrimSpace(it.TrackingNumber) == "" {
				continue
			}
			company := it.TrackingProvider
			if company == "" {
				company = it.CustomTrackingProvider
			}
			f := shop.Fulfillment{Company: company, Numbers: []string{it.TrackingNumber}}
			if sec, err := strconv.ParseInt(string(it.DateShipped), 10, 64); err == nil && sec > 0 {
				f.ShippedAt = time.Unix(sec, 0).UTC()
			}
			out.Fulfillments = append(out.Fulfillments, f)
		}
	}
	return out, nil
}
