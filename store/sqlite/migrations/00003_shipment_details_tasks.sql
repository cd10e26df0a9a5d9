-- Shipment details the tracking page, the API and delivery estimates need
-- (service level, order time, the buyer's address, completion), search
-- indexes for the dashboard and API, and the task queue through which
-- ingest tells alert rules, notifications and shop updates what changed.
-- Keep version numbers in step with store/postgres/migrations.

-- +goose Up
ALTER TABLE shipments ADD COLUMN service TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN ordered_at INTEGER;
ALTER TABLE shipments ADD COLUMN completed_at INTEGER;
ALTER TABLE shipments ADD COLUMN addr_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN addr_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN addr_city TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN addr_region TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN addr_postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN addr_country TEXT NOT NULL DEFAULT '';
CREATE INDEX shipments_tenant_email ON shipments (tenant_id, customer_email) WHERE customer_email <> '';
CREATE INDEX shipments_tenant_destination ON shipments (tenant_id, destination_country, created_at, id);
CREATE INDEX parcels_tenant_carrier ON parcels (tenant_id, carrier, shipment_id);

-- Queues that want a task for every shipment change.
CREATE TABLE task_queues (
    name       TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    queue       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id INTEGER NOT NULL DEFAULT 0,
    payload     BLOB    NOT NULL,
    run_at      INTEGER NOT NULL,
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX tasks_due ON tasks (queue, run_at, id);

-- +goose Down
DROP TABLE tasks;
DROP TABLE task_queues;
DROP INDEX parcels_tenant_carrier;
DROP INDEX shipments_tenant_destination;
DROP INDEX shipments_tenant_email;
ALTER TABLE shipments DROP COLUMN addr_country;
ALTER TABLE shipments DROP COLUMN addr_postal_code;
ALTER TABLE shipments DROP COLUMN addr_region;
ALTER TABLE shipments DROP COLUMN addr_city;
ALTER TABLE shipments DROP COLUMN addr_line2;
ALTER TABLE shipments DROP COLUMN addr_line1;
ALTER TABLE shipments DROP COLUMN completed_at;
ALTER TABLE shipments DROP COLUMN ordered_at;
ALTER TABLE shipments DROP COLUMN service;
