// Package harness runs call scenarios written once against two engines:
//
//   - mode (a), always: the ARI simulator (integration/sim) in process, with one
//     clock.Fake shared by the simulator and the app under test, so that a
//     30 s ring timeout costs milliseconds;
//   - mode (b), when SWITCHBOARD_ASTERISK names an Asterisk 22 binary: a real
//     Asterisk started on loopback ports with the project's asterisk-conf,
//     real SIP phones (diago) and assertions on the audio they recorded.
//
// A scenario drives phones (h.Phone("101").Dial("102"), b.WaitRinging(),
// b.Answer(), a.PlayTone(1000), b.HearsTone(1000) …); every wait has a
// deadline in call time (simulated in mode a, real in mode b) and fails the
// test with a message saying what did not happen.
package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Mode names an engine.
type Mode string

// The two modes.
const (
	// ModeSim runs against the in-process simulator with a fake clock.
	ModeSim Mode = "sim"
	// ModeAsterisk runs against a real Asterisk 22 with real SIP phones.
	ModeAsterisk Mode = "asterisk"
)

// EnvAsterisk names the variable holding the Asterisk 22 binary for mode (b).
const EnvAsterisk = "SWITCHBOARD_ASTERISK"

// DefaultWithin is how much call time a wait allows by default.
const DefaultWithin = 10 * time.Second

// Sentinel errors of the harness.
var (
	// ErrTimeout means something a scenario waited for did not happen in time.
	ErrTimeout = errors.New("harness: timed out")
	// ErrUnsupported means the mode cannot do what was asked.
	ErrUnsupported = errors.New("harness: not supported in this mode")
)

// AppEnv is what the app under test needs to reach the engine.
type AppEnv struct {
	// ARIURL is ARI's root, e.g. http://127.0.0.1:43121/ari. In both modes it
	// goes through the harness's proxy so that DropAppWebSocket can cut it.
	ARIURL string
	// ARIUser and ARIPassword are the ARI credentials.
	ARIUser, ARIPassword string
	// App is the Stasis application name ("switchboard").
	App string
	// AMIAddr, AMIUser and AMIPassword reach the manager interface (empty
	// when the mode has none).
	AMIAddr, AMIUser, AMIPassword string
	// Clock is the app's time source: the shared clock.Fake in mode (a),
	// clock.Real in mode (b).
	Clock clock.Clock
	// Logger is the test's logger.
	Logger *slog.Logger
}

// Options describe a scenario's world.
type Options struct {
	// Extensions are provisioned before the app starts (endpoint, AOR and
	// auth for each, and <n>-web for browsers).
	Extensions []string
	// App runs the app under test until ctx ends; nil runs none.
	App func(ctx context.Context, env AppEnv) error
	// AppReady, when set, is polled until it reports true before the scenario
	// starts (e.g. the app's WebSocket is connected).
	AppReady func() bool
	// Trunk, when set, names a SIP trunk endpoint (the app dials
	// "PJSIP/<number>@<Trunk>"; calls from it enter as origin "trunk")
	// whose far end is the harness's provider, H.Trunk(): in mode (a) a
	// simulator device, in mode (b) a SIP user agent on 127.0.0.2 that
	// Asterisk's pjsip.conf knows as a static trunk.
	Trunk string
}

// H is one scenario's harness.
type H struct {
	t      testing.TB
	mode   Mode
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger
	be     backend
	fake   *clock.Fake // mode (a) only
	proxy  *proxy
	ari    *ari.Client
	env    AppEnv

	trunk *Trunk

	appDone chan error
	logOff  *atomic.Bool // set once the test is over: late log lines are dropped
	// watch counts calls that ended with an error; allowErrors lets a
	// scenario that breaks things on purpose have them.
	watch       *logWatch
	allowErrors atomic.Bool
	stopOnce    sync.Once
	mu          sync.Mutex
	phones      map[string]*Phone
}

// backend is one engine.
type backend interface {
	// env describes the engine to the app (without the proxy).
	env() AppEnv
	// device makes a phone for endpoint; registered or not.
	device(ctx context.Context, endpoint, name string, register bool) (device, error)
	// trunk makes the far end of the SIP trunk name (c reaches the engine).
	trunk(ctx context.Context, c *ari.Client, name string) (trunkDevice, error)
	// failed adds the engine's logs to a failed test.
	failed(t testing.TB)
	// close stops the engine.
	close()
}

// Run runs scenario as two subtests, "sim" and "asterisk"; the second skips
// (naming SWITCHBOARD_ASTERISK) when no Asterisk is configured.
func Run(t *testing.T, opts Options, scenario func(t *testing.T, h *H)) {
	t.Run(string(ModeSim), func(t *testing.T) {
		scenario(t, New(t, ModeSim, opts))
	})
	t.Run(string(ModeAsterisk), func(t *testing.T) {
		scenario(t, New(t, ModeAsterisk, opts))
	})
}

// New starts the engine of mode, provisions the extensions and starts the
// app; everything stops when the test ends. In ModeAsterisk without
// SWITCHBOARD_ASTERISK the test is skipped.
func New(t testing.TB, mode Mode, opts Options) *H {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	off := &atomic.Bool{}
	watch := &logWatch{}
	h := &H{t: t, mode: mode, opts: opts, ctx: ctx, cancel: cancel, logOff: off, watch: watch,
		log:    slog.New(slog.NewTextHandler(testWriter{t, off, watch}, &slog.HandlerOptions{Level: logLevel()})),
		phones: map[string]*Phone{}}
	var err error
	switch mode {
	case ModeSim:
		h.fake = clock.NewFake(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
		h.be, err = newSimBackend(h.log, h.fake)
	case ModeAsterisk:
		if os.Getenv(EnvAsterisk) == "" {
			cancel()
			t.Skipf("real-Asterisk mode: set %s to an Asterisk 22 binary to run it", EnvAsterisk)
		}
		h.be = newAsteriskBackend(t, h.log, opts.Trunk)
	default:
		err = fmt.Errorf("%w: unknown mode %q", ErrUnsupported, mode)
	}
	if err != nil {
		cancel()
		t.Fatalf("harness: start %s: %v", mode, err)
	}
	// Registered after the engine's own clean-up, so it runs before it: the
	// app and the phones stop while the engine is still there.
	t.Cleanup(h.stop)
	env := h.be.env()
	h.proxy, err = startProxy(env.ARIURL)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	env.ARIURL = h.proxy.url(env.ARIURL)
	env.Logger = h.log
	h.env = env
	h.ari = ari.New(ari.Options{BaseURL: h.be.env().ARIURL, Username: env.ARIUser, Password: env.ARIPassword, Application: env.App, Logger: h.log})
	if err := provisionAll(ctx, h.ari, opts.Extensions); err != nil {
		t.Fatalf("%v", err)
	}
	if opts.Trunk != "" {
		h.startTrunk(opts.Trunk)
	}
	if opts.App != nil {
		h.startApp()
	}
	return h
}

func (h *H) startApp() {
	h.appDone = make(chan error, 1)
	go func() { h.appDone <- h.opts.App(h.ctx, h.env) }()
	if h.opts.AppReady == nil {
		return
	}
	if err := h.await("the app to get ready", 30*time.Second, func() (bool, error) {
		select {
		case err := <-h.appDone:
			return false, fmt.Errorf("app ended before it was ready: %w", err)
		default:
		}
		return h.opts.AppReady(), nil
	}); err != nil {
		h.t.Fatalf("harness: %v", err)
	}
}

func (h *H) stop() { h.stopOnce.Do(h.stopNow) }

func (h *H) stopNow() {
	defer h.logOff.Store(true)
	h.mu.Lock()
	phones := h.phones
	h.phones = map[string]*Phone{}
	h.mu.Unlock()
	for _, p := range phones {
		p.dev.close()
	}
	h.cancel()
	if h.appDone != nil {
		select {
		case err := <-h.appDone:
			if err != nil && !errors.Is(err, context.Canceled) {
				h.t.Errorf("harness: the app ended with an error: %v", err)
			}
		case <-time.After(10 * time.Second):
			h.t.Errorf("harness: the app did not stop within 10 s of its context ending")
		}
	}
	if n, first := h.watch.callErrors(); n > 0 && !h.allowErrors.Load() {
		h.t.Errorf("harness: %d call(s) ended with an error (H.AllowCallErrors if the scenario means it); first: %s", n, first)
	}
	if h.proxy != nil {
		h.proxy.close()
	}
	if h.be != nil {
		if h.t.Failed() {
			h.be.failed(h.t)
		}
		h.be.close()
	}
}

// AllowCallErrors lets the scenario end with calls whose feature returned
// an error (the app's "call ended with error" log lines): for scenarios that
// stop the app, cut its connection or break Asterisk on purpose. Otherwise
// such a line fails the scenario when it ends.
func (h *H) AllowCallErrors() { h.allowErrors.Store(true) }

// Mode reports the engine the scenario runs on.
func (h *H) Mode() Mode { return h.mode }

// Context is the scenario's context; it ends with the test.
func (h *H) Context() context.Context { return h.ctx }

// Env reports what the app under test was given.
func (h *H) Env() AppEnv { return h.env }

// ARI returns an ARI client straight to the engine (not through the proxy),
// for checks the scenario makes itself.
func (h *H) ARI() *ari.Client { return h.ari }

// Clock is the scenario's clock (the shared fake in mode a).
func (h *H) Clock() clock.Clock {
	if h.fake != nil {
		return h.fake
	}
	return clock.Real{}
}

// Wait lets d of call time pass: in mode (a) the fake clock advances in
// 50 ms steps with a short real pause after each; in mode (b) it sleeps.
func (h *H) Wait(d time.Duration) {
	h.t.Helper()
	if h.fake != nil {
		if err := h.fake.Run(h.ctx, d, 50*time.Millisecond, time.Millisecond); err != nil {
			h.t.Fatalf("harness: wait %v: %v", d, err)
		}
		return
	}
	select {
	case <-time.After(d):
	case <-h.ctx.Done():
		h.t.Fatalf("harness: wait %v: %v", d, h.ctx.Err())
	}
}

// DropAppWebSocket cuts the app's event WebSocket (its REST connections stay);
// the app is expected to reconnect on its own.
func (h *H) DropAppWebSocket() {
	h.t.Helper()
	if n := h.proxy.dropWebSockets(); n == 0 {
		h.t.Fatalf("harness: DropAppWebSocket: the app has no event WebSocket open")
	}
}

// CutAppWebSocket drops the app's event WebSocket and refuses new ones
// until RestoreAppWebSocket: the app stays away from Asterisk meanwhile.
func (h *H) CutAppWebSocket() {
	h.t.Helper()
	h.proxy.hold(true)
	h.DropAppWebSocket()
	// The engine learns of the close from its own read loop; a call placed
	// before it did would still enter Stasis. 200 ms of real time is ample on
	// loopback (the proxy closes both sides at once).
	time.Sleep(200 * time.Millisecond)
}

// RestoreAppWebSocket lets the app's event WebSocket connect again.
func (h *H) RestoreAppWebSocket() { h.proxy.hold(false) }

// AppWebSockets reports how many event WebSockets the app has open now.
func (h *H) AppWebSockets() int { return h.proxy.webSockets() }

// Eventually waits until cond holds, within call time (DefaultWithin when
// within is 0), failing the test with what.
func (h *H) Eventually(what string, within time.Duration, cond func() bool) {
	h.t.Helper()
	if err := h.await(what, within, func() (bool, error) { return cond(), nil }); err != nil {
		h.t.Fatalf("harness: %v", err)
	}
}

// await polls cond until it holds. In mode (a) call time is the fake clock's:
// each poll lets a real millisecond pass for the goroutines, then advances
// the clock 10 ms, so waiting for an event also lets timers run. In mode (b)
// it polls every 20 ms of real time.
func (h *H) await(what string, within time.Duration, cond func() (bool, error)) error {
	if within <= 0 {
		within = DefaultWithin
	}
	realLimit := within
	if h.fake != nil {
		realLimit = within + 30*time.Second // a guard against a stuck simulator
	}
	realDeadline := time.Now().Add(realLimit)
	if td, ok := h.testDeadline(); ok && td.Before(realDeadline) {
		realDeadline, realLimit = td, time.Until(td)
	}
	var start time.Time
	if h.fake != nil {
		start = h.fake.Now()
	}
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		if h.fake != nil && h.fake.Now().Sub(start) >= within {
			return fmt.Errorf("%w: %s did not happen within %v (simulated)", ErrTimeout, what, within)
		}
		if time.Now().After(realDeadline) {
			return fmt.Errorf("%w: %s did not happen within %v", ErrTimeout, what, realLimit)
		}
		pause := 20 * time.Millisecond
		if h.fake != nil {
			pause = time.Millisecond
		}
		select {
		case <-time.After(pause):
		case <-h.ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, h.ctx.Err())
		}
		if h.fake != nil {
			h.fake.Advance(10 * time.Millisecond)
		}
	}
}

// testDeadline is the test binary's deadline (go test -timeout) less a
// margin for cleaning up, so that a wait fails with its own message instead
// of the test being killed.
func (h *H) testDeadline() (time.Time, bool) {
	d, ok := h.t.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return time.Time{}, false
	}
	dl, ok := d.Deadline()
	if !ok {
		return time.Time{}, false
	}
	return dl.Add(-20 * time.Second), true
}

// testWriter sends log lines to t.Log and shows them to the watch.
type testWriter struct {
	t     testing.TB
	off   *atomic.Bool
	watch *logWatch
}

func (w testWriter) Write(p []byte) (int, error) {
	w.watch.see(p)
	if !w.off.Load() {
		w.t.Log(string(trimNewline(p)))
	}
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	if n := len(p); n > 0 && p[n-1] == '\n' {
		return p[:n-1]
	}
	return p
}

func logLevel() slog.Level {
	if os.Getenv("SWITCHBOARD_HARNESS_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
