package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// simTimer wraps a clock timer so that Settle can tell when every timer that
// has fallen due has also finished running.
type simTimer struct {
	s        *Server
	t        clock.Timer
	deadline time.Time
	finished bool // ran or stopped (guarded by s.timerMu)
}

// afterFunc is clock.AfterFunc for the simulator's own timers. f runs
// without the server lock held.
func (s *Server) afterFunc(d time.Duration, f func()) clock.Timer {
	st := &simTimer{s: s, deadline: s.clk.Now().Add(d)}
	s.timerMu.Lock()
	s.timers[st] = struct{}{}
	s.timerMu.Unlock()
	st.t = s.clk.AfterFunc(d, func() {
		f()
		s.timerDone(st)
	})
	return st
}

func (s *Server) timerDone(st *simTimer) {
	s.timerMu.Lock()
	delete(s.timers, st)
	st.finished = true
	ch := s.timerChanged
	s.timerChanged = make(chan struct{})
	s.timerMu.Unlock()
	close(ch)
}

// C is nil: simulator timers are AfterFunc timers.
func (t *simTimer) C() <-chan time.Time { return nil }

// Stop cancels the timer; a stopped timer no longer holds Settle up.
func (t *simTimer) Stop() bool {
	ok := t.t.Stop()
	if ok {
		t.s.timerDone(t)
	}
	return ok
}

// Reset re-arms the timer d from now.
func (t *simTimer) Reset(d time.Duration) bool {
	t.s.timerMu.Lock()
	t.deadline = t.s.clk.Now().Add(d)
	t.s.timers[t] = struct{}{}
	t.s.timerMu.Unlock()
	return t.t.Reset(d)
}

// Settle waits until every simulator timer whose deadline has passed on the
// clock has finished running and every dialplan hook is idle (blocked on
// the clock or on a signal nobody has raised). Tests sharing a clock.Fake call it after
// Advance so that the playbacks, ring and dial timeouts that fell due have
// raised their events.
func (s *Server) Settle(ctx context.Context) error {
	for {
		now := s.clk.Now()
		s.timerMu.Lock()
		due := false
		for t := range s.timers {
			if !t.deadline.After(now) {
				due = true
				break
			}
		}
		ch := s.timerChanged
		s.timerMu.Unlock()
		s.mu.Lock()
		busy := s.dpRunning > 0 || s.hangupsPendingLocked()
		for _, cond := range s.dpWaiters {
			busy = busy || cond()
		}
		changed := s.changedChLocked()
		s.mu.Unlock()
		if !due && !busy {
			return nil
		}
		select {
		case <-changed:
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("sim: settle: %w", ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}
