// Package ami is Switchboard's Asterisk Manager Interface client, on
// github.com/ivahaev/amigo: login and reconnection, Ping, module Reload, the
// PJSIP endpoint and contact lists, and typed events (security events,
// contact status, fax) for one subscriber. Security events are also logged
// and counted per source address.
//
// The manager.conf user needs read = system,call,security,reporting and
// write = system only (Reload, PJSIPShow*): the app never originates, runs
// commands or edits configuration over AMI.
package ami

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ivahaev/amigo"
)

// Sentinel errors.
var (
	// ErrNotConnected: no logged-in AMI session right now.
	ErrNotConnected = errors.New("ami: not connected")
	// ErrActionFailed: Asterisk answered "Response: Error".
	ErrActionFailed = errors.New("ami: action failed")
	// ErrTimeout: Asterisk did not answer in time.
	ErrTimeout = errors.New("ami: timeout")
)

// Options configure a Client.
type Options struct {
	// Addr is host:port of AMI, e.g. "127.0.0.1:5038".
	Addr string
	// Username and Password are the manager.conf user; never logged.
	Username, Password string
	// ActionTimeout bounds one action (default 5 s).
	ActionTimeout time.Duration
	// ReconnectInterval is the pause between connection attempts (default 1 s).
	ReconnectInterval time.Duration
	// Keepalive turns on amigo's ping every 5 s (reconnect on a missed pong).
	// Off by default: amigo v0.1.10's pinger races with its reconnect loop
	// (go test -race reports it), and Go's TCP keepalive, on by default for
	// dialled connections, already finds half-open connections.
	Keepalive bool
	// QueueSize bounds the typed events waiting for the subscriber (default 1024).
	QueueSize int
	// Logger receives connection and security lines (slog.Default() if nil).
	Logger *slog.Logger
	// Metrics counts security events and dropped events (optional).
	Metrics *Metrics
}

// Client is an AMI session that reconnects by itself.
type Client struct {
	o       Options
	a       *amigo.Amigo
	log     *slog.Logger
	m       *Metrics
	events  chan Event
	seq     atomic.Uint64
	mu      sync.Mutex
	lists   map[string]*list
	started atomic.Bool
}

// New prepares a client; Connect starts it.
func New(o Options) (*Client, error) {
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("ami: address %q: %w", o.Addr, err)
	}
	if o.ActionTimeout <= 0 {
		o.ActionTimeout = 5 * time.Second
	}
	if o.ReconnectInterval <= 0 {
		o.ReconnectInterval = time.Second
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	c := &Client{o: o, log: o.Logger.With("component", "ami"), m: o.Metrics,
		events: make(chan Event, o.QueueSize), lists: map[string]*list{}}
	c.a = amigo.New(&amigo.Settings{
		Username: o.Username, Password: o.Password, Host: host, Port: port,
		ActionTimeout: o.ActionTimeout, DialTimeout: o.ActionTimeout,
		ReconnectInterval: o.ReconnectInterval, Keepalive: o.Keepalive,
	})
	c.a.On("connect", func(banner string) {
		c.log.Info("ami connected", "banner", banner)
		c.deliver(Connected{Banner: banner})
	})
	c.a.On("error", func(msg string) { c.log.Warn("ami connection problem", "detail", msg) })
	if err := c.a.RegisterDefaultHandler(c.handle); err != nil {
		return nil, fmt.Errorf("ami: %w", err)
	}
	return c, nil
}

// Connect starts the session (amigo keeps reconnecting in the background)
// and waits until it is logged in or ctx ends.
func (c *Client) Connect(ctx context.Context) error {
	if c.started.CompareAndSwap(false, true) {
		c.a.Connect()
	}
	return c.WaitConnected(ctx)
}

// WaitConnected waits until the session is logged in.
func (c *Client) WaitConnected(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for !c.a.Connected() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ErrNotConnected, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// Connected reports whether the session is logged in.
func (c *Client) Connected() bool { return c.a.Connected() }

// Events is the subscriber's queue of typed events.
func (c *Client) Events() <-chan Event { return c.events }

// Ping checks the session.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.action(ctx, map[string]string{"Action": "Ping"})
	return err
}

// Reload reloads one module (e.g. "res_pjsip.so"), or everything when
// module is empty.
func (c *Client) Reload(ctx context.Context, module string) error {
	a := map[string]string{"Action": "Reload"}
	if module != "" {
		a["Module"] = module
	}
	_, err := c.action(ctx, a)
	return err
}

// action sends one action and returns its response.
func (c *Client) action(ctx context.Context, a map[string]string) (map[string]string, error) {
	if !c.a.Connected() {
		return nil, ErrNotConnected
	}
	if a["ActionID"] == "" {
		a["ActionID"] = c.nextID()
	}
	name := a["Action"]
	type result struct {
		m   map[string]string
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := c.a.Action(a)
		done <- result{m, err}
	}()
	var r result
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("ami: %s: %w", name, ctx.Err())
	case r = <-done:
	}
	switch {
	case r.err != nil:
		return nil, fmt.Errorf("ami: %s: %w: %w", name, ErrNotConnected, r.err)
	case r.m["Error"] == "Timeout":
		return nil, fmt.Errorf("ami: %s: %w", name, ErrTimeout)
	case r.m["Response"] == "Error":
		return r.m, fmt.Errorf("ami: %s: %w: %s", name, ErrActionFailed, r.m["Message"])
	}
	return r.m, nil
}

func (c *Client) nextID() string {
	return "sb-" + strconv.FormatUint(c.seq.Add(1), 10)
}

// handle receives every AMI event on amigo's goroutine; it never blocks.
func (c *Client) handle(m map[string]string) {
	if id := m["ActionID"]; id != "" {
		c.mu.Lock()
		l := c.lists[id]
		c.mu.Unlock()
		if l != nil {
			l.add(m)
			return
		}
	}
	ev := typed(m)
	if ev == nil {
		return
	}
	if s, ok := ev.(SecurityEvent); ok {
		c.m.security(s.Name, s.Source)
		c.log.Warn("ami security event", "event", s.Name, "source", s.Source, "account", s.AccountID, "service", s.Service)
	}
	c.deliver(ev)
}

// deliver queues ev for the subscriber without blocking amigo.
func (c *Client) deliver(ev Event) {
	select {
	case c.events <- ev:
	default:
		c.m.dropped.Inc()
		c.log.Error("ami event queue full: event not delivered", "event", ev.EventName(), "queue", cap(c.events))
	}
}
