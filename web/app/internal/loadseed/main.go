// Command loadseed fills a database with one shop of N shipments (one
// parcel each, with -events scans each) and an admin user, for measuring the dashboard under load
// (docs/dashboard.md). Rows are generated inside the database in one
// statement per table, so a million take seconds, not hours.
//
//	go run ./web/app/internal/loadseed --db /tmp/load.db -n 1000000
//	go run ./web/app/internal/loadseed --database-url postgres://… -n 1000000
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/web/app"
)

func main() {
	path := flag.String("db", "", "SQLite file to create")
	url := flag.String("database-url", "", "PostgreSQL URL (an empty database or schema)")
	n := flag.Int("n", 1_000_000, "shipments")
	events := flag.Int("events", 6, "events per parcel (at most 6), so pages show a timeline")
	pw := flag.String("password", "load-test-password", "the admin's password")
	flag.Parse()
	ctx := context.Background()
	var st store.Store
	var err error
	if *url != "" {
		st, err = postgres.Open(ctx, *url, postgres.Options{})
	} else {
		st, err = sqlite.Open(ctx, *path, sqlite.Options{})
	}
	if err != nil {
		log.Fatal(err)
	}
	tn := shipment.Tenant{Slug: "load-shop", Name: "Load shop"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		log.Fatal(err)
	}
	hash, err := app.HashPassword(*pw)
	if err != nil {
		log.Fatal(err)
	}
	u := store.User{Email: "admin@load.example", Role: store.RoleAdmin, PasswordHash: hash}
	if err := st.(store.Users).CreateUser(ctx, tn.ID, &u); err != nil {
		log.Fatal(err)
	}
	st.Close()
	start := time.Now()
	if *url != "" {
		err = seedPostgres(ctx, *url, tn.ID, *n, *events)
	} else {
		err = seedSQLite(*path, tn.ID, *n, *events)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "seeded %d shipments in %s; sign in to shop %s as %s\n", *n, time.Since(start).Round(time.Second), tn.Slug, u.Email)
}

// The generated rows spread over 120 days, nine statuses (one in twenty
// an exception), four destinations and three carriers.
func seedSQLite(path string, tenantID int64, n, events int) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UnixMicro()
	stmts := []string{
		fmt.Sprintf(`INSERT INTO shipments (tenant_id, reference, customer_name, customer_email, origin_country, destination_country, status, substatus, created_at, updated_at)
		WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < %d)
		SELECT %d, 'L-' || x, 'Buyer ' || x, 'buyer' || x || '@example.com', 'CN',
		  CASE x %% 4 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' WHEN 2 THEN 'GB' ELSE 'US' END,
		  CASE WHEN x %% 20 = 0 THEN 'exception' WHEN x %% 3 = 0 THEN 'delivered' ELSE 'in_transit' END,
		  CASE WHEN x %% 20 = 0 THEN 'exception.customs_held' WHEN x %% 3 = 0 THEN 'delivered.delivered' ELSE 'in_transit.arrived_facility' END,
		  %d - x * 10368000, %d FROM c`, n, tenantID, now, now),
		fmt.Sprintf(`INSERT INTO parcels (tenant_id, shipment_id, carrier, tracking_number, status, substatus, created_at, updated_at)
		SELECT tenant_id, id, CASE id %% 3 WHEN 0 THEN 'china-post' WHEN 1 THEN 'dhl' ELSE 'ups' END, 'LN' || printf('%%09d', id) || 'CN', status, substatus, created_at, updated_at
		FROM shipments WHERE tenant_id = %d`, tenantID),
		// Hashes start with the event's Unix second, like real ones.
		fmt.Sprintf(`INSERT INTO events (parcel_id, occurred_at, loc_text, city, country, code, text, language, status, substatus, hash, ingested_at)
		WITH RECURSIVE k(s) AS (SELECT 1 UNION ALL SELECT s+1 FROM k WHERE s < %d)
		SELECT p.id, p.created_at + k.s * 21600000000, %s, %s, %s, 'S' || k.s, %s, 'en', %s, %s,
		  printf('%%010d-%%d', (p.created_at + k.s * 21600000000) / 1000000, k.s), p.created_at + k.s * 21600000000
		FROM parcels p, k WHERE p.tenant_id = %d ORDER BY p.id, k.s`, min(events, len(scans)), scanCase("loc"), scanCase("city"), scanCase("country"), scanCase("text"), scanCase("status"), scanCase("substatus"), tenantID),
		`ANALYZE`,
	}
	if events <= 0 {
		stmts = slices.Delete(stmts, 2, 3)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

func seedPostgres(ctx context.Context, url string, tenantID int64, n, events int) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	stmts := []string{
		fmt.Sprintf(`INSERT INTO shipments (tenant_id, reference, customer_name, customer_email, origin_country, destination_country, status, substatus, created_at, updated_at)
		SELECT %d, 'L-' || x, 'Buyer ' || x, 'buyer' || x || '@example.com', 'CN',
		  (ARRAY['DE','FR','GB','US'])[x %% 4 + 1],
		  CASE WHEN x %% 20 = 0 THEN 'exception' WHEN x %% 3 = 0 THEN 'delivered' ELSE 'in_transit' END,
		  CASE WHEN x %% 20 = 0 THEN 'exception.customs_held' WHEN x %% 3 = 0 THEN 'delivered.delivered' ELSE 'in_transit.arrived_facility' END,
		  now() - x * interval '10.368 seconds', now() FROM generate_series(1, %d) x`, tenantID, n),
		fmt.Sprintf(`INSERT INTO parcels (tenant_id, shipment_id, carrier, tracking_number, status, substatus, created_at, updated_at)
		SELECT tenant_id, id, (ARRAY['china-post','dhl','ups'])[id %% 3 + 1], 'LN' || lpad(id::text, 9, '0') || 'CN', status, substatus, created_at, updated_at
		FROM shipments WHERE tenant_id = %d`, tenantID),
		fmt.Sprintf(`INSERT INTO events (parcel_id, occurred_at, loc_text, city, country, code, text, language, status, substatus, hash, ingested_at)
		SELECT p.id, p.created_at + k.s * interval '6 hours', %s, %s, %s, 'S' || k.s, %s, 'en', %s, %s,
		  lpad(extract(epoch FROM date_trunc('second', p.created_at + k.s * interval '6 hours'))::bigint::text, 10, '0') || '-' || k.s,
		  p.created_at + k.s * interval '6 hours'
		FROM parcels p CROSS JOIN generate_series(1, %d) k(s) WHERE p.tenant_id = %d ORDER BY p.id, k.s`, scanCase("loc"), scanCase("city"), scanCase("country"), scanCase("text"), scanCase("status"), scanCase("substatus"), min(events, len(scans)), tenantID),
		`ANALYZE`,
	}
	if events <= 0 {
		stmts = slices.Delete(stmts, 2, 3)
	}
	for _, s := range stmts {
		if _, err := c.Exec(ctx, s); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// scans is the journey every seeded parcel makes, one event per step: a
// China Post parcel to Europe (texts as the carrier's API gives them).
var scans = []struct{ loc, city, country, text, status, substatus string }{
	{"SHENZHEN", "Shenzhen", "CN", "Electronic information received", "info_received", "info_received.info_received"},
	{"SHENZHEN", "Shenzhen", "CN", "Posting / Collection", "in_transit", "in_transit.accepted"},
	{"GUANGZHOU", "Guangzhou", "CN", "Departure from outward office of exchange", "in_transit", "in_transit.departed_origin_country"},
	{"FRANKFURT", "Frankfurt", "DE", "Arrival at inward office of exchange", "in_transit", "in_transit.arrived_destination_country"},
	{"FRANKFURT", "Frankfurt", "DE", "Held by import customs", "in_transit", "in_transit.customs_processing"},
	{"FRANKFURT", "Frankfurt", "DE", "Departure from inward office of exchange", "in_transit", "in_transit.customs_cleared"},
}

// scanCase is an SQL CASE over k.s (the step, from 1) giving one field of
// scans; both engines read it.
func scanCase(field string) string {
	var b strings.Builder
	b.WriteString("CASE k.s")
	for i, s := range scans {
		v := map[string]string{"loc": s.loc, "city": s.city, "country": s.country, "text": s.text, "status": s.status, "substatus": s.substatus}[field]
		fmt.Fprintf(&b, " WHEN %d THEN '%s'", i+1, v)
	}
	b.WriteString(" END")
	return b.String()
}
