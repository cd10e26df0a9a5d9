-- Delivery estimates (SQLite): lane statistics, each shipment's current
-- estimate, its revisions, and the carrier's declared date. Keep version
-- numbers in step with store/postgres/migrations.

-- +goose Up
-- Remaining-time distributions per lane and stage; '*' pools a field.
CREATE TABLE eta_lane_stats (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    origin       TEXT    NOT NULL,
    destination  TEXT    NOT NULL,
    carrier      TEXT    NOT NULL,
    service      TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    bin_seconds  INTEGER NOT NULL,
    bins         TEXT    NOT NULL, -- JSON array of counts
    weekdays     TEXT    NOT NULL, -- JSON array of 7 counts, Sunday first
    n            INTEGER NOT NULL,
    refreshed_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, origin, destination, carrier, service, stage)
);

CREATE TABLE eta_estimates (
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id      INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    stage            TEXT    NOT NULL,
    basis            TEXT    NOT NULL,
    samples          INTEGER NOT NULL,
    most_likely      INTEGER NOT NULL,
    earliest         INTEGER NOT NULL,
    latest           INTEGER NOT NULL,
    confidence       REAL    NOT NULL,
    earliest50       INTEGER NOT NULL,
    latest50         INTEGER NOT NULL,
    earliest95       INTEGER NOT NULL,
    latest95         INTEGER NOT NULL,
    promised_date    INTEGER,
    miss_probability REAL    NOT NULL DEFAULT 0,
    carrier_date     INTEGER,
    reason           TEXT    NOT NULL DEFAULT '',
    computed_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id)
);
-- The delivery forecast reads estimates by day.
CREATE INDEX eta_estimates_day ON eta_estimates (tenant_id, most_likely);

CREATE TABLE eta_revisions (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id      INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    stage            TEXT    NOT NULL,
    basis            TEXT    NOT NULL,
    samples          INTEGER NOT NULL,
    most_likely      INTEGER NOT NULL,
    earliest         INTEGER NOT NULL,
    latest           INTEGER NOT NULL,
    confidence       REAL    NOT NULL,
    earliest50       INTEGER NOT NULL,
    latest50         INTEGER NOT NULL,
    earliest95       INTEGER NOT NULL,
    latest95         INTEGER NOT NULL,
    promised_date    INTEGER,
    miss_probability REAL    NOT NULL DEFAULT 0,
    carrier_date     INTEGER,
    reason           TEXT    NOT NULL DEFAULT '',
    computed_at      INTEGER NOT NULL
);
CREATE INDEX eta_revisions_shipment ON eta_revisions (tenant_id, shipment_id, id);

CREATE TABLE eta_carrier_dates (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id  INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    carrier_date INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id)
);

-- Training reads recent deliveries; analytics reads by creation time.
CREATE INDEX shipments_tenant_delivered ON shipments (tenant_id, ms_delivered) WHERE ms_delivered IS NOT NULL;

-- +goose Down
DROP INDEX shipments_tenant_delivered;
DROP TABLE eta_carrier_dates;
DROP TABLE eta_revisions;
DROP TABLE eta_estimates;
DROP TABLE eta_lane_stats;
