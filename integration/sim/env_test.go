package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// testEnv is a simulator on a fake clock, served over HTTP, with one app
// WebSocket whose events the test reads.
type testEnv struct {
	t   testing.TB
	clk *clock.Fake
	s   *Server
	hs  *httptest.Server

	mu     sync.Mutex
	ws     *websocket.Conn
	events []map[string]any
	recv   int64 // messages read on the current socket
}

var epoch = time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)

func newTestEnv(t testing.TB, opts Options) *testEnv {
	t.Helper()
	clk := clock.NewFake(epoch)
	opts.Clock = clk
	if opts.RecordingDir == "" {
		opts.RecordingDir = t.TempDir()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, clk: clk, s: s, hs: httptest.NewServer(s.Handler())}
	t.Cleanup(func() {
		e.disconnect()
		e.hs.Close()
	})
	return e
}

// provision creates endpoint, aor and auth for ep as the provisioner would.
func (e *testEnv) provision(ep, password string) {
	e.t.Helper()
	for _, obj := range []struct {
		typ    string
		fields []configField
	}{
		{"auth", []configField{{Attribute: "auth_type", Value: "userpass"}, {Attribute: "username", Value: ep}, {Attribute: "password", Value: password}}},
		{"aor", []configField{{Attribute: "max_contacts", Value: "5"}}},
		{"endpoint", []configField{{Attribute: "context", Value: defaultContext(ep)}, {Attribute: "auth", Value: ep}, {Attribute: "aors", Value: ep}}},
	} {
		st, body := e.do("PUT", "/asterisk/config/dynamic/res_pjsip/"+obj.typ+"/"+ep, nil, map[string]any{"fields": obj.fields})
		if st != 200 {
			e.t.Fatalf("provision %s %s: %d %s", obj.typ, ep, st, body)
		}
	}
}

// register provisions ep and registers one device per name.
func (e *testEnv) register(ep string, devices ...string) []*Device {
	e.t.Helper()
	e.provision(ep, "pw-"+ep)
	var out []*Device
	for _, name := range devices {
		d := e.s.Phone(ep).Device(name)
		if err := d.Register("pw-" + ep); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func (e *testEnv) connect(app string) {
	e.t.Helper()
	u := strings.Replace(e.hs.URL, "http", "ws", 1) + "/ari/events?app=" + app + "&api_key=switchboard:switchboard"
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.ws = ws
	e.recv = 0
	e.mu.Unlock()
	go func() {
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(msg, &m) == nil {
				e.mu.Lock()
				e.events = append(e.events, m)
				if e.ws == ws {
					e.recv++
				}
				e.mu.Unlock()
			}
		}
	}()
	// The app exists once the server has attached the socket.
	e.waitFor(func() bool {
		e.s.mu.Lock()
		defer e.s.mu.Unlock()
		a := e.s.apps[app]
		return a != nil && a.conn != nil
	})
}

func (e *testEnv) disconnect() {
	e.mu.Lock()
	ws := e.ws
	e.ws = nil
	e.mu.Unlock()
	if ws != nil {
		_ = ws.Close()
	}
}

func (e *testEnv) waitFor(cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatal("timed out waiting")
		}
		time.Sleep(time.Millisecond)
	}
}

// do sends an ARI request; path is relative to /ari.
func (e *testEnv) do(method, path string, q url.Values, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := e.hs.URL + "/ari" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(method, u, rd)
	req.SetBasicAuth("switchboard", "switchboard")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// advance moves the fake clock and waits for the timers that fell due.
func (e *testEnv) advance(d time.Duration) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Let dialplan hooks arm their timers before time moves.
	if err := e.s.Settle(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.clk.Advance(d)
	if err := e.s.Settle(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// drain waits until the current socket has delivered every event the
// simulator queued for it.
func (e *testEnv) drain() {
	e.t.Helper()
	e.waitFor(func() bool {
		e.s.mu.Lock()
		var sent int64 = -1
		for _, a := range e.s.apps {
			if a.conn != nil {
				sent = a.conn.sent.Load()
			}
		}
		e.s.mu.Unlock()
		e.mu.Lock()
		defer e.mu.Unlock()
		return sent < 0 || e.recv >= sent
	})
}

// waitEvent waits for an event of typ about channel id (any when "").
func (e *testEnv) waitEvent(typ, id string) map[string]any {
	e.t.Helper()
	var got map[string]any
	e.waitFor(func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, ev := range e.events {
			if ev["type"] == typ && (id == "" || eventChannelID(ev) == id) {
				got = ev
				return true
			}
		}
		return false
	})
	return got
}

func (e *testEnv) eventsOf(id string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.events {
		if eventChannelID(ev) == id {
			out = append(out, ev["type"].(string))
		}
	}
	return out
}

func eventChannelID(ev map[string]any) string {
	for _, k := range []string{"channel", "peer"} {
		if c, ok := ev[k].(map[string]any); ok {
			id, _ := c["id"].(string)
			return id
		}
	}
	return ""
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
