package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Errors the call primitives return.
var (
	// ErrCallerGone means the calling party hung up (or left Stasis); the
	// feature should stop and return.
	ErrCallerGone = errors.New("core: caller hung up")
	// ErrLegGone means the leg an operation waited on went away.
	ErrLegGone = errors.New("core: leg hung up")
	// ErrTimeout means a wait ran out of (clock) time.
	ErrTimeout = errors.New("core: timed out")
	// ErrCallFailed means the call's event queue overflowed or the engine
	// stopped; the core ends the call deliberately.
	ErrCallFailed = errors.New("core: call failed")
)

// Origin tells where a call entered the app: the first Stasis argument.
type Origin string

// The origins the dialplan contract defines.
const (
	OriginPhone   Origin = "phone"
	OriginBrowser Origin = "browser"
	OriginTrunk   Origin = "trunk"
)

// Valid reports whether o is one of the defined origins.
func (o Origin) Valid() bool { return o == OriginPhone || o == OriginBrowser || o == OriginTrunk }

// State is a call's explicit state; transitions are logged.
type State string

// Call states.
const (
	StateRouting  State = "routing"  // deciding where the call goes
	StateRinging  State = "ringing"  // one or more outbound legs alerting
	StateTalking  State = "talking"  // parties bridged
	StateFeature  State = "feature"  // the caller is in a feature (menu, prompt, voicemail)
	StateEnding   State = "ending"   // tearing down
	StateFinished State = "finished" // everything hung up and released
)

// Leg is one channel of a call: the caller's, or one the app created.
type Leg struct {
	// ID is the Asterisk channel id.
	ID string
	// Target is what the leg was created for (e.g. "101"), empty for the caller.
	Target string
	// Endpoint is the dial string used to create it.
	Endpoint string
	// Tag says why the leg exists (see Target.Tag).
	Tag string
	// Channel is the channel as last reported by Asterisk.
	Channel ari.Channel
	// State is the channel state (Down, Ring, Ringing, Up, …).
	State string
	// Created, Answered and Ended are event times (zero when not reached).
	Created, Answered, Ended time.Time
	// Cause is the hangup cause once the channel is destroyed.
	Cause int
	// InStasis is true between the leg's StasisStart and StasisEnd.
	InStasis bool
	// Gone is true once the channel left Stasis or was destroyed: nothing
	// can be done with it any more.
	Gone bool
	// HangupRequested is true once Asterisk reported a hangup request.
	HangupRequested bool

	hungUp       bool // the app asked Asterisk to hang it up
	ownConnected bool // created with its own CONNECTEDLINE(): dialled without caller=
}

// Up reports whether the leg has answered and is still there.
func (l *Leg) Up() bool { return l != nil && !l.Gone && l.State == "Up" }

// TraceStep is one routing decision, recorded on the call (X-TRACE).
type TraceStep struct {
	// At is when the decision was taken.
	At time.Time
	// Step names the decision, e.g. "blacklist", "dnd", "forward-all".
	Step string
	// Detail says what was decided, e.g. "forward to 102".
	Detail string
}

// Call is one call owned by one goroutine. Every method must be called from
// that goroutine (the Handler's ServeCall); events reach it in arrival order.
type Call struct {
	// ID is the call id (also the router owner name and the log's call_id).
	ID string
	// Origin is where the call entered.
	Origin Origin
	// Dialled is the dialled string, exactly as it arrived ("#" included).
	Dialled string
	// Caller is the calling channel.
	Caller *Leg

	e       *Engine
	handler Handler
	owner   *ari.Owner
	log     *slog.Logger
	state   State
	legs    map[string]*Leg
	order   []*Leg
	bridges map[string]bool
	trace   []TraceStep
	values  map[string]any
	notes   map[string]string
	backlog []ari.Event
	shown   string // the connected line last given to the unanswered caller (connected.go)

	// live mirrors the channel and bridge ids the call owns, for the
	// engine's resync goroutine (everything else is the call goroutine's).
	liveMu sync.Mutex
	live   map[string]bool
}

// Log is the call's logger (call_id set); features add their own "feature".
func (c *Call) Log() *slog.Logger { return c.log }

// Engine is the engine the call runs on.
func (c *Call) Engine() *Engine { return c.e }

// Client is the ARI client.
func (c *Call) Client() *ari.Client { return c.e.o.Client }

// Now is the engine clock's time.
func (c *Call) Now() time.Time { return c.e.o.Clock.Now() }

// State reports the call's state.
func (c *Call) State() State { return c.state }

// SetState moves the call to s and logs the transition.
func (c *Call) SetState(ctx context.Context, s State, why string) {
	if c.state == s {
		return
	}
	c.log.DebugContext(ctx, "call state", "from", c.state, "to", s, "why", why)
	c.state = s
	c.e.observe(ctx, c, ObsState)
}

// Trace records a routing decision on the call (X-TRACE) and logs it.
func (c *Call) Trace(ctx context.Context, step, detail string) {
	c.trace = append(c.trace, TraceStep{At: c.Now(), Step: step, Detail: detail})
	c.log.InfoContext(ctx, "route decision", "step", step, "detail", detail)
	c.e.observe(ctx, c, ObsTrace)
}

// Traces returns the decisions taken so far.
func (c *Call) Traces() []TraceStep { return append([]TraceStep(nil), c.trace...) }

// Legs returns the call's legs in creation order, caller first.
func (c *Call) Legs() []*Leg { return append([]*Leg(nil), c.order...) }

// Leg returns the leg with channel id, or nil.
func (c *Call) Leg(id string) *Leg { return c.legs[id] }

// Set stores a value features share on this call (e.g. the route taken).
func (c *Call) Set(key string, v any) {
	if c.values == nil {
		c.values = map[string]any{}
	}
	c.values[key] = v
}

// Get returns a value stored with Set.
func (c *Call) Get(key string) any { return c.values[key] }

// adopt registers a channel as a leg of the call and claims its events. It
// must happen before the request that creates the channel: events can
// arrive before the REST response.
func (c *Call) adopt(id, target, endpoint string) (*Leg, error) {
	if err := c.owner.ClaimChannel(id); err != nil {
		return nil, fmt.Errorf("claim channel %s: %w", id, err)
	}
	l := &Leg{ID: id, Target: target, Endpoint: endpoint, State: "Down", Created: c.Now()}
	c.legs[id] = l
	c.order = append(c.order, l)
	c.track(id, true)
	return l, nil
}

// track records that the call owns (or no longer owns) a channel or bridge id.
func (c *Call) track(id string, own bool) {
	c.liveMu.Lock()
	defer c.liveMu.Unlock()
	if c.live == nil {
		c.live = map[string]bool{}
	}
	if own {
		c.live[id] = true
	} else {
		delete(c.live, id)
	}
}

// liveIDs returns the ids the call owns.
func (c *Call) liveIDs() []string {
	c.liveMu.Lock()
	defer c.liveMu.Unlock()
	out := make([]string, 0, len(c.live))
	for id := range c.live {
		out = append(out, id)
	}
	return out
}

// forget releases a leg that was never created.
func (c *Call) forget(l *Leg) {
	c.owner.ReleaseChannel(l.ID)
	c.track(l.ID, false)
	l.Gone = true
}

// Next returns the next event of the call after applying it to the legs'
// state. It fails with ErrCallFailed when the call's queue overflowed or the
// engine stopped, and with ctx's error when ctx ends.
func (c *Call) Next(ctx context.Context) (ari.Event, error) {
	if len(c.backlog) > 0 {
		ev := c.backlog[0]
		c.backlog = c.backlog[1:]
		return ev, nil
	}
	select {
	case ev := <-c.owner.Events():
		c.apply(ev)
		return ev, nil
	case <-c.owner.Context().Done():
		return nil, fmt.Errorf("%w: %w", ErrCallFailed, context.Cause(c.owner.Context()))
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Requeue puts ev back so that the next Next returns it first; a primitive
// uses it for an event it does not handle but its caller may.
func (c *Call) Requeue(ev ari.Event) { c.backlog = append([]ari.Event{ev}, c.backlog...) }

// apply updates the legs from one event.
func (c *Call) apply(ev ari.Event) {
	at := eventTime(ev, c.Now())
	switch e := ev.(type) {
	case *ari.StasisStart:
		if l := c.legs[e.Channel.ID]; l != nil {
			l.InStasis, l.Channel, l.State = true, e.Channel, e.Channel.State
		}
	case *ari.StasisEnd:
		if l := c.legs[e.Channel.ID]; l != nil {
			l.InStasis, l.Gone = false, true
			if l.Ended.IsZero() {
				l.Ended = at
			}
		}
	case *ari.ChannelStateChange:
		if l := c.legs[e.Channel.ID]; l != nil {
			l.Channel, l.State = e.Channel, e.Channel.State
			if l.State == "Up" && l.Answered.IsZero() {
				l.Answered = at
			}
		}
	case *ari.ChannelHangupRequest:
		if l := c.legs[e.Channel.ID]; l != nil {
			if !l.HangupRequested && e.Cause != nil && *e.Cause != 0 && l.Cause == 0 {
				// The first request carries the far end's cause; StasisEnd
				// can come before (or instead of) ChannelDestroyed.
				l.Cause = *e.Cause
			}
			l.HangupRequested = true
		}
	case *ari.ChannelDestroyed:
		if l := c.legs[e.Channel.ID]; l != nil {
			l.Gone, l.Cause, l.InStasis = true, e.Cause, false
			if l.Ended.IsZero() || at.Before(l.Ended) {
				l.Ended = at
			}
			c.owner.ReleaseChannel(l.ID)
			c.track(l.ID, false)
		}
	case *LegLost:
		if l := c.legs[e.ChannelID]; l != nil {
			l.Gone, l.InStasis = true, false
			if l.Ended.IsZero() {
				l.Ended = at
			}
			c.owner.ReleaseChannel(l.ID)
			c.track(l.ID, false)
		}
	}
}

// eventTime is the event's own timestamp (after a reconnect events can be
// old), or now when it has none.
func eventTime(ev ari.Event, now time.Time) time.Time {
	if b := ev.Base(); b != nil && b.Timestamp != "" {
		if t, err := b.Timestamp.Time(); err == nil {
			return t
		}
	}
	return now
}
