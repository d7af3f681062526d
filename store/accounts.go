package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Account roles.
const (
	// RoleAdmin manages everything.
	RoleAdmin = "admin"
	// RoleOperator manages the phonebook and sees all extensions' status.
	RoleOperator = "operator"
)

// Account is an admin or operator log-in with its own user name, separate
// from extensions.
type Account struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	Username     string    `gorm:"size:64;not null;uniqueIndex" json:"username"`
	PasswordHash string    `gorm:"size:100;not null" json:"-"`
	Role         string    `gorm:"size:16;not null" json:"role"`
	Disabled     bool      `gorm:"not null" json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func checkUsername(u string) error {
	if len(u) < 2 || len(u) > 64 {
		return invalid("username", "must have 2 to 64 characters")
	}
	for _, c := range u {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@'
		if !ok {
			return invalid("username", "may contain only letters, digits and . _ - @")
		}
	}
	return nil
}

// AccountRepo stores admin and operator accounts.
type AccountRepo struct{ s *Store }

// Create adds an account with a bcrypt-hashed password.
func (r *AccountRepo) Create(ctx context.Context, username, password, role string) (*Account, error) {
	if err := firstErr(checkUsername(username), checkOneOf("role", role, RoleAdmin, RoleOperator)); err != nil {
		return nil, fmt.Errorf("store: create account: %w", err)
	}
	h, err := hashPassword("password", password)
	if err != nil {
		return nil, fmt.Errorf("store: create account: %w", err)
	}
	a := &Account{Username: username, PasswordHash: h, Role: role}
	if err := insert(r.s.ctxDB(ctx), "create account "+username, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Get loads an account by user name.
func (r *AccountRepo) Get(ctx context.Context, username string) (*Account, error) {
	return findOne[Account](r.s.ctxDB(ctx), "get account "+username, "username = ?", username)
}

// GetByID loads an account by id.
func (r *AccountRepo) GetByID(ctx context.Context, id uint64) (*Account, error) {
	return findOne[Account](r.s.ctxDB(ctx), "get account", "id = ?", id)
}

// List returns all accounts by user name.
func (r *AccountRepo) List(ctx context.Context) ([]Account, error) {
	var out []Account
	return out, wrap("list accounts", r.s.ctxDB(ctx).Order("username").Find(&out).Error)
}

func (r *AccountRepo) set(ctx context.Context, op, username string, col string, val any) error {
	res := r.s.ctxDB(ctx).Model(&Account{}).Where("username = ?", username).Update(col, val)
	if res.Error != nil {
		return wrap(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: %s %s: %w", op, username, ErrNotFound)
	}
	return nil
}

// SetPassword replaces an account's password.
func (r *AccountRepo) SetPassword(ctx context.Context, username, password string) error {
	h, err := hashPassword("password", password)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return r.set(ctx, "set password", username, "password_hash", h)
}

// SetRole changes an account's role.
func (r *AccountRepo) SetRole(ctx context.Context, username, role string) error {
	if err := checkOneOf("role", role, RoleAdmin, RoleOperator); err != nil {
		return fmt.Errorf("store: set role: %w", err)
	}
	return r.set(ctx, "set role", username, "role", role)
}

// SetDisabled locks or unlocks an account.
func (r *AccountRepo) SetDisabled(ctx context.Context, username string, disabled bool) error {
	return r.set(ctx, "set disabled", username, "disabled", disabled)
}

// Delete removes an account (its API tokens go with it).
func (r *AccountRepo) Delete(ctx context.Context, username string) error {
	return deleteWhere[Account](r.s.ctxDB(ctx), "delete account "+username, "username = ?", username)
}

// Authenticate returns the account when user name and password match and
// the account is enabled; every refusal is ErrBadCredentials.
func (r *AccountRepo) Authenticate(ctx context.Context, username, password string) (*Account, error) {
	a, err := r.Get(ctx, username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hash := dummyHash()
	if a != nil {
		hash = []byte(a.PasswordHash)
	}
	cmpErr := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if a == nil || a.Disabled || cmpErr != nil {
		return nil, fmt.Errorf("store: authenticate %s: %w", username, ErrBadCredentials)
	}
	return a, nil
}
