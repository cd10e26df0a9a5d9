// Command loadseed fills a database with one shop of N shipments (one
// parcel each) and an admin user, for measuring the dashboard under load
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
		err = seedPostgres(ctx, *url, tn.ID, *n)
	} else {
		err = seedSQLite(*path, tn.ID, *n)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "seeded %d shipments in %s; sign in to shop %s as %s\n", *n, time.Since(start).Round(time.Second), tn.Slug, u.Email)
}

// The generated rows spread over 120 days, nine statuses (one in twenty
// an exception), four destinations and three carriers.
func seedSQLite(path string, tenantID int64, n int) error {
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
		`ANALYZE`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

func seedPostgres(ctx context.Context, url string, tenantID int64, n int) error {
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
		`ANALYZE`,
	}
	for _, s := range stmts {
		if _, err := c.Exec(ctx, s); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}
