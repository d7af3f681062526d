package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// burstSize is how many calls one burst sets up at the same time.
const burstSize = 400

// benchBurst is the setup-only rate of issue 6: b.N calls in bursts of
// burstSize, all dialled at once by as many callers. A burst's window runs
// from just before its first Dial to the later of its last "both legs
// bridged" (the app's addChannel served, seen at the tap) and the moment
// its call records are written as far as the calls got (every "answered"
// route decision is in the store: the last record write of a call before
// its bridge). Teardown (hang-ups, the app's DELETEs, closing the records)
// happens between windows, with the timer stopped, and the PBX must be
// idle before the next burst. setup-calls/s = calls / sum of the windows;
// bridged-calls/s leaves out the wait for the records; setup-ms is the
// mean Dial → bridged of one call, p99-ms its 99th percentile; cpu-ms/call
// is the CPU time of the whole process (simulator, benchmark, PBX) within
// the windows per call, which other processes on the machine do not
// inflate the way they inflate wall time.
func benchBurst(b *testing.B) {
	r := newRig(b, burstSize)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var (
		window, bridgedWindow, cpu time.Duration
		setups                     []time.Duration
	)
	b.ResetTimer()
	b.StopTimer()
	for done := 0; done < b.N; {
		k := min(burstSize, b.N-done)
		w, bw, c, s, err := r.burst(ctx, k)
		if err != nil {
			b.Fatal(err)
		}
		window, cpu = window+w, cpu+c
		bridgedWindow += bw
		setups = append(setups, s...)
		done += k
	}
	b.ReportMetric(float64(b.N)/window.Seconds(), "setup-calls/s")
	b.ReportMetric(float64(b.N)/bridgedWindow.Seconds(), "bridged-calls/s")
	slices.Sort(setups)
	var sum time.Duration
	for _, d := range setups {
		sum += d
	}
	b.ReportMetric(float64(sum)/float64(len(setups))/1e6, "setup-ms")
	b.ReportMetric(float64(setups[len(setups)*99/100])/1e6, "p99-ms")
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/call")
}

// cpuTime is the CPU time (user + system) the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// burst sets up k calls at once (pairs 0..k-1), with the benchmark timer
// running only during the window; it returns the window with and without
// the wait for the records, the CPU time used in the window, and each
// call's Dial → bridged time. It ends the calls and waits until the PBX is
// idle before returning.
func (r *rig) burst(ctx context.Context, k int) (window, bridgedWindow, cpu time.Duration, setups []time.Duration, err error) {
	b, _ := r.tb.(*testing.B)
	base, err := r.answeredTraces(ctx)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	type result struct {
		c      *sim.Call
		bridge string
		at     time.Time
		setup  time.Duration
		err    error
	}
	results := make([]result, k)
	var wg sync.WaitGroup
	if b != nil {
		b.StartTimer()
	}
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now()
			c, _, bridge, at, err := r.callAt(ctx, i)
			results[i] = result{c: c, bridge: bridge, at: at, setup: at.Sub(t0), err: err}
		}(i)
	}
	wg.Wait()
	var last time.Time
	for _, res := range results {
		if res.err != nil {
			return 0, 0, 0, nil, res.err
		}
		if res.at.After(last) {
			last = res.at
		}
		setups = append(setups, res.setup)
	}
	if err := r.waitTraces(ctx, base+int64(k)); err != nil {
		return 0, 0, 0, nil, err
	}
	end, cpu1 := time.Now(), cpuTime()
	if b != nil {
		b.StopTimer()
	}
	// Teardown, outside the window: every caller hangs up; the app ends the
	// callee's leg and destroys the bridge.
	gone := make([]<-chan time.Time, k)
	for i, res := range results {
		gone[i] = r.tap.servedFor(res.bridge)
		if err := res.c.Hangup(); err != nil {
			return 0, 0, 0, nil, fmt.Errorf("hang up: %w", err)
		}
	}
	for _, g := range gone {
		select {
		case <-g:
		case <-ctx.Done():
			return 0, 0, 0, nil, ctx.Err()
		}
	}
	if err := r.waitIdle(ctx); err != nil {
		return 0, 0, 0, nil, err
	}
	return end.Sub(start), last.Sub(start), cpu1 - cpu0, setups, nil
}
