// Package coretest runs the call core against the simulator for tests: one
// fake clock shared by the simulator and the engine, a real ARI client over
// HTTP and WebSocket, and helpers to drive simulated phones and to check that
// nothing leaked.
package coretest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Rig is a simulator, an ARI client and an engine sharing one fake clock.
type Rig struct {
	T      testing.TB
	Clock  *clock.Fake
	Sim    *sim.Server
	Client *ari.Client
	Engine *core.Engine

	cancel context.CancelFunc
	done   chan error
	srv    *httptest.Server
	tr     *http.Transport
	once   sync.Once
}

// Start is the default start time of the fake clock.
var Start = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// New starts the simulator and an engine running h; everything stops at the
// end of the test.
func New(t testing.TB, h core.Handler) *Rig { return NewObserved(t, h, nil) }

// NewObserved is New with an observer of the calls (call records).
func NewObserved(t testing.TB, h core.Handler, obs core.Observer) *Rig {
	t.Helper()
	clk := clock.NewFake(Start)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := sim.New(sim.Options{Clock: clk, AutoProvision: true, Logger: log, RecordingDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	tr := &http.Transport{}
	client := ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "switchboard", Password: "switchboard",
		Application: "switchboard", Logger: log, HTTPClient: &http.Client{Transport: tr}})
	e := core.New(core.Options{Client: client, Clock: clk, Logger: log, Handler: h, Observer: obs,
		Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	r := &Rig{T: t, Clock: clk, Sim: s, Client: client, Engine: e, cancel: cancel, done: make(chan error, 1), srv: srv, tr: tr}
	go func() { r.done <- e.Run(ctx) }()
	t.Cleanup(r.Stop)
	select {
	case <-e.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("engine never connected to the simulator")
	}
	return r
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// Stop stops the engine and the simulator's HTTP server (idempotent).
func (r *Rig) Stop() {
	r.once.Do(func() {
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			r.T.Error("engine did not stop")
		}
		r.srv.CloseClientConnections()
		r.srv.Close()
		r.tr.CloseIdleConnections()
	})
}

// Device registers a device named "desk" for an extension's endpoint.
func (r *Rig) Device(ext string) *sim.Device { return r.DeviceNamed(ext, "desk") }

// DeviceNamed registers a named device for an endpoint.
func (r *Rig) DeviceNamed(endpoint, name string) *sim.Device {
	r.T.Helper()
	d := r.Sim.Phone(endpoint).Device(name)
	if err := d.Register(""); err != nil {
		r.T.Fatal(err)
	}
	return d
}

// Ctx is a context that ends with the test or after 5 s.
func (r *Rig) Ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	r.T.Cleanup(cancel)
	return ctx
}

// WaitIdle waits until no call runs and Asterisk holds no channel or bridge.
func (r *Rig) WaitIdle() {
	r.T.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		chans, err1 := r.Client.Channels().List(context.Background())
		brs, err2 := r.Client.Bridges().List(context.Background())
		if err1 == nil && err2 == nil && len(chans) == 0 && len(brs) == 0 && r.Engine.Active() == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.T.Fatalf("not idle: %d channels, %d bridges, %d calls (%v %v)", len(chans), len(brs), r.Engine.Active(), err1, err2)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Advance lets clock time pass in half-second steps so both sides react.
func (r *Rig) Advance(d time.Duration) {
	r.T.Helper()
	if err := r.Clock.Run(r.Ctx(), d, 500*time.Millisecond, time.Millisecond); err != nil {
		r.T.Fatal(err)
	}
}

// Answer waits for the device to ring and answers.
func (r *Rig) Answer(d *sim.Device) *sim.Call {
	r.T.Helper()
	in, err := d.WaitRinging(r.Ctx())
	if err != nil {
		r.T.Fatalf("%s/%s never rang: %v", d.Endpoint(), d.Name(), err)
	}
	if err := in.Answer(); err != nil {
		r.T.Fatal(err)
	}
	return in
}

// Dial places a call from the device.
func (r *Rig) Dial(d *sim.Device, target string) *sim.Call {
	r.T.Helper()
	out, err := d.Dial(target)
	if err != nil {
		r.T.Fatal(err)
	}
	return out
}

// WaitState waits for a simulated call's state.
func (r *Rig) WaitState(c *sim.Call, s sim.CallState) {
	r.T.Helper()
	if err := c.WaitState(r.Ctx(), s); err != nil {
		r.T.Fatalf("call never reached %s (now %s): %v", s, c.State(), err)
	}
}

// WaitStateAdvancing lets clock time pass (100 ms steps, at most max) until
// the simulated call reaches state: prompts take their real length of
// clock time.
func (r *Rig) WaitStateAdvancing(c *sim.Call, s sim.CallState, max time.Duration) {
	r.T.Helper()
	for waited := time.Duration(0); c.State() != s; waited += 100 * time.Millisecond {
		if waited > max {
			r.T.Fatalf("call never reached %s within %s of clock time (now %s)", s, max, c.State())
		}
		r.Clock.Advance(100 * time.Millisecond)
		time.Sleep(200 * time.Microsecond)
	}
}

// Ringing waits for the device to ring and returns the incoming call.
func (r *Rig) Ringing(d *sim.Device) *sim.Call {
	r.T.Helper()
	in, err := d.WaitRinging(r.Ctx())
	if err != nil {
		r.T.Fatalf("%s/%s never rang: %v", d.Endpoint(), d.Name(), err)
	}
	return in
}
