-- PostgreSQL's migration of this version drops the events' foreign key
-- and makes event hashes compare bytewise; SQLite already compares text
-- bytewise, and dropping a foreign key there means rebuilding the table,
-- so its events keep the key. Here the samples ANALYZE keeps in
-- sqlite_stat4 are dropped (sqlite_stat1 stays): with them SQLite
-- prepares a statement again whenever a bound value might change its
-- plan, which cost an eighth of the CPU of a read under load, for plans
-- that sqlite_stat1 already gets right. Keep version numbers in step with
-- the other engine's migrations.

-- +goose Up
DELETE FROM sqlite_stat4;
ANALYZE sqlite_schema;

-- +goose Down
SELECT 1;
