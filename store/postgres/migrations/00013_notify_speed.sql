-- Indexes for planning notifications in batches: a change task must not
-- be completed while an earlier task of its shipment is still queued, and
-- that check runs once per task, so it must not scan the queue.
-- Keep version numbers in step with store/sqlite/migrations.

-- +goose Up
CREATE INDEX tasks_shipment ON tasks (queue, tenant_id, shipment_id, id);

-- +goose Down
DROP INDEX tasks_shipment;
