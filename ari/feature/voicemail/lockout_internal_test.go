package voicemail

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

func TestLocksInMemoryFollowTheStoresRule(t *testing.T) {
	ctx := context.Background()
	l := lockoutsFor(Options{})
	p := store.LockoutPolicy{Failures: 2, Window: 15 * time.Minute, LockFor: 10 * time.Minute}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	fail := func(at time.Time) time.Time {
		t.Helper()
		until, err := l.LoginFailed(ctx, "102", at, p)
		if err != nil {
			t.Fatal(err)
		}
		return until
	}
	fail(t0)
	if until := fail(t0.Add(15 * time.Minute)); !until.IsZero() {
		t.Fatalf("a failure after the window locked until %v", until)
	}
	if err := l.LoginSucceeded(ctx, "102"); err != nil {
		t.Fatal(err)
	}
	fail(t0.Add(16 * time.Minute))
	until := fail(t0.Add(17 * time.Minute))
	if want := t0.Add(27 * time.Minute); !until.Equal(want) {
		t.Fatalf("two failures in the window lock until %v, want %v", until, want)
	}
	if got, _ := l.LockedUntil(ctx, "102", t0.Add(26*time.Minute)); !got.Equal(until) {
		t.Errorf("locked until %v during the lock, want %v", got, until)
	}
	if got, _ := l.LockedUntil(ctx, "102", until); !got.IsZero() {
		t.Errorf("still locked until %v when the lock ends", got)
	}
}

func TestTheStoreKeepsTheLocksWhenItHoldsTheMessages(t *testing.T) {
	repo := &store.VoicemailRepo{}
	if _, ok := lockoutsFor(Options{Messages: repo}).(*store.VoicemailRepo); !ok {
		t.Error("with the store's messages the locks are not kept in the store")
	}
}
