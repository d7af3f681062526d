package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Target is one thing to ring: a PJSIP endpoint or one contact of it.
type Target struct {
	// Label names the party for records and logs, e.g. "101".
	Label string
	// Endpoint is the Asterisk dial string, built only from validated
	// numbers (see package dialplan), e.g. "PJSIP/101".
	Endpoint string
	// Variables are set on the channel before it is dialled (connected
	// line, PJSIP_HEADER(add,…) for auto-answer, …).
	Variables map[string]string
	// Tag says why the leg exists, for call records ("original",
	// "forward", "followme", "transfer", …).
	Tag string
}

// Outcome is how a dial attempt ended.
type Outcome string

// Dial outcomes.
const (
	Answered    Outcome = "answered"
	Busy        Outcome = "busy"
	NoAnswer    Outcome = "no-answer"
	Unavailable Outcome = "unavailable" // not registered / could not be created
	Rejected    Outcome = "rejected"
	Failed      Outcome = "failed"
)

// DialResult reports a dial attempt.
type DialResult struct {
	// Outcome is how it ended.
	Outcome Outcome
	// Leg is the answering leg when Outcome is Answered.
	Leg *Leg
	// Cause is the most telling hangup cause of the failed legs.
	Cause int
}

// Ring sends ringing (180) to the caller.
func (c *Call) Ring(ctx context.Context) error {
	return c.ignoreGone(c.Client().Channels().Ring(ctx, c.Caller.ID))
}

// Answer answers the caller.
func (c *Call) Answer(ctx context.Context) error {
	if c.Caller.Gone {
		return ErrCallerGone
	}
	if err := c.Client().Channels().Answer(ctx, c.Caller.ID); err != nil {
		if isGone(err) {
			return ErrCallerGone
		}
		return fmt.Errorf("answer: %w", err)
	}
	return nil
}

// Hangup hangs up a leg with an ARI reason (normal, busy, no_answer,
// answered_elsewhere, …); a leg already gone is not an error.
func (c *Call) Hangup(ctx context.Context, l *Leg, reason string) error {
	if l == nil || l.Gone {
		return nil
	}
	if l.hungUp {
		return nil // a second DELETE would overwrite the first one's cause
	}
	err := c.Client().Channels().Hangup(ctx, l.ID, ari.ChannelHangupParams{Reason: reason})
	if err != nil && !isGone(err) {
		return fmt.Errorf("hangup %s: %w", l.ID, err)
	}
	l.hungUp = true
	return nil
}

func (c *Call) ignoreGone(err error) error {
	if err == nil {
		return nil
	}
	if isGone(err) {
		if c.Caller.Gone {
			return ErrCallerGone
		}
		return nil
	}
	return err
}

// NewLeg creates a channel to target in the app (appArgs "dialed,<call>"),
// tagged as this call's, without dialling it. Asterisk answers 500
// "Allocation failed" for an unregistered endpoint: the error then matches
// ari.ErrUnavailable.
func (c *Call) NewLeg(ctx context.Context, t Target) (*Leg, error) {
	id := c.e.ids.Next("leg")
	l, err := c.adopt(id, t.Label, t.Endpoint)
	if err != nil {
		return nil, err
	}
	l.Tag = t.Tag
	for k := range t.Variables {
		if strings.HasPrefix(strings.ToUpper(k), "CONNECTEDLINE(") {
			// dial's caller= would copy the caller's id over it
			l.ownConnected = true
		}
	}
	p := ari.ChannelCreateParams{Endpoint: t.Endpoint, App: c.Client().Application(),
		AppArgs: AppArgDialled + "," + c.ID, ChannelID: id, Originator: c.Caller.ID}
	if len(t.Variables) > 0 {
		p.Variables = make(map[string]any, len(t.Variables))
		for k, v := range t.Variables {
			p.Variables[k] = v
		}
	}
	ch, err := c.Client().Channels().Create(ctx, p)
	if err != nil {
		c.forget(l)
		return nil, fmt.Errorf("create leg to %s: %w", t.Label, err)
	}
	if ch != nil && l.Channel.ID == "" {
		l.Channel = *ch
	}
	c.e.observe(ctx, c, ObsLeg)
	return l, nil
}

// Dial rings every target at once and waits, at most timeout of clock time,
// for the first to answer; the others are then hung up as answered
// elsewhere. The legs are dialled only once their StasisStart arrived
// (dialling earlier can answer 409). It returns ErrCallerGone, after
// cancelling the legs, when the caller hangs up meanwhile.
func (c *Call) Dial(ctx context.Context, targets []Target, timeout time.Duration) (DialResult, error) {
	var legs []*Leg
	res := DialResult{Outcome: Unavailable}
	for _, t := range targets {
		l, err := c.NewLeg(ctx, t)
		if err != nil {
			if errors.Is(err, ari.ErrUnavailable) || errors.Is(err, ari.ErrNotFound) || errors.Is(err, ari.ErrInvalid) {
				c.log.InfoContext(ctx, "target unavailable", "target", t.Label, "err", err)
				continue
			}
			c.hangupAll(ctx, legs, "normal")
			return DialResult{Outcome: Failed}, err
		}
		legs = append(legs, l)
	}
	if len(legs) == 0 {
		return res, nil
	}
	if _, err := c.showConnected(ctx, legs[0]); err != nil {
		if errors.Is(err, ErrCallerGone) {
			c.hangupAll(ctx, legs, "normal")
			return DialResult{Outcome: Failed}, err
		}
		c.log.WarnContext(ctx, "cannot give the caller the callee's identity", "err", err)
	}
	c.SetState(ctx, StateRinging, "dialling")
	timer := c.e.o.Clock.NewTimer(timeout)
	defer timer.Stop()
	for {
		if winner := firstUp(legs); winner != nil {
			c.hangupAll(ctx, others(legs, winner), "answered_elsewhere")
			c.e.observe(ctx, c, ObsLeg)
			return DialResult{Outcome: Answered, Leg: winner}, nil
		}
		if c.Caller.Gone {
			c.hangupAll(ctx, legs, "normal")
			return DialResult{Outcome: Failed}, ErrCallerGone
		}
		if allGone(legs) {
			c.e.observe(ctx, c, ObsLeg)
			return failedResult(legs), nil
		}
		ev, err := c.nextOrTimer(ctx, timer)
		if errors.Is(err, ErrTimeout) {
			c.hangupAll(ctx, legs, "normal")
			c.e.observe(ctx, c, ObsLeg)
			return DialResult{Outcome: NoAnswer, Cause: 19}, nil
		}
		if err != nil {
			c.hangupAll(ctx, legs, "normal")
			return DialResult{Outcome: Failed}, err
		}
		if s, ok := ev.(*ari.StasisStart); ok {
			if l := c.legs[s.Channel.ID]; l != nil && contains(legs, l) {
				p := ari.ChannelDialParams{Caller: c.Caller.ID}
				if l.ownConnected {
					p.Caller = ""
				}
				err := c.Client().Channels().Dial(ctx, l.ID, p)
				if err != nil && !isGone(err) {
					c.log.WarnContext(ctx, "dial failed", "leg", l.ID, "err", err)
					_ = c.Hangup(ctx, l, "normal")
				}
			}
		}
	}
}

// nextOrTimer waits for the next event or the timer.
func (c *Call) nextOrTimer(ctx context.Context, t interface{ C() <-chan time.Time }) (ari.Event, error) {
	if len(c.backlog) > 0 {
		return c.Next(ctx)
	}
	select {
	case <-t.C():
		return nil, ErrTimeout
	case ev := <-c.owner.Events():
		c.apply(ev)
		return ev, nil
	case <-c.owner.Context().Done():
		return nil, fmt.Errorf("%w: %w", ErrCallFailed, context.Cause(c.owner.Context()))
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *Call) hangupAll(ctx context.Context, legs []*Leg, reason string) {
	for _, l := range legs {
		if err := c.Hangup(ctx, l, reason); err != nil {
			c.log.WarnContext(ctx, "hangup failed", "leg", l.ID, "err", err)
		}
	}
}

func failedResult(legs []*Leg) DialResult {
	res := DialResult{Outcome: Failed}
	rank := map[Outcome]int{Failed: 0, Unavailable: 1, NoAnswer: 2, Rejected: 3, Busy: 4}
	for _, l := range legs {
		o := outcomeOf(l.Cause)
		if rank[o] > rank[res.Outcome] || res.Cause == 0 {
			res.Outcome, res.Cause = o, l.Cause
		}
	}
	return res
}

// outcomeOf maps a hangup cause of a leg that never answered.
func outcomeOf(cause int) Outcome {
	switch cause {
	case 17:
		return Busy
	case 18, 19:
		return NoAnswer
	case 21:
		return Rejected
	case 1, 3, 20, 27:
		return Unavailable
	default:
		return Failed
	}
}

func firstUp(legs []*Leg) *Leg {
	for _, l := range legs {
		if l.Up() {
			return l
		}
	}
	return nil
}

func allGone(legs []*Leg) bool {
	for _, l := range legs {
		if !l.Gone {
			return false
		}
	}
	return true
}

func others(legs []*Leg, keep *Leg) []*Leg {
	out := make([]*Leg, 0, len(legs))
	for _, l := range legs {
		if l != keep {
			out = append(out, l)
		}
	}
	return out
}

func contains(legs []*Leg, l *Leg) bool {
	for _, x := range legs {
		if x == l {
			return true
		}
	}
	return false
}
