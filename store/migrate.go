package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one numbered schema step. Steps are append-only: once
// released, a step is never edited; a schema change is a new step.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

// SchemaMigration records an applied migration in schema_migrations.
type SchemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false" json:"version"`
	Name      string    `gorm:"size:100;not null" json:"name"`
	AppliedAt time.Time `gorm:"not null" json:"applied_at"`
}

// TableName fixes the bookkeeping table's name.
func (SchemaMigration) TableName() string { return "schema_migrations" }

// migrations lists every schema step in order.
var migrations = []migration{
	{1, "departments, extensions, accounts, system settings", migrate1},
	{2, "call records, legs, trace steps, per-user call log", migrate2},
	{3, "phonebook, voicemail, faxes, call routing, queues, rooms, trunks, tokens, audit", migrate3},
	{4, "voicemail: forwarded messages' introductions, log-in lockout", migrate4},
}

// SchemaVersion is the version Migrate brings a database to.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

func migrate1(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&Department{}, &Extension{}, &Account{}, &SystemSettings{}); err != nil {
		return err
	}
	return seedSettings(tx)
}

func migrate2(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&CallRecord{}, &CallLeg{}, &TraceStep{}); err != nil {
		return err
	}
	// The call log is clustered by its primary key (extension, started_at,
	// call_id); SQLite needs WITHOUT ROWID for that, InnoDB does it anyway.
	logTx := tx
	if tx.Dialector.Name() == DriverSQLite {
		logTx = tx.Set("gorm:table_options", "WITHOUT ROWID")
	}
	return logTx.Migrator().CreateTable(&CallLogEntry{})
}

func migrate3(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(
		&Contact{}, &ContactNumber{}, &VoicemailMessage{}, &Fax{}, &CallForward{}, &FollowMe{}, &FollowMeStep{},
		&BlacklistEntry{}, &Queue{}, &QueueMember{}, &RingGroup{}, &RingGroupMember{}, &ConferenceRoom{},
		&WakeupCall{}, &Recording{}, &Trunk{}, &InboundRoute{}, &APIToken{}, &AuditEntry{},
	)
}

// Migrate applies the migrations the database has not seen yet, in order,
// and reports their versions; a second run applies nothing. Each step and
// its bookkeeping row are written together (one transaction on SQLite; on
// MySQL DDL commits implicitly, so a failed step is reported and must be
// repaired by hand). Run it from one process at a time (`switchboard migrate`).
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	return s.migrateTo(ctx, SchemaVersion())
}

// migrateTo applies the pending migrations up to and including version.
func (s *Store) migrateTo(ctx context.Context, version int) ([]int, error) {
	db := s.conn(ctx)
	if err := db.Migrator().AutoMigrate(&SchemaMigration{}); err != nil {
		return nil, wrap("migrate: bookkeeping table", err)
	}
	var done []SchemaMigration
	if err := db.Find(&done).Error; err != nil {
		return nil, wrap("migrate: read applied", err)
	}
	seen := make(map[int]bool, len(done))
	for _, m := range done {
		seen[m.Version] = true
	}
	var applied []int
	for _, m := range migrations {
		if seen[m.version] || m.version > version {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Create(&SchemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return applied, wrap(fmt.Sprintf("migrate: step %d (%s)", m.version, m.name), err)
		}
		s.log.InfoContext(ctx, "schema migration applied", "version", m.version, "name", m.name)
		applied = append(applied, m.version)
	}
	return applied, nil
}

// AppliedMigrations lists the migrations recorded in the database.
func (s *Store) AppliedMigrations(ctx context.Context) ([]SchemaMigration, error) {
	var out []SchemaMigration
	err := s.conn(ctx).Order("version").Find(&out).Error
	return out, wrap("applied migrations", err)
}
