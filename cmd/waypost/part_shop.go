package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/shop/magento"
	"github.com/waypost/waypost/shop/shopify"
	"github.com/waypost/waypost/shop/woocommerce"
	"github.com/waypost/waypost/store"
)

var shopFlags struct {
	secretKey      string
	magentoEvery   time.Duration
	postIdle       time.Duration
	keepDeliveries time.Duration
}

func init() {
	registerPart(part{
		name: "shop",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&shopFlags.secretKey, "shop-secret-key", "",
				"key that encrypts shop credentials in the database (any long random string; keep it, or re-enter the credentials)")
			fs.DurationVar(&shopFlags.magentoEvery, "shop-magento-interval", 5*time.Minute, "how often Magento shops are polled")
			fs.DurationVar(&shopFlags.postIdle, "shop-post-interval", 5*time.Second,
				"how long the shop status post-back waits when it has nothing to do")
			fs.DurationVar(&shopFlags.keepDeliveries, "shop-keep-deliveries", 30*24*time.Hour,
				"how long webhook delivery IDs are kept to recognise repeats")
		},
		start: startShop,
	})
}

// startShop mounts the Shopify and WooCommerce webhooks at
// POST /hooks/<kind>/{key} (the key is the connection's HookKey), polls
// Magento shops, and posts status changes back to the shops.
func startShop(env *partEnv) error {
	if _, ok := env.Store.(store.Shops); !ok {
		env.Log.Warn("shop integrations off: the store keeps no shop connections")
		return nil
	}
	vault, err := shop.NewVault(shopFlags.secretKey)
	if err != nil {
		return err
	}
	// Credentials saved through the API are sealed with the same key
	// (the api part starts before this one).
	if restAPI != nil {
		restAPI.SetShopVault(vault)
	}
	if !vault.Encrypts() && !env.Demo {
		env.Log.Warn("shop credentials are stored unencrypted: set --shop-secret-key (WAYPOST_SHOP_SECRET_KEY)")
	}
	log := env.Log.With("part", "shop")
	im := &shop.Importer{Store: env.Store, Log: log}
	for _, src := range []shop.Source{shopify.Source{}, woocommerce.Source{}} {
		env.Server.Handle("POST /hooks/"+string(src.Kind())+"/{key}",
			&shop.Handler{Source: src, Store: env.Store, Vault: vault, Importer: im, Log: log, Now: env.Now})
	}

	host, _ := os.Hostname()
	w := &shop.Worker{Store: env.Store, Vault: vault, Log: log, Now: env.Now, Owner: fmt.Sprintf("shop-%s-%d", host, os.Getpid()),
		Posters: map[store.ShopKind]shop.Poster{
			store.ShopShopify:     &shopify.Poster{},
			store.ShopWooCommerce: &woocommerce.Poster{},
			store.ShopMagento:     &magento.Poster{},
		}}
	if _, ok := env.Store.(store.Tasks); ok {
		if err := w.Subscribe(env.Ctx); err != nil {
			return fmt.Errorf("shop: subscribe: %w", err)
		}
		env.Go(func(ctx context.Context) error { return w.Run(ctx, shopFlags.postIdle) })
	} else {
		log.Warn("shop status post-back off: the store has no task queue")
	}

	p := &magento.Poller{Store: env.Store, Vault: vault, Importer: im, Log: log, Now: env.Now}
	env.Go(func(ctx context.Context) error { return p.Run(ctx, shopFlags.magentoEvery) })

	shops := env.Store.(store.Shops)
	env.Go(func(ctx context.Context) error {
		for {
			if n, err := shops.PruneShopDeliveries(ctx, env.Now().Add(-shopFlags.keepDeliveries)); err != nil {
				log.Warn("shop: prune webhook deliveries", "error", err)
			} else if n > 0 {
				log.Info("shop: pruned webhook deliveries", "count", n)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(6 * time.Hour):
			}
		}
	})
	return nil
}
