package records_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/records"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "sb.db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// callLog waits until the calls are over, stops the engine and the
// recorder (which flushes its writes) and returns ext's call log.
func callLog(t *testing.T, r *coretest.Rig, rec *records.Recorder, st *store.Store, ext string) []store.CallLogEntry {
	t.Helper()
	r.WaitIdle()
	r.Stop()
	rec.Close()
	page, err := st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
	if err != nil {
		t.Fatal(err)
	}
	return page.Calls
}

// internalCall annotates the call like the router does and rings the
// dialled extension.
var internalCall = core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
	c.Annotate(ctx, "type", "internal")
	c.Annotate(ctx, "from", "101")
	c.Annotate(ctx, "from_ext", "101")
	c.Annotate(ctx, "to", c.Dialled)
	c.Annotate(ctx, "to_ext", c.Dialled)
	c.Trace(ctx, "ring", c.Dialled)
	res, err := c.Dial(ctx, []core.Target{{Label: c.Dialled, Endpoint: "PJSIP/" + c.Dialled, Tag: "original"}}, 30*time.Second)
	if err != nil || res.Outcome != core.Answered {
		return err
	}
	if _, err := c.Connect(ctx, res.Leg); err != nil {
		return err
	}
	_, err = c.Talk(ctx, nil, c.Caller, res.Leg)
	return err
})

func TestAnsweredCallLeavesOneClosedRecordInBothCallLogs(t *testing.T) {
	st := openStore(t)
	rec := records.New(st.Calls, nil)
	r := coretest.NewObserved(t, internalCall, rec)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	in := r.Answer(b)
	r.WaitState(out, sim.CallUp)
	r.Advance(42 * time.Second)
	_ = out.Hangup()
	r.WaitState(in, sim.CallEnded)
	r.WaitIdle()
	r.Stop()
	rec.Close()

	for _, ext := range []string{"101", "102"} {
		page, err := st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Calls) != 1 {
			t.Fatalf("%s's call log has %d calls, want 1", ext, len(page.Calls))
		}
		got := page.Calls[0]
		if got.Type != "internal" || got.FromNumber != "101" || got.ToNumber != "102" || got.Disposition != store.DispAnswered {
			t.Errorf("%s's call log line = %+v", ext, got)
		}
		if got.DurationSec < 41 || got.DurationSec > 43 {
			t.Errorf("duration = %d s, want 42", got.DurationSec)
		}
	}
	full, err := st.Calls.GetByUID(context.Background(), callUID(t, st))
	if err != nil {
		t.Fatal(err)
	}
	if full.State != store.CallClosed || len(full.Trace) != 1 || full.Trace[0].Step != "ring" {
		t.Errorf("record = %+v", full)
	}
}

func TestUnansweredCallIsRecordedAsNoAnswer(t *testing.T) {
	st := openStore(t)
	rec := records.New(st.Calls, nil)
	r := coretest.NewObserved(t, internalCall, rec)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	if _, err := b.WaitRinging(r.Ctx()); err != nil {
		t.Fatal(err)
	}
	r.Advance(31 * time.Second)
	r.WaitState(out, sim.CallEnded)
	if calls := callLog(t, r, rec, st, "102"); len(calls) != 1 || calls[0].Disposition != store.DispNoAnswer {
		t.Fatalf("102's call log = %+v", calls)
	}
}

func callUID(t *testing.T, st *store.Store) string {
	t.Helper()
	var uid string
	if err := st.DB().Table("call_records").Select("uid").Limit(1).Scan(&uid).Error; err != nil || uid == "" {
		t.Fatalf("no call record: %v", err)
	}
	return uid
}

func TestCallRecordLeftOpenByACrashMidCallIsClosedOnRestart(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "sb.db")
	st := openStoreAt(t, dsn)
	rec := records.New(st.Calls, nil)
	r := coretest.NewObserved(t, internalCall, rec)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	r.Answer(b)
	r.WaitState(out, sim.CallUp)
	// The writer saves as the call goes: the answered record is there
	// while the call talks.
	var open *store.CallRecord
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var uid string
		_ = st.DB().Table("call_records").Select("uid").Limit(1).Scan(&uid).Error
		if uid != "" {
			if c, err := st.Calls.GetByUID(context.Background(), uid); err == nil && c.AnsweredAt != nil {
				open = c
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no answered call record while the call talks")
		}
	}
	if open.State != store.CallOpen || len(open.Trace) != 1 {
		t.Fatalf("record while talking = %+v", open)
	}

	// The process dies here; the next one opens the same database.
	restarted := openStoreAt(t, dsn)
	n, err := restarted.Calls.CloseDangling(context.Background(), open.AnsweredAt.Add(30*time.Second))
	if err != nil || n != 1 {
		t.Fatalf("CloseDangling = %d, %v; want 1 record closed", n, err)
	}
	for _, ext := range []string{"101", "102"} {
		page, err := restarted.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Calls) != 1 || page.Calls[0].Disposition != store.DispAnswered || page.Calls[0].DurationSec != 30 {
			t.Fatalf("%s's call log after the restart = %+v", ext, page.Calls)
		}
	}
	r.Stop()
	rec.Close()
}

func openStoreAt(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
