package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestMigrateTwiceAppliesNothingTheSecondTime(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{Driver: DriverSQLite, DSN: filepath.Join(t.TempDir(), "m.db")})
	must(t, err)
	defer st.Close()
	first, err := st.Migrate(ctx)
	must(t, err)
	if len(first) != len(migrations) || first[len(first)-1] != SchemaVersion() {
		t.Fatalf("first run applied %v, want all %d migrations", first, len(migrations))
	}
	second, err := st.Migrate(ctx)
	must(t, err)
	if len(second) != 0 {
		t.Fatalf("second run applied %v, want nothing", second)
	}
	rows, err := st.AppliedMigrations(ctx)
	must(t, err)
	if len(rows) != len(migrations) {
		t.Fatalf("schema_migrations has %d rows, want %d", len(rows), len(migrations))
	}
}

func TestMigrateIsIdempotentOnBothBackends(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		again, err := st.Migrate(context.Background())
		must(t, err)
		if len(again) != 0 {
			t.Fatalf("re-run applied %v", again)
		}
	})
}

func TestOpenRejectsUnknownDriver(t *testing.T) {
	_, err := Open(context.Background(), Options{Driver: "postgres", DSN: "x"})
	if !errors.Is(err, ErrUnsupportedDriver) {
		t.Fatalf("err = %v, want ErrUnsupportedDriver", err)
	}
}

func TestPingAnswersOnOpenStoreAndFailsAfterClose(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		must(t, st.Ping(context.Background()))
		must(t, st.Close())
		if err := st.Ping(context.Background()); err == nil {
			t.Fatal("ping after close succeeded")
		}
	})
}

func TestSQLiteRunsInWALWithForeignKeys(t *testing.T) {
	st := newSQLiteStore(t)
	var mode string
	must(t, st.DB().Raw("PRAGMA journal_mode").Scan(&mode).Error)
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
	var fk int
	must(t, st.DB().Raw("PRAGMA foreign_keys").Scan(&fk).Error)
	if fk != 1 {
		t.Fatalf("foreign_keys = %d, want 1", fk)
	}
}

func TestMigrationsAreNumberedInOrderWithStorableNames(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Fatalf("migration %d has version %d", i, m.version)
		}
		if len(m.name) == 0 || len(m.name) > 100 {
			t.Fatalf("migration %d name has %d bytes; schema_migrations.name holds 100", m.version, len(m.name))
		}
	}
}

func TestMigrateUpgradesAnOlderSchemaKeepingItsData(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{Driver: DriverSQLite, DSN: filepath.Join(t.TempDir(), "old.db")})
	must(t, err)
	defer st.Close()
	applied, err := st.migrateTo(ctx, 1)
	must(t, err)
	if len(applied) != 1 || applied[0] != 1 {
		t.Fatalf("first step applied %v", applied)
	}
	// Repositories expect the current schema; write the old row directly.
	must(t, insert(st.DB().WithContext(ctx), "seed v1", &Extension{Number: "201", Name: "Kept", OutboundClass: OutboundNational}))
	applied, err = st.Migrate(ctx)
	must(t, err)
	if len(applied) != SchemaVersion()-1 || applied[0] != 2 {
		t.Fatalf("upgrade applied %v", applied)
	}
	e, err := st.Extensions.Get(ctx, "201")
	must(t, err)
	if e.Name != "Kept" {
		t.Fatalf("extension after upgrade = %+v", e)
	}
	must(t, st.Forwards.Set(ctx, "201", ForwardAll, ForwardTarget{Number: "202", Enabled: true}))
}

func TestInMemorySQLiteKeepsOneConnection(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{Driver: DriverSQLite, DSN: ":memory:"})
	must(t, err)
	defer st.Close()
	_, err = st.Migrate(ctx)
	must(t, err)
	// Every connection to :memory: is a separate, empty database.
	sqlDB, err := st.DB().DB()
	must(t, err)
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("in-memory store allows %d connections, want 1", n)
	}
	_, err = st.Settings.Get(ctx)
	must(t, err)
}
