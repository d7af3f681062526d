package core_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// rig is a simulator, a client and an engine sharing one fake clock.
type rig struct {
	t      *testing.T
	clk    *clock.Fake
	sim    *sim.Server
	client *ari.Client
	engine *core.Engine
	cancel context.CancelFunc
	done   chan error
	srv    *httptest.Server
	tr     *http.Transport
	once   sync.Once
}

func newRig(t *testing.T, h core.Handler) *rig {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := sim.New(sim.Options{Clock: clk, AutoProvision: true, Logger: log, RecordingDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	tr := &http.Transport{}
	client := ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "switchboard", Password: "switchboard",
		Application: "switchboard", Logger: log, HTTPClient: &http.Client{Transport: tr}})
	e := core.New(core.Options{Client: client, Clock: clk, Logger: log, Handler: h,
		Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{t: t, clk: clk, sim: s, client: client, engine: e, cancel: cancel, done: make(chan error, 1), srv: srv, tr: tr}
	go func() { r.done <- e.Run(ctx) }()
	t.Cleanup(r.stop)
	select {
	case <-e.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("engine never connected to the simulator")
	}
	return r
}

func (r *rig) stop() {
	r.once.Do(func() {
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			r.t.Error("engine did not stop")
		}
		r.srv.CloseClientConnections()
		r.srv.Close()
		r.tr.CloseIdleConnections()
	})
}

func (r *rig) device(ext string) *sim.Device {
	r.t.Helper()
	d := r.sim.Phone(ext).Device("desk")
	if err := d.Register(""); err != nil {
		r.t.Fatal(err)
	}
	return d
}

func (r *rig) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	r.t.Cleanup(cancel)
	return ctx
}

// waitIdle waits until no call runs and Asterisk holds no channel or bridge.
func (r *rig) waitIdle() {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		chans, err1 := r.client.Channels().List(context.Background())
		brs, err2 := r.client.Bridges().List(context.Background())
		if err1 == nil && err2 == nil && len(chans) == 0 && len(brs) == 0 && r.engine.Active() == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("not idle: %d channels, %d bridges, %d calls (%v %v)", len(chans), len(brs), r.engine.Active(), err1, err2)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// advance lets clock time pass in steps so both sides react.
func (r *rig) advance(d time.Duration) {
	if err := r.clk.Run(r.ctx(), d, 500*time.Millisecond, time.Millisecond); err != nil {
		r.t.Fatal(err)
	}
}

// simpleCall rings one endpoint named by the dialled digits.
var simpleCall = core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
	if err := c.Ring(ctx); err != nil {
		return err
	}
	res, err := c.Dial(ctx, []core.Target{{Label: c.Dialled, Endpoint: "PJSIP/" + c.Dialled}}, 30*time.Second)
	if err != nil {
		return err
	}
	c.Trace(ctx, "dial", string(res.Outcome))
	switch res.Outcome {
	case core.Answered:
		if _, err := c.Connect(ctx, res.Leg); err != nil {
			return err
		}
		_, err := c.Talk(ctx, nil, c.Caller, res.Leg)
		return err
	case core.Busy:
		return c.Hangup(ctx, c.Caller, "busy")
	default:
		return c.Hangup(ctx, c.Caller, "no_answer")
	}
})

func TestCallIsBridgedAndBothSidesEndWhenOneHangsUp(t *testing.T) {
	r := newRig(t, simpleCall)
	a, b := r.device("101"), r.device("102")
	out, err := a.Dial("102")
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.WaitRinging(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	if err := out.WaitState(r.ctx(), sim.CallUp); err != nil {
		t.Fatal(err)
	}
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	if err := in.WaitState(r.ctx(), sim.CallEnded); err != nil {
		t.Fatal(err)
	}
	r.waitIdle()
}

func TestUnansweredCallEndsAfterTheRingTimeout(t *testing.T) {
	r := newRig(t, simpleCall)
	a, b := r.device("101"), r.device("102")
	out, err := a.Dial("102")
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.WaitRinging(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	r.advance(29 * time.Second)
	if in.State() != sim.CallRinging {
		t.Fatalf("callee stopped ringing before the timeout: %s", in.State())
	}
	r.advance(2 * time.Second)
	if err := out.WaitState(r.ctx(), sim.CallEnded); err != nil {
		t.Fatal(err)
	}
	if err := in.WaitState(r.ctx(), sim.CallEnded); err != nil {
		t.Fatal(err)
	}
	if got := out.HangupCause(); got != 19 {
		t.Errorf("caller's hangup cause = %d, want 19 (no answer)", got)
	}
	r.waitIdle()
}

func TestBusyCalleeGivesTheCallerBusy(t *testing.T) {
	r := newRig(t, simpleCall)
	a, b := r.device("101"), r.device("102")
	out, err := a.Dial("102")
	if err != nil {
		t.Fatal(err)
	}
	in, err := b.WaitRinging(r.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Busy(); err != nil {
		t.Fatal(err)
	}
	if err := out.WaitState(r.ctx(), sim.CallEnded); err != nil {
		t.Fatal(err)
	}
	if got := out.HangupCause(); got != 17 {
		t.Logf("calls: %+v", r.engine.Active())
		t.Errorf("caller's hangup cause = %d, want 17 (busy)", got)
	}
	r.waitIdle()
}

func TestUnregisteredCalleeIsUnavailable(t *testing.T) {
	r := newRig(t, simpleCall)
	a := r.device("101")
	r.sim.Phone("103").Device("desk") // known, never registered
	out, err := a.Dial("103")
	if err != nil {
		t.Fatal(err)
	}
	if err := out.WaitState(r.ctx(), sim.CallEnded); err != nil {
		t.Fatal(err)
	}
	r.waitIdle()
}

func TestNoGoroutineOutlivesTheEngine(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		r := newRig(t, simpleCall)
		a, b := r.device("101"), r.device("102")
		out, _ := a.Dial("102")
		in, err := b.WaitRinging(r.ctx())
		if err != nil {
			t.Fatal(err)
		}
		_ = in.Answer()
		_ = out.WaitState(r.ctx(), sim.CallUp)
		r.stop()
	}()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+3 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
