package records

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "sb.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// change is one observer notification.
type change struct {
	kind core.ObsKind
	s    core.Snapshot
}

// forwardedCall is what the core tells observers about call id: 101 dials
// 102, which rings 20 s unanswered; the call is forwarded to 103, who
// answers at 25 s and talks until 85 s.
func forwardedCall(id string) []change {
	vals := map[string]string{"type": "internal", "from": "101", "from_ext": "101", "to": "102", "to_ext": "102"}
	caller := core.Leg{ID: id + "-a", Created: t0}
	ring := core.Leg{ID: id + "-b", Target: "102", Tag: "original", Created: t0.Add(time.Second)}
	fwd := core.Leg{ID: id + "-c", Target: "103", Tag: "forward", Created: t0.Add(20 * time.Second)}
	trace := []core.TraceStep{{At: t0, Step: "ring", Detail: "102"}}
	snap := func(at time.Duration, legs ...core.Leg) core.Snapshot {
		return core.Snapshot{ID: id, Dialled: "102", CallerNumber: "101", CallerName: "Ann", Legs: legs,
			Trace: trace, Values: vals, At: t0.Add(at)}
	}
	out := []change{
		{core.ObsStarted, core.Snapshot{ID: id, Legs: []core.Leg{caller}, At: t0}},
		{core.ObsState, snap(0, caller)},
		{core.ObsTrace, snap(0, caller)},
		{core.ObsLeg, snap(time.Second, caller, ring)},
	}
	ring.Ended, ring.Cause = t0.Add(20*time.Second), 19
	out = append(out, change{core.ObsLeg, snap(20*time.Second, caller, ring)})
	trace = append(trace, core.TraceStep{At: t0.Add(20 * time.Second), Step: "forward_noanswer", Detail: "to 103"})
	out = append(out, change{core.ObsTrace, snap(20*time.Second, caller, ring)},
		change{core.ObsLeg, snap(20*time.Second, caller, ring, fwd)})
	fwd.Answered = t0.Add(25 * time.Second)
	out = append(out, change{core.ObsLeg, snap(25*time.Second, caller, ring, fwd)})
	caller.Ended, fwd.Ended, fwd.Cause = t0.Add(85*time.Second), t0.Add(85*time.Second), 16
	return append(out, change{core.ObsFinished, snap(85*time.Second, caller, ring, fwd)})
}

// writeQueued saves what is queued, n changes per save.
func writeQueued(r *Recorder, n int) {
	for len(r.ops) > 0 {
		batch := make([]op, 0, n)
		for len(batch) < n && len(r.ops) > 0 {
			batch = append(batch, <-r.ops)
		}
		r.write(context.Background(), batch)
	}
}

// saved loads a call's record and its call-log lines without ids, for
// comparing records written in different ways.
func saved(t *testing.T, st *store.Store, uid string) (store.CallRecord, []store.CallLogEntry) {
	t.Helper()
	c, err := st.Calls.GetByUID(context.Background(), uid)
	if err != nil {
		t.Fatalf("record %s: %v", uid, err)
	}
	id := c.ID
	c.ID, c.UID = 0, ""
	for i := range c.Legs {
		c.Legs[i].ID, c.Legs[i].CallID = 0, 0
	}
	for i := range c.Trace {
		c.Trace[i].ID, c.Trace[i].CallID = 0, 0
	}
	var log []store.CallLogEntry
	if err := st.DB().Where("call_id = ?", id).Order("extension").Find(&log).Error; err != nil {
		t.Fatal(err)
	}
	for i := range log {
		log[i].CallID = 0
	}
	return *c, log
}

func TestCoalescedChangesGiveTheSameRecordAsOneSavePerChange(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	r := newRecorder(st.Calls, nil)
	for _, c := range forwardedCall("each") {
		r.CallChanged(ctx, c.kind, c.s)
		writeQueued(r, 1)
	}
	// Two calls whose every change lands in one save, interleaved.
	a, b := forwardedCall("once-a"), forwardedCall("once-b")
	for i := range a {
		r.CallChanged(ctx, a[i].kind, a[i].s)
		r.CallChanged(ctx, b[i].kind, b[i].s)
	}
	writeQueued(r, maxBatch)

	want, wantLog := saved(t, st, "each")
	if want.State != store.CallClosed || want.DurationSec != 60 || len(want.Legs) != 2 || len(want.Trace) != 2 ||
		want.Legs[1].Kind != store.LegForward || want.Legs[1].Disposition != store.DispAnswered || len(wantLog) != 3 {
		t.Fatalf("record saved change by change = %+v, call log %+v", want, wantLog)
	}
	for _, uid := range []string{"once-a", "once-b"} {
		got, gotLog := saved(t, st, uid)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: record\n got %+v\nwant %+v", uid, got, want)
		}
		if !reflect.DeepEqual(gotLog, wantLog) {
			t.Errorf("%s: call log\n got %+v\nwant %+v", uid, gotLog, wantLog)
		}
	}
}

func TestAFailedRecordWriteLosesOnlyItsOwnCall(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	// A record with the uid of the second call exists already: its insert
	// fails inside the batch that writes the other two calls.
	clash := &store.CallRecord{UID: "clash", Type: store.CallInternal, FromNumber: "209", ToNumber: "208", StartedAt: t0,
		Legs: []store.CallLeg{{Kind: store.LegOriginal, FromNumber: "209", ToNumber: "208", StartedAt: t0}}}
	if err := st.Calls.Open(ctx, clash); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	r := newRecorder(st.Calls, slog.New(slog.NewTextHandler(&logs, nil)))
	calls := [][]change{forwardedCall("ok-1"), forwardedCall("clash"), forwardedCall("ok-2")}
	last := len(calls[0]) - 1
	for i := 0; i < last; i++ {
		for _, c := range calls {
			r.CallChanged(ctx, c[i].kind, c[i].s)
		}
	}
	writeQueued(r, maxBatch)
	for _, c := range calls {
		r.CallChanged(ctx, c[last].kind, c[last].s)
	}
	writeQueued(r, maxBatch)

	want, _ := saved(t, st, "ok-1")
	if want.State != store.CallClosed || len(want.Legs) != 2 || len(want.Trace) != 2 {
		t.Fatalf("ok-1 = %+v", want)
	}
	if got, _ := saved(t, st, "ok-2"); !reflect.DeepEqual(got, want) {
		t.Errorf("ok-2 = %+v, want %+v", got, want)
	}
	if got, _ := saved(t, st, "clash"); got.FromNumber != "209" || got.State != store.CallOpen || len(got.Legs) != 1 {
		t.Errorf("the record that was there = %+v", got)
	}
	page, err := st.Calls.Log(ctx, store.CallLogQuery{Extension: "103"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Calls) != 2 {
		t.Errorf("103's call log has %d calls, want the 2 recorded", len(page.Calls))
	}
	if n := strings.Count(logs.String(), "call_id=clash"); n != 1 || !strings.Contains(logs.String(), "duplicate") {
		t.Errorf("want one error line for the clash, got %d:\n%s", n, logs.String())
	}
}

func TestChangesWaitTheLingerThenSaveTogetherAndCloseSavesAtOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	clk := clock.NewFake(t0)
	r := New(st.Calls, nil, WithClock(clk))
	changes := forwardedCall("late")
	for _, c := range changes[:4] { // routed, ring decision, first leg
		r.CallChanged(ctx, c.kind, c.s)
	}
	if err := clk.BlockUntil(ctx, 1); err != nil { // the writer waits for more
		t.Fatal(err)
	}
	if _, err := st.Calls.GetByUID(ctx, "late"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record saved before the linger: err = %v", err)
	}
	clk.Advance(Linger)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if c, err := st.Calls.GetByUID(ctx, "late"); err == nil {
			if c.State != store.CallOpen || len(c.Trace) != 1 {
				t.Fatalf("record after the linger = %+v", c)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("record not saved after the linger")
		}
	}
	for _, c := range changes[4:] {
		r.CallChanged(ctx, c.kind, c.s)
	}
	r.Close() // the clock does not move: Close saves without waiting
	if c, _ := saved(t, st, "late"); c.State != store.CallClosed || c.DurationSec != 60 {
		t.Fatalf("record after Close = %+v", c)
	}
}
