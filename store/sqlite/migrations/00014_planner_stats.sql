-- Planner statistics for a new database. SQLite's planner, without
-- statistics, rates an equality on the first column of any index alike:
-- it may then find a shipment's parcels through the tenant's index
-- (walking every parcel of the shop) instead of parcels_shipment. These
-- rows tell it what holds for every Waypost database: a tenant has many
-- rows, a shipment few. Tables ANALYZE has measured keep their own rows.
-- PostgreSQL gathers its statistics itself, so its migration does
-- nothing. Keep version numbers in step with the other engine's migrations.

-- +goose Up
ANALYZE;
-- Empty tables are measured as empty, which says nothing about them.
DELETE FROM sqlite_stat1 WHERE stat = '0' OR stat LIKE '0 %';
INSERT INTO sqlite_stat1 (tbl, idx, stat)
SELECT v.tbl, v.idx, v.stat FROM (
    SELECT 'parcels' AS tbl, 'parcels_tenant_status' AS idx, '1000000 1000000 100000' AS stat
    UNION ALL SELECT 'parcels', 'parcels_tenant_number', '1000000 1000000 1 1'
    UNION ALL SELECT 'parcels', 'parcels_shipment', '1000000 2 1 1'
    UNION ALL SELECT 'parcels', 'parcels_number', '1000000 1'
    UNION ALL SELECT 'parcels', 'parcels_due', '1000000 1 1'
    UNION ALL SELECT 'shipments', 'shipments_tenant_created', '1000000 1000000 1 1'
    UNION ALL SELECT 'shipments', 'shipments_tenant_status', '1000000 1000000 100000 1 1'
    UNION ALL SELECT 'shipments', 'shipments_tenant_reference', '1000000 1000000 1'
    UNION ALL SELECT 'shipments', 'shipments_tenant_email', '1000000 1000000 3'
    UNION ALL SELECT 'shipments', 'shipments_tenant_destination', '1000000 1000000 20000 1 1'
    UNION ALL SELECT 'events', 'events_parcel_hash', '10000000 10 1'
) v
WHERE NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = v.tbl);
ANALYZE sqlite_schema;

-- +goose Down
DELETE FROM sqlite_stat1 WHERE stat LIKE '1000000 %' OR stat LIKE '10000000 %';
