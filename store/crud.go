package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// insert creates v without touching associations.
func insert[T any](db *gorm.DB, op string, v *T) error {
	return wrap(op, db.Omit(clause.Associations).Create(v).Error)
}

// findOne loads the first row matching the condition.
func findOne[T any](db *gorm.DB, op string, query string, args ...any) (*T, error) {
	var v T
	if err := db.Where(query, args...).Take(&v).Error; err != nil {
		return nil, wrap(op, err)
	}
	return &v, nil
}

// updateRow writes every column of v except the primary key, created_at
// and the omitted ones; ErrNotFound when no row has v's id.
func updateRow[T any](db *gorm.DB, op string, v *T, id uint64, omit ...string) error {
	omit = append(omit, "id", "created_at")
	res := db.Model(v).Omit(clause.Associations).Select("*").Omit(omit...).Where("id = ?", id).Updates(v)
	if res.Error != nil {
		return wrap(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	}
	return nil
}

// deleteWhere deletes the rows of T matching the condition; ErrNotFound when
// there were none.
func deleteWhere[T any](db *gorm.DB, op string, query string, args ...any) error {
	var v T
	res := db.Where(query, args...).Delete(&v)
	if res.Error != nil {
		return wrap(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	}
	return nil
}

// ctxDB is a shorthand used by repositories.
func (s *Store) ctxDB(ctx context.Context) *gorm.DB { return s.conn(ctx) }
