package core

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari"
)

// BridgeType is the type every call bridge gets: "mixing,dtmf_events" in
// that order disables native RTP bridging, so that DTMF events and mute work
// (a plain "mixing" bridge of two PJSIP legs ignores both).
const BridgeType = "mixing,dtmf_events"

// Bridge is one of the call's bridges.
type Bridge struct {
	// ID is the Asterisk bridge id.
	ID string
}

// NewBridge creates a bridge of the given type ("" for BridgeType) owned by
// the call; the core destroys it when the call ends.
func (c *Call) NewBridge(ctx context.Context, typ string) (*Bridge, error) {
	if typ == "" {
		typ = BridgeType
	}
	id := c.e.ids.Next("br")
	if err := c.owner.ClaimBridge(id); err != nil {
		return nil, fmt.Errorf("claim bridge: %w", err)
	}
	if _, err := c.Client().Bridges().CreateWithID(ctx, id, ari.BridgeCreateWithIDParams{Type: typ, Name: c.ID}); err != nil {
		c.owner.ReleaseBridge(id)
		return nil, fmt.Errorf("create bridge: %w", err)
	}
	c.bridges[id] = true
	c.track(id, true)
	return &Bridge{ID: id}, nil
}

// JoinOptions shape how a leg joins a bridge.
type JoinOptions struct {
	// AbsorbDTMF keeps the leg's digits from reaching the others (in-call
	// codes); the app then re-sends the digits that are not codes.
	AbsorbDTMF bool
	// Mute drops the leg's audio into the bridge (one-way paging).
	Mute bool
	// Role is the bridge role ("" for none).
	Role string
	// QuietIdentity joins without telling the other members the leg's
	// identity (no connected-line update: see connected.go).
	QuietIdentity bool
}

// Join adds legs to a bridge.
func (c *Call) Join(ctx context.Context, b *Bridge, o JoinOptions, legs ...*Leg) error {
	ids := make([]string, 0, len(legs))
	for _, l := range legs {
		if err := c.legErr(l); err != nil {
			return err
		}
		ids = append(ids, l.ID)
	}
	err := c.Client().Bridges().AddChannel(ctx, b.ID, ari.BridgeAddChannelParams{Channel: ids,
		AbsorbDTMF: o.AbsorbDTMF, Mute: o.Mute, Role: o.Role, InhibitConnectedLineUpdates: o.QuietIdentity})
	if err != nil {
		if isGone(err) {
			return c.goneAmong(ctx, legs)
		}
		return fmt.Errorf("add to bridge %s: %w", b.ID, err)
	}
	return nil
}

// goneAmong tells which of legs Asterisk no longer knows after a request
// about them answered 404 before their hang-up events arrived: ErrCallerGone
// when it is the caller, ErrLegGone otherwise. An error path only: it asks
// Asterisk about each leg.
func (c *Call) goneAmong(ctx context.Context, legs []*Leg) error {
	if err := c.legErr(nil); err != nil {
		return err
	}
	for _, l := range legs {
		if l.Gone {
			return c.legGone(l)
		}
		if _, err := c.Client().Channels().Get(ctx, l.ID); isGone(err) {
			return c.legGone(l)
		}
	}
	return ErrLegGone
}

// Connect answers the caller and bridges it with leg l in a new call bridge;
// both join with absorbDTMF so that in-call codes do not leak. A caller not
// answered yet is shown l's identity with the answer, as app_dial does,
// and the bridge then sends no connected-line update to either phone (the
// callee has the caller's identity from its INVITE): no re-INVITEs.
func (c *Call) Connect(ctx context.Context, l *Leg) (*Bridge, error) {
	b, err := c.NewBridge(ctx, "")
	if err != nil {
		return nil, err
	}
	shown, err := c.showConnected(ctx, l)
	if err != nil {
		return b, err
	}
	if err := c.Answer(ctx); err != nil {
		return b, err
	}
	if err := c.Join(ctx, b, JoinOptions{AbsorbDTMF: true, QuietIdentity: shown}, c.Caller, l); err != nil {
		return b, err
	}
	c.SetState(ctx, StateTalking, "connected to "+l.Target)
	return b, nil
}

// DestroyBridge destroys one of the call's bridges.
func (c *Call) DestroyBridge(ctx context.Context, b *Bridge) {
	if b == nil || !c.bridges[b.ID] {
		return
	}
	delete(c.bridges, b.ID)
	c.track(b.ID, false)
	if err := c.Client().Bridges().Destroy(ctx, b.ID); err != nil && !isGone(err) {
		c.log.WarnContext(ctx, "destroy bridge failed", "bridge", b.ID, "err", err)
	}
	c.owner.ReleaseBridge(b.ID)
}

// DTMFHandler sees a digit pressed on a bridged leg during Talk; returning
// done=true ends Talk.
type DTMFHandler func(ctx context.Context, l *Leg, digit string) (done bool, err error)

// Talk keeps the parties talking until one of legs hangs up (it returns that
// leg) or onDigit asks to stop (it returns nil). Digits are passed to onDigit
// (nil: digits are ignored).
func (c *Call) Talk(ctx context.Context, onDigit DTMFHandler, legs ...*Leg) (*Leg, error) {
	for {
		for _, l := range legs {
			if l.Gone {
				return l, nil
			}
		}
		ev, err := c.Next(ctx)
		if err != nil {
			return nil, err
		}
		if d, ok := ev.(*ari.ChannelDtmfReceived); ok && onDigit != nil {
			if l := c.legs[d.Channel.ID]; l != nil && contains(legs, l) {
				done, err := onDigit(ctx, l, d.Digit)
				if err != nil || done {
					return nil, err
				}
			}
		}
	}
}

// finish hangs up every leg still there, destroys the call's bridges,
// releases the call's ids and tells the observer.
func (c *Call) finish(ctx context.Context) {
	c.SetState(ctx, StateEnding, "handler returned")
	for _, l := range c.order {
		if !l.Gone {
			if err := c.Hangup(ctx, l, "normal"); err != nil {
				c.log.WarnContext(ctx, "hangup at end failed", "leg", l.ID, "err", err)
			}
			if l.Ended.IsZero() {
				l.Ended = c.Now()
			}
		}
	}
	for id := range c.bridges {
		c.DestroyBridge(ctx, &Bridge{ID: id})
	}
	c.state = StateFinished
	c.e.observe(ctx, c, ObsFinished)
	c.owner.Close()
	c.log.InfoContext(ctx, "call finished")
}
