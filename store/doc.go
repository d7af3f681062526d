// Package store keeps everything Switchboard must remember: extensions,
// accounts, departments, phonebook, call records, voicemail, faxes,
// forwards, follow-me, blacklist, queues, ring groups, conference rooms,
// wakeup calls, recordings, trunks and DID routes, API tokens, the audit
// log and the system settings.
//
// # Databases
//
// SQLite (pure Go, github.com/glebarez/sqlite) for a single box, opened in
// WAL mode with foreign keys on, a busy timeout and BEGIN IMMEDIATE
// transactions so concurrent writers queue instead of failing; MySQL or
// MariaDB (gorm.io/driver/mysql) for larger installations, with parseTime,
// UTC and utf8mb4 forced. Open, then Migrate.
//
// # Schema
//
// Numbered migrations (migrate.go) are recorded in schema_migrations;
// Migrate applies only the ones a database has not seen, so running it
// twice does nothing the second time. Released migrations are never edited:
// a schema change is a new migration.
//
// # Errors
//
// Every repository method validates its input before writing (digits-only
// internal numbers, dialable external numbers, lengths, enumerations) and
// writes inside a transaction where more than one row changes. Failures
// match one of ErrNotFound, ErrDuplicate, ErrInvalid (usually a
// *ValidationError naming the field), ErrReference or ErrBadCredentials with
// errors.Is, on both databases: driver errors are mapped in errors.go.
//
// # Conventions
//
//   - Times are stored in UTC with millisecond precision; callers convert
//     to and from the configured time zone (SystemSettings.Location).
//   - External numbers are stored as given and must already be canonical
//     (E.164 "+4930123456" where a country code is configured): the store
//     checks their shape, the dialplan canonicalises them.
//   - Internal numbers (extensions, queues, ring groups, conference rooms)
//     share one numbering plan: a number is used at most once across them.
//   - Records owned by an extension (forwards, follow-me, personal contacts,
//     voicemail, faxes, queue and ring group memberships, wakeups, tokens)
//     reference it by number with ON UPDATE/DELETE CASCADE, so renumbering
//     carries them along and deleting removes them. Call records and
//     recordings are history and are kept.
//   - The per-user call log (CallRepo.Log) reads call_log_entries, one row
//     per call and participating extension, clustered by (extension,
//     started_at, call_id); its number filter is a substring match on the
//     canonical from/to numbers.
package store
