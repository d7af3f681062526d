package voicemail

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

// Lockouts keeps each mailbox's failed log-ins and locks;
// *store.VoicemailRepo implements it, so that a lock survives a restart.
type Lockouts interface {
	// LockedUntil reports when mailbox's lock ends (zero: not locked at now).
	LockedUntil(ctx context.Context, mailbox string, now time.Time) (time.Time, error)
	// LoginFailed counts a failure at now and reports when the lock it
	// caused ends (zero: not locked).
	LoginFailed(ctx context.Context, mailbox string, now time.Time, p store.LockoutPolicy) (time.Time, error)
	// LoginSucceeded clears mailbox's failures.
	LoginSucceeded(ctx context.Context, mailbox string) error
}

// lockoutsFor is o.Lockouts, else the message store when it keeps lockouts
// too (the store does), else locks kept in memory until the process ends.
func lockoutsFor(o Options) Lockouts {
	if o.Lockouts != nil {
		return o.Lockouts
	}
	if l, ok := o.Messages.(Lockouts); ok {
		return l
	}
	return &memLockouts{rows: map[string]memLockout{}}
}

// policy is the Options' lockout rule.
func (s *Service) policy() store.LockoutPolicy {
	return store.LockoutPolicy{Failures: s.o.LockFailures, Window: s.o.LockWindow, LockFor: s.o.LockFor}
}

// memLockouts is Lockouts in memory, with the store's rule: failures are
// counted from the first one for a window; a lock clears the count.
type memLockouts struct {
	mu   sync.Mutex
	rows map[string]memLockout
}

type memLockout struct {
	failures    int
	first, lock time.Time
}

func (m *memLockouts) LockedUntil(_ context.Context, mailbox string, now time.Time) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.rows[mailbox]; now.Before(r.lock) {
		return r.lock, nil
	}
	return time.Time{}, nil
}

func (m *memLockouts) LoginFailed(_ context.Context, mailbox string, now time.Time, p store.LockoutPolicy) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rows[mailbox]
	if r.first.IsZero() || now.Sub(r.first) >= p.Window {
		r.failures, r.first = 0, now
	}
	r.failures++
	var until time.Time
	if r.failures >= p.Failures {
		until = now.Add(p.LockFor)
		r = memLockout{lock: until}
	}
	m.rows[mailbox] = r
	return until, nil
}

func (m *memLockouts) LoginSucceeded(_ context.Context, mailbox string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.rows[mailbox]; ok && r.lock.IsZero() {
		delete(m.rows, mailbox)
	}
	return nil
}
