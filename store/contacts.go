package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MaxContactNumbers bounds the phone numbers of one contact.
const MaxContactNumbers = 10

// Contact is a phonebook entry (P-CONTACTS): a company contact when
// OwnerExtension is empty (visible to all), otherwise a personal contact of
// that extension (visible to its owner and admins/operators).
type Contact struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// OwnerExtension is the extension owning a personal contact; empty for
	// the company phonebook.
	OwnerExtension *string    `gorm:"size:6;index" json:"owner_extension,omitempty"`
	Owner          *Extension `gorm:"foreignKey:OwnerExtension;references:Number;constraint:OnUpdate:CASCADE,OnDelete:CASCADE" json:"-"`
	// Name is the person's name.
	Name string `gorm:"size:100;not null;index" json:"name"`
	// Company is the organisation.
	Company string `gorm:"size:100;not null;default:''" json:"company"`
	// Email is the contact's e-mail address.
	Email string `gorm:"size:254;not null;default:''" json:"email"`
	// Numbers are the contact's phone numbers (canonical form).
	Numbers   []ContactNumber `gorm:"foreignKey:ContactID;constraint:OnDelete:CASCADE" json:"numbers"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// ContactNumber is one phone number of a contact, stored canonical (E.164
// "+4930123456" where a country code is configured) so caller-id lookups
// match however the number was dialled.
type ContactNumber struct {
	ID        uint64 `gorm:"primaryKey" json:"-"`
	ContactID uint64 `gorm:"not null;index" json:"-"`
	// Number is the canonical number.
	Number string `gorm:"size:32;not null;index" json:"number"`
	// Label says which number it is ("mobile", "office").
	Label string `gorm:"size:32;not null;default:''" json:"label"`
}

func (c *Contact) validate() error {
	if c.OwnerExtension != nil {
		if err := checkExtNumber("owner_extension", *c.OwnerExtension); err != nil {
			return err
		}
	}
	if len(c.Numbers) > MaxContactNumbers {
		return invalid("numbers", fmt.Sprintf("at most %d numbers", MaxContactNumbers))
	}
	for _, n := range c.Numbers {
		if err := firstErr(checkPhone("numbers", n.Number), checkText("numbers.label", n.Label, 32, false)); err != nil {
			return err
		}
	}
	return firstErr(
		checkText("name", c.Name, MaxNameLen, true),
		checkText("company", c.Company, MaxNameLen, false),
		checkEmail("email", c.Email),
	)
}

// ContactRepo stores the phonebook.
type ContactRepo struct{ s *Store }

// Create adds a contact with its numbers.
func (r *ContactRepo) Create(ctx context.Context, c *Contact) error {
	if c == nil {
		return missing("Contact")
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: create contact: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := insert(tx, "create contact", c); err != nil {
			return err
		}
		return putNumbers(tx, c)
	})
}

func putNumbers(tx *gorm.DB, c *Contact) error {
	if err := tx.Where("contact_id = ?", c.ID).Delete(&ContactNumber{}).Error; err != nil {
		return wrap("replace contact numbers", err)
	}
	for i := range c.Numbers {
		c.Numbers[i].ID, c.Numbers[i].ContactID = 0, c.ID
		if err := insert(tx, "add contact number", &c.Numbers[i]); err != nil {
			return err
		}
	}
	return nil
}

// Get loads a contact with its numbers.
func (r *ContactRepo) Get(ctx context.Context, id uint64) (*Contact, error) {
	var c Contact
	if err := r.s.ctxDB(ctx).Preload("Numbers").Where("id = ?", id).Take(&c).Error; err != nil {
		return nil, wrap("get contact", err)
	}
	return &c, nil
}

// Update replaces a contact's fields and numbers (owner included).
func (r *ContactRepo) Update(ctx context.Context, c *Contact) error {
	if c == nil {
		return missing("Contact")
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: update contact: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if err := updateRow(tx, "update contact", c, c.ID); err != nil {
			return err
		}
		return putNumbers(tx, c)
	})
}

// Delete removes a contact.
func (r *ContactRepo) Delete(ctx context.Context, id uint64) error {
	return deleteWhere[Contact](r.s.ctxDB(ctx), "delete contact", "id = ?", id)
}

// ContactFilter selects what List returns.
type ContactFilter struct {
	// Viewer is the extension looking: it sees the company phonebook and its
	// own personal contacts. Empty (admin/operator) sees everything.
	Viewer string
	// Search matches a substring of name, company or e-mail, or of a number.
	Search string
	// Limit and Offset page the result (Limit 0 means 100).
	Limit, Offset int
}

// List returns the contacts visible to the viewer, by name.
func (r *ContactRepo) List(ctx context.Context, f ContactFilter) ([]Contact, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	if err := firstErr(checkRange("limit", f.Limit, 1, 1000), checkRange("offset", f.Offset, 0, 1<<30),
		checkText("search", f.Search, MaxNameLen, false)); err != nil {
		return nil, fmt.Errorf("store: list contacts: %w", err)
	}
	q := r.s.ctxDB(ctx).Model(&Contact{}).Preload("Numbers")
	if f.Viewer != "" {
		q = q.Where("owner_extension IS NULL OR owner_extension = ?", f.Viewer)
	}
	if f.Search != "" {
		pat := likeContains(f.Search)
		q = q.Where("name LIKE ? ESCAPE '!' OR company LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!' OR id IN (?)",
			pat, pat, pat, r.s.ctxDB(ctx).Model(&ContactNumber{}).Select("contact_id").Where("number LIKE ? ESCAPE '!'", pat))
	}
	var out []Contact
	err := q.Order("name, id").Limit(f.Limit).Offset(f.Offset).Find(&out).Error
	return out, wrap("list contacts", err)
}

// NameForNumber finds the caller name to show for an inbound number on an
// extension: the extension's personal contact first, then the company
// phonebook. ErrNotFound when the number is unknown.
func (r *ContactRepo) NameForNumber(ctx context.Context, number, extension string) (string, error) {
	if err := checkPhone("number", number); err != nil {
		return "", fmt.Errorf("store: caller name: %w", err)
	}
	var rows []struct {
		Name           string
		OwnerExtension *string
	}
	err := r.s.ctxDB(ctx).Table("contacts AS c").Select("c.name, c.owner_extension").
		Joins("JOIN contact_numbers AS n ON n.contact_id = c.id").
		Where("n.number = ? AND (c.owner_extension IS NULL OR c.owner_extension = ?)", number, extension).
		Order("c.id").Scan(&rows).Error
	if err != nil {
		return "", wrap("caller name", err)
	}
	best := ""
	for _, row := range rows {
		if row.OwnerExtension != nil {
			return row.Name, nil
		}
		if best == "" {
			best = row.Name
		}
	}
	if best == "" {
		return "", fmt.Errorf("store: caller name for %s: %w", number, ErrNotFound)
	}
	return best, nil
}
