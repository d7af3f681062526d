package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Sentinel errors; every error a repository returns matches at most one of
// them with errors.Is, on SQLite and MySQL alike.
var (
	// ErrNotFound: the record asked for does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: a unique value (number, user name, DID …) is already taken.
	ErrDuplicate = errors.New("store: duplicate")
	// ErrInvalid: the input was refused before or by the database; the
	// concrete error is usually a *ValidationError naming the field.
	ErrInvalid = errors.New("store: invalid input")
	// ErrReference: the write names a record that does not exist, or a
	// delete would leave other records pointing at nothing.
	ErrReference = errors.New("store: dangling reference")
	// ErrUnsupportedDriver: Options.Driver is neither sqlite nor mysql.
	ErrUnsupportedDriver = errors.New("store: unsupported driver")
	// ErrBadCredentials: a password or API token did not match.
	ErrBadCredentials = errors.New("store: bad credentials")
)

// ValidationError says which field was refused and why. It matches ErrInvalid.
type ValidationError struct {
	// Field is the model field name as exposed in JSON (e.g. "number").
	Field string
	// Reason is a short human-readable explanation.
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("store: invalid %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// invalid builds a *ValidationError.
func invalid(field, reason string) error {
	return &ValidationError{Field: field, Reason: reason}
}

// dbError carries the sentinel a driver error maps to alongside the driver
// error itself, so both errors.Is(err, ErrDuplicate) and errors.As(err,
// *mysql.MySQLError) work.
type dbError struct {
	kind  error
	cause error
}

// Error implements error.
func (e *dbError) Error() string { return e.kind.Error() + ": " + e.cause.Error() }

// Unwrap exposes both the sentinel and the driver error.
func (e *dbError) Unwrap() []error { return []error{e.kind, e.cause} }

// MySQL server error numbers the store maps.
const (
	mysqlDupEntry        = 1062
	mysqlNoReferencedRow = 1452
	mysqlRowIsReferenced = 1451
	mysqlRowIsRef2       = 1217
	mysqlNoRefRow2       = 1216
	mysqlDataTooLong     = 1406
	mysqlBadNull         = 1048
	mysqlOutOfRange      = 1264
	mysqlTruncatedValue  = 1366
	mysqlCheckViolated   = 3819
	mysqlTruncatedWrong  = 1292
)

// classify maps a driver or gorm error to the matching sentinel.
func classify(err error) error {
	if err == nil {
		return nil
	}
	// Our own errors are already classified.
	for _, k := range []error{ErrNotFound, ErrDuplicate, ErrInvalid, ErrReference, ErrBadCredentials} {
		if errors.Is(err, k) {
			return err
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &dbError{kind: ErrNotFound, cause: err}
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &dbError{kind: ErrDuplicate, cause: err}
	}
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return &dbError{kind: ErrReference, cause: err}
	}
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlDupEntry:
			return &dbError{kind: ErrDuplicate, cause: err}
		case mysqlNoReferencedRow, mysqlRowIsReferenced, mysqlRowIsRef2, mysqlNoRefRow2:
			return &dbError{kind: ErrReference, cause: err}
		case mysqlDataTooLong, mysqlBadNull, mysqlOutOfRange, mysqlTruncatedValue, mysqlCheckViolated, mysqlTruncatedWrong:
			return &dbError{kind: ErrInvalid, cause: err}
		}
		return err
	}
	// SQLite (glebarez/modernc) reports constraint failures by message.
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "PRIMARY KEY constraint failed"):
		return &dbError{kind: ErrDuplicate, cause: err}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &dbError{kind: ErrReference, cause: err}
	case strings.Contains(msg, "NOT NULL constraint failed"), strings.Contains(msg, "CHECK constraint failed"):
		return &dbError{kind: ErrInvalid, cause: err}
	}
	return err
}

// wrap prefixes op and classifies err; nil stays nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", op, classify(err))
}
