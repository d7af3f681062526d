package core

import (
	"context"
	"time"
)

// ObsKind says what changed on a call.
type ObsKind int

// What an Observer is told about.
const (
	ObsStarted  ObsKind = iota // the call entered the app
	ObsState                   // the call's state changed
	ObsTrace                   // a routing decision was recorded
	ObsLeg                     // a leg was created, answered or ended
	ObsFinished                // every leg is gone; the call is over
)

// Snapshot is a copy of a call's public state, safe to keep.
type Snapshot struct {
	// ID is the call id.
	ID string
	// Origin is where the call entered.
	Origin Origin
	// Dialled is the dialled string.
	Dialled string
	// CallerNumber and CallerName are the caller id the call arrived with.
	CallerNumber, CallerName string
	// State is the call's state.
	State State
	// Legs are copies of the legs, caller first.
	Legs []Leg
	// Trace is the routing decisions so far.
	Trace []TraceStep
	// Values are the features' annotations (see Call.Annotate).
	Values map[string]string
	// At is when the snapshot was taken.
	At time.Time
}

// Observer learns about calls as they progress; it must not block for long
// (it runs on the call's goroutine).
type Observer interface {
	CallChanged(ctx context.Context, kind ObsKind, s Snapshot)
}

type nopObserver struct{}

func (nopObserver) CallChanged(context.Context, ObsKind, Snapshot) {}

// Annotate records a string value on the call for observers (e.g. the call
// type "internal", the party dialled, the disposition decided).
func (c *Call) Annotate(ctx context.Context, key, value string) {
	if c.notes == nil {
		c.notes = map[string]string{}
	}
	if c.notes[key] == value {
		return
	}
	c.notes[key] = value
	c.e.observe(ctx, c, ObsState)
}

// AnnotateAll records several values (key, value, key, value, …) and tells
// observers once: routing sets half a dozen at the same moment, and each
// Annotate costs observers a snapshot of the call.
func (c *Call) AnnotateAll(ctx context.Context, kv ...string) {
	if c.notes == nil {
		c.notes = map[string]string{}
	}
	changed := false
	for i := 0; i+1 < len(kv); i += 2 {
		if c.notes[kv[i]] != kv[i+1] {
			c.notes[kv[i]] = kv[i+1]
			changed = true
		}
	}
	if changed {
		c.e.observe(ctx, c, ObsState)
	}
}

// Note returns an annotation.
func (c *Call) Note(key string) string { return c.notes[key] }

// Snapshot copies the call's state.
func (c *Call) Snapshot() Snapshot {
	s := Snapshot{ID: c.ID, Origin: c.Origin, Dialled: c.Dialled, State: c.state, At: c.Now(),
		Trace: append([]TraceStep(nil), c.trace...), Values: make(map[string]string, len(c.notes))}
	if c.Caller != nil {
		s.CallerNumber, s.CallerName = c.Caller.Channel.Caller.Number, c.Caller.Channel.Caller.Name
	}
	for k, v := range c.notes {
		s.Values[k] = v
	}
	s.Legs = make([]Leg, 0, len(c.order))
	for _, l := range c.order {
		s.Legs = append(s.Legs, *l)
	}
	return s
}

func (e *Engine) observe(ctx context.Context, c *Call, kind ObsKind) {
	e.o.Observer.CallChanged(ctx, kind, c.Snapshot())
}
