package sqlcore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/waypost/waypost/store"
)

var _ store.Idempotency = (*Store)(nil)

// ClaimIdempotencyKey implements store.Idempotency. The read, the removal
// of a stale record and the insert run in one write transaction; on
// PostgreSQL two nodes claiming the same new key at once meet at the
// primary key, and the loser reads the winner's record.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, tenantID int64, key, requestHash string, now, staleBefore time.Time) (store.IdempotencyRecord, bool, error) {
	var (
		rec     store.IdempotencyRecord
		claimed bool
	)
	claim := func() error {
		return s.eng.Tx(ctx, func(q Querier) error {
			rows, err := q.Query(ctx, `SELECT tenant_id, key, request_hash, done, status, body, created_at
				FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`+s.eng.ForUpdate(), tenantID, key)
			cur, err := one(rows, err, scanIdempotency)
			switch {
			case err == nil && cur.CreatedAt.After(staleBefore):
				rec, claimed = cur, false
				return nil
			case err == nil:
				if _, err := q.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tenantID, key); err != nil {
					return err
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			at := now.UTC().Truncate(time.Microsecond)
			if _, err := q.Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, key, request_hash, done, status, created_at)
				VALUES ($1, $2, $3, $4, 0, $5)`, tenantID, key, requestHash, false, s.t(at)); err != nil {
				return err
			}
			rec = store.IdempotencyRecord{TenantID: tenantID, Key: key, RequestHash: requestHash, CreatedAt: at}
			claimed = true
			return nil
		})
	}
	err := claim()
	if err != nil && s.eng.UniqueViolation(err) {
		err = claim() // another node inserted first: read its record
	}
	if err != nil {
		return rec, false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	return rec, claimed, nil
}

func scanIdempotency(r Rows) (store.IdempotencyRecord, error) {
	var rec store.IdempotencyRecord
	err := r.Scan(&rec.TenantID, &rec.Key, &rec.RequestHash, &rec.Done, &rec.Status, &rec.Body, tc(&rec.CreatedAt))
	return rec, err
}

// CompleteIdempotencyKey implements store.Idempotency.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, tenantID int64, key string, status int, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `UPDATE idempotency_keys SET done = $1, status = $2, body = $3 WHERE tenant_id = $4 AND key = $5`,
			true, status, body, tenantID, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: idempotency key: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey implements store.Idempotency.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tenantID int64, key string) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		_, err := q.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND done = $3`, tenantID, key, false)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys implements store.Idempotency.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, s.t(before))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge idempotency keys: %w", err)
	}
	return int(n), nil
}
