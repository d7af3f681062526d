package store

import (
	"context"
	"fmt"
	"time"
)

// Recording is a call recording (IC-RECORD, X-RECORDINGS).
type Recording struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// CallID is the recorded call (kept when the call record is purged: nil).
	CallID *uint64     `gorm:"index" json:"call_id,omitempty"`
	Call   *CallRecord `gorm:"foreignKey:CallID;constraint:OnDelete:SET NULL" json:"-"`
	// Owner is the extension that started the recording; it sees it.
	Owner string `gorm:"size:6;not null;index:idx_rec_owner_time,priority:1" json:"owner"`
	// FilePath is the audio file.
	FilePath string `gorm:"size:512;not null" json:"-"`
	// StartedAt is when recording began.
	StartedAt time.Time `gorm:"not null;index:idx_rec_owner_time,priority:2" json:"started_at"`
	// DurationSec is the recording's length.
	DurationSec int `gorm:"not null" json:"duration_sec"`
}

// RecordingRepo stores recordings.
type RecordingRepo struct{ s *Store }

// Create records a finished recording.
func (r *RecordingRepo) Create(ctx context.Context, rec *Recording) error {
	if rec == nil {
		return missing("Recording")
	}
	err := firstErr(checkExtNumber("owner", rec.Owner), checkText("file_path", rec.FilePath, MaxPathLen, true),
		checkRange("duration_sec", rec.DurationSec, 0, 7*24*3600))
	if err == nil && rec.StartedAt.IsZero() {
		err = invalid("started_at", "is required")
	}
	if err != nil {
		return fmt.Errorf("store: create recording: %w", err)
	}
	rec.StartedAt = utc(rec.StartedAt)
	return insert(r.s.ctxDB(ctx), "create recording", rec)
}

// Get loads a recording.
func (r *RecordingRepo) Get(ctx context.Context, id uint64) (*Recording, error) {
	return findOne[Recording](r.s.ctxDB(ctx), "get recording", "id = ?", id)
}

// ListByOwner returns an extension's recordings, newest first, paged
// (limit 0 means 50).
func (r *RecordingRepo) ListByOwner(ctx context.Context, owner string, limit, offset int) ([]Recording, error) {
	if limit == 0 {
		limit = 50
	}
	if err := firstErr(checkRange("limit", limit, 1, 500), checkRange("offset", offset, 0, 1<<30)); err != nil {
		return nil, fmt.Errorf("store: list recordings: %w", err)
	}
	var out []Recording
	err := r.s.ctxDB(ctx).Where("owner = ?", owner).Order("started_at DESC, id DESC").Limit(limit).Offset(offset).Find(&out).Error
	return out, wrap("list recordings", err)
}

// ListByCall returns a call's recordings.
func (r *RecordingRepo) ListByCall(ctx context.Context, callID uint64) ([]Recording, error) {
	var out []Recording
	return out, wrap("list call recordings", r.s.ctxDB(ctx).Where("call_id = ?", callID).Order("started_at, id").Find(&out).Error)
}

// Delete removes a recording's record (the caller removes the file).
func (r *RecordingRepo) Delete(ctx context.Context, id uint64) error {
	return deleteWhere[Recording](r.s.ctxDB(ctx), "delete recording", "id = ?", id)
}
