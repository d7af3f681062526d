package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// setupPairs is how many callers place calls at the same time.
const setupPairs = 200

// causeBusy is the hangup cause of a caller whose callee was busy.
const causeBusy = 17

// BenchmarkCallSetup measures call setups through the simulator, the ARI
// client and the whole PBX (router, call records in SQLite) two ways:
// cycle (complete calls, teardown and records included) and burst (calls
// set up together, teardown outside the timed window).
func BenchmarkCallSetup(b *testing.B) {
	b.Run("cycle", benchCycle)
	b.Run("burst", benchBurst)
}

// benchCycle places b.N calls from setupPairs concurrent callers. Each call
// is dialled, auto-answered by the callee and bridged by the app, then the
// caller hangs up and the app ends the callee's leg; the next call of the
// pair starts after that. The time covers the whole cycle — setup, teardown
// and writing the b.N call records (the PBX is stopped inside the timer,
// which drains the record queue) — so calls/s is complete call cycles per
// second; setup-ms is the mean time from the caller's INVITE (Dial) to the
// app's successful addChannel of both legs; cpu-ms/call is the process's
// CPU time (simulator, benchmark, PBX) per call.
func benchCycle(b *testing.B) {
	r := newRig(b, 2*setupPairs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var (
		next    atomic.Int64
		busy    atomic.Int64
		setupNS atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		failure error
	)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for p := 0; p < setupPairs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for k := 0; next.Add(1) <= int64(b.N); k++ {
				// Each worker alternates between two pairs: the app counts
				// both extensions of a call busy until just after it
				// destroyed the bridge, and the next call should not race
				// that. A call still found busy is retried and counted.
				t0 := time.Now()
				c, _, bridge, err := r.call(ctx, p+(k%2)*setupPairs)
				for err != nil && c != nil && c.HangupCause() == causeBusy {
					busy.Add(1)
					time.Sleep(time.Millisecond)
					c, _, bridge, err = r.call(ctx, p+(k%2)*setupPairs)
				}
				if err != nil {
					errOnce.Do(func() { failure = err })
					return
				}
				setupNS.Add(int64(time.Since(t0)))
				// The extensions count as busy until the app has destroyed
				// the bridge, after hanging up the callee.
				gone := r.tap.servedFor(bridge)
				if err := c.Hangup(); err != nil {
					errOnce.Do(func() { failure = err })
					return
				}
				select {
				case <-gone:
				case <-ctx.Done():
					errOnce.Do(func() { failure = ctx.Err() })
					return
				}
			}
		}(p)
	}
	wg.Wait()
	if failure != nil {
		b.Fatal(failure)
	}
	if err := r.waitIdle(ctx); err != nil {
		b.Fatal(err)
	}
	r.stop()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(setupNS.Load())/float64(b.N)/1e6, "setup-ms")
	b.ReportMetric(float64(busy.Load()), "busy-retries")
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/call")
	n, err := r.closedRecords(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if want := int64(b.N) + busy.Load(); n != want {
		b.Fatalf("%d call records written for %d calls (%d busy)", n, want, busy.Load())
	}
}
