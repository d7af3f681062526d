package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// BlacklistEntry is a blocked external number (FC-BL-*, SYS-ROUTE step 1).
type BlacklistEntry struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Number is the canonical external number.
	Number string `gorm:"size:32;not null;uniqueIndex" json:"number"`
	// AddedBy names who blocked it (an extension number or account name).
	AddedBy string `gorm:"size:64;not null;default:''" json:"added_by"`
	// Reason is an optional note.
	Reason    string    `gorm:"size:255;not null;default:''" json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName fixes the table name.
func (BlacklistEntry) TableName() string { return "blacklist" }

// BlacklistRepo stores blocked numbers.
type BlacklistRepo struct{ s *Store }

// Add blocks a number; extension numbers can never be blacklisted
// (ErrInvalid), and a number already blocked is ErrDuplicate.
func (r *BlacklistRepo) Add(ctx context.Context, e *BlacklistEntry) error {
	if e == nil {
		return missing("BlacklistEntry")
	}
	if err := firstErr(checkPhone("number", e.Number), checkText("added_by", e.AddedBy, 64, false),
		checkText("reason", e.Reason, 255, false)); err != nil {
		return fmt.Errorf("store: blacklist add: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Extension{}).Where("number = ?", e.Number).Count(&n).Error; err != nil {
			return wrap("blacklist add", err)
		}
		if n > 0 {
			return fmt.Errorf("store: blacklist add: %w", invalid("number", "extension numbers cannot be blacklisted"))
		}
		return insert(tx, "blacklist add "+e.Number, e)
	})
}

// Remove unblocks a number (ErrNotFound when it was not blocked).
func (r *BlacklistRepo) Remove(ctx context.Context, number string) error {
	return deleteWhere[BlacklistEntry](r.s.ctxDB(ctx), "blacklist remove "+number, "number = ?", number)
}

// Contains reports whether a canonical number is blocked.
func (r *BlacklistRepo) Contains(ctx context.Context, number string) (bool, error) {
	var n int64
	err := r.s.ctxDB(ctx).Model(&BlacklistEntry{}).Where("number = ?", number).Count(&n).Error
	return n > 0, wrap("blacklist lookup", err)
}

// List returns the blocked numbers in order.
func (r *BlacklistRepo) List(ctx context.Context) ([]BlacklistEntry, error) {
	var out []BlacklistEntry
	return out, wrap("list blacklist", r.s.ctxDB(ctx).Order("number").Find(&out).Error)
}
