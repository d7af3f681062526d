package wakeup_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// harnessApp is the Stasis application with the callflow router, the
// wakeup codes and the wakeup scheduler, as the PBX wires them.
type harnessApp struct {
	st   *store.Store
	tune func(*wakeup.Options) // optional
	eng  atomic.Pointer[core.Engine]
	stop atomic.Pointer[context.CancelFunc] // ends the running process
}

// run runs the app as a process that restart stops and starts again.
func (a *harnessApp) run(ctx context.Context, env harness.AppEnv) error {
	for {
		pctx, cancel := context.WithCancel(ctx)
		a.stop.Store(&cancel)
		err := a.process(pctx, env)
		cancel()
		if err != nil || ctx.Err() != nil {
			return err
		}
	}
}

// restart stops the running process (its engine ends its calls, as on a
// service restart); run starts a new one on the same store, with a new
// engine (new ids, a resync) and a new scheduler. ready is false until the
// new engine is connected.
func (a *harnessApp) restart() {
	a.eng.Store(nil)
	if stop := a.stop.Load(); stop != nil {
		(*stop)()
	}
}

// process is one run of the app until ctx ends.
func (a *harnessApp) process(ctx context.Context, env harness.AppEnv) error {
	client := ari.New(ari.Options{BaseURL: env.ARIURL, Username: env.ARIUser, Password: env.ARIPassword,
		Application: env.App, Logger: env.Logger})
	plan, err := dialplan.New(dialplan.DefaultConfig())
	if err != nil {
		return err
	}
	fenv := &feature.Env{Directory: feature.StoreDirectory{Store: a.st}, Store: a.st, Plan: plan,
		Clock: env.Clock, Log: env.Logger}
	router := callflow.NewRouter(fenv)
	var eng *core.Engine // made below; the scheduler waits for it to be ready
	o := wakeup.Options{Store: a.st.Wakeups, Client: client, Clock: env.Clock,
		Location: berlin, App: env.App, Logger: env.Logger, Presence: fenv.Presence,
		Ready: func() <-chan struct{} { return eng.Ready() }}
	if a.tune != nil {
		a.tune(&o)
	}
	sched, err := wakeup.NewScheduler(o)
	if err != nil {
		return err
	}
	wakeup.Register(router, sched)
	eng = core.New(core.Options{Client: client, Clock: env.Clock, Logger: env.Logger, Handler: router,
		Tagged: map[string]core.Handler{wakeup.Tag: sched.Handler()},
		Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 400 * time.Millisecond, MaxBackoff: time.Second}})
	a.eng.Store(eng)
	schedDone := make(chan error, 1)
	go func() { schedDone <- sched.Run(ctx) }()
	err = eng.Run(ctx)
	if serr := <-schedDone; !errors.Is(serr, context.Canceled) {
		err = errors.Join(err, serr)
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func (a *harnessApp) ready() bool {
	e := a.eng.Load()
	if e == nil {
		return false
	}
	select {
	case <-e.Ready():
		return true
	default:
		return false
	}
}

func harnessStore(t *testing.T, exts ...string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "pbx.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range exts {
		if err := st.Extensions.Create(ctx, &store.Extension{Number: n, Name: "Ext " + n, OutboundClass: "national"}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// The same scenario on the simulator and, with SWITCHBOARD_ASTERISK, on a
// real Asterisk 22 (where it takes up to two minutes of real time).
func TestHarnessWakeupAddedByCodeRingsAtItsMinuteAndIsAnswered(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			app := &harnessApp{st: harnessStore(t, "101")}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101"}, App: app.run, AppReady: app.ready})
			a := h.Phone("101")
			now := h.Clock().Now()
			at := now.Truncate(time.Minute).Add(time.Minute)
			if at.Sub(now) < 20*time.Second {
				at = at.Add(time.Minute)
			}
			a.Dial("*55*" + at.In(berlin).Format("01021504") + "#")
			a.WaitAnswered()
			a.Hears("added")
			a.WaitHungUp(20 * time.Second)
			ws, err := app.st.Wakeups.ListScheduled(context.Background(), "101")
			if err != nil || len(ws) != 1 || !ws[0].At.Equal(at) {
				t.Fatalf("scheduled %+v (%v), want one at %s", ws, err, at)
			}
			if wait := at.Sub(h.Clock().Now()) - 3*time.Second; wait > 0 {
				a.NotRinging(wait)
			}
			h.Eventually("the wakeup call to ring", 15*time.Second, func() bool { return a.State() == "ringing" })
			a.Answer()
			a.Hears("hello")
			a.WaitHungUp(30 * time.Second)
			ws, err = app.st.Wakeups.ListScheduled(context.Background(), "101")
			if err != nil || len(ws) != 0 {
				t.Errorf("still scheduled after the answer: %+v (%v)", ws, err)
			}
		})
	}
}

// Unanswered and unreachable on both engines: 101 rings out its (shortened)
// ring time, 102 has no registered phone (Asterisk answers the originate
// with 500); both attempts count as unanswered and are retried 5 minutes
// after they were made.
func TestHarnessUnansweredAndUnreachableWakeupsAreRescheduled(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			app := &harnessApp{st: harnessStore(t, "101", "102"), tune: func(o *wakeup.Options) {
				o.RingTimeout, o.Rescan = 4*time.Second, time.Second
			}}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101", "102"}, App: app.run, AppReady: app.ready})
			a := h.Phone("101")
			ctx := context.Background()
			at := h.Clock().Now().Add(2 * time.Second).Truncate(time.Second)
			for _, ext := range []string{"101", "102"} {
				w := &store.WakeupCall{Extension: ext, At: at, MaxRetries: wakeup.Retries, RetryEverySec: 300}
				if err := app.st.Wakeups.Create(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			h.Eventually("the wakeup call to ring", 10*time.Second, func() bool { return a.State() == "ringing" })
			a.WaitHungUp(10 * time.Second)
			h.Eventually("both attempts recorded", 10*time.Second, func() bool {
				for _, ext := range []string{"101", "102"} {
					ws, err := app.st.Wakeups.ListScheduled(ctx, ext)
					if err != nil || len(ws) != 1 || ws[0].Attempts != 1 {
						return false
					}
				}
				return true
			})
			for _, ext := range []string{"101", "102"} {
				ws, _ := app.st.Wakeups.ListScheduled(ctx, ext)
				if retry := ws[0].At.Sub(at); retry < wakeup.RetryEvery || retry > wakeup.RetryEvery+2*time.Second {
					t.Errorf("%s: retry %s after the wakeup time, want about %s", ext, retry, wakeup.RetryEvery)
				}
			}
		})
	}
}

// The *55# menu with DTMF on both engines: add (after a refused 30
// February), hear the list, cancel all, exit.
func TestHarnessMenuAddsListsCancelsAndExits(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			app := &harnessApp{st: harnessStore(t, "101")}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101"}, App: app.run, AppReady: app.ready})
			a := h.Phone("101")
			ctx := context.Background()
			a.Dial("*55#")
			a.WaitAnswered()
			a.Hears("vm-toenternumber")
			a.SendDTMF("1")
			a.Hears("vm-then-pound")
			a.SendDTMF("02300700#")
			a.Hears("invalid")
			h.Wait(2 * time.Second) // "time, then press pound" again
			a.SendDTMF("12240700#")
			a.Hears("added")
			h.Eventually("the wakeup to be stored", 0, func() bool {
				ws, err := app.st.Wakeups.ListScheduled(ctx, "101")
				return err == nil && len(ws) == 1
			})
			h.Wait(7 * time.Second) // the date and time, then the menu again
			a.SendDTMF("2")
			a.Hears("vm-youhave")
			h.Wait(7 * time.Second) // "1", the date and time, then the menu again
			a.SendDTMF("3")
			a.Hears("cancelled")
			h.Wait(2 * time.Second)
			a.SendDTMF("#")
			a.Hears("goodbye")
			a.WaitHungUp(10 * time.Second)
			if ws, err := app.st.Wakeups.ListScheduled(ctx, "101"); err != nil || len(ws) != 0 {
				t.Errorf("left after cancel all: %+v (%v)", ws, err)
			}
		})
	}
}
