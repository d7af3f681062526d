package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/store"
)

// Errors of a call that did not get bridged.
var (
	// errNotBridged: the call did not reach its bridge in time.
	errNotBridged = errors.New("bench: call not bridged in time")
	// errHungUp: the app hung the caller up instead (e.g. busy).
	errHungUp = errors.New("bench: the app hung up the caller")
)

// callTimeout bounds one call's wait for its bridge.
const callTimeout = 2 * time.Minute

// Extension numbers: callers are firstCaller+i, callees firstCallee+i. The
// default plan's 100-899 is too small for 500 pairs, so the rig widens it.
const (
	firstCaller = 1000
	firstCallee = 2000
	maxPairs    = 1000
)

// rig is the simulator on the real clock behind HTTP (through a tap that
// sees every REST request), the project's ARI client and the whole PBX over
// a SQLite store, all in this process.
type rig struct {
	tb     testing.TB
	st     *store.Store
	sim    *sim.Server
	tap    *tap
	srv    *httptest.Server
	pbx    *pbx.PBX
	ari    *ari.Client // the benchmark's own look at the simulator
	cancel context.CancelFunc
	done   chan error
	pairs  int
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
}

// newSim starts the simulator and its tapped HTTP server.
func newSim(tb testing.TB) (*sim.Server, *tap, *httptest.Server) {
	tb.Helper()
	s, err := sim.New(sim.Options{AutoProvision: true, RecordingDir: tb.TempDir(), Logger: quietLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	t := newTap(s.Handler())
	srv := httptest.NewServer(t)
	tb.Cleanup(srv.Close)
	return s, t, srv
}

// newClient is an ARI client for the Stasis app on the simulator at srv.
func newClient(srv *httptest.Server) *ari.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	return ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "switchboard", Password: "switchboard",
		Application: "switchboard", Logger: quietLogger(), HTTPClient: &http.Client{Transport: tr}})
}

// newRig builds the store with pairs caller/callee extensions, starts the
// simulator and the PBX, registers one device per extension (callees answer
// at once) and waits for the app to be connected.
func newRig(tb testing.TB, pairs int) *rig {
	tb.Helper()
	if pairs > maxPairs {
		tb.Fatalf("at most %d pairs", maxPairs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: filepath.Join(tb.TempDir(), "pbx.db")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < pairs; i++ {
		for _, n := range []int{firstCaller + i, firstCallee + i} {
			num := strconv.Itoa(n)
			if err := st.Extensions.Create(ctx, &store.Extension{Number: num, Name: "Ext " + num, OutboundClass: "national"}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	s, t, srv := newSim(tb)
	plan := dialplan.DefaultConfig()
	plan.Extensions = dialplan.Range{Min: firstCaller, Max: firstCallee + maxPairs - 1}
	p, err := pbx.New(ctx, pbx.Options{Store: st, Client: newClient(srv), Plan: plan, Clock: clock.Real{}, Logger: quietLogger(),
		Stream: ari.StreamOptions{Clock: clock.Real{}, QueueSize: 1 << 16, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}})
	if err != nil {
		tb.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r := &rig{tb: tb, st: st, sim: s, tap: t, srv: srv, pbx: p, ari: newClient(srv), cancel: cancel, done: make(chan error, 1), pairs: pairs}
	go func() { r.done <- p.Run(runCtx) }()
	tb.Cleanup(r.stop)
	select {
	case <-p.Engine().Ready():
	case <-time.After(10 * time.Second):
		tb.Fatal("the PBX never connected to the simulator")
	}
	for i := 0; i < pairs; i++ {
		r.device(firstCaller + i)
		r.device(firstCallee + i).SetIncoming(sim.IncomingPolicy{Action: sim.AnswerCall})
	}
	return r
}

func (r *rig) device(n int) *sim.Device {
	d := r.sim.Phone(strconv.Itoa(n)).Device("desk")
	if !d.Registered() {
		if err := d.Register(""); err != nil {
			r.tb.Fatal(err)
		}
	}
	return d
}

// stop stops the PBX, which drains the queued call records (idempotent).
func (r *rig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		r.tb.Error("the PBX did not stop")
	}
}

// call dials pair i's callee from its caller and waits until the app has
// bridged both legs; it returns the caller's call, the callee's channel and
// the bridge.
func (r *rig) call(ctx context.Context, i int) (c *sim.Call, peer, bridge string, err error) {
	c, peer, bridge, _, err = r.callAt(ctx, i)
	return c, peer, bridge, err
}

// callAt is call that also returns when the app's addChannel was served.
func (r *rig) callAt(ctx context.Context, i int) (c *sim.Call, peer, bridge string, at time.Time, err error) {
	c, err = r.device(firstCaller + i).Dial(strconv.Itoa(firstCallee + i))
	if err != nil {
		return nil, "", "", at, fmt.Errorf("dial: %w", err)
	}
	// A caller the app hangs up (busy) never gets bridged: the tap sees
	// the DELETE. (A goroutine per call in sim.Call.WaitState would be
	// woken by every change of the simulator: hundreds of waiters taking
	// its lock on every event cost the benchmark itself several percent.)
	wctx, stop := context.WithTimeout(ctx, callTimeout)
	defer stop()
	peer, bridge, at, err = r.tap.waitBridgedAt(wctx, c.ChannelID())
	if errors.Is(err, errHungUp) {
		_ = c.WaitState(wctx, sim.CallEnded) // the cause is set once the channel is gone
	}
	if err != nil {
		return c, "", "", at, fmt.Errorf("call %d (caller %s, cause %d): %w", i, c.State(), c.HangupCause(), err)
	}
	return c, peer, bridge, at, nil
}

// answeredTraces counts the "answered" route decisions in the call
// records: the last record write of a call before it is bridged, so when
// it has grown by n, the records of n more bridged calls are written.
func (r *rig) answeredTraces(ctx context.Context) (int64, error) {
	var n int64
	err := r.st.DB().WithContext(ctx).Model(&store.TraceStep{}).Where("step = ?", "answered").Count(&n).Error
	return n, err
}

// waitTraces waits until answeredTraces reaches want.
func (r *rig) waitTraces(ctx context.Context, want int64) error {
	for {
		n, err := r.answeredTraces(ctx)
		if err != nil {
			return err
		}
		if n >= want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: %d of %d answered calls recorded: %w", n, want, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// waitIdle waits until the PBX runs no call and the simulator holds no
// channel (the callee's leg ends after the caller's).
func (r *rig) waitIdle(ctx context.Context) error {
	for {
		chans, err := r.ari.Channels().List(ctx)
		if err == nil && len(chans) == 0 && r.pbx.ActiveCalls() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: not idle: %d calls, %d channels: %w", r.pbx.ActiveCalls(), len(chans), ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// closedRecords counts the closed call records of the pairs' callers.
func (r *rig) closedRecords(ctx context.Context) (int64, error) {
	var total int64
	for i := 0; i < r.pairs; i++ {
		page, err := r.st.Calls.Log(ctx, store.CallLogQuery{Extension: strconv.Itoa(firstCaller + i), PageSize: 1, WithTotal: true})
		if err != nil {
			return 0, err
		}
		total += page.Total
	}
	return total, nil
}
