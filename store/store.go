package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Driver names accepted in Options.Driver.
const (
	// DriverSQLite selects SQLite; the DSN is a file path (or a file: URI).
	DriverSQLite = "sqlite"
	// DriverMySQL selects MySQL or MariaDB; the DSN is a go-sql-driver DSN.
	DriverMySQL = "mysql"
)

// sqliteBusyTimeout is how long a SQLite writer waits for the write lock.
const sqliteBusyTimeout = 5 * time.Second

// Options says which database to open.
type Options struct {
	// Driver is DriverSQLite or DriverMySQL.
	Driver string
	// DSN is the SQLite file path, or the MySQL DSN
	// (user:pass@tcp(host:3306)/db?charset=utf8mb4); parseTime and loc=UTC are
	// forced for MySQL.
	DSN string
	// Logger receives slow-query and error logs; nil discards them.
	Logger *slog.Logger
}

// Store is an open database with one repository per entity group. It is safe
// for concurrent use.
type Store struct {
	db     *gorm.DB
	driver string
	log    *slog.Logger

	// Extensions holds the extensions (users and their phones).
	Extensions *ExtensionRepo
	// Accounts holds the admin and operator log-ins.
	Accounts *AccountRepo
	// Departments holds the departments extensions belong to.
	Departments *DepartmentRepo
	// Settings holds the single row of system settings.
	Settings *SettingsRepo
	// Calls holds call detail records with their legs and route traces.
	Calls *CallRepo
	// Contacts holds the company phonebook and personal contacts.
	Contacts *ContactRepo
	// Voicemail holds voicemail messages.
	Voicemail *VoicemailRepo
	// Faxes holds sent and received faxes.
	Faxes *FaxRepo
	// Forwards holds per-extension call forward targets.
	Forwards *ForwardRepo
	// FollowMe holds per-extension follow-me lists.
	FollowMe *FollowMeRepo
	// Blacklist holds blocked external numbers.
	Blacklist *BlacklistRepo
	// Queues holds call queues and their members.
	Queues *QueueRepo
	// RingGroups holds ring groups and their members.
	RingGroups *RingGroupRepo
	// Conferences holds conference rooms.
	Conferences *ConferenceRepo
	// Wakeups holds scheduled wakeup calls.
	Wakeups *WakeupRepo
	// Recordings holds call recordings.
	Recordings *RecordingRepo
	// Trunks holds SIP trunks and inbound (DID) routes.
	Trunks *TrunkRepo
	// Tokens holds API tokens.
	Tokens *TokenRepo
	// Audit holds the audit log.
	Audit *AuditRepo
}

// Open connects to the database named by opts. It does not change the
// schema: call Migrate for that.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &gorm.Config{
		Logger:                 newGormLogger(log),
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		SkipDefaultTransaction: true,
		TranslateError:         false,
		// Statements are prepared once per connection and reused: parsing
		// SQL was a tenth of the CPU of writing live call records.
		PrepareStmt: true,
	}
	var (
		db  *gorm.DB
		err error
	)
	switch opts.Driver {
	case DriverSQLite:
		db, err = openSQLite(opts.DSN, cfg)
	case DriverMySQL:
		db, err = openMySQL(opts.DSN, cfg)
	default:
		return nil, fmt.Errorf("store: driver %q: %w", opts.Driver, ErrUnsupportedDriver)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, driver: opts.Driver, log: log}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	s.Extensions = &ExtensionRepo{s: s}
	s.Accounts = &AccountRepo{s: s}
	s.Departments = &DepartmentRepo{s: s}
	s.Settings = &SettingsRepo{s: s}
	s.Calls = &CallRepo{s: s}
	s.Contacts = &ContactRepo{s: s}
	s.Voicemail = &VoicemailRepo{s: s}
	s.Faxes = &FaxRepo{s: s}
	s.Forwards = &ForwardRepo{s: s}
	s.FollowMe = &FollowMeRepo{s: s}
	s.Blacklist = &BlacklistRepo{s: s}
	s.Queues = &QueueRepo{s: s}
	s.RingGroups = &RingGroupRepo{s: s}
	s.Conferences = &ConferenceRepo{s: s}
	s.Wakeups = &WakeupRepo{s: s}
	s.Recordings = &RecordingRepo{s: s}
	s.Trunks = &TrunkRepo{s: s}
	s.Tokens = &TokenRepo{s: s}
	s.Audit = &AuditRepo{s: s}
	return s, nil
}

func openSQLite(dsn string, cfg *gorm.Config) (*gorm.DB, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, fmt.Errorf("store: sqlite: empty DSN: %w", ErrInvalid)
	}
	// WAL lets readers run beside the single writer; _txlock=immediate takes
	// the write lock at BEGIN so two writers queue on busy_timeout instead of
	// failing with SQLITE_BUSY on lock upgrade.
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-16384)")    // 16 MiB page cache per connection
	q.Add("_pragma", "mmap_size(1073741824)") // read through a 1 GiB map, not pread
	// Statement journals (multi-row writes inside a transaction) and
	// savepoints stay in memory instead of a temporary file per write.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := gorm.Open(sqlite.Open(dsn+sep+q.Encode()), cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	conns := 8
	if dsn == ":memory:" || strings.Contains(dsn, "mode=memory") {
		// Every connection to :memory: is a database of its own: keep one.
		conns = 1
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(0)
	return db, nil
}

func openMySQL(dsn string, cfg *gorm.Config) (*gorm.DB, error) {
	mc, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: mysql DSN: %w: %w", ErrInvalid, err)
	}
	mc.ParseTime = true
	mc.Loc = time.UTC
	// Report matched rows, not changed rows, so that an update that changes
	// nothing is not mistaken for a missing record.
	mc.ClientFoundRows = true
	if mc.Params == nil {
		mc.Params = map[string]string{}
	}
	if _, ok := mc.Params["charset"]; !ok {
		mc.Params["charset"] = "utf8mb4"
	}
	mc.Params["time_zone"] = "'+00:00'"
	db, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: mc, DefaultStringSize: 191}), cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open mysql: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open mysql: %w", err)
	}
	sqlDB.SetMaxOpenConns(32)
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	return db, nil
}

// Driver reports which database the store runs on (DriverSQLite or DriverMySQL).
func (s *Store) Driver() string { return s.driver }

// DB exposes the underlying gorm handle for tests and tools that need raw
// access; repositories are the supported API.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks that the database answers; it is what /healthz calls.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close releases the database connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// tx runs fn in a transaction bound to ctx and maps its error.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn, &sql.TxOptions{})
}

// conn is the handle for single statements bound to ctx.
func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// utc normalises a time the way the store keeps it.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// utcPtr normalises an optional time.
func utcPtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := utc(*t)
	return &u
}

// quietLogger keeps gorm's logging on slog, reporting only errors that are
// not "record not found" and slow statements.
type quietLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(log *slog.Logger) logger.Interface {
	return &quietLogger{log: log.With("component", "store"), slow: 200 * time.Millisecond}
}

// LogMode implements logger.Interface; the level is slog's business.
func (l *quietLogger) LogMode(logger.LogLevel) logger.Interface { return l }

// Info implements logger.Interface.
func (l *quietLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(msg, args...))
}

// Warn implements logger.Interface.
func (l *quietLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}

// Error implements logger.Interface.
func (l *quietLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

// Trace implements logger.Interface: only slow statements are logged;
// errors reach the caller as returned errors.
func (l *quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	if elapsed >= l.slow {
		sqlText, rows := fc()
		l.log.WarnContext(ctx, "slow query", "elapsed", elapsed, "rows", rows, "sql", sqlText)
	}
}
