// Package alert catches shipments in trouble and sees them through: rules
// that raise an alert once per shipment and kind and clear it when the
// cause is gone, thresholds learned from the seller's own deliveries and
// overridable per carrier and lane, playbooks with likely causes,
// recommended actions and a ready message to the buyer in their language,
// notices to the seller's team (email digest, webhooks, Slack), and cases
// that a support agent works from open to resolved.
//
// Rules run in two places with the same code: on every change (the
// "alert" task queue that IngestEvents feeds) and on a timer that scans
// every active shipment in key order, because a stall is the absence of
// a change and only time reveals it.
package alert
