package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// reactionCalls is how many calls are bridged while reactions are timed.
const reactionCalls = 500

// BenchmarkReactionTime measures the time the app adds between an event and
// its reaction with reactionCalls calls bridged through the whole PBX. Each
// iteration hangs up the caller of one bridged call on the simulator — which
// emits ChannelHangupRequest/StasisEnd at once — and times from just before
// that hangup to the arrival, at the simulator's HTTP handler, of the app's
// first REST request about that call (hanging up the callee's leg or
// destroying the bridge); the call is then placed again, so 499-500 calls
// stay up. The figure includes the simulator's event encoding and the
// WebSocket and HTTP hops in this process, so it bounds the app's own share
// from above. p50-ms and p99-ms are over the b.N reactions; use
// -benchtime=1000x or more for a meaningful p99.
func BenchmarkReactionTime(b *testing.B) {
	r := newRig(b, reactionCalls)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	calls := make([]*upCall, reactionCalls)
	if err := holdCalls(ctx, 0, reactionCalls, func(ctx context.Context, i int) error {
		c, peer, bridge, err := r.call(ctx, i)
		calls[i] = &upCall{c: c, peer: peer, bridge: bridge}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % reactionCalls
		u := calls[i]
		reacted := r.tap.watchFor(u.peer, u.bridge)
		done := r.tap.servedFor(u.bridge)
		t0 := time.Now()
		if err := u.c.Hangup(); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-reacted:
			lat = append(lat, at.Sub(t0))
		case <-ctx.Done():
			b.Fatal("the app never reacted to a hangup")
		}
		b.StopTimer()
		select { // the extensions are free again once the bridge is gone
		case <-done:
		case <-ctx.Done():
			b.Fatal("the app never destroyed the bridge")
		}
		var err error
		for tries := 0; ; tries++ {
			u.c, u.peer, u.bridge, err = r.call(ctx, i)
			if err == nil || tries == 100 || u.c == nil || u.c.HangupCause() != causeBusy {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	for deadline := time.Now().Add(5 * time.Second); r.pbx.ActiveCalls() != reactionCalls; {
		if time.Now().After(deadline) {
			b.Fatalf("%d calls active at the end, want %d", r.pbx.ActiveCalls(), reactionCalls)
		}
		time.Sleep(time.Millisecond)
	}
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}

// upCall is one bridged call: the caller's side, the callee's channel and
// the bridge.
type upCall struct {
	c            *sim.Call
	peer, bridge string
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
