package store

import (
	"context"
	"fmt"
	"time"
)

// Fax directions and states.
const (
	// FaxSent marks an outgoing fax.
	FaxSent = "sent"
	// FaxReceived marks an incoming fax.
	FaxReceived = "received"

	// FaxQueued: waiting to be sent.
	FaxQueued = "queued"
	// FaxInProgress: being sent or received.
	FaxInProgress = "in_progress"
	// FaxDone: delivered (sent) or stored (received).
	FaxDone = "done"
	// FaxFailed: gave up.
	FaxFailed = "failed"
)

// Fax is one sent or received fax (P-FAX).
type Fax struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Direction is sent or received.
	Direction string `gorm:"size:8;not null" json:"direction"`
	// Extension sent it or received it.
	Extension string     `gorm:"size:6;not null;index:idx_fax_ext_time,priority:1" json:"extension"`
	Owner     *Extension `gorm:"foreignKey:Extension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// RemoteNumber is the other side (as dialled for sent faxes).
	RemoteNumber string `gorm:"size:32;not null;default:''" json:"remote_number"`
	// Status is queued, in_progress, done or failed.
	Status string `gorm:"size:12;not null" json:"status"`
	// Error explains a failure.
	Error string `gorm:"size:255;not null;default:''" json:"error,omitempty"`
	// Pages transferred.
	Pages int `gorm:"not null" json:"pages"`
	// FilePath is the document (received faxes: a .tif).
	FilePath string `gorm:"size:512;not null" json:"-"`
	// At is when it was submitted or received.
	At time.Time `gorm:"not null;index:idx_fax_ext_time,priority:2" json:"at"`
}

func (f *Fax) validate() error {
	if f.At.IsZero() {
		return invalid("at", "is required")
	}
	return firstErr(
		checkOneOf("direction", f.Direction, FaxSent, FaxReceived),
		checkExtNumber("extension", f.Extension),
		checkOptPhone("remote_number", f.RemoteNumber),
		checkOneOf("status", f.Status, FaxQueued, FaxInProgress, FaxDone, FaxFailed),
		checkText("error", f.Error, 255, false),
		checkRange("pages", f.Pages, 0, 10000),
		checkText("file_path", f.FilePath, MaxPathLen, true),
	)
}

// FaxRepo stores faxes.
type FaxRepo struct{ s *Store }

// Create records a fax.
func (r *FaxRepo) Create(ctx context.Context, f *Fax) error {
	if f == nil {
		return missing("Fax")
	}
	if err := f.validate(); err != nil {
		return fmt.Errorf("store: create fax: %w", err)
	}
	f.At = utc(f.At)
	return insert(r.s.ctxDB(ctx), "create fax", f)
}

// Get loads a fax.
func (r *FaxRepo) Get(ctx context.Context, id uint64) (*Fax, error) {
	return findOne[Fax](r.s.ctxDB(ctx), "get fax", "id = ?", id)
}

// SetStatus updates a fax's progress.
func (r *FaxRepo) SetStatus(ctx context.Context, id uint64, status string, pages int, errText string) error {
	if err := firstErr(checkOneOf("status", status, FaxQueued, FaxInProgress, FaxDone, FaxFailed),
		checkRange("pages", pages, 0, 10000), checkText("error", errText, 255, false)); err != nil {
		return fmt.Errorf("store: fax status: %w", err)
	}
	res := r.s.ctxDB(ctx).Model(&Fax{}).Where("id = ?", id).Updates(map[string]any{"status": status, "pages": pages, "error": errText})
	if res.Error != nil {
		return wrap("fax status", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: fax status %d: %w", id, ErrNotFound)
	}
	return nil
}

// List returns an extension's faxes in [from, to) (zero = open), newest
// first; direction "" means both.
func (r *FaxRepo) List(ctx context.Context, extension, direction string, from, to time.Time) ([]Fax, error) {
	q := r.s.ctxDB(ctx).Where("extension = ?", extension)
	if direction != "" {
		if err := checkOneOf("direction", direction, FaxSent, FaxReceived); err != nil {
			return nil, fmt.Errorf("store: list faxes: %w", err)
		}
		q = q.Where("direction = ?", direction)
	}
	if !from.IsZero() {
		q = q.Where("at >= ?", utc(from))
	}
	if !to.IsZero() {
		q = q.Where("at < ?", utc(to))
	}
	var out []Fax
	return out, wrap("list faxes", q.Order("at DESC, id DESC").Find(&out).Error)
}

// Delete removes a fax record.
func (r *FaxRepo) Delete(ctx context.Context, id uint64) error {
	return deleteWhere[Fax](r.s.ctxDB(ctx), "delete fax", "id = ?", id)
}
