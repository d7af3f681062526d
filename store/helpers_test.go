package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestMain lowers the bcrypt work factor: hashing strength is bcrypt's
// business, and the default cost makes every log-in test slow.
func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// mysqlDSNEnv names the variable that turns the MySQL half of the tests on.
const mysqlDSNEnv = "SWITCHBOARD_TEST_MYSQL_DSN"

// backends runs fn once per database: SQLite always, MySQL/MariaDB when
// SWITCHBOARD_TEST_MYSQL_DSN is set. Each run gets a fresh, migrated store.
func backends(t *testing.T, fn func(t *testing.T, st *Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, newSQLiteStore(t))
	})
	t.Run("mysql", func(t *testing.T) {
		fn(t, newMySQLStore(t))
	})
}

func newSQLiteStore(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), Options{Driver: DriverSQLite, DSN: filepath.Join(t.TempDir(), "sb.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return st
}

// newMySQLDatabase creates a database switchboard_test_<random> and returns
// a DSN for it; the database is dropped when the test ends.
func newMySQLDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(mysqlDSNEnv)
	if dsn == "" {
		t.Skipf("MySQL tests skipped: set %s (e.g. sbtest:sbtest@tcp(127.0.0.1:3306)/switchboard_test?parseTime=true&loc=UTC&charset=utf8mb4)", mysqlDSNEnv)
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", mysqlDSNEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "switchboard_test_" + hex.EncodeToString(b[:])
	admin := *cfg
	admin.DBName = ""
	db, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: &admin}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect mysql: %v", err)
	}
	if err := db.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = db.Exec("DROP DATABASE IF EXISTS `" + name + "`").Error
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

func newMySQLStore(t testing.TB) *Store {
	t.Helper()
	dsn := newMySQLDatabase(t)
	st, err := Open(context.Background(), Options{Driver: DriverMySQL, DSN: dsn})
	if err != nil {
		t.Fatalf("open mysql: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate mysql: %v", err)
	}
	return st
}

// wantErr fails the test unless errors.Is(err, want).
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

// must fails the test on a non-nil error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantField fails unless err is a *ValidationError for field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != field {
		t.Fatalf("error = %v, want a validation error on %q", err, field)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("validation error %v does not match ErrInvalid", err)
	}
}
