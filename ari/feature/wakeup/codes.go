// Package wakeup is FC-WAKEUP: *55*MMDDHHMM# schedules a wakeup call (the
// next such date and time in the system's time zone), *055# cancels all of
// the caller's, *55# is a menu (1 add, 2 hear them, 3 cancel all, # exit).
//
// A Scheduler running in the app starts each attempt at its time. An
// attempt is a call of the core whose "caller" is an anchor channel (a Local
// channel created in Stasis and never dialled, id ChannelID(wakeup,
// attempt)); the Handler then rings the extension like a normal call: every
// registered desk device and the browser at once, showing "Wakeup" <*55>;
// the first to answer hears the message (twice, then goodbye) and the others
// stop ringing (answered elsewhere).
//
// Unanswered (the ring time, 45 s, runs out), unreachable (no device
// registered) and busy all count as one unanswered attempt, retried once 5
// minutes after it was made. Busy means the extension is in a call when the
// wakeup is due: a channel on its desk or browser endpoint (a call made,
// taken or ringing), or Options.Presence reporting it. A wakeup never rings
// into a call (no call waiting, no barging in): the user is plainly awake,
// and the retry comes after the call is over; still busy at the retry, the
// wakeup is given up like any twice-unanswered one.
//
// DND and call forwarding do not apply: the wakeup is the user's own
// request, and it is for them, not for a forward target.
//
// The wakeups live in the store, so they survive a restart: on start, one
// overdue by at most Options.MaxLate (30 min) rings at once, an older one is
// marked failed. An app stopped mid-ring ends the call without an outcome,
// so the restarted app rings the same attempt again at once. A scheduler
// that finds an attempt's anchor still there (409 on its deterministic id)
// only watches it; an attempt whose call vanished without an outcome counts
// as unanswered, so no wakeup is tried more often than its retries allow.
// An anchor that never reached the app (created before the app was
// connected) is no attempt and is created again 5 s later.
//
// Wiring: Register(router, sched) for the codes, core.Options.Tagged[Tag] =
// sched.Handler() for the attempts, Options.Presence = the router's
// feature.Env.Presence, Options.Ready = the engine's Ready, and
// go sched.Run(ctx).
package wakeup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

// tries bounds how often a caller may enter a refused time, and how often
// the menu repeats without an answer.
const tries = 3

// Register serves the wakeup codes on the router.
func Register(r *callflow.Router, s *Scheduler) {
	r.Handle(dialplan.CodeWakeupAdd, feature.HandlerFunc(s.serveAdd))
	r.Handle(dialplan.CodeWakeupCancelAll, feature.HandlerFunc(s.serveCancelAll))
	r.Handle(dialplan.CodeWakeupMenu, feature.HandlerFunc(s.serveMenu))
}

// serveAdd is *55*MMDDHHMM#.
func (s *Scheduler) serveAdd(ctx context.Context, _ *feature.Env, req *feature.Request) error {
	c := req.Call
	if err := c.Answer(ctx); err != nil {
		return err
	}
	if err := s.enter(ctx, req, req.Route.Arg); err != nil {
		return err
	}
	return c.Hangup(ctx, c.Caller, "normal")
}

// serveCancelAll is *055#.
func (s *Scheduler) serveCancelAll(ctx context.Context, _ *feature.Env, req *feature.Request) error {
	if err := s.cancelAll(ctx, req); err != nil {
		return err
	}
	return feature.Confirm(ctx, req, cancelledPrompt...)
}

func (s *Scheduler) cancelAll(ctx context.Context, req *feature.Request) error {
	ext := req.Caller.Number
	n, err := s.o.Store.CancelAll(ctx, ext)
	if err != nil {
		return fmt.Errorf("wakeup: cancel all of %s: %w", ext, err)
	}
	s.Changed()
	req.Call.Trace(ctx, "wakeup", fmt.Sprintf("%s cancels %d wakeup calls", ext, n))
	req.Call.Log().InfoContext(ctx, "wakeup calls cancelled", "feature", "wakeup", "extension", ext, "count", n)
	return nil
}

// serveMenu is *55#.
func (s *Scheduler) serveMenu(ctx context.Context, _ *feature.Env, req *feature.Request) error {
	c := req.Call
	if err := c.Answer(ctx); err != nil {
		return err
	}
	// "*" ends the entry like a timeout: "#" must come back as a choice.
	for silent := 0; silent < tries; {
		choice, err := c.Collect(ctx, c.Caller, core.CollectOptions{Prompt: menuPrompt, Max: 1, Terminator: "*"})
		if err != nil {
			return err
		}
		switch choice {
		case "1":
			err = s.enter(ctx, req, "")
		case "2":
			err = s.list(ctx, req)
		case "3":
			if err = s.cancelAll(ctx, req); err == nil {
				err = c.Play(ctx, c.Caller, cancelledPrompt...)
			}
		case "#":
			if err := c.Play(ctx, c.Caller, "sound:goodbye"); err != nil {
				return err
			}
			return c.Hangup(ctx, c.Caller, "normal")
		case "":
			silent++
		default:
			err = c.Play(ctx, c.Caller, invalidPrompt...)
		}
		if err != nil {
			return err
		}
	}
	return c.Hangup(ctx, c.Caller, "normal")
}

// enter schedules MMDDHHMM (first, or asked for when empty) and confirms
// with the date and time; a date or time that does not exist (0230, or the
// hour clocks skip) gets "invalid" and another try. Digits pressed during
// "invalid" already count for the next entry.
func (s *Scheduler) enter(ctx context.Context, req *feature.Request, first string) error {
	c := req.Call
	digits, prompt := first, enterTimePrompt
	for try := 0; try < tries; try++ {
		if digits == "" {
			got, err := c.Collect(ctx, c.Caller, core.CollectOptions{Prompt: prompt, FirstTimeout: 15 * time.Second})
			if err != nil {
				return err
			}
			digits = got
		}
		at, err := s.add(ctx, req, digits)
		if err == nil {
			return c.Play(ctx, c.Caller, append([]string{"sound:added"}, SayDateTime(at.In(s.zone(ctx)))...)...)
		}
		if !errors.Is(err, dialplan.ErrInvalidWakeup) && !errors.Is(err, dialplan.ErrNonexistentTime) {
			return err
		}
		c.Trace(ctx, "wakeup", fmt.Sprintf("refused %q: %v", digits, err))
		digits, prompt = "", slices.Concat(invalidPrompt, enterTimePrompt)
	}
	return c.Play(ctx, c.Caller, invalidPrompt...)
}

// add stores a wakeup for the caller at the next MMDDHHMM.
func (s *Scheduler) add(ctx context.Context, req *feature.Request, mmddhhmm string) (time.Time, error) {
	c, ext := req.Call, req.Caller.Number
	at, err := dialplan.NextWakeup(mmddhhmm, c.Now(), s.zone(ctx))
	if err != nil {
		return time.Time{}, err
	}
	w := &store.WakeupCall{Extension: ext, At: at, MaxRetries: Retries, RetryEverySec: int(RetryEvery / time.Second)}
	if err := s.o.Store.Create(ctx, w); err != nil {
		return time.Time{}, fmt.Errorf("wakeup: add for %s: %w", ext, err)
	}
	s.Changed()
	c.Trace(ctx, "wakeup", fmt.Sprintf("%s adds wakeup %d at %s", ext, w.ID, at.In(s.zone(ctx)).Format(time.RFC3339)))
	c.Log().InfoContext(ctx, "wakeup call added", "feature", "wakeup", "extension", ext, "wakeup", w.ID,
		"at", at.In(s.zone(ctx)))
	return at, nil
}

// list says how many wakeups the caller has and when each rings.
func (s *Scheduler) list(ctx context.Context, req *feature.Request) error {
	ws, err := s.o.Store.ListScheduled(ctx, req.Caller.Number)
	if err != nil {
		return fmt.Errorf("wakeup: list of %s: %w", req.Caller.Number, err)
	}
	media := []string{"sound:vm-youhave", fmt.Sprintf("number:%d", len(ws))}
	for _, w := range ws {
		media = append(media, SayDateTime(w.At.In(s.zone(ctx)))...)
	}
	return req.Call.Play(ctx, req.Call.Caller, media...)
}
