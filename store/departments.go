package store

import (
	"context"
	"fmt"
	"time"
)

// Department groups extensions; group pickup (*8#) and department-manager
// scopes work within one department.
type Department struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	Name      string    `gorm:"size:100;not null;uniqueIndex" json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (d *Department) validate() error {
	return checkText("name", d.Name, MaxNameLen, true)
}

// DepartmentRepo stores departments.
type DepartmentRepo struct{ s *Store }

// Create adds a department; ErrDuplicate when the name exists.
func (r *DepartmentRepo) Create(ctx context.Context, d *Department) error {
	if d == nil {
		return missing("Department")
	}
	if err := d.validate(); err != nil {
		return fmt.Errorf("store: create department: %w", err)
	}
	return insert(r.s.ctxDB(ctx), "create department", d)
}

// Get loads a department by id.
func (r *DepartmentRepo) Get(ctx context.Context, id uint64) (*Department, error) {
	return findOne[Department](r.s.ctxDB(ctx), "get department", "id = ?", id)
}

// GetByName loads a department by its name.
func (r *DepartmentRepo) GetByName(ctx context.Context, name string) (*Department, error) {
	return findOne[Department](r.s.ctxDB(ctx), "get department", "name = ?", name)
}

// List returns all departments by name.
func (r *DepartmentRepo) List(ctx context.Context) ([]Department, error) {
	var out []Department
	err := r.s.ctxDB(ctx).Order("name").Find(&out).Error
	return out, wrap("list departments", err)
}

// Rename changes a department's name.
func (r *DepartmentRepo) Rename(ctx context.Context, id uint64, name string) error {
	d := Department{ID: id, Name: name}
	if err := d.validate(); err != nil {
		return fmt.Errorf("store: rename department: %w", err)
	}
	return updateRow(r.s.ctxDB(ctx), "rename department", &d, id)
}

// Delete removes a department; ErrReference while extensions still belong to it.
func (r *DepartmentRepo) Delete(ctx context.Context, id uint64) error {
	return deleteWhere[Department](r.s.ctxDB(ctx), "delete department", "id = ?", id)
}
