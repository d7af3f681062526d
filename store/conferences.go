package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ConferenceRoom is a dial-in conference room (FC-CONF, IC-ADHOC-CONF).
// Parking slots are configuration (SystemSettings.ParkFirst..ParkLast);
// parked calls live only in the call core.
type ConferenceRoom struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Number is dialled to enter (two digits by default, 90..99).
	Number string `gorm:"size:6;not null;uniqueIndex" json:"number"`
	// Name is for people.
	Name string `gorm:"size:100;not null;default:''" json:"name"`
	// PIN admits participants (digits; empty: no PIN).
	PIN string `gorm:"size:16;not null;default:''" json:"-"`
	// AdminPIN admits the room's admin (digits, different from PIN).
	AdminPIN  string    `gorm:"size:16;not null;default:''" json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (c *ConferenceRoom) validate() error {
	err := firstErr(checkExtNumber("number", c.Number), checkText("name", c.Name, MaxNameLen, false))
	if err == nil && c.PIN != "" {
		err = checkDigitsLen("pin", c.PIN, 1, MaxPINLen)
	}
	if err == nil && c.AdminPIN != "" {
		err = checkDigitsLen("admin_pin", c.AdminPIN, 1, MaxPINLen)
	}
	if err == nil && c.AdminPIN != "" && c.AdminPIN == c.PIN {
		err = invalid("admin_pin", "must differ from the participant PIN")
	}
	return err
}

// ConferenceRepo stores conference rooms.
type ConferenceRepo struct{ s *Store }

// Create adds a room; its number must be free in the plan.
func (r *ConferenceRepo) Create(ctx context.Context, c *ConferenceRoom) error {
	if c == nil {
		return missing("ConferenceRoom")
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: create conference room: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, c.Number, "conference_rooms"); err != nil {
			return fmt.Errorf("store: create conference room %s: %w", c.Number, err)
		}
		return insert(tx, "create conference room "+c.Number, c)
	})
}

// Get loads a room by number.
func (r *ConferenceRepo) Get(ctx context.Context, number string) (*ConferenceRoom, error) {
	return findOne[ConferenceRoom](r.s.ctxDB(ctx), "get conference room "+number, "number = ?", number)
}

// List returns all rooms by number.
func (r *ConferenceRepo) List(ctx context.Context) ([]ConferenceRoom, error) {
	var out []ConferenceRoom
	return out, wrap("list conference rooms", r.s.ctxDB(ctx).Order("number").Find(&out).Error)
}

// Update writes a room (found by ID).
func (r *ConferenceRepo) Update(ctx context.Context, c *ConferenceRoom) error {
	if c == nil {
		return missing("ConferenceRoom")
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: update conference room: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, c.Number, "conference_rooms"); err != nil {
			return fmt.Errorf("store: update conference room %s: %w", c.Number, err)
		}
		return updateRow(tx, "update conference room", c, c.ID)
	})
}

// Delete removes a room.
func (r *ConferenceRepo) Delete(ctx context.Context, number string) error {
	return deleteWhere[ConferenceRoom](r.s.ctxDB(ctx), "delete conference room "+number, "number = ?", number)
}
