package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errIs is errors.Is, named for brevity in repositories.
func errIs(err, target error) bool { return errors.Is(err, target) }

// AuditEntry is one line of the audit log: who did what, when.
type AuditEntry struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// At is when it happened.
	At time.Time `gorm:"not null;index" json:"at"`
	// Actor is who did it ("admin", "ext:201", "token:7", "system").
	Actor string `gorm:"size:64;not null;index" json:"actor"`
	// Action is what was done ("extension.update").
	Action string `gorm:"size:64;not null" json:"action"`
	// Target is what it was done to ("extension:201").
	Target string `gorm:"size:128;not null;default:''" json:"target"`
	// Details is free text or JSON for people.
	Details string `gorm:"type:text;not null" json:"details"`
}

// TableName fixes the table name.
func (AuditEntry) TableName() string { return "audit_log" }

// MaxAuditDetails bounds AuditEntry.Details (bytes).
const MaxAuditDetails = 16 * 1024

// AuditRepo stores the audit log; it is append-only.
type AuditRepo struct{ s *Store }

// Append adds an entry.
func (r *AuditRepo) Append(ctx context.Context, e *AuditEntry) error {
	if e == nil {
		return missing("AuditEntry")
	}
	err := firstErr(checkText("actor", e.Actor, 64, true), checkText("action", e.Action, 64, true),
		checkText("target", e.Target, 128, false))
	if err == nil && len(e.Details) > MaxAuditDetails {
		err = invalid("details", fmt.Sprintf("longer than %d bytes", MaxAuditDetails))
	}
	if err == nil && e.At.IsZero() {
		err = invalid("at", "is required")
	}
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	e.ID, e.At = 0, utc(e.At)
	return insert(r.s.ctxDB(ctx), "audit", e)
}

// AuditFilter narrows List; zero values mean "any".
type AuditFilter struct {
	// Actor keeps one actor's entries.
	Actor string
	// From and To bound the time, To exclusive.
	From, To time.Time
	// Limit (0 means 100, at most 1000) and Offset page the result.
	Limit, Offset int
}

// List returns entries newest first.
func (r *AuditRepo) List(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	if err := firstErr(checkRange("limit", f.Limit, 1, 1000), checkRange("offset", f.Offset, 0, 1<<30)); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	q := r.s.ctxDB(ctx).Model(&AuditEntry{})
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", utc(f.From))
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", utc(f.To))
	}
	var out []AuditEntry
	return out, wrap("list audit", q.Order("at DESC, id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error)
}
