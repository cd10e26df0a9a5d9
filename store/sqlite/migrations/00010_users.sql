-- Dashboard users per tenant and their sessions (SQLite). Sessions are
-- found by the SHA-256 of the cookie token, never the token itself. Keep
-- version numbers in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    email         TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_login_at INTEGER
);
CREATE UNIQUE INDEX users_tenant_email ON users (tenant_id, email);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    idle_until INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
