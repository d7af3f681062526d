package ari

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// fakeARI is an in-process ARI: an events WebSocket and the eventFilter call.
type fakeARI struct {
	srv     *httptest.Server
	mu      sync.Mutex
	filters []string
	// subscriptions are the eventSource values of POST .../subscription.
	subscriptions []string
	conns         int
	filtered      chan struct{}
	// script runs per connection (1-based) once the filter is set.
	script func(n int, ws *websocket.Conn)
}

func newFakeARI(t *testing.T, script func(n int, ws *websocket.Conn)) *fakeARI {
	f := &fakeARI{filtered: make(chan struct{}, 16), script: script}
	up := websocket.Upgrader{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ari/events":
			if u, p, _ := r.BasicAuth(); u != "u" || p != "p" || r.URL.Query().Get("app") != "switchboard" {
				http.Error(w, "auth", http.StatusUnauthorized)
				return
			}
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			n := f.conns
			f.mu.Unlock()
			select {
			case <-f.filtered:
			case <-time.After(5 * time.Second):
				t.Error("no filter after connect")
			}
			f.script(n, ws)
		case "/ari/applications/switchboard/subscription":
			f.mu.Lock()
			f.subscriptions = append(f.subscriptions, r.URL.Query().Get("eventSource"))
			f.mu.Unlock()
			_, _ = w.Write([]byte(`{"name":"switchboard"}`))
		case "/ari/applications/switchboard/eventFilter":
			b, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.filters = append(f.filters, r.Method+" "+string(b))
			f.mu.Unlock()
			_, _ = w.Write([]byte(`{"name":"switchboard"}`))
			f.filtered <- struct{}{}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeARI) client() *Client {
	return New(Options{BaseURL: f.srv.URL + "/ari", Username: "u", Password: "p"})
}

func send(ws *websocket.Conn, raw string) { _ = ws.WriteMessage(websocket.TextMessage, []byte(raw)) }

func next(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return nil
	}
}

func TestStreamSetsTheFilterOnEveryConnectAndAnnouncesReconnects(t *testing.T) {
	hold := make(chan struct{})
	f := newFakeARI(t, func(n int, ws *websocket.Conn) {
		send(ws, `{"type":"StasisStart","args":["phone","202"],"channel":{"id":"c`+string(rune('0'+n))+`"}}`)
		if n == 1 {
			ws.Close()
			return
		}
		<-hold
		ws.Close()
	})
	defer close(hold)
	fake := clock.NewFake(time.Unix(0, 0))
	s := f.client().NewStream(StreamOptions{Clock: fake, MinBackoff: time.Second, MaxBackoff: 4 * time.Second,
		EventSources: []string{"endpoint:PJSIP", "deviceState:"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()

	if c, ok := next(t, s.Events()).(*StreamConnected); !ok || c.Reconnected {
		t.Fatalf("first notice %#v", c)
	}
	if ev := next(t, s.Events()); ev.ChannelIDs()[0] != "c1" {
		t.Fatalf("event %#v", ev)
	}
	if _, ok := next(t, s.Events()).(*StreamDisconnected); !ok {
		t.Fatal("no disconnect notice")
	}
	if err := fake.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.Advance(time.Second)
	if c, ok := next(t, s.Events()).(*StreamConnected); !ok || !c.Reconnected {
		t.Fatalf("second notice %#v", c)
	}
	if ev := next(t, s.Events()); ev.ChannelIDs()[0] != "c2" {
		t.Fatalf("event after reconnect %#v", ev)
	}
	if st := s.Status(); !st.Connected || st.Reconnects != 1 || st.LastError == nil {
		t.Fatalf("status %+v", st)
	}
	f.mu.Lock()
	filters, subs := f.filters, f.subscriptions
	f.mu.Unlock()
	if len(filters) != 2 {
		t.Fatalf("filters %v", filters)
	}
	if len(subs) != 2 || subs[0] != "endpoint:PJSIP,deviceState:" {
		t.Fatalf("subscriptions on each connect: %q", subs)
	}
	for _, fl := range filters {
		var body EventFilter
		if err := json.Unmarshal([]byte(fl[len("PUT "):]), &body); err != nil || fl[:4] != "PUT " ||
			len(body.Disallowed) != 2 || body.Disallowed[0].Type != "ChannelVarset" || body.Disallowed[1].Type != "ChannelDialplan" {
			t.Fatalf("filter %q", fl)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	for range s.Events() {
	}
}

func TestStreamOverflowDropsTheConnectionInsteadOfEvents(t *testing.T) {
	hold := make(chan struct{})
	f := newFakeARI(t, func(n int, ws *websocket.Conn) {
		for range 10 {
			send(ws, `{"type":"ChannelStateChange","channel":{"id":"c1"}}`)
		}
		<-hold
	})
	defer close(hold)
	m := NewMetrics()
	s := f.client().NewStream(StreamOptions{QueueSize: 3, Metrics: m, Clock: clock.NewFake(time.Unix(0, 0))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for counterValue(t, m.streamOverflow) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no overflow")
		}
		time.Sleep(5 * time.Millisecond)
	}
	want := []string{"StreamConnected", "ChannelStateChange", "ChannelStateChange", "StreamDisconnected"}
	for i, w := range want {
		ev := next(t, s.Events())
		if ev.EventType() != w {
			t.Fatalf("event %d: %s, want %s", i, ev.EventType(), w)
		}
		if d, ok := ev.(*StreamDisconnected); ok && !errors.Is(d.Err, ErrStreamOverflow) {
			t.Fatalf("disconnect cause %v", d.Err)
		}
	}
}

func TestStreamRetriesWhenTheFilterCannotBeSet(t *testing.T) {
	var mu sync.Mutex
	attempts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ari/events" {
			up := websocket.Upgrader{}
			ws, err := up.Upgrade(w, r, nil)
			if err == nil {
				mu.Lock()
				attempts++
				mu.Unlock()
				defer ws.Close()
				_, _, _ = ws.ReadMessage()
			}
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	fake := clock.NewFake(time.Unix(0, 0))
	m := NewMetrics()
	s := New(Options{BaseURL: srv.URL + "/ari"}).NewStream(StreamOptions{Clock: fake, Metrics: m})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	for range 2 {
		if err := fake.BlockUntil(ctx, 1); err != nil {
			t.Fatal(err)
		}
		fake.Advance(time.Minute)
	}
	select {
	case ev := <-s.Events():
		t.Fatalf("announced a connection without a filter: %s", ev.EventType())
	default:
	}
	// The second attempt's handshake runs after the clock moved: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := attempts
		mu.Unlock()
		if n >= 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("attempts %d", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBackoffGrowsWithJitterUpToTheCap(t *testing.T) {
	lo, hi := 100*time.Millisecond, 3*time.Second
	for n := range 12 {
		want := min(lo<<n, hi)
		for range 50 {
			d := backoff(n, lo, hi)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v outside [%v, %v]", n, d, want/2, want)
			}
		}
	}
}

func TestEventsURLFollowsTheBaseURL(t *testing.T) {
	u, err := eventsURL("https://pbx:8089/ari/", "switchboard")
	if err != nil || u != "wss://pbx:8089/ari/events?app=switchboard&subscribeAll=false" {
		t.Fatalf("%s %v", u, err)
	}
}

func TestStreamGivesUpOnASilentConnection(t *testing.T) {
	hold := make(chan struct{})
	f := newFakeARI(t, func(n int, ws *websocket.Conn) {
		<-hold // never reads, so never answers pings
	})
	defer close(hold)
	s := f.client().NewStream(StreamOptions{Clock: clock.NewFake(time.Unix(0, 0)),
		PingInterval: 30 * time.Millisecond, PongWait: 120 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	if _, ok := next(t, s.Events()).(*StreamConnected); !ok {
		t.Fatal("no connect notice")
	}
	d, ok := next(t, s.Events()).(*StreamDisconnected)
	if !ok || d.Err == nil {
		t.Fatalf("silent connection not dropped: %#v", d)
	}
}

func TestStreamAnswersPingsFromAsterisk(t *testing.T) {
	pong := make(chan string, 1)
	hold := make(chan struct{})
	f := newFakeARI(t, func(n int, ws *websocket.Conn) {
		ws.SetPongHandler(func(data string) error { pong <- data; return nil })
		_ = ws.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(time.Second))
		go func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
		<-hold
	})
	defer close(hold)
	s := f.client().NewStream(StreamOptions{Clock: clock.NewFake(time.Unix(0, 0))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	select {
	case got := <-pong:
		if got != "hi" {
			t.Fatalf("pong %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pong")
	}
}

func TestStreamDeliversEventsThatDoNotDecodeAsUnknown(t *testing.T) {
	hold := make(chan struct{})
	f := newFakeARI(t, func(n int, ws *websocket.Conn) {
		send(ws, `not json`)
		send(ws, `{"type":"ChannelDestroyed","cause":"sixteen","channel":{"id":"c1"}}`)
		send(ws, `{"type":"StasisEnd","channel":{"id":"c1"}}`)
		<-hold
	})
	defer close(hold)
	m := NewMetrics()
	s := f.client().NewStream(StreamOptions{Metrics: m, Clock: clock.NewFake(time.Unix(0, 0))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	next(t, s.Events())
	if u, ok := next(t, s.Events()).(*UnknownEvent); !ok || u.Type != "ChannelDestroyed" {
		t.Fatalf("undecodable event not delivered raw: %#v", u)
	}
	if _, ok := next(t, s.Events()).(*StasisEnd); !ok {
		t.Fatal("stream stopped after a bad event")
	}
	if got := counterValue(t, m.decodeErrors); got != 2 {
		t.Fatalf("decode errors %v, want 2", got)
	}
}
