// Package shopify is the Shopify side of the shop integration: it reads
// the orders/create, orders/updated, fulfillments/create and
// fulfillments/update webhooks (signed with X-Shopify-Hmac-Sha256) and
// posts fulfilment events back through the REST Admin API.
//
// Formats follow shopify.dev: the Order and Fulfillment resources of the
// REST Admin API (the webhook bodies are these resources), the webhook
// HTTPS delivery headers, and the FulfillmentEvent resource with its
// status values.
package shopify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// Source reads Shopify webhooks.
type Source struct{}

var _ shop.Source = Source{}

// Kind implements shop.Source.
func (Source) Kind() store.ShopKind { return store.ShopShopify }

// Verify implements shop.Source: X-Shopify-Hmac-Sha256 is the base64
// HMAC-SHA256 of the raw body under the app's secret.
func (Source) Verify(r *http.Request, body []byte, c shop.Credentials) error {
	return shop.VerifyBase64HMAC(body, c.WebhookSecret, r.Header.Get("X-Shopify-Hmac-Sha256"))
}

// DeliveryID implements shop.Source: Shopify repeats X-Shopify-Webhook-Id
// on retries of one delivery.
func (Source) DeliveryID(r *http.Request) string { return r.Header.Get("X-Shopify-Webhook-Id") }

type address struct {
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Name         string `json:"name"`
	Address1     string `json:"address1"`
	Address2     string `json:"address2"`
	City         string `json:"city"`
	Province     string `json:"province"`
	ProvinceCode string `json:"province_code"`
	Zip          string `json:"zip"`
	CountryCode  string `json:"country_code"`
	Phone        string `json:"phone"`
}

type fulfillment struct {
	ID              shop.ID   `json:"id"`
	OrderID         shop.ID   `json:"order_id"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	Email           string    `json:"email"`
	Destination     *address  `json:"destination"`
	TrackingCompany string    `json:"tracking_company"`
	TrackingNumber  string    `json:"tracking_number"`
	TrackingNumbers []string  `json:"tracking_numbers"`
	CreatedAt       time.Time `json:"created_at"`
}

type order struct {
	ID              shop.ID  `json:"id"`
	Name            string   `json:"name"`
	OrderNumber     shop.ID  `json:"order_number"`
	Email           string   `json:"email"`
	ContactEmail    string   `json:"contact_email"`
	Phone           string   `json:"phone"`
	CustomerLocale  string   `json:"customer_locale"`
	CreatedAt       string   `json:"created_at"`
	ShippingAddress *address `json:"shipping_address"`
	Customer        *struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
		Phone     string `json:"phone"`
	} `json:"customer"`
	ShippingLines []struct {
		Title string `json:"title"`
	} `json:"shipping_lines"`
	Fulfillments []fulfillment `json:"fulfillments"`
}

// Parse implements shop.Source for the order and fulfilment topics; other
// topics are acknowledged and ignored.
func (Source) Parse(r *http.Request, body []byte) (*shop.Order, error) {
	switch topic := r.Header.Get("X-Shopify-Topic"); topic {
	case "orders/create", "orders/updated":
		return ParseOrder(body)
	case "fulfillments/create", "fulfillments/update":
		return ParseFulfillment(body)
	case "":
		return nil, errors.New("no X-Shopify-Topic header")
	default:
		return nil, nil
	}
}

func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("not a JSON object of the expected shape: %w", err)
	}
	return nil
}

// ParseOrder reads an Order resource.
func ParseOrder(body []byte) (*shop.Order, error) {
	var o order
	if err := decode(body, &o); err != nil {
		return nil, err
	}
	if o.ID == "" {
		return nil, errors.New("order without id")
	}
	out := &shop.Order{ID: string(o.ID), Name: o.Name, Email: o.Email, Phone: o.Phone, Language: o.CustomerLocale}
	if out.Name == "" && o.OrderNumber != "" {
		out.Name = "#" + string(o.OrderNumber)
	}
	if out.Email == "" {
		out.Email = o.ContactEmail
	}
	if c := o.Customer; c != nil {
		out.CustomerName = strings.TrimSpace(c.FirstName + " " + c.LastName)
		if out.Email == "" {
			out.Email = c.Email
		}
		if out.Phone == "" {
			out.Phone = c.Phone
		}
	}
	if a := o.ShippingAddress; a != nil {
		if name := a.fullName(); name != "" {
			out.CustomerName = name
		}
		if out.Phone == "" {
			out.Phone = a.Phone
		}
		out.Address = a.address()
	}
	if len(o.ShippingLines) > 0 {
		out.Service = o.ShippingLines[0].Title
	}
	if t, err := time.Parse(time.RFC3339, o.CreatedAt); err == nil {
		out.OrderedAt = t
	}
	for _, f := range o.Fulfillments {
		if f.Status == "cancelled" {
			continue
		}
		out.Fulfillments = append(out.Fulfillments, f.common())
	}
	return out, nil
}

// ParseFulfillment reads a Fulfillment resource. The order it belongs to
// is named by order_id; its reference comes from the fulfilment's name
// ("#1001.1" is the first fulfilment of order "#1001").
func ParseFulfillment(body []byte) (*shop.Order, error) {
	var f fulfillment
	if err := decode(body, &f); err != nil {
		return nil, err
	}
	if f.ID == "" || f.OrderID == "" {
		return nil, errors.New("fulfillment without id or order_id")
	}
	out := &shop.Order{ID: string(f.OrderID), Email: f.Email}
	if i := strings.LastIndexByte(f.Name, '.'); i > 0 {
		out.Name = f.Name[:i]
	}
	if a := f.Destination; a != nil {
		out.CustomerName = a.fullName()
		out.Phone = a.Phone
		out.Address = a.address()
	}
	if f.Status != "cancelled" {
		out.Fulfillments = []shop.Fulfillment{f.common()}
	}
	return out, nil
}

func (a *address) fullName() string {
	if a.Name != "" {
		return a.Name
	}
	return strings.TrimSpace(a.FirstName + " " + a.LastName)
}

func (a *address) address() shipment.Address {
	region := a.ProvinceCode
	if region == "" {
		region = a.Province
	}
	return shipment.Address{Line1: a.Address1, Line2: a.Address2, City: a.City, Region: region,
		PostalCode: a.Zip, Country: a.CountryCode}
}

func (f fulfillment) common() shop.Fulfillment {
	nums := f.TrackingNumbers
	if len(nums) == 0 && f.TrackingNumber != "" {
		nums = []string{f.TrackingNumber}
	}
	return shop.Fulfillment{ID: string(f.ID), Company: f.TrackingCompany, Numbers: nums, ShippedAt: f.CreatedAt}
}
