package ari

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Router errors.
var (
	// ErrOwnerOverflow is the cause of an owner's context when its queue was
	// full: the owner fell behind and is failed on purpose.
	ErrOwnerOverflow = errors.New("ari: owner event queue full")
	// ErrClaimed reports a channel or bridge already owned by another owner.
	ErrClaimed = errors.New("ari: already claimed by another owner")
	// ErrOwnerClosed is the cause of an owner's context after Close.
	ErrOwnerClosed = errors.New("ari: owner closed")
)

// RouterOptions configure a Router.
type RouterOptions struct {
	// Default receives every event no owner claims (a new StasisStart, the
	// stream's StreamConnected, device states, ...). It runs on the dispatch
	// goroutine and must not block: typically it registers an owner, claims
	// the event's channel and returns. If it claims the event's channels,
	// the event is then delivered to that owner as well.
	Default func(ctx context.Context, ev Event)
	// OwnerQueue bounds each owner's queue (default 256).
	OwnerQueue int
	// Logger receives overflow lines (slog.Default() if nil).
	Logger *slog.Logger
	// Metrics counts overflows and unclaimed events (optional).
	Metrics *Metrics
}

// Router hands each event to the owner (usually one call) of the channels and
// bridges it concerns, in arrival order, through a bounded queue per owner.
type Router struct {
	o      RouterOptions
	log    *slog.Logger
	m      *Metrics
	mu     sync.Mutex
	byChan map[string]*Owner
	byBr   map[string]*Owner
}

// NewRouter builds a Router.
func NewRouter(o RouterOptions) *Router {
	if o.OwnerQueue <= 0 {
		o.OwnerQueue = 256
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.Default == nil {
		o.Default = func(context.Context, Event) {}
	}
	return &Router{o: o, log: o.Logger, m: o.Metrics, byChan: map[string]*Owner{}, byBr: map[string]*Owner{}}
}

// Owner is one consumer of routed events, usually a call. Its context ends
// when it is closed or when it overflowed.
type Owner struct {
	r      *Router
	name   string
	events chan Event
	ctx    context.Context
	cancel context.CancelCauseFunc
	chans  map[string]bool
	brs    map[string]bool
	dead   bool
}

// Register creates an owner named name (for logs, e.g. a call id). Its
// context derives from ctx.
func (r *Router) Register(ctx context.Context, name string) *Owner {
	c, cancel := context.WithCancelCause(ctx)
	r.m.owners.Inc()
	return &Owner{r: r, name: name, events: make(chan Event, r.o.OwnerQueue), ctx: c, cancel: cancel,
		chans: map[string]bool{}, brs: map[string]bool{}}
}

// Events is the owner's queue, in arrival order.
func (o *Owner) Events() <-chan Event { return o.events }

// Context ends when the owner is closed or failed; context.Cause tells which
// (ErrOwnerClosed, ErrOwnerOverflow).
func (o *Owner) Context() context.Context { return o.ctx }

// Name is the owner's name.
func (o *Owner) Name() string { return o.name }

// ClaimChannel routes the channel's events to o from now on. Claim a channel
// id before the REST call that creates it: events can beat the answer.
func (o *Owner) ClaimChannel(id string) error { return o.claim(o.r.byChan, o.chans, id, "channel") }

// ClaimBridge routes the bridge's events to o from now on.
func (o *Owner) ClaimBridge(id string) error { return o.claim(o.r.byBr, o.brs, id, "bridge") }

// BridgeClaimed reports whether an owner claimed bridge id (an owner
// claims a bridge before it asks Asterisk to create it).
func (r *Router) BridgeClaimed(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.byBr[id]
	return ok
}

// ReleaseChannel stops routing the channel's events to o.
func (o *Owner) ReleaseChannel(id string) { o.release(o.r.byChan, o.chans, id) }

// ReleaseBridge stops routing the bridge's events to o.
func (o *Owner) ReleaseBridge(id string) { o.release(o.r.byBr, o.brs, id) }

// Close releases everything o owns and ends its context.
func (o *Owner) Close() {
	o.r.mu.Lock()
	o.dropLocked()
	o.r.mu.Unlock()
	o.cancel(ErrOwnerClosed)
}

func (o *Owner) claim(index map[string]*Owner, mine map[string]bool, id, kind string) error {
	o.r.mu.Lock()
	defer o.r.mu.Unlock()
	if o.dead {
		return fmt.Errorf("%w: %s %s", context.Cause(o.ctx), kind, id)
	}
	if cur, ok := index[id]; ok && cur != o {
		return fmt.Errorf("%w: %s %s owned by %s", ErrClaimed, kind, id, cur.name)
	}
	index[id] = o
	mine[id] = true
	return nil
}

func (o *Owner) release(index map[string]*Owner, mine map[string]bool, id string) {
	o.r.mu.Lock()
	defer o.r.mu.Unlock()
	if index[id] == o {
		delete(index, id)
	}
	delete(mine, id)
}

// dropLocked forgets all of o's ids; r.mu is held.
func (o *Owner) dropLocked() {
	if !o.dead {
		o.r.m.owners.Dec()
	}
	o.dead = true
	for id := range o.chans {
		if o.r.byChan[id] == o {
			delete(o.r.byChan, id)
		}
	}
	for id := range o.brs {
		if o.r.byBr[id] == o {
			delete(o.r.byBr, id)
		}
	}
	clear(o.chans)
	clear(o.brs)
}

// Run dispatches events until the channel closes or ctx ends.
func (r *Router) Run(ctx context.Context, events <-chan Event) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-events:
			if !ok {
				return ErrClosed
			}
			r.Dispatch(ctx, ev)
		}
	}
}

// Dispatch routes one event; it never blocks on an owner. An owner whose
// queue is full is failed (logged, counted, context cancelled with
// ErrOwnerOverflow, its ids released), never silently skipped.
func (r *Router) Dispatch(ctx context.Context, ev Event) {
	owners := r.owners(ev)
	if len(owners) == 0 {
		r.m.unclaimed.Inc()
		r.o.Default(ctx, ev)
		owners = r.owners(ev)
	}
	for _, o := range owners {
		select {
		case o.events <- ev:
		default:
			r.overflow(ctx, o, ev)
		}
	}
}

// owners lists the distinct live owners of the event's channels and bridges.
func (r *Router) owners(ev Event) []*Owner {
	chans, brs := ev.ChannelIDs(), ev.BridgeIDs()
	if len(chans) == 0 && len(brs) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Owner
	add := func(o *Owner) {
		for _, x := range out {
			if x == o {
				return
			}
		}
		out = append(out, o)
	}
	for _, id := range chans {
		if o, ok := r.byChan[id]; ok {
			add(o)
		}
	}
	for _, id := range brs {
		if o, ok := r.byBr[id]; ok {
			add(o)
		}
	}
	return out
}

func (r *Router) overflow(ctx context.Context, o *Owner, ev Event) {
	r.mu.Lock()
	already := o.dead
	o.dropLocked()
	r.mu.Unlock()
	if already {
		return
	}
	r.m.ownerOverflow.Inc()
	r.log.ErrorContext(ctx, "ari owner event queue full: failing the owner",
		"call_id", o.name, "queue", cap(o.events), "event", ev.EventType())
	o.cancel(ErrOwnerOverflow)
}
