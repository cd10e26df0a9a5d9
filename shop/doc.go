// Package shop connects sellers' shops to Waypost: orders and tracking
// numbers come in (Shopify and WooCommerce by signed webhooks, Magento 2 by
// polling its REST API) and become shipments and parcels; status changes
// go back out to the shop (Shopify fulfilment events, WooCommerce order
// notes, Magento shipment comments) from the "shop" task queue.
//
// This package holds what the platforms share: the carrier-name table,
// credential sealing, the import of an order into the store, the webhook
// handler and the post-back worker. Each platform's wire format lives in
// its own subpackage (shop/shopify, shop/woocommerce, shop/magento).
package shop
