// Package refapp is a small reference Stasis application for the issue-5
// scenarios, used until the call core (ari/core) replaces it: a phone dials
// a digit-only extension, every registered contact of that extension rings
// (PJSIP_DIAL_CONTACTS, create + dial), the first to answer is bridged with
// the caller in a mixing,dtmf_events bridge and the others are hung up with
// answered_elsewhere; busy, no answer (a ring timeout on the injected clock)
// and an unregistered callee end the caller's call with the right cause; the
// DTMF seen in bridges is recorded; after the event WebSocket comes back the
// app rebuilds its view from GET /applications, /channels and /bridges, keeps
// bridged calls and ends half-set-up ones.
//
// One goroutine owns all state: events and timer expiries are handled in
// turn, so no lock is held across a REST call.
package refapp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// ErrConfig means the app was given an incomplete Conn.
var ErrConfig = errors.New("refapp: incomplete connection settings")

// Conn tells the app where ARI is.
type Conn struct {
	// ARIURL is ARI's root, e.g. http://127.0.0.1:8088/ari.
	ARIURL string
	// User and Password are the ARI credentials.
	User, Password string
	// App is the Stasis application name.
	App string
	// Clock is the time source of the ring timeout and reconnection.
	Clock clock.Clock
	// Logger receives the app's logs (default slog.Default()).
	Logger *slog.Logger
}

// Options tune the app's behaviour.
type Options struct {
	// RingTimeout ends unanswered calls (default 30 s).
	RingTimeout time.Duration
	// UnavailablePrompt is played to callers of an unregistered extension
	// (default "ss-noservice").
	UnavailablePrompt string
}

// DTMF is one ChannelDtmfReceived the app saw.
type DTMF struct {
	// Channel is the id of the channel that sent the digit.
	Channel string
	// Endpoint is the PJSIP endpoint of that channel ("101").
	Endpoint string
	// Digit is the digit.
	Digit string
}

// App is the reference application. Create it with New and Run it.
type App struct {
	o      Options
	prefix string
	seq    int

	// owned by the Run goroutine
	c       *ari.Client
	clk     clock.Clock
	log     *slog.Logger
	calls   map[string]*call // by call id
	byChan  map[string]*call // channel id -> call
	timers  chan string      // call ids whose ring timeout expired
	appName string

	mu         sync.Mutex
	connected  bool
	reconnects int
	rebuilt    int
	dtmf       []DTMF
	active     int
}

// New returns an app with opts.
func New(opts Options) *App {
	if opts.RingTimeout == 0 {
		opts.RingTimeout = 30 * time.Second
	}
	if opts.UnavailablePrompt == "" {
		opts.UnavailablePrompt = "ss-noservice"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &App{o: opts, prefix: "rf-" + hex.EncodeToString(b)}
}

// Run connects to ARI and handles calls until ctx ends; it returns ctx's
// error, or ErrConfig.
func (a *App) Run(ctx context.Context, conn Conn) error {
	if conn.ARIURL == "" || conn.App == "" {
		return ErrConfig
	}
	if conn.Clock == nil {
		conn.Clock = clock.Real{}
	}
	if conn.Logger == nil {
		conn.Logger = slog.Default()
	}
	a.c = ari.New(ari.Options{BaseURL: conn.ARIURL, Username: conn.User, Password: conn.Password, Application: conn.App, Logger: conn.Logger})
	a.clk = conn.Clock
	a.log = conn.Logger.With("feature", "refapp")
	a.appName = conn.App
	a.calls = map[string]*call{}
	a.byChan = map[string]*call{}
	a.timers = make(chan string, 64)
	stream := a.c.NewStream(ari.StreamOptions{Clock: conn.Clock, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second})
	streamDone := make(chan error, 1)
	go func() { streamDone <- stream.Run(ctx) }()
	for {
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				return <-streamDone
			}
			a.handle(ctx, ev)
		case id := <-a.timers:
			a.ringTimeout(ctx, id)
		case <-ctx.Done():
			<-streamDone
			return ctx.Err()
		}
	}
}

// Connected reports whether the event WebSocket is up.
func (a *App) Connected() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.connected
}

// Reconnects reports how many times the event WebSocket came back.
func (a *App) Reconnects() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reconnects
}

// Rebuilt reports how many bridged calls the last rebuild kept.
func (a *App) Rebuilt() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rebuilt
}

// ActiveCalls reports how many calls the app tracks now.
func (a *App) ActiveCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.active
}

// DTMF returns the DTMF events seen so far.
func (a *App) DTMF() []DTMF {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]DTMF(nil), a.dtmf...)
}

// Digits returns the digits the channels of endpoint sent, in order.
func (a *App) Digits(endpoint string) string {
	s := ""
	for _, d := range a.DTMF() {
		if d.Endpoint == endpoint {
			s += d.Digit
		}
	}
	return s
}

// endpointOf reads the endpoint out of a channel name: PJSIP/101-0000002a.
func endpointOf(name string) string {
	name = strings.TrimPrefix(name, "PJSIP/")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		return name[:i]
	}
	return name
}

func (a *App) setActive() {
	a.mu.Lock()
	a.active = len(a.calls)
	a.mu.Unlock()
}

func (a *App) newID() string {
	a.seq++
	return fmt.Sprintf("%s-%d", a.prefix, a.seq)
}

// rest bounds one REST call.
func rest(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 10*time.Second)
}

// handle routes one event.
func (a *App) handle(ctx context.Context, ev ari.Event) {
	switch e := ev.(type) {
	case *ari.StreamConnected:
		if e.Reconnected {
			a.rebuild(ctx)
		}
		a.mu.Lock()
		a.connected = true
		if e.Reconnected {
			a.reconnects++ // counted once the rebuild is done
		}
		a.mu.Unlock()
	case *ari.StreamDisconnected:
		a.mu.Lock()
		a.connected = false
		a.mu.Unlock()
	case *ari.StasisStart:
		a.stasisStart(ctx, e)
	case *ari.ChannelStateChange:
		if e.Channel.State == "Up" {
			a.legUp(ctx, e.Channel.ID)
		}
	case *ari.ChannelHangupRequest:
		cause := 0
		if e.Cause != nil {
			cause = *e.Cause
		}
		a.channelGone(ctx, e.Channel.ID, cause)
	case *ari.ChannelDestroyed:
		a.channelGone(ctx, e.Channel.ID, e.Cause)
	case *ari.StasisEnd:
		a.channelGone(ctx, e.Channel.ID, 0)
	case *ari.ChannelDtmfReceived:
		a.mu.Lock()
		a.dtmf = append(a.dtmf, DTMF{Channel: e.Channel.ID, Endpoint: endpointOf(e.Channel.Name), Digit: e.Digit})
		a.mu.Unlock()
		a.log.Info("DTMF", "channel", e.Channel.ID, "digit", e.Digit)
	case *ari.PlaybackFinished:
		a.playbackFinished(ctx, e.Playback.ID)
	}
}
