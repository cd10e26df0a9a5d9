package store

import (
	"context"
	"log/slog"
	"time"
)

// Users keeps the people who sign in to a tenant's dashboard and their
// sessions. Every user belongs to one tenant; a user of another tenant is
// ErrNotFound, like a missing one. Passwords are stored only as the hash
// the caller computed; session tokens only as their SHA-256, so a copy of
// the database lets nobody sign in.
type Users interface {
	// CreateUser stores u for the tenant, filling in ID, TenantID and
	// timestamps. The e-mail is trimmed and lower-cased; one e-mail per
	// tenant (ErrConflict). An empty e-mail or hash, or an unknown role,
	// is ErrInvalid.
	CreateUser(ctx context.Context, tenantID int64, u *User) error
	// GetUser returns one of the tenant's users.
	GetUser(ctx context.Context, tenantID, userID int64) (User, error)
	// ListUsers returns the tenant's users ordered by e-mail.
	ListUsers(ctx context.Context, tenantID int64) ([]User, error)
	// FindLoginUser returns the user with this e-mail in the tenant with
	// this slug, for signing in. Either missing is ErrNotFound.
	FindLoginUser(ctx context.Context, tenantSlug, email string) (User, error)
	// TenantIDBySlug returns the ID of the tenant with this slug.
	TenantIDBySlug(ctx context.Context, slug string) (int64, error)
	// SetUserPassword replaces a user's password hash and ends all of the
	// user's sessions.
	SetUserPassword(ctx context.Context, tenantID, userID int64, passwordHash string) error
	// DeleteUser removes a user and the user's sessions.
	DeleteUser(ctx context.Context, tenantID, userID int64) error

	// CreateSession stores a session (TokenHash, TenantID, UserID,
	// CSRFToken, IdleUntil and ExpiresAt set by the caller) and records
	// the sign-in time on the user. A user not of the tenant is
	// ErrNotFound.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns the session with this token hash and its user.
	// A session whose IdleUntil or ExpiresAt is at or before now is
	// ErrNotFound, as is a missing one.
	GetSession(ctx context.Context, tokenHash string, now time.Time) (Session, User, error)
	// TouchSession moves a session's idle expiry to idleUntil, never
	// past its absolute ExpiresAt.
	TouchSession(ctx context.Context, tokenHash string, idleUntil time.Time) error
	// DeleteSession ends one session; a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions expired at now and returns
	// how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// Role is what a dashboard user may do.
type Role string

// Roles. Agents work shipments and cases; only admins change settings,
// API keys and users.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent }

// User is one person who signs in to a tenant's dashboard.
type User struct {
	ID       int64
	TenantID int64
	Email    string
	Name     string
	Role     Role
	// PasswordHash is the encoded hash (e.g. bcrypt); never shown or logged.
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time // zero before the first sign-in
}

// LogValue keeps the password hash out of logs.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", u.ID), slog.Int64("tenant_id", u.TenantID),
		slog.String("email", u.Email), slog.String("role", string(u.Role)))
}

// Session is one signed-in browser.
type Session struct {
	// TokenHash is the hex SHA-256 of the cookie's random token.
	TokenHash string
	TenantID  int64
	UserID    int64
	// CSRFToken is the synchroniser token the session's forms carry.
	CSRFToken string
	CreatedAt time.Time
	// IdleUntil is when the session ends without activity; ExpiresAt is
	// when it ends regardless.
	IdleUntil time.Time
	ExpiresAt time.Time
}
