-- Initial schema (SQLite). Times are INTEGER microseconds since the Unix
-- epoch, UTC: they compare and index as plain integers. Keep version numbers
-- in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE tenants (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE shipments (
    id                     INTEGER PRIMARY KEY,
    tenant_id              INTEGER NOT NULL REFERENCES tenants (id),
    reference              TEXT    NOT NULL DEFAULT '',
    customer_name          TEXT    NOT NULL DEFAULT '',
    customer_email         TEXT    NOT NULL DEFAULT '',
    customer_phone         TEXT    NOT NULL DEFAULT '',
    customer_language      TEXT    NOT NULL DEFAULT '',
    origin_country         TEXT    NOT NULL DEFAULT '',
    destination_country    TEXT    NOT NULL DEFAULT '',
    promised_date          INTEGER,
    status                 TEXT    NOT NULL DEFAULT 'pending',
    substatus              TEXT    NOT NULL DEFAULT 'pending.pending',
    status_at              INTEGER,
    last_event_at          INTEGER,
    ms_info_received       INTEGER,
    ms_picked_up           INTEGER,
    ms_departed_origin     INTEGER,
    ms_arrived_destination INTEGER,
    ms_customs_in          INTEGER,
    ms_customs_out         INTEGER,
    ms_out_for_delivery    INTEGER,
    ms_delivered           INTEGER,
    ms_returned            INTEGER,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
-- One reference per tenant (when given).
CREATE UNIQUE INDEX shipments_tenant_reference ON shipments (tenant_id, reference) WHERE reference <> '';
-- Newest-first pagination, overall and by status.
CREATE INDEX shipments_tenant_created ON shipments (tenant_id, created_at, id);
CREATE INDEX shipments_tenant_status ON shipments (tenant_id, status, created_at, id);

CREATE TABLE parcels (
    id                 INTEGER PRIMARY KEY,
    tenant_id          INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id        INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    carrier            TEXT    NOT NULL,
    tracking_number    TEXT    NOT NULL,
    extra              TEXT    NOT NULL DEFAULT '{}', -- JSON object of strings
    leg                INTEGER NOT NULL DEFAULT 1,
    status             TEXT    NOT NULL DEFAULT 'pending',
    substatus          TEXT    NOT NULL DEFAULT 'pending.pending',
    status_at          INTEGER,
    last_event_at      INTEGER,
    ms_info_received       INTEGER,
    ms_picked_up           INTEGER,
    ms_departed_origin     INTEGER,
    ms_arrived_destination INTEGER,
    ms_customs_in          INTEGER,
    ms_customs_out         INTEGER,
    ms_out_for_delivery    INTEGER,
    ms_delivered           INTEGER,
    ms_returned            INTEGER,
    -- The row is the schedule: when it is due, who holds it, how it went.
    next_check_at      INTEGER,
    lease_owner        TEXT    NOT NULL DEFAULT '',
    lease_until        INTEGER,
    last_checked_at    INTEGER,
    last_result        TEXT    NOT NULL DEFAULT '',
    last_error         TEXT    NOT NULL DEFAULT '',
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
-- Lookup by tracking number within a tenant; one parcel per carrier + number.
CREATE UNIQUE INDEX parcels_tenant_number ON parcels (tenant_id, tracking_number, carrier);
CREATE INDEX parcels_shipment ON parcels (shipment_id, leg, id);
-- The poller's due scan.
CREATE INDEX parcels_due ON parcels (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX parcels_tenant_status ON parcels (tenant_id, status);

-- Events have no ID column: (parcel_id, hash) identifies an event. The
-- implicit rowid keeps table inserts appending.
CREATE TABLE events (
    parcel_id     INTEGER NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    occurred_at   INTEGER NOT NULL,
    local_time    TEXT    NOT NULL DEFAULT '',
    zone          TEXT    NOT NULL DEFAULT '',
    utc_offset    INTEGER NOT NULL DEFAULT 0,
    offset_source TEXT    NOT NULL DEFAULT 'none',
    loc_text      TEXT    NOT NULL DEFAULT '',
    city          TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL DEFAULT '',
    postal_code   TEXT    NOT NULL DEFAULT '',
    country       TEXT    NOT NULL DEFAULT '',
    code          TEXT    NOT NULL DEFAULT '',
    text          TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT '',
    substatus     TEXT    NOT NULL DEFAULT '',
    hash          TEXT    NOT NULL,
    ingested_at   INTEGER NOT NULL
);
-- Idempotent ingest: an event is stored once per parcel. Hashes start with
-- the event's Unix second, so this index also serves per-parcel time scans
-- and grows at its end instead of at random pages.
CREATE UNIQUE INDEX events_parcel_hash ON events (parcel_id, hash);

-- +goose Down
DROP TABLE events;
DROP TABLE parcels;
DROP TABLE shipments;
DROP TABLE tenants;
