-- Notification settings per tenant, tenants' own templates, buyers'
-- subscriptions per shipment and the moments already sent (one row per
-- shipment, moment, channel and recipient, so a moment never repeats).
-- Keep version numbers in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE notify_settings (
    tenant_id        INTEGER PRIMARY KEY REFERENCES tenants (id),
    default_language TEXT    NOT NULL DEFAULT '',
    quiet_start      INTEGER NOT NULL DEFAULT 0,
    quiet_end        INTEGER NOT NULL DEFAULT 0,
    sms_max_segments INTEGER NOT NULL DEFAULT 0,
    rules            TEXT    NOT NULL DEFAULT '[]',
    updated_at       INTEGER NOT NULL
);

CREATE TABLE notify_templates (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    moment     TEXT    NOT NULL,
    part       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, moment, part, language)
);

CREATE TABLE notify_subscriptions (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    p256dh      TEXT    NOT NULL DEFAULT '',
    auth        TEXT    NOT NULL DEFAULT '',
    language    TEXT    NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX notify_subscriptions_target ON notify_subscriptions (tenant_id, shipment_id, channel, target);

CREATE TABLE notify_sent (
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    shipment_id INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    moment      TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    message_id  TEXT    NOT NULL DEFAULT '',
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, moment, channel, target)
);

-- +goose Down
DROP TABLE notify_sent;
DROP TABLE notify_subscriptions;
DROP TABLE notify_templates;
DROP TABLE notify_settings;
