package sqlcore

import (
	"context"
	"fmt"
	"time"

	"github.com/waypost/waypost/store"
)

// CreateSession implements store.Users.
func (s *Store) CreateSession(ctx context.Context, ss *store.Session) error {
	switch {
	case len(ss.TokenHash) < 32:
		return invalidUser("token_hash", "must be a hash of a random token")
	case ss.CSRFToken == "":
		return invalidUser("csrf_token", "must not be empty")
	case ss.IdleUntil.IsZero() || ss.ExpiresAt.IsZero():
		return invalidUser("expires_at", "must be set")
	}
	n := *ss
	n.CreatedAt = s.clock()
	if n.IdleUntil.After(n.ExpiresAt) {
		n.IdleUntil = n.ExpiresAt
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		// The user must be the tenant's: a session never spans tenants.
		cnt, err := q.Exec(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2 AND tenant_id = $3`,
			s.t(n.CreatedAt), n.UserID, n.TenantID)
		if err != nil {
			return err
		}
		if cnt == 0 {
			return fmt.Errorf("user %d: %w", n.UserID, store.ErrNotFound)
		}
		_, err = q.Exec(ctx, `INSERT INTO sessions (token_hash, tenant_id, user_id, csrf_token, created_at, idle_until, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, n.TokenHash, n.TenantID, n.UserID, n.CSRFToken,
			s.t(n.CreatedAt), s.t(n.IdleUntil), s.t(n.ExpiresAt))
		return err
	})
	switch {
	case err == nil:
		*ss = n
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: session: %w", store.ErrConflict)
	}
	return fmt.Errorf("store: create session: %w", err)
}

// GetSession implements store.Users.
func (s *Store) GetSession(ctx context.Context, tokenHash string, now time.Time) (store.Session, store.User, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT s.token_hash, s.tenant_id, s.user_id, s.csrf_token, s.created_at,
		s.idle_until, s.expires_at, `+prefixCols("u.", userCols)+`
		FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
		WHERE s.token_hash = $1 AND s.idle_until > $2 AND s.expires_at > $2`, tokenHash, s.t(now))
	type pair struct {
		s store.Session
		u store.User
	}
	p, err := one(rows, err, func(r Rows) (pair, error) {
		var p pair
		var role string
		err := r.Scan(&p.s.TokenHash, &p.s.TenantID, &p.s.UserID, &p.s.CSRFToken, tc(&p.s.CreatedAt),
			tc(&p.s.IdleUntil), tc(&p.s.ExpiresAt),
			&p.u.ID, &p.u.TenantID, &p.u.Email, &p.u.Name, &role, &p.u.PasswordHash,
			tc(&p.u.CreatedAt), tc(&p.u.UpdatedAt), tc(&p.u.LastLoginAt))
		p.u.Role = store.Role(role)
		return p, err
	})
	if err != nil {
		return store.Session{}, store.User{}, fmt.Errorf("store: session: %w", err)
	}
	return p.s, p.u, nil
}

// TouchSession implements store.Users.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, idleUntil time.Time) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE sessions SET idle_until = CASE WHEN $1 < expires_at THEN $1 ELSE expires_at END
			WHERE token_hash = $2`, s.t(idleUntil), tokenHash)
		if err == nil && n == 0 {
			err = store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements store.Users.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		_, err := q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements store.Users.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `DELETE FROM sessions WHERE idle_until <= $1 OR expires_at <= $1`, s.t(now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return int(n), nil
}
