-- Why a parcel is due when it is (the tracker's scheduling reason), a
-- lookup of parcels by number across tenants for carrier pushes, and a due
-- index in the claim's order (next_check_at, id), so claiming from a large
-- backlog of parcels due at the same instant reads the index in order
-- instead of sorting the backlog. Keep version numbers in step with the
-- other engine's migrations.

-- +goose Up
ALTER TABLE parcels ADD COLUMN next_check_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX parcels_number ON parcels (tracking_number);
DROP INDEX parcels_due;
CREATE INDEX parcels_due ON parcels (next_check_at, id) WHERE next_check_at IS NOT NULL;

-- +goose Down
DROP INDEX parcels_due;
CREATE INDEX parcels_due ON parcels (next_check_at) WHERE next_check_at IS NOT NULL;
DROP INDEX parcels_number;
ALTER TABLE parcels DROP COLUMN next_check_reason;
