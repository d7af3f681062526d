package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Forward kinds (P-FWD, FC-FWD-*).
const (
	// ForwardAll forwards every call.
	ForwardAll = "all"
	// ForwardBusy forwards when the extension is busy.
	ForwardBusy = "busy"
	// ForwardNoAnswer forwards when nobody answers within the ring time.
	ForwardNoAnswer = "noanswer"
)

// Follow-me limits.
const (
	// DefaultFollowMeOwnRingSec is how long the own extension rings first.
	DefaultFollowMeOwnRingSec = 30
	// MaxFollowMeSteps bounds the follow-me list.
	MaxFollowMeSteps = 10
)

// CallForward is one of an extension's three forward targets.
type CallForward struct {
	ID uint64 `gorm:"primaryKey" json:"-"`
	// Extension owns the forward.
	Extension string     `gorm:"size:6;not null;uniqueIndex:idx_fwd_ext_kind,priority:1" json:"extension"`
	Owner     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// Kind is all, busy or noanswer.
	Kind string `gorm:"size:8;not null;uniqueIndex:idx_fwd_ext_kind,priority:2" json:"kind"`
	// Number is the target as dialled (external targets carry the outbound
	// prefix); it stays stored while the forward is off.
	Number string `gorm:"size:32;not null;default:''" json:"number"`
	// Enabled turns the forward on.
	Enabled   bool      `gorm:"not null" json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ForwardTarget is a forward's number and on/off state.
type ForwardTarget struct {
	Number  string `json:"number"`
	Enabled bool   `json:"enabled"`
}

// Forwards is an extension's forward state: three independent targets.
type Forwards struct {
	All      ForwardTarget `json:"all"`
	Busy     ForwardTarget `json:"busy"`
	NoAnswer ForwardTarget `json:"noanswer"`
}

// ForwardRepo stores call forwards.
type ForwardRepo struct{ s *Store }

// Get returns an extension's three forward targets (all off when never set).
func (r *ForwardRepo) Get(ctx context.Context, extension string) (Forwards, error) {
	var rows []CallForward
	if err := r.s.ctxDB(ctx).Where("extension = ?", extension).Find(&rows).Error; err != nil {
		return Forwards{}, wrap("get forwards", err)
	}
	var f Forwards
	for _, row := range rows {
		t := ForwardTarget{Number: row.Number, Enabled: row.Enabled}
		switch row.Kind {
		case ForwardAll:
			f.All = t
		case ForwardBusy:
			f.Busy = t
		case ForwardNoAnswer:
			f.NoAnswer = t
		}
	}
	return f, nil
}

// Set writes one forward target. Turning a forward on needs a number;
// turning it off keeps the number unless a new one is given.
func (r *ForwardRepo) Set(ctx context.Context, extension, kind string, t ForwardTarget) error {
	if err := firstErr(checkExtNumber("extension", extension), checkOneOf("kind", kind, ForwardAll, ForwardBusy, ForwardNoAnswer),
		checkOptPhone("number", t.Number)); err != nil {
		return fmt.Errorf("store: set forward: %w", err)
	}
	if t.Enabled && t.Number == "" {
		return fmt.Errorf("store: set forward: %w", invalid("number", "is required to turn a forward on"))
	}
	if t.Number == extension {
		return fmt.Errorf("store: set forward: %w", invalid("number", "cannot forward to itself"))
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		var cur CallForward
		err := tx.Where("extension = ? AND kind = ?", extension, kind).Take(&cur).Error
		if err == gorm.ErrRecordNotFound {
			return insert(tx, "set forward", &CallForward{Extension: extension, Kind: kind, Number: t.Number, Enabled: t.Enabled})
		}
		if err != nil {
			return wrap("set forward", err)
		}
		if t.Number != "" {
			cur.Number = t.Number
		}
		cur.Enabled = t.Enabled
		return updateRow(tx, "set forward", &cur, cur.ID)
	})
}

// FollowMe is an extension's follow-me setting (P-FOLLOWME).
type FollowMe struct {
	// Extension owns the setting.
	Extension string     `gorm:"primaryKey;size:6" json:"extension"`
	Owner     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// Enabled turns follow-me on (it replaces forward on no answer).
	Enabled bool `gorm:"not null" json:"enabled"`
	// OwnRingSec is how long the extension itself rings first.
	OwnRingSec int `gorm:"not null" json:"own_ring_sec"`
	// Steps are tried one by one until one answers.
	Steps     []FollowMeStep `gorm:"foreignKey:Extension;references:Extension;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"steps"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// TableName fixes the table name.
func (FollowMe) TableName() string { return "follow_me" }

// FollowMeStep is one number of a follow-me list.
type FollowMeStep struct {
	ID        uint64 `gorm:"primaryKey" json:"-"`
	Extension string `gorm:"size:6;not null;index" json:"-"`
	// Position orders the steps from 1.
	Position int `gorm:"not null" json:"position"`
	// Number is dialled as given (external numbers carry the prefix).
	Number string `gorm:"size:32;not null" json:"number"`
	// RingSec is how long this step rings.
	RingSec int `gorm:"not null" json:"ring_sec"`
}

// FollowMeRepo stores follow-me settings.
type FollowMeRepo struct{ s *Store }

// Get returns an extension's follow-me (off, 30 s, no steps when never set).
func (r *FollowMeRepo) Get(ctx context.Context, extension string) (*FollowMe, error) {
	var f FollowMe
	err := r.s.ctxDB(ctx).Preload("Steps", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Where("extension = ?", extension).Take(&f).Error
	if err == gorm.ErrRecordNotFound {
		return &FollowMe{Extension: extension, OwnRingSec: DefaultFollowMeOwnRingSec, Steps: []FollowMeStep{}}, nil
	}
	if err != nil {
		return nil, wrap("get follow-me", err)
	}
	return &f, nil
}

// Set replaces an extension's follow-me, steps included, in one transaction.
func (r *FollowMeRepo) Set(ctx context.Context, f *FollowMe) error {
	if f == nil {
		return missing("FollowMe")
	}
	if f.OwnRingSec == 0 {
		f.OwnRingSec = DefaultFollowMeOwnRingSec
	}
	err := firstErr(checkExtNumber("extension", f.Extension), checkRange("own_ring_sec", f.OwnRingSec, 5, 300))
	if err == nil && len(f.Steps) > MaxFollowMeSteps {
		err = invalid("steps", fmt.Sprintf("at most %d steps", MaxFollowMeSteps))
	}
	if err == nil && f.Enabled && len(f.Steps) == 0 {
		err = invalid("steps", "follow-me needs at least one number to be on")
	}
	for _, s := range f.Steps {
		if err == nil {
			err = firstErr(checkPhone("steps.number", s.Number), checkRange("steps.ring_sec", s.RingSec, 5, 300))
		}
	}
	if err != nil {
		return fmt.Errorf("store: set follow-me: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		row := FollowMe{Extension: f.Extension, Enabled: f.Enabled, OwnRingSec: f.OwnRingSec}
		var n int64
		if err := tx.Model(&FollowMe{}).Where("extension = ?", f.Extension).Count(&n).Error; err != nil {
			return wrap("set follow-me", err)
		}
		if n == 0 {
			if err := insert(tx, "set follow-me", &row); err != nil {
				return err
			}
		} else if err := tx.Model(&FollowMe{}).Where("extension = ?", f.Extension).
			Updates(map[string]any{"enabled": f.Enabled, "own_ring_sec": f.OwnRingSec, "updated_at": tx.Config.NowFunc()}).Error; err != nil {
			return wrap("set follow-me", err)
		}
		if err := tx.Where("extension = ?", f.Extension).Delete(&FollowMeStep{}).Error; err != nil {
			return wrap("set follow-me steps", err)
		}
		for i := range f.Steps {
			f.Steps[i].ID, f.Steps[i].Extension, f.Steps[i].Position = 0, f.Extension, i+1
			if err := insert(tx, "set follow-me step", &f.Steps[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
