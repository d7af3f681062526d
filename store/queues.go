package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Queue ring strategies (Asterisk's names).
const (
	// StrategyRingAll rings every free agent.
	StrategyRingAll = "ringall"
	// StrategyLeastRecent rings the agent idle longest.
	StrategyLeastRecent = "leastrecent"
	// StrategyFewestCalls rings the agent with the fewest calls.
	StrategyFewestCalls = "fewestcalls"
	// StrategyRandom rings a random agent.
	StrategyRandom = "random"
	// StrategyRoundRobin rings agents in turn, remembering the last.
	StrategyRoundRobin = "rrmemory"
	// StrategyLinear rings agents in member order.
	StrategyLinear = "linear"
)

// Overflow destinations when a queue caller waited too long.
const (
	// OverflowVoicemail sends the caller to a mailbox (OverflowTarget).
	OverflowVoicemail = "voicemail"
	// OverflowExtension sends the caller to a number (OverflowTarget).
	OverflowExtension = "extension"
	// OverflowHangup ends the call.
	OverflowHangup = "hangup"
)

// Queue is a call queue with agents (SYS-QUEUES).
type Queue struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Number is dialled to reach the queue (from the extension plan).
	Number string `gorm:"size:6;not null;uniqueIndex" json:"number"`
	// Name is for people.
	Name string `gorm:"size:100;not null;default:''" json:"name"`
	// Strategy is how agents are rung.
	Strategy string `gorm:"size:16;not null" json:"strategy"`
	// RingSec is how long one agent rings.
	RingSec int `gorm:"not null" json:"ring_sec"`
	// MaxWaitSec is how long a caller waits before overflow (0: forever).
	MaxWaitSec int `gorm:"not null" json:"max_wait_sec"`
	// OverflowType is voicemail, extension or hangup.
	OverflowType string `gorm:"size:12;not null" json:"overflow_type"`
	// OverflowTarget is the mailbox or number for overflow.
	OverflowTarget string `gorm:"size:32;not null;default:''" json:"overflow_target"`
	// MusicOnHold is the Asterisk MOH class.
	MusicOnHold string `gorm:"size:64;not null;default:''" json:"music_on_hold"`
	// AnnouncePosition tells callers their place in line.
	AnnouncePosition bool `gorm:"not null" json:"announce_position"`
	// Members are the agents.
	Members   []QueueMember `gorm:"foreignKey:QueueID;constraint:OnDelete:CASCADE" json:"members,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// QueueMember is an agent of a queue: static (set by an admin) or dynamic
// (logged in with *93<queue>#).
type QueueMember struct {
	ID      uint64 `gorm:"primaryKey" json:"id"`
	QueueID uint64 `gorm:"not null;uniqueIndex:idx_qm_queue_ext,priority:1" json:"queue_id"`
	// Extension is the agent.
	Extension string     `gorm:"size:6;not null;uniqueIndex:idx_qm_queue_ext,priority:2;index" json:"extension"`
	Agent     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// Dynamic marks agents who logged themselves in.
	Dynamic bool `gorm:"not null" json:"dynamic"`
	// Paused agents get no new calls (*95# / *095#).
	Paused bool `gorm:"not null" json:"paused"`
	// Penalty orders agents for some strategies (lower rings first).
	Penalty int `gorm:"not null" json:"penalty"`
}

func (q *Queue) validate() error {
	if q.Strategy == "" {
		q.Strategy = StrategyRingAll
	}
	if q.OverflowType == "" {
		q.OverflowType = OverflowVoicemail
	}
	if q.RingSec == 0 {
		q.RingSec = 15
	}
	err := firstErr(
		checkExtNumber("number", q.Number),
		checkText("name", q.Name, MaxNameLen, false),
		checkOneOf("strategy", q.Strategy, StrategyRingAll, StrategyLeastRecent, StrategyFewestCalls, StrategyRandom, StrategyRoundRobin, StrategyLinear),
		checkRange("ring_sec", q.RingSec, 5, 300),
		checkRange("max_wait_sec", q.MaxWaitSec, 0, 86400),
		checkOneOf("overflow_type", q.OverflowType, OverflowVoicemail, OverflowExtension, OverflowHangup),
		checkText("music_on_hold", q.MusicOnHold, 64, false),
	)
	if err == nil && q.OverflowType != OverflowHangup {
		err = checkPhone("overflow_target", q.OverflowTarget)
	}
	return err
}

// QueueRepo stores queues and their members.
type QueueRepo struct{ s *Store }

// Create adds a queue; its number must be free in the numbering plan.
func (r *QueueRepo) Create(ctx context.Context, q *Queue) error {
	if q == nil {
		return missing("Queue")
	}
	if err := q.validate(); err != nil {
		return fmt.Errorf("store: create queue: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, q.Number, "queues"); err != nil {
			return fmt.Errorf("store: create queue %s: %w", q.Number, err)
		}
		return insert(tx, "create queue "+q.Number, q)
	})
}

// Get loads a queue by number with its members.
func (r *QueueRepo) Get(ctx context.Context, number string) (*Queue, error) {
	var q Queue
	err := r.s.ctxDB(ctx).Preload("Members", func(db *gorm.DB) *gorm.DB { return db.Order("penalty, extension") }).
		Where("number = ?", number).Take(&q).Error
	if err != nil {
		return nil, wrap("get queue "+number, err)
	}
	return &q, nil
}

// List returns all queues by number (without members).
func (r *QueueRepo) List(ctx context.Context) ([]Queue, error) {
	var out []Queue
	return out, wrap("list queues", r.s.ctxDB(ctx).Order("number").Find(&out).Error)
}

// Update writes a queue's settings (found by ID; members untouched).
func (r *QueueRepo) Update(ctx context.Context, q *Queue) error {
	if q == nil {
		return missing("Queue")
	}
	if err := q.validate(); err != nil {
		return fmt.Errorf("store: update queue: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, q.Number, "queues"); err != nil {
			return fmt.Errorf("store: update queue %s: %w", q.Number, err)
		}
		return updateRow(tx, "update queue", q, q.ID)
	})
}

// Delete removes a queue and its memberships.
func (r *QueueRepo) Delete(ctx context.Context, number string) error {
	return deleteWhere[Queue](r.s.ctxDB(ctx), "delete queue "+number, "number = ?", number)
}

// AddMember adds an agent (static or dynamic); ErrDuplicate when already in.
func (r *QueueRepo) AddMember(ctx context.Context, queueNumber string, m *QueueMember) error {
	if m == nil {
		return missing("QueueMember")
	}
	if err := firstErr(checkExtNumber("extension", m.Extension), checkRange("penalty", m.Penalty, 0, 100)); err != nil {
		return fmt.Errorf("store: add queue member: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		q, err := findOne[Queue](tx, "add queue member", "number = ?", queueNumber)
		if err != nil {
			return err
		}
		m.ID, m.QueueID = 0, q.ID
		return insert(tx, "add queue member "+m.Extension, m)
	})
}

// RemoveMember takes an agent out of a queue.
func (r *QueueRepo) RemoveMember(ctx context.Context, queueNumber, extension string) error {
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		q, err := findOne[Queue](tx, "remove queue member", "number = ?", queueNumber)
		if err != nil {
			return err
		}
		return deleteWhere[QueueMember](tx, "remove queue member "+extension, "queue_id = ? AND extension = ?", q.ID, extension)
	})
}

// SetPaused pauses or resumes an agent in every queue it is a member of
// (*95# / *095#); it reports how many memberships changed.
func (r *QueueRepo) SetPaused(ctx context.Context, extension string, paused bool) (int, error) {
	res := r.s.ctxDB(ctx).Model(&QueueMember{}).Where("extension = ?", extension).Update("paused", paused)
	return int(res.RowsAffected), wrap("pause agent", res.Error)
}

// MembershipsOf lists the queues an extension is an agent of.
func (r *QueueRepo) MembershipsOf(ctx context.Context, extension string) ([]QueueMember, error) {
	var out []QueueMember
	return out, wrap("queue memberships", r.s.ctxDB(ctx).Where("extension = ?", extension).Order("queue_id").Find(&out).Error)
}
