package wakeup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/store"
)

// ChannelID is the deterministic id of a wakeup's n-th call: a restarted
// app that tries the same attempt again gets 409 instead of ringing twice.
func ChannelID(id uint64, attempt int) string {
	return fmt.Sprintf("wakeup-%d-%d", id, attempt)
}

// start originates one attempt of w and watches it on its own goroutine.
func (s *Scheduler) start(ctx context.Context, w store.WakeupCall) {
	ch := ChannelID(w.ID, w.Attempts+1)
	s.mu.Lock()
	s.inFlight[w.ID] = ch
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.done(w.ID, ch)
		s.attempt(ctx, w, ch)
	}()
}

// done forgets a finished attempt and lets Run look at the store again.
func (s *Scheduler) done(id uint64, ch string) {
	s.mu.Lock()
	delete(s.inFlight, id)
	delete(s.answered, ch)
	s.mu.Unlock()
	s.Changed()
}

// attempt rings the extension and records an unanswered attempt; the
// handler records answered ones.
func (s *Scheduler) attempt(ctx context.Context, w store.WakeupCall, ch string) {
	log := s.log.With("wakeup", w.ID, "extension", w.Extension, "channel", ch)
	started := s.o.Clock.Now()
	log.InfoContext(ctx, "ringing wakeup call", "at", w.At.In(s.zone(ctx)), "attempt", w.Attempts+1)
	_, err := s.o.Client.Channels().OriginateWithID(ctx, ch, ari.ChannelOriginateWithIDParams{
		Endpoint: "PJSIP/" + w.Extension, App: s.o.App, AppArgs: Tag + "," + strconv.FormatUint(w.ID, 10),
		CallerID: CallerID, Timeout: int(s.o.RingTimeout / time.Second)})
	switch {
	case err == nil:
	case errors.Is(err, ari.ErrConflict):
		log.InfoContext(ctx, "wakeup call already ringing (started before a restart): watching it")
	case ctx.Err() != nil:
		return
	default:
		// 500 "Allocation failed" is an unregistered phone: unanswered.
		log.InfoContext(ctx, "wakeup call could not ring", "err", err)
		s.unanswered(ctx, w.ID, ch, started)
		return
	}
	if s.watch(ctx, ch) {
		return
	}
	if ctx.Err() == nil {
		s.unanswered(ctx, w.ID, ch, started)
	}
}

// watch polls the channel until it was answered (true) or is gone (false).
// A ringing originated channel is not in Stasis, so the core sees no
// events for it; polling is the one signal that also works after a restart.
func (s *Scheduler) watch(ctx context.Context, ch string) bool {
	for {
		if s.wasAnswered(ch) {
			return true
		}
		_, err := s.o.Client.Channels().Get(ctx, ch)
		if errors.Is(err, ari.ErrNotFound) {
			return s.wasAnswered(ch)
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "cannot check wakeup call", "channel", ch, "err", err)
		}
		timer := s.o.Clock.NewTimer(s.o.Poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C():
		}
	}
}

func (s *Scheduler) wasAnswered(ch string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered[ch]
}

// unanswered records a failed attempt made at started: the store
// reschedules it RetryEvery after that or, with no retry left, marks it
// failed.
func (s *Scheduler) unanswered(ctx context.Context, id uint64, ch string, started time.Time) {
	w, err := s.o.Store.RecordAttempt(ctx, id, started, false)
	switch {
	case errors.Is(err, store.ErrInvalid):
		// Answered, cancelled or given up meanwhile: nothing to record.
		s.log.DebugContext(ctx, "wakeup no longer scheduled", "wakeup", id, "err", err)
	case err != nil:
		s.log.WarnContext(ctx, "cannot record wakeup attempt", "wakeup", id, "err", err)
	case w.State == store.WakeupFailed:
		s.log.InfoContext(ctx, "wakeup call unanswered: giving up", "wakeup", id, "channel", ch, "attempts", w.Attempts)
	default:
		s.log.InfoContext(ctx, "wakeup call unanswered: retrying", "wakeup", id, "channel", ch,
			"retry_at", w.At.In(s.zone(ctx)))
	}
}

// Handler serves answered wakeup calls: set it as core.Options.Tagged[Tag].
func (s *Scheduler) Handler() core.Handler { return core.HandlerFunc(s.serve) }

// serve records the answer and plays the wakeup message twice.
func (s *Scheduler) serve(ctx context.Context, c *core.Call) error {
	log := c.Log().With("feature", "wakeup")
	id, err := strconv.ParseUint(c.Dialled, 10, 64)
	if err != nil {
		_ = c.Hangup(ctx, c.Caller, "normal")
		return fmt.Errorf("%w: %q", ErrBadID, c.Dialled)
	}
	s.mu.Lock()
	s.answered[c.Caller.ID] = true
	s.mu.Unlock()
	if _, err := s.o.Store.RecordAttempt(ctx, id, c.Now(), true); err != nil {
		log.WarnContext(ctx, "cannot record answered wakeup", "wakeup", id, "err", err)
	}
	c.Trace(ctx, "wakeup", fmt.Sprintf("wakeup %d answered", id))
	log.InfoContext(ctx, "wakeup call answered", "wakeup", id)
	msg := append(append([]string{}, greeting...), SayTime(c.Now().In(s.zone(ctx)))...)
	for range 2 {
		if err := c.Play(ctx, c.Caller, msg...); err != nil {
			return err
		}
		if err := c.Wait(ctx, time.Second); err != nil {
			return err
		}
	}
	if err := c.Play(ctx, c.Caller, "sound:goodbye"); err != nil {
		return err
	}
	return c.Hangup(ctx, c.Caller, "normal")
}
