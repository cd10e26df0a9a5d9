// Package shipment holds Waypost's domain model: tenants, shipments, the
// parcels (carrier legs) that carry them, and the tracking events those
// parcels produce. It also owns the pure rules every storage engine applies
// in the same way: event identity (the hash used for idempotent ingest),
// validation and repair of carrier input, the derivation of a shipment's
// status from the events of all its parcels, and its milestone times.
//
// Nothing here touches a database or the network; store implementations call
// these functions inside their transactions.
package shipment
