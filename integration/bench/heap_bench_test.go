package bench

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// Heap is measured as a slope: the live heap with heapBase calls held and
// again with heapBase+heapCalls held; the difference over heapCalls is what
// one more active call holds, so fixed costs (connections, caches, the
// store) cancel out.
const (
	heapBase  = 100
	heapCalls = 500
)

// liveHeap is the heap still reachable after two full collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// holdCalls brings calls from..to-1 up, 50 at a time, with up(i).
func holdCalls(ctx context.Context, from, to int, up func(context.Context, int) error) error {
	const batch = 50
	for lo := from; lo < to; lo += batch {
		var wg sync.WaitGroup
		errs := make(chan error, batch)
		for i := lo; i < min(lo+batch, to); i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if err := up(ctx, i); err != nil {
					errs <- err
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// heapSlope returns the bytes of live heap per call added between heapBase
// and heapBase+heapCalls held calls.
func heapSlope(ctx context.Context, up func(context.Context, int) error) (float64, error) {
	if err := holdCalls(ctx, 0, heapBase, up); err != nil {
		return 0, err
	}
	time.Sleep(200 * time.Millisecond) // let in-flight events and record writes settle
	before := liveHeap()
	if err := holdCalls(ctx, heapBase, heapBase+heapCalls, up); err != nil {
		return 0, err
	}
	time.Sleep(200 * time.Millisecond)
	after := liveHeap()
	return (float64(after) - float64(before)) / heapCalls, nil
}

// simOnly is the simulator driven by a minimal app: one ARI client whose
// event stream is drained and discarded, placing each call the way the call
// core does (answer, create + dial the callee, bridge both) and keeping no
// state of its own. It stands for the simulator's share of a call.
type simOnly struct {
	s   *sim.Server
	c   *ari.Client
	seq int
	mu  sync.Mutex
}

func newSimOnly(tb testing.TB, pairs int) *simOnly {
	tb.Helper()
	s, _, srv := newSim(tb)
	c := newClient(srv)
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	st := c.NewStream(ari.StreamOptions{QueueSize: 1 << 16})
	go func() { _ = st.Run(ctx) }()
	go func() {
		for range st.Events() {
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !st.Status().Connected {
		if time.Now().After(deadline) {
			tb.Fatal("stream did not connect")
		}
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < pairs; i++ {
		for _, n := range []int{firstCaller + i, firstCallee + i} {
			d := s.Phone(strconv.Itoa(n)).Device("desk")
			if err := d.Register(""); err != nil {
				tb.Fatal(err)
			}
			if n >= firstCallee {
				d.SetIncoming(sim.IncomingPolicy{Action: sim.AnswerCall})
			}
		}
	}
	return &simOnly{s: s, c: c}
}

func (o *simOnly) call(ctx context.Context, i int) error {
	callee := strconv.Itoa(firstCallee + i)
	c, err := o.s.Phone(strconv.Itoa(firstCaller + i)).Device("desk").Dial(callee)
	if err != nil {
		return err
	}
	in, out, br := c.ChannelID(), fmt.Sprintf("out-%d", i), fmt.Sprintf("br-%d", i)
	ch := o.c.Channels()
	if err := ch.Answer(ctx, in); err != nil {
		return err
	}
	if _, err := ch.Create(ctx, ari.ChannelCreateParams{Endpoint: "PJSIP/" + callee, App: "switchboard", AppArgs: "dialed", ChannelID: out}); err != nil {
		return err
	}
	if err := ch.Dial(ctx, out, ari.ChannelDialParams{Caller: in, Timeout: 30}); err != nil {
		return err
	}
	if _, err := o.c.Bridges().CreateWithID(ctx, br, ari.BridgeCreateWithIDParams{Type: "mixing,dtmf_events"}); err != nil {
		return err
	}
	return o.c.Bridges().AddChannel(ctx, br, ari.BridgeAddChannelParams{Channel: []string{in, out}})
}

// BenchmarkHeapPerCall reports the Go heap one active (bridged) call holds:
// full-B/call with the simulator and the whole PBX in this process,
// sim-B/call with the simulator and a stateless minimal app, and
// app-B/call, their difference: the PBX process's share. Run it with
// -benchtime=1x; each run holds heapBase+heapCalls calls.
func BenchmarkHeapPerCall(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pairs := heapBase + heapCalls
	for i := 0; i < b.N; i++ {
		o := newSimOnly(b, pairs)
		simPer, err := heapSlope(ctx, o.call)
		if err != nil {
			b.Fatal(err)
		}
		r := newRig(b, pairs)
		fullPer, err := heapSlope(ctx, func(ctx context.Context, i int) error {
			_, _, _, err := r.call(ctx, i)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if got := r.pbx.ActiveCalls(); got != pairs {
			b.Fatalf("%d calls active, want %d", got, pairs)
		}
		b.ReportMetric(fullPer, "full-B/call")
		b.ReportMetric(simPer, "sim-B/call")
		b.ReportMetric(fullPer-simPer, "app-B/call")
		runtime.KeepAlive(o)
		r.stop()
	}
}
