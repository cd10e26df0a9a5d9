package magento

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// Poller imports the shipments of every enabled Magento connection.
type Poller struct {
	Store    store.Store
	Vault    *shop.Vault
	Importer *shop.Importer
	Log      *slog.Logger
	Now      func() time.Time
	// PageSize and MaxPages bound one poll of one connection; zero means
	// 100 and 20. What is left is read on the next poll.
	PageSize, MaxPages int
	// FirstLookback is how far back the first poll of a new connection
	// reads; zero means 14 days.
	FirstLookback time.Duration
	// NewClient builds the API client; nil means NewClient.
	NewClient func(shopURL, token string) (*Client, error)
}

// Run polls every interval until ctx ends.
func (p *Poller) Run(ctx context.Context, interval time.Duration) error {
	for {
		p.PollAll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// PollAll polls each enabled connection once; one shop failing does not
// keep the others from being polled.
func (p *Poller) PollAll(ctx context.Context) {
	shops, ok := p.Store.(store.Shops)
	if !ok {
		return
	}
	conns, err := shops.ListEnabledShopConnections(ctx, store.ShopMagento)
	if err != nil {
		p.Log.ErrorContext(ctx, "magento poll: connections", "error", err)
		return
	}
	for _, c := range conns {
		if ctx.Err() != nil {
			return
		}
		if err := p.Poll(ctx, c); err != nil {
			p.Log.WarnContext(ctx, "magento poll failed", "connection_id", c.ID, "tenant_id", c.TenantID, "error", err)
		}
	}
}

// Poll imports one connection's shipments updated since its cursor and
// moves the cursor after each page. Reading from the cursor inclusive
// means a page boundary or a failure re-reads some shipments, which the
// import ignores: nothing is skipped.
func (p *Poller) Poll(ctx context.Context, conn store.ShopConnection) (err error) {
	shops := p.Store.(store.Shops)
	cursor := conn.Cursor
	defer func() {
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if serr := shops.SetShopSync(ctx, conn.TenantID, conn.ID, cursor, p.Now(), msg); serr != nil && err == nil {
			err = serr
		}
	}()
	creds, err := p.Vault.Open(conn.TenantID, conn.Secrets)
	if err != nil {
		return err
	}
	mk := p.NewClient
	if mk == nil {
		mk = NewClient
	}
	client, err := mk(conn.ShopURL, creds.AccessToken)
	if err != nil {
		return err
	}
	size, pages := p.PageSize, p.MaxPages
	if size <= 0 {
		size = 100
	}
	if pages <= 0 {
		pages = 20
	}
	since := cursor
	if since == "" {
		back := p.FirstLookback
		if back <= 0 {
			back = 14 * 24 * time.Hour
		}
		since = p.Now().UTC().Add(-back).Format(TimeLayout)
	}
	orders := map[string]*Order{}
	for page := 1; page <= pages; page++ {
		res, err := client.Shipments(ctx, since, page, size)
		if err != nil {
			return err
		}
		for _, s := range res.Items {
			if err := p.importShipment(ctx, client, conn, s, orders); err != nil {
				return err
			}
			if s.UpdatedAt > cursor {
				cursor = s.UpdatedAt // the layout sorts as text
			}
		}
		if len(res.Items) < size || page*size >= res.TotalCount {
			break
		}
	}
	return nil
}

func (p *Poller) importShipment(ctx context.Context, client *Client, conn store.ShopConnection, s Shipment, orders map[string]*Order) error {
	if s.OrderID == "" || s.EntityID == "" {
		p.Log.WarnContext(ctx, "magento shipment without ids skipped", "connection_id", conn.ID, "increment_id", s.IncrementID)
		return nil
	}
	o, ok := orders[string(s.OrderID)]
	if !ok {
		got, err := client.Order(ctx, string(s.OrderID))
		if err != nil {
			return err
		}
		o = &got
		orders[string(s.OrderID)] = o
	}
	order := o.common(string(s.OrderID))
	// One fulfilment per carrier within the shipment, so that each keeps
	// its carrier name.
	for _, t := range s.Tracks {
		company := t.CarrierCode
		if company == "" || strings.EqualFold(company, "custom") {
			company = t.Title
		}
		f := shop.Fulfillment{ID: string(s.EntityID), Company: company, Numbers: []string{t.TrackNumber}}
		if at, err := time.Parse(TimeLayout, s.CreatedAt); err == nil {
			f.ShippedAt = at
		}
		order.Fulfillments = append(order.Fulfillments, f)
	}
	if _, err := p.Importer.Import(ctx, conn, order); err != nil {
		return err
	}
	return nil
}

func (o *Order) common(id string) shop.Order {
	out := shop.Order{ID: id, Name: o.IncrementID, Email: o.CustomerEmail, Service: o.ShippingDescription,
		CustomerName: strings.TrimSpace(o.CustomerFirstname + " " + o.CustomerLastname)}
	var a *Address
	for _, sa := range o.ExtensionAttributes.ShippingAssignments {
		if sa.Shipping.Address != nil {
			a = sa.Shipping.Address
			break
		}
	}
	if a == nil {
		a = o.BillingAddress
	}
	if a != nil {
		if n := strings.TrimSpace(a.Firstname + " " + a.Lastname); n != "" {
			out.CustomerName = n
		}
		out.Phone = a.Telephone
		out.Address = shipment.Address{City: a.City, PostalCode: a.Postcode, Country: a.CountryID, Region: a.RegionCode}
		if out.Address.Region == "" {
			out.Address.Region = a.Region
		}
		if len(a.Street) > 0 {
			out.Address.Line1 = a.Street[0]
		}
		if len(a.Street) > 1 {
			out.Address.Line2 = strings.Join(a.Street[1:], ", ")
		}
	}
	if t, err := time.Parse(TimeLayout, o.CreatedAt); err == nil {
		out.OrderedAt = t
	}
	return out
}

// Poster adds shipment comments.
type Poster struct {
	// NewClient builds the API client; nil means NewClient.
	NewClient func(shopURL, token string) (*Client, error)
}

var _ shop.Poster = (*Poster)(nil)

// Kind implements shop.Poster.
func (*Poster) Kind() store.ShopKind { return store.ShopMagento }

// Post implements shop.Poster: POST /rest/V1/shipment/<id>/comments.
func (p *Poster) Post(ctx context.Context, conn store.ShopConnection, c shop.Credentials, u shop.Update) error {
	if u.FulfillmentID == "" {
		return nil
	}
	mk := p.NewClient
	if mk == nil {
		mk = NewClient
	}
	client, err := mk(conn.ShopURL, c.AccessToken)
	if err != nil {
		return err
	}
	client.Tries = 1 // the worker retries with its own backoff
	visible := 0
	if conn.Settings.CustomerVisible {
		visible = 1
	}
	parent, err := json.Number(u.FulfillmentID).Int64()
	if err != nil {
		return errors.New("magento: shipment id is not a number")
	}
	body, _ := json.Marshal(map[string]any{"entity": map[string]any{"parent_id": parent, "comment": u.Message,
		"is_customer_notified": 0, "is_visible_on_front": visible}})
	endpoint := client.Base.JoinPath("rest", "V1", "shipment", u.FulfillmentID, "comments")
	err = client.do(ctx, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}, nil)
	if err != nil {
		return fmt.Errorf("magento: shipment comment: %w", err)
	}
	return nil
}
