package sqlcore

import (
	"context"
	"fmt"
	"strings"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Users = (*Store)(nil)

const userCols = `id, tenant_id, email, name, role, password_hash, created_at, updated_at, last_login_at`

func scanUser(r Rows) (store.User, error) {
	var u store.User
	var role string
	err := r.Scan(&u.ID, &u.TenantID, &u.Email, &u.Name, &role, &u.PasswordHash,
		tc(&u.CreatedAt), tc(&u.UpdatedAt), tc(&u.LastLoginAt))
	u.Role = store.Role(role)
	return u, err
}

// normalEmail is the form e-mails are stored and looked up in.
func normalEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func invalidUser(field, reason string) error {
	return store.Invalid(&shipment.InvalidError{Field: field, Reason: reason})
}

// CreateUser implements store.Users.
func (s *Store) CreateUser(ctx context.Context, tenantID int64, u *store.User) error {
	nu := *u
	nu.Email = normalEmail(nu.Email)
	nu.Name = strings.TrimSpace(nu.Name)
	switch {
	case nu.Email == "" || !strings.Contains(nu.Email, "@") || len(nu.Email) > 254:
		return invalidUser("email", "must be an e-mail address")
	case nu.PasswordHash == "":
		return invalidUser("password_hash", "must not be empty")
	case !nu.Role.Valid():
		return invalidUser("role", "must be admin or agent")
	}
	now := s.clock()
	nu.TenantID, nu.CreatedAt, nu.UpdatedAt, nu.LastLoginAt = tenantID, now, now, nu.LastLoginAt.UTC()
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", tenantID, store.ErrNotFound)
		}
		return queryOne(ctx, q, &nu.ID, `INSERT INTO users (tenant_id, email, name, role, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			tenantID, nu.Email, nu.Name, string(nu.Role), nu.PasswordHash, s.t(now), s.t(now))
	})
	switch {
	case err == nil:
		*u = nu
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: user %q: %w", nu.Email, store.ErrConflict)
	}
	return fmt.Errorf("store: create user: %w", err)
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, tenantID, userID int64) (store.User, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+userCols+` FROM users WHERE id = $1 AND tenant_id = $2`, userID, tenantID)
	u, err := one(rows, err, scanUser)
	if err != nil {
		return u, fmt.Errorf("store: user %d: %w", userID, err)
	}
	return u, nil
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context, tenantID int64) ([]store.User, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+userCols+` FROM users WHERE tenant_id = $1 ORDER BY email`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	list, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return list, nil
}

// FindLoginUser implements store.Users.
func (s *Store) FindLoginUser(ctx context.Context, tenantSlug, email string) (store.User, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+prefixCols("u.", userCols)+` FROM users u
		JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = $1 AND u.email = $2`,
		strings.TrimSpace(tenantSlug), normalEmail(email))
	u, err := one(rows, err, scanUser)
	if err != nil {
		return u, fmt.Errorf("store: sign-in user: %w", err)
	}
	return u, nil
}

// TenantIDBySlug implements store.Users.
func (s *Store) TenantIDBySlug(ctx context.Context, slug string) (int64, error) {
	var id int64
	if err := queryOne(ctx, s.eng.Reader(), &id, `SELECT id FROM tenants WHERE slug = $1`, strings.TrimSpace(slug)); err != nil {
		return 0, fmt.Errorf("store: tenant %q: %w", slug, err)
	}
	return id, nil
}

// SetUserPassword implements store.Users.
func (s *Store) SetUserPassword(ctx context.Context, tenantID, userID int64, hash string) error {
	if hash == "" {
		return invalidUser("password_hash", "must not be empty")
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4`,
			hash, s.t(s.clock()), userID, tenantID)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		// A new password signs out every browser that knew the old one.
		_, err = q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: user %d: set password: %w", userID, err)
	}
	return nil
}

// DeleteUser implements store.Users.
func (s *Store) DeleteUser(ctx context.Context, tenantID, userID int64) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		if _, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND tenant_id = $2`, userID, tenantID); err != nil {
			return err
		}
		n, err := q.Exec(ctx, `DELETE FROM users WHERE id = $1 AND tenant_id = $2`, userID, tenantID)
		if err == nil && n == 0 {
			err = store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete user %d: %w", userID, err)
	}
	return nil
}

// prefixCols qualifies every column of a comma-separated list.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
