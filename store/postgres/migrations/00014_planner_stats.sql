-- SQLite's migration of this version seeds planner statistics;
-- PostgreSQL gathers its own. Keep version numbers in step with the other
-- engine's migrations.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
