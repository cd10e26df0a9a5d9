-- Cheaper event inserts. The events table drops its foreign key to
-- parcels: every write of events goes through IngestEvents, which holds
-- the parcels' rows FOR UPDATE for the whole transaction (so no parcel can
-- vanish or gain events from another writer meanwhile), and
-- DeleteShipment deletes a shipment's events itself; the key only added a
-- parcel lookup and a share lock per inserted row. Event hashes compare
-- bytewise (COLLATE "C"): they are hex-like ASCII, and the unique index on
-- (parcel_id, hash) need not pay for locale-aware comparison. Keep version
-- numbers in step with the other engine's migrations.

-- +goose Up
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_parcel_id_fkey;
ALTER TABLE events ALTER COLUMN hash TYPE text COLLATE "C";

-- +goose Down
ALTER TABLE events ALTER COLUMN hash TYPE text COLLATE "default";
ALTER TABLE events ADD CONSTRAINT events_parcel_id_fkey FOREIGN KEY (parcel_id) REFERENCES parcels (id) ON DELETE CASCADE;
