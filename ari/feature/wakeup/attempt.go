package wakeup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/store"
)

// ChannelID is the deterministic id of the anchor channel of a wakeup's
// n-th attempt: a restarted scheduler that tries the same attempt again gets
// 409 instead of ringing twice.
func ChannelID(id uint64, attempt int) string {
	return fmt.Sprintf("wakeup-%d-%d", id, attempt)
}

// anchorEndpoint is the dial string of the anchor channel: a Local channel
// that is created in Stasis and never dialled, so it runs no dialplan and
// rings nothing. The attempt's call owns it as its "caller"; the devices are
// the call's dialled legs.
const anchorEndpoint = "Local/wakeup@stasis-failed"

// restartPause is how long an attempt whose anchor never reached the app
// waits before it is started again.
const restartPause = 5 * time.Second

// anchorFormats are the codecs the devices' legs are offered (the legs take
// the anchor's as their originator's); the phones' endpoints allow these.
const anchorFormats = "ulaw,alaw,g722"

// appArg is the Stasis argument after the tag: "<wakeup id>:<extension>".
func appArg(id uint64, ext string) string {
	return strconv.FormatUint(id, 10) + ":" + ext
}

// parseAppArg reads appArg's form.
func parseAppArg(arg string) (uint64, string, error) {
	idText, ext, ok := strings.Cut(arg, ":")
	id, err := strconv.ParseUint(idText, 10, 64)
	if !ok || err != nil || ext == "" {
		return 0, "", fmt.Errorf("%w: %q", ErrBadID, arg)
	}
	return id, ext, nil
}

// start runs one attempt of w on its own goroutine.
func (s *Scheduler) start(ctx context.Context, w store.WakeupCall) {
	ch := ChannelID(w.ID, w.Attempts+1)
	s.mu.Lock()
	s.inFlight[w.ID] = ch
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.done(w.ID)
		s.attempt(ctx, w, ch)
	}()
}

// done forgets a finished attempt and lets Run look at the store again.
func (s *Scheduler) done(id uint64) {
	s.mu.Lock()
	delete(s.begun, s.inFlight[id])
	delete(s.inFlight, id)
	s.mu.Unlock()
	s.Changed()
}

// begin notes that the Handler took the call of anchor ch.
func (s *Scheduler) begin(ch string) {
	s.mu.Lock()
	s.begun[ch] = true
	s.mu.Unlock()
}

func (s *Scheduler) hasBegun(ch string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begun[ch]
}

// attempt creates the attempt's anchor channel, whose call (Handler) rings
// the extension's devices and records the outcome, and watches it until it
// is gone. An anchor this scheduler created that vanished before the
// Handler took it (the app was not connected yet) was no attempt: it is
// started again after restartPause. An attempt whose call vanished without
// recording an outcome (hung up from outside, the app stopped mid-ring)
// counts as unanswered, so that a wakeup is never tried more often than its
// retries allow.
func (s *Scheduler) attempt(ctx context.Context, w store.WakeupCall, ch string) {
	log := s.log.With("wakeup", w.ID, "extension", w.Extension, "channel", ch)
	started := s.o.Clock.Now()
	log.InfoContext(ctx, "wakeup due", "at", w.At.In(s.zone(ctx)), "attempt", w.Attempts+1)
	created := true
	_, err := s.o.Client.Channels().Create(ctx, ari.ChannelCreateParams{
		Endpoint: anchorEndpoint, App: s.o.App, AppArgs: Tag + "," + appArg(w.ID, w.Extension),
		ChannelID: ch, Formats: anchorFormats,
		Variables: map[string]any{"CALLERID(name)": callerName, "CALLERID(num)": callerNumber}})
	switch {
	case err == nil:
	case errors.Is(err, ari.ErrConflict):
		created = false
		log.InfoContext(ctx, "wakeup attempt already running (started before a restart): watching it")
	case ctx.Err() != nil:
		return
	default:
		log.WarnContext(ctx, "cannot start the wakeup call", "err", err)
		s.unanswered(ctx, w.ID, ch, started, "could not start")
		return
	}
	if !s.watch(ctx, ch) {
		return
	}
	pending, err := s.stillPending(ctx, w)
	if err != nil {
		log.WarnContext(ctx, "cannot check the wakeup after its call", "err", err)
		return
	}
	switch {
	case !pending:
	case created && !s.hasBegun(ch):
		log.InfoContext(ctx, "wakeup call never reached the app: starting it again", "in", restartPause)
		timer := s.o.Clock.NewTimer(restartPause)
		defer timer.Stop()
		select {
		case <-ctx.Done():
		case <-timer.C():
		}
	default:
		log.InfoContext(ctx, "wakeup call ended without an outcome")
		s.unanswered(ctx, w.ID, ch, started, "call vanished")
	}
}

// watch polls the anchor channel until it is gone (true) or ctx ends
// (false). Polling also works for an attempt a previous scheduler started.
func (s *Scheduler) watch(ctx context.Context, ch string) bool {
	for {
		_, err := s.o.Client.Channels().Get(ctx, ch)
		if errors.Is(err, ari.ErrNotFound) {
			return true
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

// stillPending reports whether w is scheduled with no more attempts than
// when its attempt began: nobody recorded the attempt's outcome.
func (s *Scheduler) stillPending(ctx context.Context, w store.WakeupCall) (bool, error) {
	ws, err := s.o.Store.ListScheduled(ctx, w.Extension)
	if err != nil {
		return false, fmt.Errorf("wakeup: list of %s: %w", w.Extension, err)
	}
	for _, x := range ws {
		if x.ID == w.ID {
			return x.Attempts == w.Attempts, nil
		}
	}
	return false, nil
}

// unanswered records a failed attempt made at started: the store
// reschedules it RetryEvery after that or, with no retry left, marks it
// failed. why says what happened (no answer, busy, …).
func (s *Scheduler) unanswered(ctx context.Context, id uint64, ch string, started time.Time, why string) {
	w, err := s.o.Store.RecordAttempt(ctx, id, started, false)
	switch {
	case errors.Is(err, store.ErrInvalid):
		// Answered, cancelled or given up meanwhile: nothing to record.
		s.log.DebugContext(ctx, "wakeup no longer scheduled", "wakeup", id, "err", err)
	case err != nil:
		s.log.WarnContext(ctx, "cannot record wakeup attempt", "wakeup", id, "err", err)
	case w.State == store.WakeupFailed:
		s.log.InfoContext(ctx, "wakeup not answered: giving up", "wakeup", id, "channel", ch,
			"why", why, "attempts", w.Attempts)
	default:
		s.log.InfoContext(ctx, "wakeup not answered: retrying", "wakeup", id, "channel", ch,
			"why", why, "retry_at", w.At.In(s.zone(ctx)))
	}
}
