package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Wakeup call states.
const (
	// WakeupScheduled: waiting for its time.
	WakeupScheduled = "scheduled"
	// WakeupDone: the extension answered.
	WakeupDone = "done"
	// WakeupFailed: no answer after all retries.
	WakeupFailed = "failed"
	// WakeupCancelled: cancelled by the user (*055# or the menu).
	WakeupCancelled = "cancelled"
)

// WakeupCall is a scheduled wakeup call (FC-WAKEUP).
type WakeupCall struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Extension is called at At.
	Extension string     `gorm:"size:6;not null;index" json:"extension"`
	Owner     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// At is the (next) time to call, UTC.
	At time.Time `gorm:"not null;index:idx_wakeup_state_at,priority:2" json:"at"`
	// State is scheduled, done, failed or cancelled.
	State string `gorm:"size:10;not null;index:idx_wakeup_state_at,priority:1" json:"state"`
	// Attempts made so far.
	Attempts int `gorm:"not null" json:"attempts"`
	// MaxRetries is how many times an unanswered wakeup is retried.
	MaxRetries int `gorm:"not null" json:"max_retries"`
	// RetryEverySec spaces retries.
	RetryEverySec int       `gorm:"not null" json:"retry_every_sec"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// WakeupRepo stores wakeup calls.
type WakeupRepo struct{ s *Store }

// Create schedules a wakeup call (defaults: 2 retries, 5 minutes apart).
func (r *WakeupRepo) Create(ctx context.Context, w *WakeupCall) error {
	if w == nil {
		return missing("WakeupCall")
	}
	if w.MaxRetries == 0 && w.RetryEverySec == 0 {
		w.MaxRetries, w.RetryEverySec = 2, 300
	}
	w.State, w.Attempts = WakeupScheduled, 0
	err := firstErr(checkExtNumber("extension", w.Extension), checkRange("max_retries", w.MaxRetries, 0, 10),
		checkRange("retry_every_sec", w.RetryEverySec, 30, 3600))
	if err == nil && w.At.IsZero() {
		err = invalid("at", "is required")
	}
	if err != nil {
		return fmt.Errorf("store: create wakeup: %w", err)
	}
	w.At = utc(w.At)
	return insert(r.s.ctxDB(ctx), "create wakeup", w)
}

// ListScheduled returns an extension's pending wakeups, earliest first.
func (r *WakeupRepo) ListScheduled(ctx context.Context, extension string) ([]WakeupCall, error) {
	var out []WakeupCall
	err := r.s.ctxDB(ctx).Where("extension = ? AND state = ?", extension, WakeupScheduled).Order("at, id").Find(&out).Error
	return out, wrap("list wakeups", err)
}

// Due returns scheduled wakeups whose time is at or before now, earliest first.
func (r *WakeupRepo) Due(ctx context.Context, now time.Time) ([]WakeupCall, error) {
	var out []WakeupCall
	err := r.s.ctxDB(ctx).Where("state = ? AND at <= ?", WakeupScheduled, utc(now)).Order("at, id").Find(&out).Error
	return out, wrap("due wakeups", err)
}

// RecordAttempt notes one call attempt made at now: answered ends it as
// done; unanswered reschedules it RetryEverySec later or, with no retries
// left, ends it as failed. It returns the updated wakeup.
func (r *WakeupRepo) RecordAttempt(ctx context.Context, id uint64, now time.Time, answered bool) (*WakeupCall, error) {
	var out *WakeupCall
	err := r.s.tx(ctx, func(tx *gorm.DB) error {
		w, err := findOne[WakeupCall](tx, "wakeup attempt", "id = ?", id)
		if err != nil {
			return err
		}
		if w.State != WakeupScheduled {
			return fmt.Errorf("store: wakeup attempt %d: %w", id, invalid("state", "wakeup is "+w.State))
		}
		w.Attempts++
		switch {
		case answered:
			w.State = WakeupDone
		case w.Attempts > w.MaxRetries:
			w.State = WakeupFailed
		default:
			w.At = utc(now).Add(time.Duration(w.RetryEverySec) * time.Second)
		}
		if err := updateRow(tx, "wakeup attempt", w, w.ID); err != nil {
			return err
		}
		out = w
		return nil
	})
	return out, err
}

// Cancel cancels one scheduled wakeup of an extension.
func (r *WakeupRepo) Cancel(ctx context.Context, extension string, id uint64) error {
	res := r.s.ctxDB(ctx).Model(&WakeupCall{}).Where("id = ? AND extension = ? AND state = ?", id, extension, WakeupScheduled).
		Update("state", WakeupCancelled)
	if res.Error != nil {
		return wrap("cancel wakeup", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: cancel wakeup %d: %w", id, ErrNotFound)
	}
	return nil
}

// CancelAll cancels every scheduled wakeup of an extension (*055#) and
// reports how many.
func (r *WakeupRepo) CancelAll(ctx context.Context, extension string) (int, error) {
	res := r.s.ctxDB(ctx).Model(&WakeupCall{}).Where("extension = ? AND state = ?", extension, WakeupScheduled).
		Update("state", WakeupCancelled)
	return int(res.RowsAffected), wrap("cancel wakeups", res.Error)
}
