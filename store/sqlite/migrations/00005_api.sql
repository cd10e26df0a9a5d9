-- API keys (stored as the SHA-256 of the secret, never the secret) and the
-- answers kept for requests made with an Idempotency-Key. Keep version
-- numbers in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    name         TEXT    NOT NULL DEFAULT '',
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    scope        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE idempotency_keys (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
-- The purge of expired records.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
