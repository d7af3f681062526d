package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Voicemail folders.
const (
	// FolderNew holds unheard messages (shown "New").
	FolderNew = "new"
	// FolderOld holds heard messages (shown "Read").
	FolderOld = "old"
	// FolderWork, FolderFamily and FolderFriends are the folders a user
	// saves messages into (Comedian Mail's folders 2, 3 and 4); their
	// messages count neither as new nor as old on the message lamp.
	FolderWork    = "work"
	FolderFamily  = "family"
	FolderFriends = "friends"
)

// VoicemailFolders lists the folders in Comedian Mail's order (0 INBOX/new,
// 1 Old, 2 Work, 3 Family, 4 Friends).
var VoicemailFolders = []string{FolderNew, FolderOld, FolderWork, FolderFamily, FolderFriends}

// VoicemailMessage is one message in a mailbox (P-VM, FC-VM-*).
type VoicemailMessage struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Mailbox is the extension number owning the message.
	Mailbox string     `gorm:"size:6;not null;index:idx_vm_box_folder_time,priority:1" json:"mailbox"`
	Owner   *Extension `gorm:"foreignKey:Mailbox;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// CallerNumber and CallerName identify who left it.
	CallerNumber string `gorm:"size:32;not null;default:''" json:"caller_number"`
	// CallerName is the caller's name, if known.
	CallerName string `gorm:"size:100;not null;default:''" json:"caller_name"`
	// ReceivedAt is when it was left.
	ReceivedAt time.Time `gorm:"not null;index:idx_vm_box_folder_time,priority:3" json:"received_at"`
	// DurationSec is its length.
	DurationSec int `gorm:"not null" json:"duration_sec"`
	// Folder is one of VoicemailFolders.
	Folder string `gorm:"size:8;not null;index:idx_vm_box_folder_time,priority:2" json:"folder"`
	// FilePath is the WAV file.
	FilePath string `gorm:"size:512;not null" json:"-"`
	// IntroPath is the WAV of an introduction the forwarder recorded before
	// the message (Comedian's prepend), played first; "" for none.
	IntroPath string `gorm:"size:512;not null;default:''" json:"-"`
	// CallID links the call that left it, if recorded.
	CallID *uint64 `gorm:"index" json:"call_id,omitempty"`
}

func (m *VoicemailMessage) validate() error {
	if m.Folder == "" {
		m.Folder = FolderNew
	}
	if m.ReceivedAt.IsZero() {
		return invalid("received_at", "is required")
	}
	return firstErr(
		checkExtNumber("mailbox", m.Mailbox),
		checkOptPhone("caller_number", m.CallerNumber),
		checkText("caller_name", m.CallerName, MaxNameLen, false),
		checkRange("duration_sec", m.DurationSec, 0, 24*3600),
		checkOneOf("folder", m.Folder, VoicemailFolders...),
		checkText("file_path", m.FilePath, MaxPathLen, true),
		checkText("intro_path", m.IntroPath, MaxPathLen, false),
	)
}

// VoicemailRepo stores voicemail messages.
type VoicemailRepo struct{ s *Store }

// Create files a new message (folder new unless set).
func (r *VoicemailRepo) Create(ctx context.Context, m *VoicemailMessage) error {
	if m == nil {
		return missing("VoicemailMessage")
	}
	if err := m.validate(); err != nil {
		return fmt.Errorf("store: create voicemail: %w", err)
	}
	m.ReceivedAt = utc(m.ReceivedAt)
	return insert(r.s.ctxDB(ctx), "create voicemail", m)
}

// Get loads a message by id.
func (r *VoicemailRepo) Get(ctx context.Context, id uint64) (*VoicemailMessage, error) {
	return findOne[VoicemailMessage](r.s.ctxDB(ctx), "get voicemail", "id = ?", id)
}

// List returns a mailbox's messages, newest first; folder "" means both.
func (r *VoicemailRepo) List(ctx context.Context, mailbox, folder string) ([]VoicemailMessage, error) {
	q := r.s.ctxDB(ctx).Where("mailbox = ?", mailbox)
	if folder != "" {
		if err := checkOneOf("folder", folder, VoicemailFolders...); err != nil {
			return nil, fmt.Errorf("store: list voicemail: %w", err)
		}
		q = q.Where("folder = ?", folder)
	}
	var out []VoicemailMessage
	return out, wrap("list voicemail", q.Order("received_at DESC, id DESC").Find(&out).Error)
}

// SetFolder moves a message to one of VoicemailFolders.
func (r *VoicemailRepo) SetFolder(ctx context.Context, id uint64, folder string) error {
	if err := checkOneOf("folder", folder, VoicemailFolders...); err != nil {
		return fmt.Errorf("store: move voicemail: %w", err)
	}
	res := r.s.ctxDB(ctx).Model(&VoicemailMessage{}).Where("id = ?", id).Update("folder", folder)
	if res.Error != nil {
		return wrap("move voicemail", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: move voicemail %d: %w", id, ErrNotFound)
	}
	return nil
}

// Delete removes a message's record (the caller removes the file).
func (r *VoicemailRepo) Delete(ctx context.Context, id uint64) error {
	return deleteWhere[VoicemailMessage](r.s.ctxDB(ctx), "delete voicemail", "id = ?", id)
}

// Counts reports new and old messages of a mailbox (for MWI).
func (r *VoicemailRepo) Counts(ctx context.Context, mailbox string) (newCount, oldCount int, err error) {
	var rows []struct {
		Folder string
		N      int
	}
	err = r.s.ctxDB(ctx).Model(&VoicemailMessage{}).Select("folder, COUNT(*) AS n").
		Where("mailbox = ?", mailbox).Group("folder").Scan(&rows).Error
	if err != nil {
		return 0, 0, wrap("count voicemail", err)
	}
	for _, row := range rows {
		switch row.Folder {
		case FolderNew:
			newCount = row.N
		case FolderOld:
			oldCount = row.N
		}
	}
	return newCount, oldCount, nil
}

// VoicemailLockout is a mailbox's failed log-ins and how long it is locked
// after too many (FC-VM-MAIN/MY): kept in the store so that a restart does
// not clear a lock. A mailbox without a row has no failures.
type VoicemailLockout struct {
	// Mailbox is the extension number.
	Mailbox string     `gorm:"primaryKey;size:6" json:"mailbox"`
	Owner   *Extension `gorm:"foreignKey:Mailbox;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// Failures counts the failed log-ins since FirstFailureAt.
	Failures int `gorm:"not null;default:0" json:"failures"`
	// FirstFailureAt starts the window the failures are counted in.
	FirstFailureAt *time.Time `json:"first_failure_at,omitempty"`
	// LockedUntil is when a lock ends; nil when the mailbox is not locked.
	LockedUntil *time.Time `json:"locked_until,omitempty"`
}

// LockoutPolicy says when failed log-ins lock a mailbox: Failures of them
// within Window (counted from the first) lock it for LockFor.
type LockoutPolicy struct {
	// Failures is how many failed log-ins lock the mailbox.
	Failures int
	// Window is how long failures are counted from the first one.
	Window time.Duration
	// LockFor is how long the lock lasts.
	LockFor time.Duration
}

// LockedUntil reports when mailbox's lock ends, or the zero time when it is
// not locked at now.
func (r *VoicemailRepo) LockedUntil(ctx context.Context, mailbox string, now time.Time) (time.Time, error) {
	var rows []VoicemailLockout
	if err := r.s.ctxDB(ctx).Where("mailbox = ?", mailbox).Limit(1).Find(&rows).Error; err != nil {
		return time.Time{}, wrap("voicemail lockout", err)
	}
	if len(rows) == 0 || rows[0].LockedUntil == nil || !now.Before(*rows[0].LockedUntil) {
		return time.Time{}, nil
	}
	return rows[0].LockedUntil.UTC(), nil
}

// LoginFailed counts a failed log-in to mailbox at now and reports when the
// lock it caused ends (the zero time when the mailbox is not locked). An
// expired lock or window starts the count afresh; a lock clears the count.
func (r *VoicemailRepo) LoginFailed(ctx context.Context, mailbox string, now time.Time, p LockoutPolicy) (time.Time, error) {
	if p.Failures <= 0 || p.Window <= 0 || p.LockFor <= 0 {
		return time.Time{}, fmt.Errorf("store: voicemail login failure: %w", invalid("policy", "needs failures, window and lock time"))
	}
	if err := checkExtNumber("mailbox", mailbox); err != nil {
		return time.Time{}, fmt.Errorf("store: voicemail login failure: %w", err)
	}
	now = utc(now)
	var until time.Time
	err := r.s.ctxDB(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("mailbox = ?", mailbox)
		if r.s.Driver() == DriverMySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []VoicemailLockout
		if err := q.Limit(1).Find(&rows).Error; err != nil {
			return err
		}
		row := VoicemailLockout{Mailbox: mailbox}
		if len(rows) == 1 {
			row = rows[0]
		}
		if row.LockedUntil != nil && !now.Before(*row.LockedUntil) {
			row.LockedUntil = nil
		}
		if row.FirstFailureAt == nil || now.Sub(*row.FirstFailureAt) >= p.Window {
			row.Failures, row.FirstFailureAt = 0, &now
		}
		row.Failures++
		if row.Failures >= p.Failures {
			until = now.Add(p.LockFor)
			row.Failures, row.FirstFailureAt, row.LockedUntil = 0, nil, &until
		}
		return tx.Omit(clause.Associations).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	})
	if err != nil {
		return time.Time{}, wrap("voicemail login failure", err)
	}
	return until, nil
}

// LoginSucceeded clears mailbox's failed log-ins.
func (r *VoicemailRepo) LoginSucceeded(ctx context.Context, mailbox string) error {
	err := r.s.ctxDB(ctx).Where("mailbox = ? AND locked_until IS NULL", mailbox).Delete(&VoicemailLockout{}).Error
	return wrap("voicemail login", err)
}

// migrate4 adds forwarded messages' introductions and the persistent
// log-in lockout. Databases created at step 3 by this code already have
// intro_path (step 3 creates the table from the model).
func migrate4(tx *gorm.DB) error {
	m := tx.Migrator()
	if !m.HasColumn(&VoicemailMessage{}, "IntroPath") {
		if err := m.AddColumn(&VoicemailMessage{}, "IntroPath"); err != nil {
			return err
		}
	}
	return m.CreateTable(&VoicemailLockout{})
}
