package store

import (
	"fmt"

	"gorm.io/gorm"
)

// numberTables are the tables whose "number" column shares the one internal
// numbering plan; a number may appear in only one of them.
var numberTables = []string{"extensions", "queues", "ring_groups", "conference_rooms"}

// numberFree reports ErrDuplicate when number is already used by an
// extension, queue, ring group or conference room. except names a table to
// skip (the caller's own, whose unique index reports the clash itself).
func numberFree(tx *gorm.DB, number, except string) error {
	for _, t := range numberTables {
		if t == except {
			continue
		}
		var n int64
		if err := tx.Table(t).Where("number = ?", number).Count(&n).Error; err != nil {
			return wrap("check number "+number, err)
		}
		if n > 0 {
			return fmt.Errorf("number %s already used in %s: %w", number, t, ErrDuplicate)
		}
	}
	return nil
}
