package ari

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// DefaultDisallowed are the event types the stream filters out on every
// connect when StreamOptions.Disallowed is nil: ChannelVarset is most of
// ARI's traffic and ChannelDialplan is noise for an app that keeps calls in
// Stasis. Observers that watch other apps' calls use it; the Switchboard
// application itself filters far more (CallAppDisallowed).
var DefaultDisallowed = []string{"ChannelVarset", "ChannelDialplan"}

// ErrStreamOverflow reports that the consumer fell behind the bounded event
// queue. The stream then drops the connection on purpose and reconnects, so
// that the consumer resynchronises from REST instead of silently missing
// events.
var ErrStreamOverflow = errors.New("ari: event queue full")

// StreamOptions configure the event stream.
type StreamOptions struct {
	// Disallowed lists the event types filtered out on every connect;
	// DefaultDisallowed when nil. An empty non-nil slice filters nothing.
	Disallowed []string
	// QueueSize bounds the events waiting for the consumer (default 8192).
	QueueSize int
	// Clock paces reconnection (default clock.Real).
	Clock clock.Clock
	// MinBackoff and MaxBackoff bound the jittered exponential reconnection
	// delay (defaults 200 ms and 15 s).
	MinBackoff, MaxBackoff time.Duration
	// PingInterval is how often a WebSocket ping is sent (default 15 s);
	// PongWait how long the socket may stay silent (default 45 s). Both are
	// network keepalives on wall time.
	PingInterval, PongWait time.Duration
	// Dialer opens the WebSocket (default websocket.DefaultDialer).
	Dialer *websocket.Dialer
	// Metrics counts events, connects and overflows (optional).
	Metrics *Metrics
	// EventSources are subscribed on every connect, after the filter, e.g.
	// "endpoint:PJSIP" and "deviceState:": Asterisk does not restore
	// subscriptions of an app that went away (research §2.15).
	EventSources []string
}

// StreamStatus is the stream's connection state, for health checks.
type StreamStatus struct {
	// Connected is true while a connection is up and filtered.
	Connected bool
	// Since is when Connected last changed (zero before the first attempt).
	Since time.Time
	// LastError is why the last connection or attempt failed.
	LastError error
	// Reconnects counts connections after the first.
	Reconnects int
}

// StreamConnected is delivered first on every connection, after the event
// filter is in place. On Reconnected the consumer must rebuild its view from
// GET /applications/{app}, /channels and /bridges: Asterisk drops the events
// of the outage and replays nothing.
type StreamConnected struct {
	EventBase
	// Reconnected is false for the first connection of the stream.
	Reconnected bool
}

// StreamDisconnected is delivered when a connection ends.
type StreamDisconnected struct {
	EventBase
	// Err says why (ErrStreamOverflow, a read error, ...).
	Err error
}

// ChannelIDs returns nil: the notice concerns no channel.
func (*StreamConnected) ChannelIDs() []string { return nil }

// BridgeIDs returns nil.
func (*StreamConnected) BridgeIDs() []string { return nil }

// ChannelIDs returns nil: the notice concerns no channel.
func (*StreamDisconnected) ChannelIDs() []string { return nil }

// BridgeIDs returns nil.
func (*StreamDisconnected) BridgeIDs() []string { return nil }

// Stream is the application's event WebSocket with reconnection. One
// goroutine reads the socket and only ever pushes into a bounded queue.
type Stream struct {
	c      *Client
	o      StreamOptions
	events chan Event
	log    *slog.Logger
	m      *Metrics
	once   sync.Once
	mu     sync.Mutex
	status StreamStatus
}

// Status reports the connection state.
func (s *Stream) Status() StreamStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Stream) setStatus(connected, reconnected bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if connected != s.status.Connected || s.status.Since.IsZero() {
		s.status.Since = s.o.Clock.Now()
	}
	if reconnected {
		s.status.Reconnects++
	}
	s.status.Connected = connected
	if err != nil {
		s.status.LastError = err
	}
}

// NewStream prepares the event stream of the client's application; Run
// connects it.
func (c *Client) NewStream(o StreamOptions) *Stream {
	if o.Disallowed == nil {
		o.Disallowed = DefaultDisallowed
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(15*time.Second, o.MinBackoff)
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 15 * time.Second
	}
	if o.PongWait <= o.PingInterval {
		o.PongWait = 3 * o.PingInterval
	}
	if o.Dialer == nil {
		o.Dialer = websocket.DefaultDialer
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	return &Stream{c: c, o: o, events: make(chan Event, o.QueueSize), log: c.log.With("component", "ari-stream"), m: o.Metrics}
}

// Events is the queue of decoded events, StreamConnected and
// StreamDisconnected notices, in arrival order. It is closed when Run returns.
func (s *Stream) Events() <-chan Event { return s.events }

// Run connects, sets the event filter, reads, and reconnects with jittered
// exponential backoff until ctx ends. It returns ctx's error. Call it once.
func (s *Stream) Run(ctx context.Context) error {
	defer s.once.Do(func() { close(s.events) })
	ever := false
	for attempt := 0; ; attempt++ {
		conn, err := s.connect(ctx)
		if err == nil {
			s.m.connects.WithLabelValues("ok").Inc()
			if !s.push(ctx, &StreamConnected{EventBase: s.notice("StreamConnected"), Reconnected: ever}) {
				conn.Close()
				return ctx.Err()
			}
			s.setStatus(true, ever, nil)
			s.log.InfoContext(ctx, "ari event stream connected", "reconnected", ever)
			ever, attempt = true, 0
			err = s.read(ctx, conn)
			s.setStatus(false, false, err)
			s.push(ctx, &StreamDisconnected{EventBase: s.notice("StreamDisconnected"), Err: err})
		} else if ctx.Err() == nil {
			s.setStatus(false, false, err)
			s.m.connects.WithLabelValues("error").Inc()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay := backoff(attempt, s.o.MinBackoff, s.o.MaxBackoff)
		s.log.WarnContext(ctx, "ari event stream down, reconnecting", "err", err, "in", delay)
		if err := s.o.Clock.Sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// connect dials the WebSocket, puts the event filter in place and subscribes
// the extra event sources; Asterisk keeps the filter across reconnects only
// while the app object lives, so both are done on every connect.
func (s *Stream) connect(ctx context.Context) (*websocket.Conn, error) {
	u, err := eventsURL(s.c.base, s.c.app)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	if s.c.user != "" || s.c.pass != "" {
		r := &http.Request{Header: h}
		r.SetBasicAuth(s.c.user, s.c.pass)
	}
	conn, resp, err := s.o.Dialer.DialContext(ctx, u, h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("ari: events websocket: %s: %w", resp.Status, err)
		}
		return nil, fmt.Errorf("ari: events websocket: %w", err)
	}
	f := DisallowTypes(s.o.Disallowed...)
	if _, err := s.c.Applications().Filter(ctx, s.c.app, ApplicationFilterParams{Filter: f}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("ari: set event filter: %w", err)
	}
	if len(s.o.EventSources) > 0 {
		p := ApplicationSubscribeParams{EventSource: s.o.EventSources}
		if _, err := s.c.Applications().Subscribe(ctx, s.c.app, p); err != nil {
			conn.Close()
			return nil, fmt.Errorf("ari: subscribe %v: %w", s.o.EventSources, err)
		}
	}
	return conn, nil
}

// read pumps one connection into the queue until it fails, ctx ends or the
// queue overflows.
func (s *Stream) read(ctx context.Context, conn *websocket.Conn) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(s.o.PingInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				conn.Close()
				return
			case <-done:
				conn.Close()
				return
			case <-t.C:
				_ = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.o.PingInterval))
			}
		}
	}()
	conn.SetReadLimit(16 << 20)
	extend := func(string) error { return conn.SetReadDeadline(time.Now().Add(s.o.PongWait)) }
	_ = extend("")
	conn.SetPongHandler(extend)
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("ari: events websocket read: %w", err)
		}
		_ = extend("")
		ev, err := DecodeEvent(data)
		if err != nil {
			s.m.decodeErrors.Inc()
			s.log.ErrorContext(ctx, "ari event not decoded", "err", err, "len", len(data))
			if ev == nil {
				continue
			}
		}
		if ev.EventType() == "ApplicationReplaced" {
			s.log.ErrorContext(ctx, "another connection took over the Stasis application; is a second switchboard running?",
				"app", s.c.app)
		}
		s.m.events.WithLabelValues(ev.EventType()).Inc()
		select {
		case s.events <- ev:
		default:
			s.m.streamOverflow.Inc()
			s.log.ErrorContext(ctx, "ari event queue full: dropping the connection to resynchronise",
				"queue", cap(s.events), "event", ev.EventType())
			return ErrStreamOverflow
		}
	}
}

// push delivers a notice, waiting for room (the socket is not being read
// then); it reports false when ctx ended first.
func (s *Stream) push(ctx context.Context, ev Event) bool {
	select {
	case s.events <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Stream) notice(typ string) EventBase {
	return EventBase{Type: typ, Application: s.c.app, Timestamp: NewDateTime(s.o.Clock.Now())}
}

// backoff is the delay before reconnection attempt n (0-based): exponential
// from min, capped at max, with "equal jitter" (half fixed, half random).
func backoff(n int, minD, maxD time.Duration) time.Duration {
	d := minD
	for i := 0; i < n && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	half := d / 2
	return half + rand.N(half+1)
}

// eventsURL turns ARI's base URL into the events WebSocket URL.
func eventsURL(base, app string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("ari: base URL %q: %w", base, err)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/events"
	u.RawQuery = url.Values{"app": {app}, "subscribeAll": {"false"}}.Encode()
	return u.String(), nil
}
