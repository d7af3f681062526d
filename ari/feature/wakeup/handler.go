package wakeup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

// callerVars make the devices show CallerID (connected line, as the call
// flow presents callers).
var callerVars = map[string]string{
	"CONNECTEDLINE(num,i)":  callerNumber,
	"CONNECTEDLINE(name,i)": callerName,
}

// Handler runs the call of each wakeup attempt: set it as
// core.Options.Tagged[Tag].
func (s *Scheduler) Handler() core.Handler { return core.HandlerFunc(s.serve) }

// serve is one attempt: the anchor channel is the call's caller. A busy
// extension is not rung; otherwise every registered device and the browser
// ring, the first to answer wins (the others stop, answered elsewhere) and
// hears the wakeup message twice. The attempt's outcome is recorded here,
// before the call ends: answered, or unanswered (no answer, busy, no
// device) for the retry rule. Shutting down records nothing (the restarted
// scheduler tries the attempt again).
func (s *Scheduler) serve(ctx context.Context, c *core.Call) (err error) {
	log := c.Log().With("feature", "wakeup")
	id, ext, err := parseAppArg(c.Dialled)
	if err != nil {
		return err
	}
	s.begin(c.Caller.ID)
	// The attempt is recorded like any call (the core's observer writes the
	// record): to the extension, with its legs, trace and disposition, of
	// type "system" (a call the PBX makes itself); the caller's name is
	// "Wakeup".
	c.AnnotateAll(ctx, "type", store.CallSystem, "from_name", callerName, "to", ext, "to_ext", ext)
	started, recorded := c.Now(), false
	defer func() {
		if !recorded && ctx.Err() == nil {
			why := "no answer"
			if err != nil && !errors.Is(err, core.ErrCallerGone) {
				why = "failed: " + err.Error()
			}
			s.unanswered(ctx, id, c.Caller.ID, started, why)
		}
	}()
	if s.busy(ctx, ext) {
		// Treated like no answer: the retry rings when the call is over.
		c.Trace(ctx, "busy", fmt.Sprintf("wakeup %d: %s is in a call: not rung", id, ext))
		c.Annotate(ctx, "disposition", store.DispBusy)
		recorded = true
		s.unanswered(ctx, id, c.Caller.ID, started, "busy")
		return nil
	}
	targets, err := callflow.ExtensionTargets(ctx, c, ext, &feature.Request{Call: c}, Tag)
	if err != nil {
		return fmt.Errorf("wakeup: devices of %s: %w", ext, err)
	}
	for i := range targets {
		targets[i].Variables = callerVars
	}
	c.Trace(ctx, "ring", fmt.Sprintf("wakeup %d: %s: %d device(s) for %s", id, ext, len(targets), s.o.RingTimeout))
	res, err := c.Dial(ctx, targets, s.o.RingTimeout)
	if err != nil {
		return err
	}
	if res.Outcome != core.Answered {
		c.Trace(ctx, "no-answer", fmt.Sprintf("wakeup %d: %s", id, res.Outcome))
		c.Annotate(ctx, "disposition", disposition(res.Outcome))
		recorded = true
		s.unanswered(ctx, id, c.Caller.ID, started, string(res.Outcome))
		return nil
	}
	recorded = true
	if _, err := s.o.Store.RecordAttempt(ctx, id, c.Now(), true); err != nil {
		log.WarnContext(ctx, "cannot record answered wakeup", "wakeup", id, "err", err)
	}
	c.Trace(ctx, "wakeup", fmt.Sprintf("wakeup %d answered on %s", id, res.Leg.ID))
	log.InfoContext(ctx, "wakeup call answered", "wakeup", id, "extension", ext, "leg", res.Leg.ID)
	if s.o.Presence != nil {
		defer s.o.Presence.Enter(ext)()
	}
	if err := s.message(ctx, c, res.Leg); err != nil && !errors.Is(err, core.ErrLegGone) {
		return err
	}
	return nil
}

// disposition is the call record's disposition of an unanswered attempt.
func disposition(o core.Outcome) string {
	if o == core.Busy || o == core.Rejected {
		return store.DispBusy
	}
	return store.DispNoAnswer
}

// message plays the wakeup message twice and goodbye to the answered leg,
// then hangs it up.
func (s *Scheduler) message(ctx context.Context, c *core.Call, l *core.Leg) error {
	msg := append(append([]string{}, greeting...), SayTime(c.Now().In(s.zone(ctx)))...)
	for range 2 {
		if err := c.Play(ctx, l, msg...); err != nil {
			return err
		}
		if err := c.Wait(ctx, time.Second); err != nil {
			return err
		}
	}
	if err := c.Play(ctx, l, "sound:goodbye"); err != nil {
		return err
	}
	return c.Hangup(ctx, l, "normal")
}

// busy reports whether ext is in a call: Presence says so, or its desk or
// browser endpoint has a channel (a call made, taken, or ringing). Wakeup
// anchors are Local channels, on no endpoint; an endpoint that does not
// exist (no browser provisioned) has no call. When Asterisk cannot be asked,
// the extension counts as free: a wakeup rings rather than being skipped.
func (s *Scheduler) busy(ctx context.Context, ext string) bool {
	if s.o.Presence != nil && s.o.Presence.Busy(ext) {
		return true
	}
	for _, browser := range []bool{false, true} {
		ep, err := dialplan.EndpointDialString(ext, browser)
		if err != nil {
			s.log.WarnContext(ctx, "wakeup for an invalid extension", "extension", ext, "err", err)
			return false
		}
		tech, resource, _ := strings.Cut(ep, "/")
		e, err := s.o.Client.Endpoints().Get(ctx, tech, resource)
		if errors.Is(err, ari.ErrNotFound) {
			continue
		}
		if err != nil {
			s.log.WarnContext(ctx, "cannot read the endpoint's channels; ringing anyway", "endpoint", ep, "err", err)
			return false
		}
		if len(e.ChannelIDs) > 0 {
			return true
		}
	}
	return false
}
