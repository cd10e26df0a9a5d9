package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

var tagShops = []string{"Shops"}

// Shop is a connected shop. Its credentials are write-only.
type Shop struct {
	ID             int64        `json:"id"`
	Kind           string       `json:"kind" enum:"shopify,woocommerce,magento"`
	Name           string       `json:"name,omitempty"`
	ShopURL        string       `json:"shop_url"`
	Enabled        bool         `json:"enabled"`
	Settings       ShopSettings `json:"settings"`
	WebhookPath    string       `json:"webhook_path" doc:"Where the shop sends its webhooks: /hooks/<kind>/<key>"`
	WebhookURL     string       `json:"webhook_url,omitempty" doc:"webhook_path on the server's public address, when configured"`
	HasCredentials bool         `json:"has_credentials" doc:"Credentials are stored; they are never returned"`
	LastSyncAt     *time.Time   `json:"last_sync_at,omitempty"`
	LastError      string       `json:"last_error,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// ShopSettings are a connection's choices.
type ShopSettings struct {
	PostStatuses    []string `json:"post_statuses,omitempty" maxItems:"20" doc:"Statuses posted back to the shop; absent: the defaults"`
	SkipUnfulfilled bool     `json:"skip_unfulfilled,omitempty" doc:"Create a shipment only once an order has a tracking number"`
	CustomerVisible bool     `json:"customer_visible,omitempty" doc:"Notes posted back are shown to the buyer"`
	APIVersion      string   `json:"api_version,omitempty" maxLength:"20" doc:"Shopify Admin API version, e.g. 2025-01"`
}

// ShopCredentials are a connection's secrets: accepted, never returned.
type ShopCredentials struct {
	AccessToken    string `json:"access_token,omitempty" maxLength:"1000" doc:"Shopify Admin API or Magento integration token"`
	WebhookSecret  string `json:"webhook_secret,omitempty" maxLength:"1000" doc:"Shopify or WooCommerce webhook signing secret"`
	ConsumerKey    string `json:"consumer_key,omitempty" maxLength:"1000" doc:"WooCommerce REST API key"`
	ConsumerSecret string `json:"consumer_secret,omitempty" maxLength:"1000"`
}

// ShopInput creates or changes a connection.
type ShopInput struct {
	Kind        string           `json:"kind" enum:"shopify,woocommerce,magento" doc:"Fixed once created"`
	Name        string           `json:"name,omitempty" maxLength:"200"`
	ShopURL     string           `json:"shop_url" minLength:"1" maxLength:"2048" doc:"e.g. https://example.myshopify.com"`
	Enabled     *bool            `json:"enabled,omitempty" doc:"Default true"`
	Settings    *ShopSettings    `json:"settings,omitempty"`
	Credentials *ShopCredentials `json:"credentials,omitempty" doc:"Absent on a PUT: the stored ones stay"`
}

func (a *API) toShop(c store.ShopConnection) Shop {
	_, _, base, _ := a.ext().get()
	s := Shop{ID: c.ID, Kind: string(c.Kind), Name: c.Name, ShopURL: c.ShopURL, Enabled: c.Enabled,
		Settings: ShopSettings{PostStatuses: c.Settings.PostStatuses, SkipUnfulfilled: c.Settings.SkipUnfulfilled,
			CustomerVisible: c.Settings.CustomerVisible, APIVersion: c.Settings.APIVersion},
		WebhookPath: "/hooks/" + string(c.Kind) + "/" + c.HookKey, HasCredentials: len(c.Secrets) > 0,
		LastSyncAt: tp(c.LastSyncAt), LastError: c.LastError, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if base != "" {
		s.WebhookURL = strings.TrimRight(base, "/") + s.WebhookPath
	}
	return s
}

func (a *API) registerShops() {
	shops, ok := a.st.(store.Shops)
	if !ok {
		return
	}
	var auth Auth
	op := func(id, method, path, summary, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagShops,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}
	seal := func(ctx context.Context, c *ShopCredentials) ([]byte, error) {
		_, vault, _, _ := a.ext().get()
		if vault == nil {
			vault = &shop.Vault{}
		}
		b, err := vault.Seal(TenantID(ctx), shop.Credentials{AccessToken: c.AccessToken, WebhookSecret: c.WebhookSecret,
			ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret})
		if err != nil {
			return nil, a.internal(ctx, "sealing credentials", err)
		}
		return b, nil
	}
	shopErr := func(ctx context.Context, err error) error {
		switch {
		case errors.Is(err, store.ErrConflict):
			return NewError(http.StatusConflict, CodeShopExists, "this shop is already connected")
		case errors.Is(err, store.ErrInvalid):
			return NewError(http.StatusUnprocessableEntity, CodeValidation, err.Error(), Detail{Location: "body.shop_url", Message: "not a shop URL"})
		}
		return a.storeErr(ctx, err, "shop")
	}
	apply := func(c *store.ShopConnection, b ShopInput) {
		c.Name, c.ShopURL = strings.TrimSpace(b.Name), strings.TrimSpace(b.ShopURL)
		if b.Enabled != nil {
			c.Enabled = *b.Enabled
		}
		if s := b.Settings; s != nil {
			c.Settings = store.ShopSettings{PostStatuses: s.PostStatuses, SkipUnfulfilled: s.SkipUnfulfilled,
				CustomerVisible: s.CustomerVisible, APIVersion: s.APIVersion}
		}
	}
	type shopShopOutput struct{ Body Shop }

	type shopListOutput struct {
		Body struct {
			Shops []Shop `json:"shops"`
		}
	}
	huma.Register(a.huma, op("list-shops", http.MethodGet, "/shops", "List shop connections", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*shopListOutput, error) {
			cs, err := shops.ListShopConnections(ctx, TenantID(ctx))
			if err != nil {
				return nil, a.internal(ctx, "listing shops", err)
			}
			out := &shopListOutput{}
			out.Body.Shops = make([]Shop, 0, len(cs))
			for _, c := range cs {
				out.Body.Shops = append(out.Body.Shops, a.toShop(c))
			}
			return out, nil
		})

	create := op("create-shop", http.MethodPost, "/shops", "Connect a shop", store.ScopeAdmin, 409, 422)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Credentials are sealed before they are stored and never returned. The answer's webhook_path " +
		"(webhook_url) is where to point the shop's webhooks. Needs scope admin."
	type shopCreateInput struct{ Body ShopInput }
	huma.Register(a.huma, create, func(ctx context.Context, in *shopCreateInput) (*shopShopOutput, error) {
		c := store.ShopConnection{Kind: store.ShopKind(in.Body.Kind), Enabled: true}
		apply(&c, in.Body)
		if in.Body.Credentials != nil {
			b, err := seal(ctx, in.Body.Credentials)
			if err != nil {
				return nil, err
			}
			c.Secrets = b
		}
		if err := shops.CreateShopConnection(ctx, TenantID(ctx), &c); err != nil {
			return nil, shopErr(ctx, err)
		}
		return &shopShopOutput{Body: a.toShop(c)}, nil
	})

	huma.Register(a.huma, op("get-shop", http.MethodGet, "/shops/{id}", "Get a shop connection", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*shopShopOutput, error) {
			c, err := shops.GetShopConnection(ctx, TenantID(ctx), in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "shop")
			}
			return &shopShopOutput{Body: a.toShop(c)}, nil
		})

	type shopUpdateInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body ShopInput
	}
	huma.Register(a.huma, op("update-shop", http.MethodPut, "/shops/{id}", "Change a shop connection", store.ScopeAdmin, 404, 409, 422),
		func(ctx context.Context, in *shopUpdateInput) (*shopShopOutput, error) {
			tenant := TenantID(ctx)
			c, err := shops.GetShopConnection(ctx, tenant, in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "shop")
			}
			if string(c.Kind) != in.Body.Kind {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "the kind of a connection cannot change",
					Detail{Location: "body.kind", Message: "want " + string(c.Kind), Value: in.Body.Kind})
			}
			apply(&c, in.Body)
			if in.Body.Credentials != nil {
				if c.Secrets, err = seal(ctx, in.Body.Credentials); err != nil {
					return nil, err
				}
			}
			if err := shops.UpdateShopConnection(ctx, tenant, &c); err != nil {
				return nil, shopErr(ctx, err)
			}
			return &shopShopOutput{Body: a.toShop(c)}, nil
		})

	del := op("delete-shop", http.MethodDelete, "/shops/{id}", "Disconnect a shop; its shipments stay", store.ScopeAdmin, 404)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, del, func(ctx context.Context, in *idInput) (*struct{}, error) {
		if err := shops.DeleteShopConnection(ctx, TenantID(ctx), in.ID); err != nil {
			return nil, a.storeErr(ctx, err, "shop")
		}
		return nil, nil
	})
}
