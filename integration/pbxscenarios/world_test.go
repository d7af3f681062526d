package pbxscenarios

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/store"
)

// world is one scenario: the harness (simulator or real Asterisk), the
// store the PBX runs on, and the PBX itself once it started.
type world struct {
	*harness.H
	st    *store.Store
	pbx   atomic.Pointer[pbx.PBX]
	trunk string          // the PBX's trunk endpoint, "" for none
	smtp  *voicemail.SMTP // the PBX's mail relay, nil for none
}

// trunkName is the SIP trunk of the scenarios that have one (runTrunk).
const trunkName = "trunk"

// The reconnect backoff (at least 200 ms) leaves time for a scenario to act
// while the app is away.

// ringTime is the extensions' ring time in these scenarios: short, so that
// the real-Asterisk runs, which wait in real time, stay short too.
const ringTime = 8 * time.Second

// run runs scenario in both modes with the whole PBX as the app under test;
// setup (optional) prepares the store before the PBX starts.
func run(t *testing.T, exts []string, setup func(t *testing.T, st *store.Store), scenario func(t *testing.T, w *world)) {
	runWorld(t, "", exts, setup, scenario)
}

// runTrunk is run with a SIP trunk: the PBX sends external numbers out
// through it and takes calls from it; w.Trunk() is the provider's side.
func runTrunk(t *testing.T, exts []string, setup func(t *testing.T, st *store.Store), scenario func(t *testing.T, w *world)) {
	runWorld(t, trunkName, exts, setup, scenario)
}

func runWorld(t *testing.T, trunk string, exts []string, setup func(t *testing.T, st *store.Store), scenario func(t *testing.T, w *world)) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			w := &world{st: openStore(t, exts), trunk: trunk}
			if setup != nil {
				setup(t, w.st)
			}
			w.H = harness.New(t, mode, harness.Options{
				Extensions: exts,
				Trunk:      trunk,
				App:        w.runPBX,
				AppReady:   w.appReady,
			})
			scenario(t, w)
		})
	}
}

func (w *world) runPBX(ctx context.Context, env harness.AppEnv) error {
	client := ari.New(ari.Options{BaseURL: env.ARIURL, Username: env.ARIUser, Password: env.ARIPassword,
		Application: env.App, Logger: env.Logger})
	p, err := pbx.New(ctx, pbx.Options{Store: w.st, Client: client, Clock: env.Clock, Logger: env.Logger, Trunk: w.trunk,
		SMTP: w.smtp, Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 400 * time.Millisecond, MaxBackoff: time.Second}})
	if err != nil {
		return err
	}
	w.pbx.Store(p)
	return p.Run(ctx)
}

// appReady reports whether the PBX runs and its engine is connected.
func (w *world) appReady() bool {
	p := w.pbx.Load()
	if p == nil {
		return false
	}
	select {
	case <-p.Engine().Ready():
		return true
	default:
		return false
	}
}

// openStore makes a fresh SQLite store with the extensions (voicemail off).
func openStore(t *testing.T, exts []string) *store.Store {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "pbx.db"), exts)
}

// openStoreAt opens the SQLite store at dsn (made if new) with the
// extensions; an extension already there is kept, so a second PBX can open
// the store a first one left.
func openStoreAt(t *testing.T, dsn string, exts []string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := st.Settings.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.RingTimeoutSec = int(ringTime / time.Second)
	if err := st.Settings.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, n := range exts {
		if err := st.Extensions.Create(ctx, &store.Extension{Number: n, Name: "Ext " + n, OutboundClass: "national"}); err != nil && !errors.Is(err, store.ErrDuplicate) {
			t.Fatal(err)
		}
	}
	return st
}

// active reports the PBX's running calls.
func (w *world) active() int {
	if p := w.pbx.Load(); p != nil {
		return p.ActiveCalls()
	}
	return -1
}

// idle waits until the PBX runs no call and Asterisk holds no channel or
// bridge of ours.
func (w *world) idle() {
	w.Eventually("the PBX to be idle with nothing left in Asterisk", 0, func() bool {
		if w.active() != 0 {
			return false
		}
		chans, err1 := w.ARI().Channels().List(w.Context())
		brs, err2 := w.ARI().Bridges().List(w.Context())
		return err1 == nil && err2 == nil && len(chans) == 0 && len(brs) == 0
	})
}

// update changes an extension in the store.
func (w *world) update(t *testing.T, n string, change func(e *store.Extension)) {
	t.Helper()
	e, err := w.st.Extensions.Get(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	change(e)
	if err := w.st.Extensions.Update(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// answered dials number from one phone, lets the other ring and answer,
// and waits until the caller is connected.
func (w *world) answered(from, to *harness.Phone, number string) {
	from.Dial(number)
	to.WaitRinging()
	to.Answer()
	from.WaitAnswered()
}
