package store

import (
	"context"

	"gorm.io/gorm"
)

// Batch runs fn with a CallRepo whose writes share one transaction, so that
// the many small writes of live call records (open, legs, trace steps,
// answer, close) commit once. Each write inside still runs in its own
// savepoint: one that fails rolls back alone and returns its error to fn,
// the others stay. The batch commits when fn returns nil.
func (r *CallRepo) Batch(ctx context.Context, fn func(tx *CallRepo) error) error {
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		bound := *r.s
		bound.db = tx
		return fn(&CallRepo{s: &bound})
	})
}
