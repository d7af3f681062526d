// Package clock gives the call core, the features and the simulator one source
// of time. Production code uses Real; tests share one Fake between the
// simulator and the app, so that a 30 s ring timeout or a 120 s parking
// timeout costs milliseconds.
package clock

import (
	"context"
	"time"
)

// Clock is the time source every time-dependent component takes.
type Clock interface {
	// Now reports the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f in its own goroutine after d.
	AfterFunc(d time.Duration, f func()) Timer
	// After is NewTimer(d).C().
	After(d time.Duration) <-chan time.Time
	// Sleep waits for d or until ctx ends, whichever comes first; it reports
	// ctx's error when ctx ended first.
	Sleep(ctx context.Context, d time.Duration) error
}

// Timer is a single-shot timer of a Clock.
type Timer interface {
	// C is the channel the timer sends on when it fires (nil for AfterFunc timers).
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it stopped it.
	Stop() bool
	// Reset makes the timer fire after d; it reports whether it was active.
	Reset(d time.Duration) bool
}

// Real is the wall clock.
type Real struct{}

// Now reports time.Now().
func (Real) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{t: time.NewTimer(d)} }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer {
	return realTimer{t: time.AfterFunc(d, f)}
}

// After wraps time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Sleep waits for d or ctx.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }
