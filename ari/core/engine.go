// Package core is the call core: it turns the ARI event stream into calls,
// each owned by one goroutine that runs straight-line feature code, and it
// knows no feature. A Handler decides what every new call does; an Observer
// (call records, live events) is told as calls progress.
package core

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// AppArgDialled tags channels the core creates (appArgs "dialed,<call id>"),
// so that their StasisStart is never taken for a new call.
const AppArgDialled = "dialed"

// Handler runs a new call on its own goroutine. When ServeCall returns, the
// core hangs up every leg still there and destroys the call's bridges.
type Handler interface {
	ServeCall(ctx context.Context, c *Call) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, c *Call) error

// ServeCall calls f.
func (f HandlerFunc) ServeCall(ctx context.Context, c *Call) error { return f(ctx, c) }

// Options configure an Engine.
type Options struct {
	// Client talks to Asterisk (required).
	Client *ari.Client
	// Clock is the time source shared with timers (default clock.Real).
	Clock clock.Clock
	// Logger is the base logger (default slog.Default()).
	Logger *slog.Logger
	// Handler decides what each new call does (required).
	Handler Handler
	// Tagged serves channels the app originated itself (wakeup calls, …):
	// a channel entering Stasis with appArgs "<tag>,<arg>" runs Tagged[tag]
	// as a call whose Origin is the tag and whose Dialled is arg.
	Tagged map[string]Handler
	// Observer is told about call progress (optional).
	Observer Observer
	// Stream configures the event WebSocket; its Clock defaults to Clock.
	Stream ari.StreamOptions
	// OwnerQueue bounds each call's event queue (default 256).
	OwnerQueue int
	// Metrics is shared by the stream and the router (optional).
	Metrics *ari.Metrics
}

// Engine runs the Stasis application: one event stream, one router, one
// goroutine per call.
type Engine struct {
	o      Options
	ids    *IDs
	log    *slog.Logger
	router *ari.Router

	mu    sync.Mutex
	calls map[string]*Call
	wg    sync.WaitGroup
	ready chan struct{}
	once  sync.Once
}

// New builds an Engine; Run starts it.
func New(o Options) *Engine {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Metrics == nil {
		o.Metrics = ari.NewMetrics()
	}
	if o.Stream.Clock == nil {
		o.Stream.Clock = o.Clock
	}
	if o.Stream.Metrics == nil {
		o.Stream.Metrics = o.Metrics
	}
	e := &Engine{o: o, ids: NewIDs(), log: o.Logger.With("component", "call-core"),
		calls: map[string]*Call{}, ready: make(chan struct{})}
	e.router = ari.NewRouter(ari.RouterOptions{Default: e.unclaimed, OwnerQueue: o.OwnerQueue,
		Logger: o.Logger, Metrics: o.Metrics})
	return e
}

// IDs is the engine's id generator.
func (e *Engine) IDs() *IDs { return e.ids }

// Clock is the engine's clock.
func (e *Engine) Clock() clock.Clock { return e.o.Clock }

// Client is the ARI client.
func (e *Engine) Client() *ari.Client { return e.o.Client }

// Ready is closed after the first connection's clean-up is done.
func (e *Engine) Ready() <-chan struct{} { return e.ready }

// Active reports how many calls are running.
func (e *Engine) Active() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.calls)
}

// Run connects to Asterisk and serves calls until ctx ends; it then waits
// for the call goroutines to finish their clean-up.
func (e *Engine) Run(ctx context.Context) error {
	stream := e.o.Client.NewStream(e.o.Stream)
	streamDone := make(chan error, 1)
	go func() { streamDone <- stream.Run(ctx) }()
	err := e.router.Run(ctx, stream.Events())
	e.wg.Wait()
	<-streamDone
	if errors.Is(err, ari.ErrClosed) || errors.Is(err, context.Canceled) {
		return ctx.Err()
	}
	return err
}

// unclaimed runs on the dispatch goroutine for events no call owns.
func (e *Engine) unclaimed(ctx context.Context, ev ari.Event) {
	switch ev := ev.(type) {
	case *ari.StasisStart:
		e.stasisStart(ctx, ev)
	case *ari.StreamConnected:
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			e.resync(ctx, ev.Reconnected)
			e.once.Do(func() { close(e.ready) })
		}()
	}
}

// stasisStart starts a call for a channel entering from the dialplan, and
// hangs up channels nobody owns (legs of calls that already ended).
func (e *Engine) stasisStart(ctx context.Context, ev *ari.StasisStart) {
	ch := ev.Channel
	var origin Origin
	var dialled string
	if len(ev.Args) > 0 {
		origin = Origin(ev.Args[0])
	}
	if len(ev.Args) > 1 {
		dialled = ev.Args[1]
	}
	handler := e.o.Handler
	if h, ok := e.o.Tagged[string(origin)]; ok && ev.ReplaceChannel == nil {
		handler = h
	} else if !origin.Valid() || ev.ReplaceChannel != nil {
		e.log.WarnContext(ctx, "channel entered Stasis with no call to own it: hanging up",
			"channel", ch.ID, "name", ch.Name, "args", ev.Args)
		e.hangupLater(ctx, ch.ID)
		return
	}
	id := e.ids.Next("call")
	owner := e.router.Register(ctx, id)
	c := &Call{ID: id, Origin: origin, Dialled: dialled, e: e, owner: owner, handler: handler,
		log:  e.log.With("call_id", id),
		legs: map[string]*Leg{}, bridges: map[string]bool{}, state: StateRouting}
	caller, err := c.adopt(ch.ID, "", "")
	if err != nil {
		owner.Close()
		e.log.ErrorContext(ctx, "cannot own new call", "channel", ch.ID, "err", err)
		e.hangupLater(ctx, ch.ID)
		return
	}
	caller.Channel, caller.State, caller.InStasis = ch, ch.State, true
	caller.Created = eventTime(ev, e.o.Clock.Now())
	c.Caller = caller
	e.mu.Lock()
	e.calls[id] = c
	e.mu.Unlock()
	e.wg.Add(1)
	go e.serve(ctx, c)
}

// serve runs the handler and cleans up after it, whatever happened.
func (e *Engine) serve(ctx context.Context, c *Call) {
	defer e.wg.Done()
	cctx, cancel := context.WithCancel(c.owner.Context())
	defer cancel()
	c.log.InfoContext(cctx, "call started", "origin", c.Origin, "dialled", c.Dialled,
		"caller", c.Caller.Channel.Caller.Number, "channel", c.Caller.ID)
	e.observe(cctx, c, ObsStarted)
	err := e.runHandler(cctx, c)
	switch {
	case err == nil, errors.Is(err, ErrCallerGone):
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		c.log.InfoContext(ctx, "call interrupted by shutdown")
	default:
		c.log.WarnContext(ctx, "call ended with error", "err", err)
	}
	// Clean-up must run even when the call's context was cancelled.
	c.finish(context.WithoutCancel(ctx))
	e.mu.Lock()
	delete(e.calls, c.ID)
	e.mu.Unlock()
}

func (e *Engine) runHandler(ctx context.Context, c *Call) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.log.ErrorContext(ctx, "feature panicked; ending the call", "panic", r)
			err = ErrCallFailed
		}
	}()
	return c.handler.ServeCall(ctx, c)
}

// hangupLater hangs up a channel without blocking the dispatch goroutine.
func (e *Engine) hangupLater(ctx context.Context, id string) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		err := e.o.Client.Channels().Hangup(ctx, id, ari.ChannelHangupParams{Reason: "normal"})
		if err != nil && !isGone(err) {
			e.log.WarnContext(ctx, "hangup failed", "channel", id, "err", err)
		}
	}()
}

// isGone reports the errors that only mean "already hung up / left Stasis".
func isGone(err error) bool {
	return errors.Is(err, ari.ErrNotFound) || errors.Is(err, ari.ErrConflict) || errors.Is(err, ari.ErrInvalid)
}
