package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CallLogEntry is one line of one user's call log (P-CDR): a call as seen
// by one extension that took part in any of its legs. The table is
// clustered by (extension, started_at, call_id) — WITHOUT ROWID on SQLite,
// the InnoDB primary key on MySQL — so one user's page is a short range scan
// that never touches call_records.
type CallLogEntry struct {
	// Extension is the user whose log this line belongs to.
	Extension string `gorm:"primaryKey;size:6;autoIncrement:false" json:"-"`
	// StartedAt is when the call started.
	StartedAt time.Time `gorm:"primaryKey;autoIncrement:false" json:"started_at"`
	// CallID is the call record (see CallRepo.Get for legs).
	CallID uint64 `gorm:"primaryKey;autoIncrement:false;index" json:"call_id"`
	// Type is internal, inbound or outbound.
	Type string `gorm:"size:10;not null" json:"type"`
	// FromNumber is the caller.
	FromNumber string `gorm:"size:32;not null;default:''" json:"from"`
	// FromName is the caller's name.
	FromName string `gorm:"size:100;not null;default:''" json:"from_name"`
	// ToNumber is the number dialled.
	ToNumber string `gorm:"size:32;not null" json:"to"`
	// AnsweredAt is when the call was answered.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	// DurationSec is the talk time once the call ended.
	DurationSec int `gorm:"not null" json:"duration_sec"`
	// Disposition is set when the call ends (empty while in progress).
	Disposition string `gorm:"size:10;not null;default:''" json:"disposition"`
	// Trace is the call's route decisions (filled by CallRepo.Log).
	Trace []TraceStep `gorm:"-" json:"trace"`
	Call  *CallRecord `gorm:"foreignKey:CallID;constraint:OnDelete:CASCADE" json:"-"`
}

// TableName fixes the call log table's name.
func (CallLogEntry) TableName() string { return "call_log_entries" }

// Call log paging limits.
const (
	// DefaultCallLogPageSize is the portal's page size.
	DefaultCallLogPageSize = 50
	// MaxCallLogPageSize bounds PageSize.
	MaxCallLogPageSize = 200
)

// Sort keys CallLogQuery.Sort accepts, and the columns they order by.
var callLogSorts = map[string]string{
	"":           "started_at",
	"started_at": "started_at",
	"duration":   "duration_sec",
	"from":       "from_number",
	"to":         "to_number",
}

// CallLogQuery asks for one page of one user's call log (P-CDR).
type CallLogQuery struct {
	// Extension is the user: calls where it took part in any leg.
	Extension string
	// Type is "" or "all", or CallInternal, CallInbound, CallOutbound, CallSystem.
	Type string
	// Number keeps calls whose from or to number contains it (a substring
	// of the canonical number: digits and an optional leading +), so "3012"
	// finds +4930123456. Empty means any number.
	Number string
	// From and To bound the start time, From inclusive, To exclusive; a zero
	// time leaves that side open.
	From, To time.Time
	// Page counts from 1 (0 means 1).
	Page int
	// PageSize defaults to DefaultCallLogPageSize, at most MaxCallLogPageSize.
	PageSize int
	// Sort is "started_at" (default), "duration", "from" or "to".
	Sort string
	// Ascending reverses the default newest/longest/highest first order.
	Ascending bool
	// WithTotal also counts all matching calls (CallLogPage.Total); the
	// count reads the user's whole filtered range, so ask only when needed.
	WithTotal bool
}

// CallLogPage is one page of a call log.
type CallLogPage struct {
	// Calls on this page, with their trace steps (not their legs).
	Calls []CallLogEntry `json:"calls"`
	// Page and PageSize echo the effective query.
	Page int `json:"page"`
	// PageSize is the effective page size.
	PageSize int `json:"page_size"`
	// HasMore says a next page exists.
	HasMore bool `json:"has_more"`
	// Total counts every matching call when the query asked WithTotal.
	Total int64 `json:"total,omitempty"`
}

func (q *CallLogQuery) normalise() error {
	if err := checkExtNumber("extension", q.Extension); err != nil {
		return err
	}
	if q.Type == "all" {
		q.Type = ""
	}
	if q.Type != "" {
		if err := checkOneOf("type", q.Type, CallInternal, CallInbound, CallOutbound, CallSystem); err != nil {
			return err
		}
	}
	if q.Number != "" {
		if err := checkPhone("number", q.Number); err != nil {
			return err
		}
	}
	if _, ok := callLogSorts[q.Sort]; !ok {
		return invalid("sort", "must be one of started_at, duration, from, to")
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > 1_000_000 {
		return invalid("page", "must be 1 or more")
	}
	if q.PageSize == 0 {
		q.PageSize = DefaultCallLogPageSize
	}
	if q.PageSize < 1 || q.PageSize > MaxCallLogPageSize {
		return invalid("page_size", fmt.Sprintf("must be between 1 and %d", MaxCallLogPageSize))
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return invalid("from", "must be before to")
	}
	return nil
}

// Log returns one page of a user's calls, newest first by default. It reads
// only the user's range of the clustered call_log_entries table (and the
// trace steps of the calls on the page), so its cost depends on the user's
// own calls, not on the table's size.
func (r *CallRepo) Log(ctx context.Context, q CallLogQuery) (*CallLogPage, error) {
	if err := q.normalise(); err != nil {
		return nil, fmt.Errorf("store: call log: %w", err)
	}
	// Prepared statements are cached per connection: the query has only a
	// few shapes, and skipping SQL parsing is a large part of its cost.
	db := r.s.ctxDB(ctx).Session(&gorm.Session{PrepareStmt: true}).Model(&CallLogEntry{}).
		Where("extension = ?", q.Extension)
	if q.Type != "" {
		db = db.Where("type = ?", q.Type)
	}
	if !q.From.IsZero() {
		db = db.Where("started_at >= ?", utc(q.From))
	}
	if !q.To.IsZero() {
		db = db.Where("started_at < ?", utc(q.To))
	}
	if q.Number != "" {
		pat := likeContains(q.Number)
		db = db.Where("(from_number LIKE ? ESCAPE '!' OR to_number LIKE ? ESCAPE '!')", pat, pat)
	}
	dir := " DESC"
	if q.Ascending {
		dir = " ASC"
	}
	col := callLogSorts[q.Sort]
	// No "extension" in ORDER BY: it is fixed by the WHERE, and naming it
	// makes MariaDB read the user's whole range before the LIMIT (5x slower).
	order := col + dir
	if col != "started_at" {
		order += ", started_at" + dir
	}
	order += ", call_id" + dir
	var total int64
	if q.WithTotal {
		if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
			return nil, wrap("call log count", err)
		}
	}
	rows, err := scanCallLog(db.Select(callLogColumns).Order(order).Limit(q.PageSize + 1).Offset((q.Page - 1) * q.PageSize))
	if err != nil {
		return nil, wrap("call log", err)
	}
	page := &CallLogPage{Page: q.Page, PageSize: q.PageSize, Calls: rows, Total: total}
	if len(rows) > q.PageSize {
		page.HasMore, page.Calls = true, rows[:q.PageSize]
	}
	if len(page.Calls) == 0 {
		page.Calls = []CallLogEntry{}
		return page, nil
	}
	ids := make([]uint64, len(page.Calls))
	byID := make(map[uint64]*CallLogEntry, len(page.Calls))
	for i := range page.Calls {
		ids[i] = page.Calls[i].CallID
		byID[ids[i]] = &page.Calls[i]
		page.Calls[i].Trace = []TraceStep{}
	}
	var steps []TraceStep
	if err := r.s.ctxDB(ctx).Where("call_id IN ?", ids).Order("call_id, seq").Find(&steps).Error; err != nil {
		return nil, wrap("call log trace", err)
	}
	for _, st := range steps {
		if e := byID[st.CallID]; e != nil {
			e.Trace = append(e.Trace, st)
		}
	}
	return page, nil
}

// callLogColumns are the columns scanCallLog reads, in order.
const callLogColumns = "extension, started_at, call_id, type, from_number, from_name, to_number, answered_at, duration_sec, disposition"

// scanCallLog runs the query and scans rows by hand: the page is on the hot
// path of the portal, and gorm's reflective Scan costs more than the query.
func scanCallLog(db *gorm.DB) ([]CallLogEntry, error) {
	rows, err := db.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]CallLogEntry, 0, DefaultCallLogPageSize+1)
	for rows.Next() {
		var (
			e   CallLogEntry
			ans sql.NullTime
		)
		if err := rows.Scan(&e.Extension, &e.StartedAt, &e.CallID, &e.Type, &e.FromNumber, &e.FromName,
			&e.ToNumber, &ans, &e.DurationSec, &e.Disposition); err != nil {
			return nil, err
		}
		e.StartedAt = e.StartedAt.UTC()
		if ans.Valid {
			t := ans.Time.UTC()
			e.AnsweredAt = &t
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
