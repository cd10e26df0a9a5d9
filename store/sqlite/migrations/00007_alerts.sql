-- Exception alerts, their per-tenant thresholds, the cases support agents
-- work through, and one audit table for the history of both (SQLite).
-- Times are INTEGER microseconds, as everywhere. Keep version numbers in
-- step with store/postgres/migrations.

-- +goose Up
CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id    INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    carrier        TEXT    NOT NULL DEFAULT '',
    substatus      TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '',
    raised_at      INTEGER NOT NULL,
    cleared_at     INTEGER,
    cleared_reason TEXT    NOT NULL DEFAULT '',
    -- Webhook notices: 1 once alert.raised is handed to the outbox, 2 once
    -- alert.cleared is; notice_due marks rows with a notice to send.
    notices_sent   INTEGER NOT NULL DEFAULT 0,
    notice_due     INTEGER NOT NULL DEFAULT 1,
    digested_at    INTEGER
);
-- At most one open alert per shipment and kind: raising is idempotent.
CREATE UNIQUE INDEX alerts_open_kind ON alerts (tenant_id, shipment_id, kind) WHERE cleared_at IS NULL;
-- The scan's lookup of a page of shipments' open alerts.
CREATE INDEX alerts_open_shipment ON alerts (shipment_id) WHERE cleared_at IS NULL;
-- The dashboard queue: open alerts by tenant, newest first.
CREATE INDEX alerts_tenant_open ON alerts (tenant_id, raised_at, id) WHERE cleared_at IS NULL;
CREATE INDEX alerts_tenant_shipment ON alerts (tenant_id, shipment_id, id);
CREATE INDEX alerts_notice_due ON alerts (id) WHERE notice_due = 1;
CREATE INDEX alerts_undigested ON alerts (tenant_id, id) WHERE digested_at IS NULL;

-- Threshold overrides; empty carrier, origin or destination match any.
CREATE TABLE alert_settings (
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    kind        TEXT    NOT NULL,
    carrier     TEXT    NOT NULL DEFAULT '',
    origin      TEXT    NOT NULL DEFAULT '',
    destination TEXT    NOT NULL DEFAULT '',
    threshold_s INTEGER NOT NULL DEFAULT 0,
    disabled    INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, carrier, origin, destination)
);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id       INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    alert_id          INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
    state             TEXT    NOT NULL DEFAULT 'open',
    resolution        TEXT    NOT NULL DEFAULT '',
    owner             TEXT    NOT NULL DEFAULT '',
    title             TEXT    NOT NULL DEFAULT '',
    next_follow_up_at INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    resolved_at       INTEGER
);
CREATE INDEX cases_tenant ON cases (tenant_id, state, id);
CREATE INDEX cases_tenant_shipment ON cases (tenant_id, shipment_id);
-- One open case per alert.
CREATE UNIQUE INDEX cases_alert ON cases (alert_id) WHERE alert_id IS NOT NULL AND state <> 'resolved';
CREATE INDEX cases_follow_up ON cases (next_follow_up_at, id) WHERE next_follow_up_at IS NOT NULL;

-- Attachments live in the database, so every node of a cluster sees them
-- and a backup of the database is a backup of the cases.
CREATE TABLE case_attachments (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    uploaded_by  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (tenant_id, case_id, id);

-- History of alerts and cases: raised, cleared, opened, state changes,
-- notes, owners, attachments, reminders.
CREATE TABLE alert_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id INTEGER NOT NULL DEFAULT 0,
    alert_id    INTEGER NOT NULL DEFAULT 0,
    case_id     INTEGER NOT NULL DEFAULT 0,
    action      TEXT    NOT NULL,
    actor       TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    occurred_at INTEGER NOT NULL
);
CREATE INDEX alert_events_case ON alert_events (tenant_id, case_id, id) WHERE case_id <> 0;
CREATE INDEX alert_events_alert ON alert_events (tenant_id, alert_id, id) WHERE alert_id <> 0;

-- +goose Down
DROP TABLE alert_events;
DROP TABLE case_attachments;
DROP TABLE cases;
DROP TABLE alert_settings;
DROP TABLE alerts;
