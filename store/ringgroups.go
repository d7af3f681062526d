package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Ring group strategies (SYS-RINGGROUP).
const (
	// RingAll rings every member at once.
	RingAll = "all"
	// RingOrdered rings members one after another.
	RingOrdered = "ordered"
)

// MaxRingGroupMembers bounds a ring group.
const MaxRingGroupMembers = 50

// RingGroup is a number that rings several extensions at once or in order.
type RingGroup struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Number is dialled to reach the group (from the extension plan).
	Number string `gorm:"size:6;not null;uniqueIndex" json:"number"`
	// Name is for people.
	Name string `gorm:"size:100;not null;default:''" json:"name"`
	// Strategy is all or ordered.
	Strategy string `gorm:"size:8;not null" json:"strategy"`
	// RingSec is how long the group (all) or each member (ordered) rings.
	RingSec int `gorm:"not null" json:"ring_sec"`
	// Members are rung in Position order.
	Members   []RingGroupMember `gorm:"foreignKey:RingGroupID;constraint:OnDelete:CASCADE" json:"members"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// RingGroupMember is one extension of a ring group.
type RingGroupMember struct {
	ID          uint64 `gorm:"primaryKey" json:"-"`
	RingGroupID uint64 `gorm:"not null;uniqueIndex:idx_rgm_group_ext,priority:1" json:"-"`
	// Position orders members from 1.
	Position int `gorm:"not null" json:"position"`
	// Extension is the member.
	Extension string     `gorm:"size:6;not null;uniqueIndex:idx_rgm_group_ext,priority:2;index" json:"extension"`
	Member    *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
}

func (g *RingGroup) validate() error {
	if g.Strategy == "" {
		g.Strategy = RingAll
	}
	if g.RingSec == 0 {
		g.RingSec = 20
	}
	err := firstErr(
		checkExtNumber("number", g.Number),
		checkText("name", g.Name, MaxNameLen, false),
		checkOneOf("strategy", g.Strategy, RingAll, RingOrdered),
		checkRange("ring_sec", g.RingSec, 5, 300),
	)
	if err == nil && len(g.Members) > MaxRingGroupMembers {
		err = invalid("members", fmt.Sprintf("at most %d members", MaxRingGroupMembers))
	}
	for _, m := range g.Members {
		if err == nil {
			err = checkExtNumber("members", m.Extension)
		}
	}
	return err
}

// RingGroupRepo stores ring groups.
type RingGroupRepo struct{ s *Store }

func putRingMembers(tx *gorm.DB, g *RingGroup) error {
	if err := tx.Where("ring_group_id = ?", g.ID).Delete(&RingGroupMember{}).Error; err != nil {
		return wrap("replace ring group members", err)
	}
	for i := range g.Members {
		g.Members[i].ID, g.Members[i].RingGroupID, g.Members[i].Position = 0, g.ID, i+1
		if err := insert(tx, "add ring group member "+g.Members[i].Extension, &g.Members[i]); err != nil {
			return err
		}
	}
	return nil
}

// Create adds a ring group with its members; the number must be free in the
// plan, the members existing extensions (ErrReference otherwise).
func (r *RingGroupRepo) Create(ctx context.Context, g *RingGroup) error {
	if g == nil {
		return missing("RingGroup")
	}
	if err := g.validate(); err != nil {
		return fmt.Errorf("store: create ring group: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, g.Number, "ring_groups"); err != nil {
			return fmt.Errorf("store: create ring group %s: %w", g.Number, err)
		}
		if err := insert(tx, "create ring group "+g.Number, g); err != nil {
			return err
		}
		return putRingMembers(tx, g)
	})
}

// Get loads a ring group by number with its members in order.
func (r *RingGroupRepo) Get(ctx context.Context, number string) (*RingGroup, error) {
	var g RingGroup
	err := r.s.ctxDB(ctx).Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Where("number = ?", number).Take(&g).Error
	if err != nil {
		return nil, wrap("get ring group "+number, err)
	}
	return &g, nil
}

// List returns all ring groups by number, with members.
func (r *RingGroupRepo) List(ctx context.Context) ([]RingGroup, error) {
	var out []RingGroup
	err := r.s.ctxDB(ctx).Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).Order("number").Find(&out).Error
	return out, wrap("list ring groups", err)
}

// Update replaces a ring group's settings and members (found by ID).
func (r *RingGroupRepo) Update(ctx context.Context, g *RingGroup) error {
	if g == nil {
		return missing("RingGroup")
	}
	if err := g.validate(); err != nil {
		return fmt.Errorf("store: update ring group: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, g.Number, "ring_groups"); err != nil {
			return fmt.Errorf("store: update ring group %s: %w", g.Number, err)
		}
		if err := updateRow(tx, "update ring group", g, g.ID); err != nil {
			return err
		}
		return putRingMembers(tx, g)
	})
}

// Delete removes a ring group.
func (r *RingGroupRepo) Delete(ctx context.Context, number string) error {
	return deleteWhere[RingGroup](r.s.ctxDB(ctx), "delete ring group "+number, "number = ?", number)
}
