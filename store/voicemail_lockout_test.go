package store

import (
	"context"
	"testing"
	"time"
)

func TestVoicemailLoginFailuresLockTheMailboxUntilTheLockEnds(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		p := LockoutPolicy{Failures: 3, Window: 15 * time.Minute, LockFor: 10 * time.Minute}
		for i := 0; i < 2; i++ {
			until, err := st.Voicemail.LoginFailed(ctx, "201", t0.Add(time.Duration(i)*time.Minute), p)
			must(t, err)
			if !until.IsZero() {
				t.Fatalf("failure %d locked the mailbox until %v", i+1, until)
			}
		}
		until, err := st.Voicemail.LoginFailed(ctx, "201", t0.Add(2*time.Minute), p)
		must(t, err)
		if want := t0.Add(12 * time.Minute); !until.Equal(want) {
			t.Fatalf("third failure locks until %v, want %v", until, want)
		}
		got, err := st.Voicemail.LockedUntil(ctx, "201", t0.Add(11*time.Minute))
		must(t, err)
		if !got.Equal(until) {
			t.Errorf("locked until %v during the lock, want %v", got, until)
		}
		got, err = st.Voicemail.LockedUntil(ctx, "201", t0.Add(12*time.Minute))
		must(t, err)
		if !got.IsZero() {
			t.Errorf("still locked until %v once the lock time passed", got)
		}
		// The lock cleared the count: one failure after it does not lock.
		until, err = st.Voicemail.LoginFailed(ctx, "201", t0.Add(13*time.Minute), p)
		must(t, err)
		if !until.IsZero() {
			t.Errorf("one failure after an expired lock locked again until %v", until)
		}
	})
}

func TestVoicemailLoginFailuresOutsideTheWindowAndAfterASuccessDoNotCount(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		p := LockoutPolicy{Failures: 2, Window: 15 * time.Minute, LockFor: 10 * time.Minute}
		fail := func(at time.Time) time.Time {
			t.Helper()
			until, err := st.Voicemail.LoginFailed(ctx, "201", at, p)
			must(t, err)
			return until
		}
		fail(t0)
		if until := fail(t0.Add(15 * time.Minute)); !until.IsZero() {
			t.Errorf("a failure after the window locked (until %v)", until)
		}
		must(t, st.Voicemail.LoginSucceeded(ctx, "201"))
		if until := fail(t0.Add(16 * time.Minute)); !until.IsZero() {
			t.Errorf("the failure before a successful log-in still counted (locked until %v)", until)
		}
		if until := fail(t0.Add(17 * time.Minute)); until.IsZero() {
			t.Error("two failures within the window did not lock")
		}
		_, err := st.Voicemail.LoginFailed(ctx, "999", t0, p)
		if err == nil {
			t.Error("a failure for a mailbox that is no extension was stored")
		}
	})
}

func TestMigrationFourAddsTheIntroductionToAVersionThreeDatabase(t *testing.T) {
	ctx := context.Background()
	st := newSQLiteStoreAt(t, 3)
	// Version 3 as released had no intro_path: the current model adds it.
	must(t, st.DB().WithContext(ctx).Migrator().DropColumn(&VoicemailMessage{}, "IntroPath"))
	must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
	applied, err := st.Migrate(ctx)
	must(t, err)
	if len(applied) != 1 || applied[0] != 4 {
		t.Fatalf("upgrade applied %v, want [4]", applied)
	}
	m := &VoicemailMessage{Mailbox: "201", ReceivedAt: t0, FilePath: "vm/201/msg-a.wav", IntroPath: "vm/201/intro-a.wav"}
	must(t, st.Voicemail.Create(ctx, m))
	got, err := st.Voicemail.Get(ctx, m.ID)
	must(t, err)
	if got.IntroPath != m.IntroPath {
		t.Errorf("intro path %q after the upgrade, want %q", got.IntroPath, m.IntroPath)
	}
	_, err = st.Voicemail.LoginFailed(ctx, "201", t0, LockoutPolicy{Failures: 3, Window: time.Minute, LockFor: time.Minute})
	must(t, err)
}

// newSQLiteStoreAt is a SQLite store migrated up to version.
func newSQLiteStoreAt(t *testing.T, version int) *Store {
	t.Helper()
	st, err := Open(context.Background(), Options{Driver: DriverSQLite, DSN: t.TempDir() + "/sb.db"})
	must(t, err)
	t.Cleanup(func() { _ = st.Close() })
	_, err = st.migrateTo(context.Background(), version)
	must(t, err)
	return st
}
