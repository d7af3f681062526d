package store

import (
	"context"
	"fmt"
	"time"
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
