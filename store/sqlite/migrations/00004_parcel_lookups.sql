-- The (tenant_id, carrier, shipment_id) index of 00003 is dropped: the
-- carrier filter of the shipment list checks each shipment's parcels
-- through parcels_shipment instead, and this index, whose only usable
-- prefix for a shipment's parcels is the tenant, led the planners to walk
-- every parcel of a tenant to find one shipment's. Keep version numbers in
-- step with the other engine's migrations.

-- +goose Up
DROP INDEX parcels_tenant_carrier;

-- +goose Down
CREATE INDEX parcels_tenant_carrier ON parcels (tenant_id, carrier, shipment_id);
