-- The public tracking page: branding per tenant, daily page counters and
-- the reports buyers file from the page, with their photos (SQLite).
-- Keep version numbers in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE brandings (
    tenant_id     INTEGER PRIMARY KEY REFERENCES tenants (id),
    display_name  TEXT    NOT NULL DEFAULT '',
    logo_url      TEXT    NOT NULL DEFAULT '',
    primary_color TEXT    NOT NULL DEFAULT '',
    accent_color  TEXT    NOT NULL DEFAULT '',
    shop_url      TEXT    NOT NULL DEFAULT '',
    support_url   TEXT    NOT NULL DEFAULT '',
    support_email TEXT    NOT NULL DEFAULT '',
    texts         TEXT    NOT NULL DEFAULT '{}',
    updated_at    INTEGER NOT NULL
);

CREATE TABLE page_counts (
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    day            INTEGER NOT NULL,
    views          INTEGER NOT NULL DEFAULT 0,
    lookups        INTEGER NOT NULL DEFAULT 0,
    failed_lookups INTEGER NOT NULL DEFAULT 0,
    reports        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);

CREATE TABLE buyer_reports (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    message     TEXT    NOT NULL DEFAULT '',
    report_key  TEXT    NOT NULL DEFAULT '',
    case_id     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX buyer_reports_shipment ON buyer_reports (tenant_id, shipment_id, id);
CREATE UNIQUE INDEX buyer_reports_key ON buyer_reports (tenant_id, report_key) WHERE report_key <> '';

CREATE TABLE buyer_report_photos (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    report_id    INTEGER NOT NULL REFERENCES buyer_reports (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL
);
CREATE INDEX buyer_report_photos_report ON buyer_report_photos (tenant_id, report_id, id);

-- +goose Down
DROP TABLE buyer_report_photos;
DROP TABLE buyer_reports;
DROP TABLE page_counts;
DROP TABLE brandings;
