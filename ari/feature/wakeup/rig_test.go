package wakeup_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// berlin is the system's time zone in these tests (CET/CEST).
var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// rig is the engine with the callflow router and the wakeup codes on the
// simulator, a migrated SQLite store with extensions 101 and 102, and a
// scheduler that can be restarted. Its coretest.Rig gives the helpers
// (Device, Dial, Advance, WaitStateAdvancing, WaitIdle).
type rig struct {
	*coretest.Rig
	st    *store.Store
	log   *slog.Logger
	sched atomic.Pointer[wakeup.Scheduler]
	stop  context.CancelFunc
	ran   chan error
	tune  func(*wakeup.Options)
}

func newRig(t *testing.T) *rig { return newRigWith(t, nil) }

// newRigWith is newRig with scheduler options adjusted by tune.
func newRigWith(t *testing.T, tune func(*wakeup.Options)) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "sb.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	numbers := []string{"101", "102"}
	for _, n := range numbers {
		if err := st.Extensions.Create(ctx, &store.Extension{Number: n, Name: "Ext " + n}); err != nil {
			t.Fatal(err)
		}
	}
	clk := clock.NewFake(coretest.Start)
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
	plan, err := dialplan.New(dialplan.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{st: st, log: log, tune: tune}
	env := &feature.Env{Directory: featuretest.NewMemDir(numbers...), Plan: plan, Clock: clk, Log: log, Store: st}
	router := callflow.NewRouter(env)
	// The codes and the tagged calls go to whichever scheduler runs now.
	current := func() *wakeup.Scheduler { return r.sched.Load() }
	r.Rig = &coretest.Rig{T: t, Clock: clk, Sim: s, Client: client}
	r.startScheduler()
	wakeup.Register(router, current())
	tagged := core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
		return current().Handler().ServeCall(ctx, c)
	})
	e := core.New(core.Options{Client: client, Clock: clk, Logger: log, Handler: router,
		Tagged: map[string]core.Handler{wakeup.Tag: tagged},
		Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}})
	r.Engine = e
	ectx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ectx) }()
	t.Cleanup(func() {
		r.stopScheduler()
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("engine did not stop")
		}
		srv.CloseClientConnections()
		srv.Close()
		tr.CloseIdleConnections()
	})
	select {
	case <-e.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("engine never connected to the simulator")
	}
	return r
}

// startScheduler starts a new scheduler on the store (the app starting).
func (r *rig) startScheduler() {
	r.T.Helper()
	o := wakeup.Options{Store: r.st.Wakeups, Client: r.Client, Clock: r.Clock, Location: berlin, Logger: r.log}
	if r.tune != nil {
		r.tune(&o)
	}
	s, err := wakeup.NewScheduler(o)
	if err != nil {
		r.T.Fatal(err)
	}
	r.sched.Store(s)
	ctx, cancel := context.WithCancel(context.Background())
	r.stop, r.ran = cancel, make(chan error, 1)
	go func() { r.ran <- s.Run(ctx) }()
	settle()
}

// stopScheduler stops the running scheduler (the app stopping).
func (r *rig) stopScheduler() {
	if r.stop == nil {
		return
	}
	r.stop()
	select {
	case <-r.ran:
	case <-time.After(5 * time.Second):
		r.T.Error("scheduler did not stop")
	}
	r.stop = nil
}

// settle gives goroutines woken by the clock real time to react.
func settle() { time.Sleep(30 * time.Millisecond) }

// jump moves the clock forward in one step (hours cost milliseconds) and
// lets the scheduler re-arm its timer.
func (r *rig) jump(d time.Duration) {
	r.Clock.Advance(d)
	settle()
}

// jumpTo moves the clock to t.
func (r *rig) jumpTo(t time.Time) { r.jump(t.Sub(r.Clock.Now())) }

// wakeups lists an extension's scheduled wakeups.
func (r *rig) wakeups(ext string) []store.WakeupCall {
	r.T.Helper()
	ws, err := r.st.Wakeups.ListScheduled(context.Background(), ext)
	if err != nil {
		r.T.Fatal(err)
	}
	return ws
}

// heard lists what a simulated call heard.
func heard(c *sim.Call) []string {
	var out []string
	for _, h := range c.Heard() {
		out = append(out, h.What)
	}
	return out
}

// incoming counts the calls that rang a device.
func incoming(d *sim.Device) int {
	n := 0
	for _, c := range d.Calls() {
		if c.Incoming() {
			n++
		}
	}
	return n
}

// inOrder reports whether want appears in got as a subsequence.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// dial has a device dial a code and waits (clock time passing) until the
// call ended.
func (r *rig) dial(d *sim.Device, code string) *sim.Call {
	r.T.Helper()
	out := r.Dial(d, code)
	r.WaitStateAdvancing(out, sim.CallEnded, 60*time.Second)
	return out
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// count is how often a call heard media.
func count(c *sim.Call, what string) int {
	n := 0
	for _, h := range heard(c) {
		if h == what {
			n++
		}
	}
	return n
}

// press sends digits once the call heard prompt n times, letting clock time
// pass meanwhile.
func (r *rig) press(c *sim.Call, prompt string, n int, digits string) {
	r.T.Helper()
	for waited := time.Duration(0); count(c, prompt) < n; waited += 100 * time.Millisecond {
		if waited > 90*time.Second || c.State() == sim.CallEnded {
			r.T.Fatalf("call never heard %q %d times (state %s); heard %v", prompt, n, c.State(), heard(c))
		}
		r.Clock.Advance(100 * time.Millisecond)
		time.Sleep(300 * time.Microsecond)
	}
	if err := c.SendDTMF(digits); err != nil {
		r.T.Fatal(err)
	}
}

// eventually waits (real time, at most 15 s: a wait for progress, which
// under -race on two loaded cores can take seconds, not a timing claim)
// until cond holds.
func (r *rig) eventually(what string, cond func() bool) {
	r.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.T.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rings waits (real time, at most 15 s) until the device rings and returns
// the ringing call. From the scheduler's timer to the phone is a chain of
// requests and events (anchor, StasisStart, busy check, contacts, legs)
// that takes no clock time but, under -race on a loaded machine, many
// milliseconds; and a previous attempt's watcher may have armed its poll
// timer only after the test moved the clock, holding the wakeup "in
// flight" until clock time passes again. So while nothing rings, the clock
// creeps on in quarter-second steps (at most 10 s of clock time in all,
// far below any ring timeout): the test does not depend on the machine's
// speed either way.
func (r *rig) rings(d *sim.Device) *sim.Call {
	r.T.Helper()
	r.creeping(d.Endpoint()+"/"+d.Name()+" rings", 10*time.Second, func() bool { return d.Ringing() != nil })
	return d.Ringing()
}

// creeping waits (real time, at most 15 s) until cond holds, letting the
// clock creep on in quarter-second steps while it does not, by at most
// maxClock in all: for waits on a chain of goroutines some of which arm
// clock timers (see rings).
func (r *rig) creeping(what string, maxClock time.Duration, cond func() bool) {
	r.T.Helper()
	crept := time.Duration(0)
	r.eventually(what, func() bool {
		if cond() {
			return true
		}
		if crept < maxClock {
			time.Sleep(20 * time.Millisecond)
			if !cond() {
				r.Clock.Advance(250 * time.Millisecond)
				crept += 250 * time.Millisecond
			}
		}
		return false
	})
}

// idle waits until nothing is left in the simulator and no call runs. A
// wakeup attempt's anchor is a Local pair whose second half lingers a moment
// of clock time after the first is hung up (as in Asterisk's traces), and
// that hang-up may come after the test's last clock step on a loaded
// machine, so the clock moves on in half-second steps until all is gone.
func (r *rig) idle() {
	r.T.Helper()
	ctx := context.Background()
	r.eventually("idle: no channel, bridge or call left", func() bool {
		r.Clock.Advance(500 * time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		cs, err1 := r.Client.Channels().List(ctx)
		bs, err2 := r.Client.Bridges().List(ctx)
		return err1 == nil && err2 == nil && len(cs) == 0 && len(bs) == 0 && r.Engine.Active() == 0
	})
}
