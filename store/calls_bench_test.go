package store

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"
)

// benchCall is the record of one ext-to-ext call as the recorder opens it:
// the original leg and the ring decision.
func benchCall(i int) CallRecord {
	at := t0.Add(time.Duration(i) * time.Millisecond)
	c := internalCall(fmt.Sprintf("bench-%d", i), "201", "202", at)
	c.Trace = []TraceStep{{At: at, Step: "ring", Detail: "202"}}
	return *c
}

// BenchmarkCallRecordWrites measures the database work of one call's record
// (open with a leg and a trace step, answer, end the leg, close) on SQLite.
//
// "repo-batch" is how the recorder wrote before SaveLive: the repo's
// methods inside one transaction per batch, each in its own savepoint.
// "live-K" keeps the calls in LiveCalls and saves K calls' changes at a
// time in a pipeline (each save opens K calls, answers the K before and
// closes the K before those), as a busy recorder does.
func BenchmarkCallRecordWrites(b *testing.B) {
	for _, k := range []int{8, 32} {
		b.Run(fmt.Sprintf("repo-batch-%d", k), func(b *testing.B) { benchRepoBatch(b, k) })
	}
	for _, k := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("live-%d", k), func(b *testing.B) { benchLive(b, k) })
	}
}

// cpuTime is the CPU time the process has used so far (user and system).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per call since start: wall time means
// little on a shared machine.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime(b)-start).Microseconds())/float64(b.N), "cpu-µs/call")
}

func benchRepoBatch(b *testing.B, k int) {
	st := newSQLiteStore(b)
	ctx := context.Background()
	// batch runs fn with a repo bound to one transaction; the repo's
	// methods nest their own transactions in it as savepoints.
	batch := func(fn func(r *CallRepo)) {
		err := st.tx(ctx, func(tx *gorm.DB) error {
			bound := *st
			bound.db = tx
			fn(&CallRepo{s: &bound})
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	calls := make([]CallRecord, b.N)
	b.ResetTimer()
	defer reportCPU(b, cpuTime(b))
	for lo := 0; lo < b.N+2*k; lo += k {
		batch(func(r *CallRepo) {
			for i := lo; i < lo+k; i++ {
				if i < b.N {
					calls[i] = benchCall(i)
					mustTB(b, r.Open(ctx, &calls[i]))
				}
				if j := i - k; j >= 0 && j < b.N {
					c := &calls[j]
					mustTB(b, r.AnswerLeg(ctx, c.Legs[0].ID, c.StartedAt.Add(time.Second)))
				}
				if j := i - 2*k; j >= 0 && j < b.N {
					c := &calls[j]
					mustTB(b, r.EndLeg(ctx, c.Legs[0].ID, c.StartedAt.Add(time.Minute), DispAnswered))
					mustTB(b, r.Close(ctx, c.ID, c.StartedAt.Add(time.Minute), DispAnswered))
				}
			}
		})
	}
}

func benchLive(b *testing.B, k int) {
	st := newSQLiteStore(b)
	ctx := context.Background()
	calls := make([]*LiveCall, b.N)
	save := make([]*LiveCall, 0, 3*k)
	b.ResetTimer()
	defer reportCPU(b, cpuTime(b))
	for lo := 0; lo < b.N+2*k; lo += k {
		save = save[:0]
		for i := lo; i < lo+k; i++ {
			if i < b.N {
				lc, err := NewLiveCall(benchCall(i))
				mustTB(b, err)
				calls[i] = lc
				save = append(save, lc)
			}
			if j := i - k; j >= 0 && j < b.N {
				lc := calls[j]
				mustTB(b, lc.AnswerLeg(1, lc.rec.StartedAt.Add(time.Second)))
				save = append(save, lc)
			}
			if j := i - 2*k; j >= 0 && j < b.N {
				lc := calls[j]
				mustTB(b, lc.EndLeg(1, lc.rec.StartedAt.Add(time.Minute), DispAnswered))
				mustTB(b, lc.Close(lc.rec.StartedAt.Add(time.Minute), DispAnswered))
				save = append(save, lc)
			}
		}
		mustTB(b, st.Calls.SaveLive(ctx, save))
	}
}
