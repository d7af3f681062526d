package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outbound classes: what an extension may dial out to.
const (
	// OutboundInternal: internal numbers and emergency numbers only.
	OutboundInternal = "internal"
	// OutboundNational: national numbers (the default).
	OutboundNational = "national"
	// OutboundInternational: anything.
	OutboundInternational = "international"
)

// Extension is a user's number with its phones, portal log-in and personal
// call settings.
type Extension struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Number is the internal number (digits only); it also names the PJSIP
	// endpoint (and <number>-web for the browser).
	Number string `gorm:"size:6;not null;uniqueIndex" json:"number"`
	// Name is the display name (caller id name).
	Name string `gorm:"size:100;not null;default:''" json:"name"`
	// DepartmentID is the department, if any.
	DepartmentID *uint64     `gorm:"index" json:"department_id,omitempty"`
	Department   *Department `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT" json:"-"`
	// PortalEnabled lets the user log in to the web portal (off by default).
	PortalEnabled bool `gorm:"not null" json:"portal_enabled"`
	// PortalPasswordHash is the bcrypt hash of the portal password.
	PortalPasswordHash string `gorm:"size:100;not null;default:''" json:"-"`
	// PortalPassword, when set on Create, is hashed into PortalPasswordHash;
	// it is never stored.
	PortalPassword string `gorm:"-" json:"-"`
	// Operator gives the user the operator role in the portal.
	Operator bool `gorm:"not null" json:"operator"`
	// SIPSecret is the password the phones register with.
	SIPSecret string `gorm:"size:64;not null;default:''" json:"-"`
	// VoicemailPassword is the mailbox PIN (digits).
	VoicemailPassword string `gorm:"size:16;not null;default:''" json:"-"`
	// VoicemailEnabled turns the mailbox on.
	VoicemailEnabled bool `gorm:"not null" json:"voicemail_enabled"`
	// Email receives voicemail notifications with the WAV attached.
	Email string `gorm:"size:254;not null;default:''" json:"email"`
	// DND rejects inbound calls as busy.
	DND bool `gorm:"not null" json:"dnd"`
	// DNDToVoicemail sends callers to voicemail instead of busy while DND is on.
	DNDToVoicemail bool `gorm:"not null" json:"dnd_to_voicemail"`
	// SpyAllowed lets the user listen/whisper/barge (*90/*91/*92).
	SpyAllowed bool `gorm:"not null" json:"spy_allowed"`
	// FaxReceiver makes inbound faxes land on this extension.
	FaxReceiver bool `gorm:"not null;index" json:"fax_receiver"`
	// OutboundClass is internal, national or international.
	OutboundClass string `gorm:"size:16;not null;default:'national'" json:"outbound_class"`
	// OutboundCallerID is presented on trunk calls (canonical number), if set.
	OutboundCallerID string    `gorm:"size:32;not null;default:''" json:"outbound_caller_id"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func (e *Extension) normalise() {
	if e.OutboundClass == "" {
		e.OutboundClass = OutboundNational
	}
}

func (e *Extension) validate() error {
	e.normalise()
	var vmErr error
	if e.VoicemailPassword != "" {
		vmErr = checkDigitsLen("voicemail_password", e.VoicemailPassword, 1, MaxPINLen)
	}
	return firstErr(
		checkExtNumber("number", e.Number),
		checkText("name", e.Name, MaxNameLen, false),
		checkText("sip_secret", e.SIPSecret, 64, false),
		vmErr,
		checkEmail("email", e.Email),
		checkOneOf("outbound_class", e.OutboundClass, OutboundInternal, OutboundNational, OutboundInternational),
		checkOptPhone("outbound_caller_id", e.OutboundCallerID),
	)
}

// hashPassword checks a password's length and bcrypt-hashes it.
func hashPassword(field, pw string) (string, error) {
	if len(pw) < MinPasswordLen || len(pw) > MaxPasswordLen {
		return "", invalid(field, fmt.Sprintf("must have %d to %d bytes", MinPasswordLen, MaxPasswordLen))
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return string(h), nil
}

// bcryptCost is the work factor of password hashes (tests lower it).
var bcryptCost = bcrypt.DefaultCost

// dummyHash is compared against when a log-in names no one, so that a
// missing user costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("switchboard-dummy"), bcryptCost)
	return h
})

// ExtensionRepo stores extensions.
type ExtensionRepo struct{ s *Store }

// Create adds an extension. A non-empty PortalPassword is hashed. The number
// must not be taken by another extension, queue, ring group or room
// (ErrDuplicate).
func (r *ExtensionRepo) Create(ctx context.Context, e *Extension) error {
	if e == nil {
		return missing("Extension")
	}
	if err := e.validate(); err != nil {
		return fmt.Errorf("store: create extension: %w", err)
	}
	if e.PortalPassword != "" {
		h, err := hashPassword("portal_password", e.PortalPassword)
		if err != nil {
			return fmt.Errorf("store: create extension: %w", err)
		}
		e.PortalPasswordHash, e.PortalPassword = h, ""
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := numberFree(tx, e.Number, "extensions"); err != nil {
			return fmt.Errorf("store: create extension %s: %w", e.Number, err)
		}
		return insert(tx, "create extension "+e.Number, e)
	})
}

// Get loads an extension by number.
func (r *ExtensionRepo) Get(ctx context.Context, number string) (*Extension, error) {
	return findOne[Extension](r.s.ctxDB(ctx), "get extension "+number, "number = ?", number)
}

// GetByID loads an extension by id.
func (r *ExtensionRepo) GetByID(ctx context.Context, id uint64) (*Extension, error) {
	return findOne[Extension](r.s.ctxDB(ctx), "get extension", "id = ?", id)
}

// ExtensionFilter narrows List; zero values mean "any".
type ExtensionFilter struct {
	// DepartmentID limits the list to one department.
	DepartmentID *uint64
	// Search matches the number prefix or a substring of the name.
	Search string
	// FaxReceiversOnly lists only fax receivers.
	FaxReceiversOnly bool
}

// List returns extensions ordered by number.
func (r *ExtensionRepo) List(ctx context.Context, f ExtensionFilter) ([]Extension, error) {
	q := r.s.ctxDB(ctx).Order("number")
	if f.DepartmentID != nil {
		q = q.Where("department_id = ?", *f.DepartmentID)
	}
	if f.FaxReceiversOnly {
		q = q.Where("fax_receiver = ?", true)
	}
	if f.Search != "" {
		if err := checkText("search", f.Search, MaxNameLen, false); err != nil {
			return nil, fmt.Errorf("store: list extensions: %w", err)
		}
		q = q.Where("number LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!'", likePrefix(f.Search), likeContains(f.Search))
	}
	var out []Extension
	return out, wrap("list extensions", q.Find(&out).Error)
}

// Update writes every field of e (found by e.ID) except the portal password
// hash (see SetPortalPassword) and the creation time. Renumbering is
// allowed; records keyed by number follow through ON UPDATE CASCADE.
func (r *ExtensionRepo) Update(ctx context.Context, e *Extension) error {
	if e == nil {
		return missing("Extension")
	}
	if err := e.validate(); err != nil {
		return fmt.Errorf("store: update extension: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		cur, err := findOne[Extension](tx, "update extension", "id = ?", e.ID)
		if err != nil {
			return err
		}
		if cur.Number != e.Number {
			if err := numberFree(tx, e.Number, ""); err != nil {
				return fmt.Errorf("store: update extension %s: %w", e.Number, err)
			}
		}
		return updateRow(tx, "update extension "+e.Number, e, e.ID, "portal_password_hash")
	})
}

// Modify applies fn to the current extension inside one transaction and
// writes the result: the way to change a few fields (PATCH) without
// resetting the others or losing a concurrent change. fn's error aborts
// the change and is returned as is. The number may change (renumbering).
func (r *ExtensionRepo) Modify(ctx context.Context, number string, fn func(*Extension) error) (*Extension, error) {
	if fn == nil {
		return nil, missing("Func")
	}
	var out *Extension
	err := r.s.tx(ctx, func(tx *gorm.DB) error {
		q := tx
		if r.s.driver == DriverMySQL {
			q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		e, err := findOne[Extension](q, "modify extension "+number, "number = ?", number)
		if err != nil {
			return err
		}
		id, hash := e.ID, e.PortalPasswordHash
		if err := fn(e); err != nil {
			return err
		}
		e.ID, e.PortalPasswordHash = id, hash
		if err := e.validate(); err != nil {
			return fmt.Errorf("store: modify extension %s: %w", number, err)
		}
		if e.Number != number {
			if err := numberFree(tx, e.Number, ""); err != nil {
				return fmt.Errorf("store: modify extension %s: %w", number, err)
			}
		}
		if err := updateRow(tx, "modify extension "+number, e, id, "portal_password_hash"); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes an extension and everything that belongs only to it
// (forwards, follow-me, personal contacts, queue memberships, wakeups).
func (r *ExtensionRepo) Delete(ctx context.Context, number string) error {
	return deleteWhere[Extension](r.s.ctxDB(ctx), "delete extension "+number, "number = ?", number)
}

// SetPortalPassword replaces the portal password.
func (r *ExtensionRepo) SetPortalPassword(ctx context.Context, number, password string) error {
	h, err := hashPassword("portal_password", password)
	if err != nil {
		return fmt.Errorf("store: set portal password: %w", err)
	}
	res := r.s.ctxDB(ctx).Model(&Extension{}).Where("number = ?", number).Update("portal_password_hash", h)
	if res.Error != nil {
		return wrap("set portal password", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: set portal password %s: %w", number, ErrNotFound)
	}
	return nil
}

// CheckPortalLogin returns the extension when the number and password match
// and its portal is enabled; every refusal is ErrBadCredentials, so that a
// disabled portal looks the same as a wrong password.
func (r *ExtensionRepo) CheckPortalLogin(ctx context.Context, number, password string) (*Extension, error) {
	e, err := r.Get(ctx, number)
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrInvalid) {
		return nil, err
	}
	hash := dummyHash()
	if e != nil && e.PortalPasswordHash != "" {
		hash = []byte(e.PortalPasswordHash)
	}
	cmpErr := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if e == nil || !e.PortalEnabled || e.PortalPasswordHash == "" || cmpErr != nil {
		return nil, fmt.Errorf("store: portal login %s: %w", number, ErrBadCredentials)
	}
	return e, nil
}

// likeEscape escapes LIKE wildcards with '!', an escape character both
// SQLite and MySQL read the same way (queries say ESCAPE '!').
func likeEscape(s string) string {
	return strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(s)
}

func likePrefix(s string) string   { return likeEscape(s) + "%" }
func likeContains(s string) string { return "%" + likeEscape(s) + "%" }
