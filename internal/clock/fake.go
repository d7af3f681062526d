package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Fake is a manually driven clock for tests. Time stands still until Advance
// moves it; timers whose deadline is passed fire in deadline order, each with
// Now set to its own deadline.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	seq     uint64
	changed chan struct{} // closed and replaced whenever timers are added
}

// NewFake returns a Fake clock that starts at start.
func NewFake(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

type fakeTimer struct {
	f        *Fake
	deadline time.Time
	seq      uint64
	ch       chan time.Time
	fn       func()
	active   bool
}

// Now reports the fake current time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer that fires when the clock has advanced by d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, ch: make(chan time.Time, 1)}
	f.schedule(t, d)
	return t
}

// AfterFunc calls fn in its own goroutine when the clock has advanced by d.
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	t := &fakeTimer{f: f, fn: fn}
	f.schedule(t, d)
	return t
}

// After is NewTimer(d).C().
func (f *Fake) After(d time.Duration) <-chan time.Time { return f.NewTimer(d).C() }

// Sleep waits until the clock has advanced by d or ctx ends.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	t := f.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *Fake) schedule(t *fakeTimer, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scheduleLocked(t, d)
}

func (f *Fake) scheduleLocked(t *fakeTimer, d time.Duration) {
	if d < 0 {
		d = 0
	}
	f.seq++
	t.seq = f.seq
	t.deadline = f.now.Add(d)
	if !t.active {
		t.active = true
		f.timers = append(f.timers, t)
	}
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Fake) removeLocked(t *fakeTimer) bool {
	if !t.active {
		return false
	}
	t.active = false
	for i, x := range f.timers {
		if x == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			break
		}
	}
	return true
}

// Advance moves the clock forward by d, firing every timer that falls due on
// the way in deadline order.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	end := f.now.Add(d)
	for {
		sort.Slice(f.timers, func(i, j int) bool {
			a, b := f.timers[i], f.timers[j]
			if a.deadline.Equal(b.deadline) {
				return a.seq < b.seq
			}
			return a.deadline.Before(b.deadline)
		})
		if len(f.timers) == 0 || f.timers[0].deadline.After(end) {
			break
		}
		t := f.timers[0]
		f.timers = f.timers[1:]
		t.active = false
		if t.deadline.After(f.now) {
			f.now = t.deadline
		}
		now := f.now
		if t.fn != nil {
			go t.fn()
		} else {
			select {
			case t.ch <- now:
			default:
			}
		}
	}
	f.now = end
	f.mu.Unlock()
}

// Set moves the clock to t (never backwards), firing due timers.
func (f *Fake) Set(t time.Time) {
	now := f.Now()
	if t.After(now) {
		f.Advance(t.Sub(now))
	}
}

// Pending reports how many timers are waiting to fire.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// NextDeadline reports the deadline of the earliest pending timer.
func (f *Fake) NextDeadline() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.timers) == 0 {
		return time.Time{}, false
	}
	min := f.timers[0].deadline
	for _, t := range f.timers[1:] {
		if t.deadline.Before(min) {
			min = t.deadline
		}
	}
	return min, true
}

// BlockUntil waits until at least n timers are pending or ctx ends. Tests use
// it to know that the code under test has armed its timeout.
func (f *Fake) BlockUntil(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		count, changed := len(f.timers), f.changed
		f.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Run advances the clock by total in steps of step, pausing pause of real
// time between steps so that goroutines woken by one step react before the
// next. It is how scenarios let simulated seconds pass in real milliseconds.
func (f *Fake) Run(ctx context.Context, total, step, pause time.Duration) error {
	if step <= 0 {
		step = total
	}
	for done := time.Duration(0); done < total; done += step {
		s := step
		if total-done < s {
			s = total - done
		}
		f.Advance(s)
		if pause > 0 {
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
	}
	return nil
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	return t.f.removeLocked(t)
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := t.active
	if t.ch != nil {
		select {
		case <-t.ch:
		default:
		}
	}
	t.f.scheduleLocked(t, d)
	return was
}
