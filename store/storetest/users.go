package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
)

// RunUsers runs the contract of store.Users (dashboard users and
// sessions). Subtests run in parallel, each on its own store.
func RunUsers(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture, store.Users)
	}{
		{"CreateAndFind", testUsersCreateAndFind},
		{"Invalid", testUsersInvalid},
		{"TenantIsolation", testUsersIsolation},
		{"SessionLifecycle", testSessionLifecycle},
		{"SessionExpiry", testSessionExpiry},
		{"PasswordChangeEndsSessions", testPasswordEndsSessions},
		{"DeleteUser", testDeleteUser},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			u, ok := s.(store.Users)
			if !ok {
				t.Fatalf("%T does not implement store.Users", s)
			}
			tc.fn(t, newFixture(t, s), u)
		})
	}
}

func (f *fixture) user(us store.Users, tenantID int64, email string, role store.Role) store.User {
	f.t.Helper()
	u := store.User{Email: email, Name: "Sam", Role: role, PasswordHash: "$2a$10$hash-of-" + email}
	if err := us.CreateUser(f.ctx, tenantID, &u); err != nil {
		f.t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// token returns a distinct 64-character stand-in for a token hash.
func token() string { return fmt.Sprintf("%064d", seq.Add(1)) }

func testUsersCreateAndFind(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	u := store.User{Email: "  Ada@Example.COM ", Name: " Ada ", Role: store.RoleAdmin, PasswordHash: "h1"}
	if err := us.CreateUser(f.ctx, tn.ID, &u); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.TenantID != tn.ID || u.Email != "ada@example.com" || u.Name != "Ada" || u.CreatedAt.IsZero() {
		t.Fatalf("created user %+v", u)
	}
	dup := store.User{Email: "ADA@example.com", Role: store.RoleAgent, PasswordHash: "h2"}
	wantErr(t, "duplicate e-mail", us.CreateUser(f.ctx, tn.ID, &dup), store.ErrConflict)

	got, err := us.FindLoginUser(f.ctx, tn.Slug, "ada@EXAMPLE.com")
	if err != nil || got.ID != u.ID || got.PasswordHash != "h1" || got.Role != store.RoleAdmin {
		t.Fatalf("FindLoginUser = %+v, %v", got, err)
	}
	_, err = us.FindLoginUser(f.ctx, tn.Slug, "nobody@example.com")
	wantErr(t, "unknown e-mail", err, store.ErrNotFound)
	_, err = us.FindLoginUser(f.ctx, "no-such-shop", "ada@example.com")
	wantErr(t, "unknown tenant", err, store.ErrNotFound)

	id, err := us.TenantIDBySlug(f.ctx, tn.Slug)
	if err != nil || id != tn.ID {
		t.Fatalf("TenantIDBySlug = %d, %v", id, err)
	}
	_, err = us.TenantIDBySlug(f.ctx, "no-such-shop")
	wantErr(t, "TenantIDBySlug unknown", err, store.ErrNotFound)

	f.user(us, tn.ID, "bob@example.com", store.RoleAgent)
	list, err := us.ListUsers(f.ctx, tn.ID)
	if err != nil || len(list) != 2 || list[0].Email != "ada@example.com" || list[1].Role != store.RoleAgent {
		t.Fatalf("ListUsers = %+v, %v", list, err)
	}
	g, err := us.GetUser(f.ctx, tn.ID, u.ID)
	if err != nil || g.Email != u.Email {
		t.Fatalf("GetUser = %+v, %v", g, err)
	}
}

func testUsersInvalid(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	for _, u := range []store.User{
		{Email: "", Role: store.RoleAdmin, PasswordHash: "h"},
		{Email: "not-an-address", Role: store.RoleAdmin, PasswordHash: "h"},
		{Email: "a@example.com", Role: "owner", PasswordHash: "h"},
		{Email: "a@example.com", Role: store.RoleAgent},
	} {
		err := us.CreateUser(f.ctx, tn.ID, &u)
		wantErr(t, fmt.Sprintf("CreateUser(%q, %q)", u.Email, u.Role), err, store.ErrInvalid)
		if store.Code(err) != "invalid" {
			t.Errorf("code %q, want invalid", store.Code(err))
		}
	}
	u := store.User{Email: "a@example.com", Role: store.RoleAgent, PasswordHash: "h"}
	wantErr(t, "unknown tenant", us.CreateUser(f.ctx, tn.ID+1000, &u), store.ErrNotFound)
	if list, _ := us.ListUsers(f.ctx, tn.ID); len(list) != 0 {
		t.Errorf("rejected users were stored: %+v", list)
	}
}

func testUsersIsolation(t *testing.T, f *fixture, us store.Users) {
	a, b := f.tenant(), f.tenant()
	ub := f.user(us, b.ID, "bea@example.com", store.RoleAdmin)
	_, err := us.GetUser(f.ctx, a.ID, ub.ID)
	wantErr(t, "GetUser", err, store.ErrNotFound)
	_, err = us.FindLoginUser(f.ctx, a.Slug, "bea@example.com")
	wantErr(t, "FindLoginUser", err, store.ErrNotFound)
	wantErr(t, "SetUserPassword", us.SetUserPassword(f.ctx, a.ID, ub.ID, "forged"), store.ErrNotFound)
	wantErr(t, "DeleteUser", us.DeleteUser(f.ctx, a.ID, ub.ID), store.ErrNotFound)
	now := time.Now()
	forged := store.Session{TokenHash: token(), TenantID: a.ID, UserID: ub.ID, CSRFToken: "c",
		IdleUntil: now.Add(time.Hour), ExpiresAt: now.Add(time.Hour)}
	wantErr(t, "CreateSession across tenants", us.CreateSession(f.ctx, &forged), store.ErrNotFound)
	if list, _ := us.ListUsers(f.ctx, a.ID); len(list) != 0 {
		t.Errorf("tenant A lists B's users: %+v", list)
	}
	// The same e-mail may exist in two tenants.
	f.user(us, a.ID, "bea@example.com", store.RoleAgent)
	got, err := us.FindLoginUser(f.ctx, b.Slug, "bea@example.com")
	if err != nil || got.ID != ub.ID || got.PasswordHash != ub.PasswordHash {
		t.Errorf("B's user after A's namesake: %+v, %v", got, err)
	}
}

func testSessionLifecycle(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	u := f.user(us, tn.ID, "sam@example.com", store.RoleAgent)
	now := time.Now().UTC().Truncate(time.Second)
	ss := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: u.ID, CSRFToken: "csrf-1",
		IdleUntil: now.Add(30 * time.Minute), ExpiresAt: now.Add(12 * time.Hour)}
	if err := us.CreateSession(f.ctx, &ss); err != nil {
		t.Fatal(err)
	}
	dup := ss
	wantErr(t, "same token twice", us.CreateSession(f.ctx, &dup), store.ErrConflict)

	got, gu, err := us.GetSession(f.ctx, ss.TokenHash, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != u.ID || got.TenantID != tn.ID || got.CSRFToken != "csrf-1" || !got.IdleUntil.Equal(ss.IdleUntil) || !got.ExpiresAt.Equal(ss.ExpiresAt) {
		t.Errorf("session %+v, want %+v", got, ss)
	}
	if gu.ID != u.ID || gu.Role != store.RoleAgent || gu.LastLoginAt.IsZero() {
		t.Errorf("session user %+v", gu)
	}
	// Touching moves the idle expiry, never past the absolute one.
	if err := us.TouchSession(f.ctx, ss.TokenHash, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _, _ = us.GetSession(f.ctx, ss.TokenHash, now)
	if !got.IdleUntil.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("idle until %v after touch, want %v", got.IdleUntil, now.Add(2*time.Hour))
	}
	if err := us.TouchSession(f.ctx, ss.TokenHash, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _, _ = us.GetSession(f.ctx, ss.TokenHash, now)
	if !got.IdleUntil.Equal(ss.ExpiresAt) {
		t.Errorf("idle until %v, want capped at %v", got.IdleUntil, ss.ExpiresAt)
	}
	wantErr(t, "TouchSession missing", us.TouchSession(f.ctx, token(), now), store.ErrNotFound)

	if err := us.DeleteSession(f.ctx, ss.TokenHash); err != nil {
		t.Fatal(err)
	}
	_, _, err = us.GetSession(f.ctx, ss.TokenHash, now)
	wantErr(t, "GetSession after logout", err, store.ErrNotFound)
	if err := us.DeleteSession(f.ctx, ss.TokenHash); err != nil {
		t.Errorf("deleting a missing session: %v", err)
	}
	bad := store.Session{TokenHash: "short", TenantID: tn.ID, UserID: u.ID, CSRFToken: "c", IdleUntil: now, ExpiresAt: now}
	wantErr(t, "short token hash", us.CreateSession(f.ctx, &bad), store.ErrInvalid)
}

func testSessionExpiry(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	u := f.user(us, tn.ID, "sam@example.com", store.RoleAdmin)
	now := time.Now().UTC().Truncate(time.Second)
	idle := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: u.ID, CSRFToken: "c",
		IdleUntil: now.Add(time.Minute), ExpiresAt: now.Add(time.Hour)}
	abs := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: u.ID, CSRFToken: "c",
		IdleUntil: now.Add(3 * time.Hour), ExpiresAt: now.Add(2 * time.Hour)}
	for _, s := range []*store.Session{&idle, &abs} {
		if err := us.CreateSession(f.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := us.GetSession(f.ctx, idle.TokenHash, now.Add(59*time.Second)); err != nil {
		t.Errorf("idle session before its expiry: %v", err)
	}
	_, _, err := us.GetSession(f.ctx, idle.TokenHash, now.Add(time.Minute))
	wantErr(t, "idle session at its expiry", err, store.ErrNotFound)
	if _, _, err := us.GetSession(f.ctx, abs.TokenHash, now.Add(119*time.Minute)); err != nil {
		t.Errorf("session before its absolute expiry: %v", err)
	}
	_, _, err = us.GetSession(f.ctx, abs.TokenHash, now.Add(2*time.Hour))
	wantErr(t, "session at its absolute expiry", err, store.ErrNotFound)

	n, err := us.DeleteExpiredSessions(f.ctx, now.Add(90*time.Minute))
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1 (the idle one)", n, err)
	}
	if _, _, err := us.GetSession(f.ctx, abs.TokenHash, now); err != nil {
		t.Errorf("live session removed: %v", err)
	}
}

func testPasswordEndsSessions(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	u := f.user(us, tn.ID, "sam@example.com", store.RoleAdmin)
	other := f.user(us, tn.ID, "kim@example.com", store.RoleAgent)
	now := time.Now().UTC()
	mine := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: u.ID, CSRFToken: "c", IdleUntil: now.Add(time.Hour), ExpiresAt: now.Add(time.Hour)}
	theirs := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: other.ID, CSRFToken: "c", IdleUntil: now.Add(time.Hour), ExpiresAt: now.Add(time.Hour)}
	for _, s := range []*store.Session{&mine, &theirs} {
		if err := us.CreateSession(f.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := us.SetUserPassword(f.ctx, tn.ID, u.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	_, _, err := us.GetSession(f.ctx, mine.TokenHash, now)
	wantErr(t, "session after password change", err, store.ErrNotFound)
	if _, _, err := us.GetSession(f.ctx, theirs.TokenHash, now); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	got, _ := us.GetUser(f.ctx, tn.ID, u.ID)
	if got.PasswordHash != "new-hash" {
		t.Errorf("hash %q after SetUserPassword", got.PasswordHash)
	}
	wantErr(t, "empty hash", us.SetUserPassword(f.ctx, tn.ID, u.ID, ""), store.ErrInvalid)
}

func testDeleteUser(t *testing.T, f *fixture, us store.Users) {
	tn := f.tenant()
	u := f.user(us, tn.ID, "sam@example.com", store.RoleAgent)
	now := time.Now().UTC()
	ss := store.Session{TokenHash: token(), TenantID: tn.ID, UserID: u.ID, CSRFToken: "c", IdleUntil: now.Add(time.Hour), ExpiresAt: now.Add(time.Hour)}
	if err := us.CreateSession(f.ctx, &ss); err != nil {
		t.Fatal(err)
	}
	if err := us.DeleteUser(f.ctx, tn.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := us.GetSession(f.ctx, ss.TokenHash, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a deleted user: %v", err)
	}
	_, err := us.GetUser(f.ctx, tn.ID, u.ID)
	wantErr(t, "GetUser after delete", err, store.ErrNotFound)
	// The e-mail is free again.
	f.user(us, tn.ID, "sam@example.com", store.RoleAdmin)
}
