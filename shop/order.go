package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// Order is a shop order in the platforms' common shape: what a webhook or
// a poll says about one order and its tracking numbers.
type Order struct {
	ID           string // the shop's order ID
	Name         string // what the buyer sees (Shopify "#1001", WooCommerce number, Magento increment ID)
	Email        string
	Phone        string
	CustomerName string
	Language     string
	Address      shipment.Address
	OrderedAt    time.Time
	Service      string // shipping method as the shop names it
	Fulfillments []Fulfillment
}

// Fulfillment is one shipment of an order in the shop, with its numbers.
type Fulfillment struct {
	ID        string // the shop's fulfilment or shipment ID; "" where the platform has none
	Company   string // carrier name as the shop sent it
	Numbers   []string
	ShippedAt time.Time
}

func (o *Order) numbers() int {
	n := 0
	for _, f := range o.Fulfillments {
		n += len(f.Numbers)
	}
	return n
}

// ImportResult says what an import changed.
type ImportResult struct {
	ShipmentID int64 `json:"shipment_id,omitempty"`
	Created    bool  `json:"created,omitempty"`
	NewParcels int   `json:"new_parcels,omitempty"`
	// Unplaced lists numbers no carrier could be found for; they are kept
	// on the order's links for the seller to see.
	Unplaced []string `json:"unplaced,omitempty"`
	// Skipped is set when nothing was imported on purpose (an order
	// without tracking numbers and SkipUnfulfilled).
	Skipped bool `json:"skipped,omitempty"`
}

// Importer turns shop orders into shipments and parcels. Importing the
// same order again changes nothing, and an import cut short (a crash, a
// database error) is completed by the next one: every step looks for
// what the previous attempt stored before writing.
type Importer struct {
	Store store.Store
	Log   *slog.Logger
}

func (im *Importer) shops() (store.Shops, error) {
	sh, ok := im.Store.(store.Shops)
	if !ok {
		return nil, fmt.Errorf("shop: store %T keeps no shop connections", im.Store)
	}
	return sh, nil
}

// Import stores o for the connection's tenant.
func (im *Importer) Import(ctx context.Context, conn store.ShopConnection, o Order) (ImportResult, error) {
	var res ImportResult
	shops, err := im.shops()
	if err != nil {
		return res, err
	}
	if strings.TrimSpace(o.ID) == "" {
		return res, errors.New("shop: order without an ID")
	}
	want := im.shipmentOf(ctx, conn, o)
	id, err := shops.FindShopOrder(ctx, conn.TenantID, conn.ID, o.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if o.numbers() == 0 && conn.Settings.SkipUnfulfilled {
			res.Skipped = true
			return res, nil
		}
		if id, res.Created, err = im.createShipment(ctx, shops, conn, o, want); err != nil {
			return res, err
		}
	case err != nil:
		return res, fmt.Errorf("shop: order %s: %w", o.ID, err)
	default:
		if err := im.refresh(ctx, conn.TenantID, id, want); err != nil {
			return res, err
		}
	}
	res.ShipmentID = id
	if err := im.parcels(ctx, shops, conn, o, want, &res); err != nil {
		return res, err
	}
	return res, nil
}

// shipmentOf builds the shipment an order describes, dropping fields the
// store would reject (a malformed e-mail, an unknown country) so that
// one bad field does not lose the order.
func (im *Importer) shipmentOf(ctx context.Context, conn store.ShopConnection, o Order) shipment.Shipment {
	sh := shipment.Shipment{
		Reference: strings.TrimSpace(o.Name),
		Customer: shipment.Contact{Name: o.CustomerName, Email: strings.TrimSpace(o.Email), Phone: o.Phone,
			Language: o.Language, Address: o.Address},
		DestinationCountry: o.Address.Country,
		Service:            o.Service,
		OrderedAt:          o.OrderedAt,
	}
	if sh.Reference == "" {
		sh.Reference = o.ID
	}
	for range 4 {
		_, _, err := shipment.NormalizeShipment(sh)
		var inv *shipment.InvalidError
		if err == nil || !errors.As(err, &inv) {
			break
		}
		im.Log.WarnContext(ctx, "shop order field dropped", "connection_id", conn.ID, "order_id", o.ID,
			"field", inv.Field, "reason", inv.Reason)
		switch inv.Field {
		case "customer.email":
			sh.Customer.Email = ""
		case "destination_country":
			sh.DestinationCountry = ""
		case "customer.address.country":
			sh.Customer.Address.Country = ""
		case "reference":
			sh.Reference = o.ID
		default:
			return sh
		}
	}
	return sh
}

func (im *Importer) createShipment(ctx context.Context, shops store.Shops, conn store.ShopConnection, o Order,
	want shipment.Shipment) (int64, bool, error) {
	sh := want
	err := im.Store.CreateShipment(ctx, conn.TenantID, &sh)
	created := err == nil
	if errors.Is(err, store.ErrConflict) {
		// The reference is taken: by this order in an import cut short
		// (adopt it), by a shipment the seller made by hand (adopt it), or
		// by another shop's order of the same number (keep both apart).
		sh, err = im.Store.FindShipmentByReference(ctx, conn.TenantID, want.Reference)
		if err == nil {
			var links []store.ShopLink
			if links, err = shops.ListShopLinks(ctx, conn.TenantID, sh.ID); err == nil && linkedElsewhere(links, conn.ID, o.ID) {
				sh = want
				sh.Reference = want.Reference + " (" + hostOf(conn.ShopURL) + ")"
				err = im.Store.CreateShipment(ctx, conn.TenantID, &sh)
				created = err == nil
				if errors.Is(err, store.ErrConflict) {
					sh, err = im.Store.FindShipmentByReference(ctx, conn.TenantID, sh.Reference)
				}
			}
		}
	}
	if err != nil {
		return 0, false, fmt.Errorf("shop: order %s: shipment: %w", o.ID, err)
	}
	link := store.ShopLink{ConnectionID: conn.ID, ShipmentID: sh.ID, OrderID: o.ID, OrderName: o.Name}
	if err := shops.PutShopLink(ctx, conn.TenantID, &link); err != nil {
		return 0, false, fmt.Errorf("shop: order %s: %w", o.ID, err)
	}
	if created {
		im.Log.InfoContext(ctx, "shop order imported", "connection_id", conn.ID, "order_id", o.ID, "shipment_id", sh.ID)
	}
	return sh.ID, created, nil
}

func linkedElsewhere(links []store.ShopLink, connID int64, orderID string) bool {
	for _, l := range links {
		if l.ConnectionID != connID || l.OrderID != orderID {
			return true
		}
	}
	return false
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// refresh copies what the shop changed on the order (contact, address,
// service) to the shipment; fields the shop leaves empty keep their value.
func (im *Importer) refresh(ctx context.Context, tenantID, id int64, want shipment.Shipment) error {
	cur, err := im.Store.GetShipment(ctx, tenantID, id)
	if err != nil {
		return fmt.Errorf("shop: shipment %d: %w", id, err)
	}
	next := cur
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&next.Customer.Name, want.Customer.Name)
	set(&next.Customer.Email, want.Customer.Email)
	set(&next.Customer.Phone, want.Customer.Phone)
	set(&next.Customer.Language, want.Customer.Language)
	set(&next.DestinationCountry, want.DestinationCountry)
	set(&next.Service, want.Service)
	if !want.Customer.Address.IsZero() {
		next.Customer.Address = want.Customer.Address
	}
	if next.OrderedAt.IsZero() {
		next.OrderedAt = want.OrderedAt
	}
	if next.Customer == cur.Customer && next.DestinationCountry == cur.DestinationCountry &&
		next.Service == cur.Service && next.OrderedAt.Equal(cur.OrderedAt) {
		return nil
	}
	if err := im.Store.UpdateShipment(ctx, tenantID, &next); err != nil {
		return fmt.Errorf("shop: update shipment %d: %w", id, err)
	}
	return nil
}

// parcels adds a parcel per new tracking number and links each number to
// its fulfilment.
func (im *Importer) parcels(ctx context.Context, shops store.Shops, conn store.ShopConnection, o Order,
	want shipment.Shipment, res *ImportResult) error {
	if o.numbers() == 0 {
		return nil
	}
	existing, err := im.Store.ListParcels(ctx, conn.TenantID, res.ShipmentID)
	if err != nil {
		return fmt.Errorf("shop: order %s: %w", o.ID, err)
	}
	for _, f := range o.Fulfillments {
		for _, raw := range f.Numbers {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			slug, number, how := ResolveCarrier(f.Company, raw, want.DestinationCountry)
			link := store.ShopLink{ConnectionID: conn.ID, ShipmentID: res.ShipmentID, OrderID: o.ID, OrderName: o.Name,
				FulfillmentID: f.ID, TrackingNumber: number, Company: f.Company}
			if how == NotFound {
				res.Unplaced = append(res.Unplaced, number)
				im.Log.WarnContext(ctx, "shop tracking number without a known carrier", "connection_id", conn.ID,
					"order_id", o.ID, "company", f.Company, "number", number)
			} else if link.ParcelID, err = im.parcel(ctx, conn, o, f, slug, number, existing, res); err != nil {
				return err
			}
			if err := shops.PutShopLink(ctx, conn.TenantID, &link); err != nil {
				return fmt.Errorf("shop: order %s: %w", o.ID, err)
			}
		}
	}
	return nil
}

func (im *Importer) parcel(ctx context.Context, conn store.ShopConnection, o Order, f Fulfillment, slug, number string,
	existing []shipment.Parcel, res *ImportResult) (int64, error) {
	for _, p := range existing {
		if p.TrackingNumber == number {
			return p.ID, nil
		}
	}
	p := shipment.Parcel{ShipmentID: res.ShipmentID, Carrier: slug, TrackingNumber: number, Leg: 1}
	if pc := o.Address.PostalCode; pc != "" && len(pc) <= 32 {
		p.Extra = map[string]string{"postal_code": pc}
	}
	if !f.ShippedAt.IsZero() {
		if p.Extra == nil {
			p.Extra = map[string]string{}
		}
		p.Extra["ship_date"] = f.ShippedAt.UTC().Format(time.DateOnly)
	}
	err := im.Store.CreateParcel(ctx, conn.TenantID, &p)
	switch {
	case errors.Is(err, store.ErrConflict):
		// The same carrier and number already belong to another of the
		// tenant's shipments (a reshipped order): keep that one.
		im.Log.WarnContext(ctx, "shop tracking number already tracked elsewhere", "connection_id", conn.ID,
			"order_id", o.ID, "carrier", slug, "number", number)
		return 0, nil
	case errors.Is(err, store.ErrInvalid):
		res.Unplaced = append(res.Unplaced, number)
		im.Log.WarnContext(ctx, "shop tracking number rejected", "connection_id", conn.ID, "order_id", o.ID, "error", err)
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("shop: order %s: parcel: %w", o.ID, err)
	}
	res.NewParcels++
	return p.ID, nil
}
