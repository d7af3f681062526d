package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// tokenPrefix marks Switchboard API tokens so they are recognisable in logs
// and secret scanners.
const tokenPrefix = "sbt_"

// MaxTokenScopes bounds the scopes of one token.
const MaxTokenScopes = 32

// APIToken is a REST API bearer token (X-API). Only the SHA-256 of the token
// is stored; the token itself is shown once, when created.
type APIToken struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Name says what the token is for.
	Name string `gorm:"size:100;not null" json:"name"`
	// TokenHash is the hex SHA-256 of the token.
	TokenHash string `gorm:"size:64;not null;uniqueIndex" json:"-"`
	// Scopes are the permissions granted ("calls:read", "admin" …).
	Scopes []string `gorm:"serializer:json;type:text;not null" json:"scopes"`
	// AccountID owns an admin/operator token.
	AccountID *uint64  `gorm:"index" json:"account_id,omitempty"`
	Account   *Account `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	// Extension owns a user token.
	Extension *string    `gorm:"size:6;index" json:"extension,omitempty"`
	Owner     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// ExpiresAt ends the token's validity (nil: never).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// LastUsedAt is updated on each successful authentication.
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName fixes the table name.
func (APIToken) TableName() string { return "api_tokens" }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// TokenRepo stores API tokens.
type TokenRepo struct{ s *Store }

// Create stores a new token owned by exactly one of AccountID or Extension
// and returns the token text, which is not kept anywhere.
func (r *TokenRepo) Create(ctx context.Context, t *APIToken) (string, error) {
	if t == nil {
		return "", missing("APIToken")
	}
	err := checkText("name", t.Name, MaxNameLen, true)
	if err == nil && (t.AccountID == nil) == (t.Extension == nil) {
		err = invalid("owner", "exactly one of account_id and extension must be set")
	}
	if err == nil && t.Extension != nil {
		err = checkExtNumber("extension", *t.Extension)
	}
	if err == nil && (len(t.Scopes) == 0 || len(t.Scopes) > MaxTokenScopes) {
		err = invalid("scopes", fmt.Sprintf("must list 1 to %d scopes", MaxTokenScopes))
	}
	for _, s := range t.Scopes {
		if err == nil && (s == "" || len(s) > 64 || strings.ContainsAny(s, " \t\r\n,")) {
			err = invalid("scopes", "a scope is one word of at most 64 characters")
		}
	}
	if err != nil {
		return "", fmt.Errorf("store: create token: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("store: create token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t.TokenHash, t.ExpiresAt, t.LastUsedAt = hashToken(token), utcPtr(t.ExpiresAt), nil
	if err := insert(r.s.ctxDB(ctx), "create token", t); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the token's record when it exists and has not
// expired at now, and notes its use; every refusal is ErrBadCredentials.
func (r *TokenRepo) Authenticate(ctx context.Context, token string, now time.Time) (*APIToken, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, fmt.Errorf("store: authenticate token: %w", ErrBadCredentials)
	}
	t, err := findOne[APIToken](r.s.ctxDB(ctx), "authenticate token", "token_hash = ?", hashToken(token))
	if err != nil {
		if errIs(err, ErrNotFound) {
			return nil, fmt.Errorf("store: authenticate token: %w", ErrBadCredentials)
		}
		return nil, err
	}
	now = utc(now)
	if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
		return nil, fmt.Errorf("store: authenticate token: expired: %w", ErrBadCredentials)
	}
	if err := r.s.ctxDB(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
		return nil, wrap("authenticate token", err)
	}
	t.LastUsedAt = &now
	return t, nil
}

// ListByAccount returns an account's tokens.
func (r *TokenRepo) ListByAccount(ctx context.Context, accountID uint64) ([]APIToken, error) {
	var out []APIToken
	return out, wrap("list tokens", r.s.ctxDB(ctx).Where("account_id = ?", accountID).Order("id").Find(&out).Error)
}

// ListByExtension returns an extension's tokens.
func (r *TokenRepo) ListByExtension(ctx context.Context, extension string) ([]APIToken, error) {
	var out []APIToken
	return out, wrap("list tokens", r.s.ctxDB(ctx).Where("extension = ?", extension).Order("id").Find(&out).Error)
}

// Revoke deletes a token.
func (r *TokenRepo) Revoke(ctx context.Context, id uint64) error {
	return deleteWhere[APIToken](r.s.ctxDB(ctx), "revoke token", "id = ?", id)
}
