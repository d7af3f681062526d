package sim

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// clientRig is the simulator on the real clock behind HTTP, driven by the
// project's ARI client with its event stream running.
type clientRig struct {
	s      *Server
	hs     *httptest.Server
	c      *ari.Client
	a, b   *Device
	events atomic.Int64
	cancel context.CancelFunc
	seq    atomic.Int64
}

func newClientRig(tb testing.TB) *clientRig {
	tb.Helper()
	s, err := New(Options{AutoProvision: true, RecordingDir: tb.TempDir(), Logger: discardLogger()})
	if err != nil {
		tb.Fatal(err)
	}
	r := &clientRig{s: s, hs: httptest.NewServer(s.Handler())}
	r.c = ari.New(ari.Options{BaseURL: r.hs.URL + "/ari", Username: "switchboard", Password: "switchboard", Logger: discardLogger()})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	st := r.c.NewStream(ari.StreamOptions{QueueSize: 1 << 16})
	go func() { _ = st.Run(ctx) }()
	go func() {
		for range st.Events() {
			r.events.Add(1)
		}
	}()
	tb.Cleanup(func() {
		cancel()
		r.hs.Close()
	})
	deadline := time.Now().Add(5 * time.Second)
	for !st.Status().Connected {
		if time.Now().After(deadline) {
			tb.Fatal("stream did not connect")
		}
		time.Sleep(time.Millisecond)
	}
	r.a = s.Phone("201").Device("desk")
	r.b = s.Phone("202").Device("desk")
	for _, d := range []*Device{r.a, r.b} {
		if err := d.Register(""); err != nil {
			tb.Fatal(err)
		}
	}
	r.b.SetIncoming(IncomingPolicy{Action: AnswerCall})
	return r
}

// setup places one call 201 -> 202 the way the call core does: answer, create
// + dial the callee (who answers), bridge both legs.
func (r *clientRig) setup(ctx context.Context) (in, out, br string, err error) {
	call, err := r.a.Dial("202")
	if err != nil {
		return "", "", "", err
	}
	n := r.seq.Add(1)
	in, out, br = call.ChannelID(), fmt.Sprintf("out-%d", n), fmt.Sprintf("br-%d", n)
	ch := r.c.Channels()
	if err := ch.Answer(ctx, in); err != nil {
		return "", "", "", err
	}
	if _, err := ch.Create(ctx, ari.ChannelCreateParams{Endpoint: "PJSIP/202", App: "switchboard", AppArgs: "dialed", ChannelID: out}); err != nil {
		return "", "", "", err
	}
	if err := ch.Dial(ctx, out, ari.ChannelDialParams{Caller: in, Timeout: 30}); err != nil {
		return "", "", "", err
	}
	if _, err := r.c.Bridges().CreateWithID(ctx, br, ari.BridgeCreateWithIDParams{Type: "mixing,dtmf_events"}); err != nil {
		return "", "", "", err
	}
	if err := r.c.Bridges().AddChannel(ctx, br, ari.BridgeAddChannelParams{Channel: []string{in, out}}); err != nil {
		return "", "", "", err
	}
	return in, out, br, nil
}

func (r *clientRig) teardown(ctx context.Context, in, out, br string) error {
	for _, id := range []string{out, in} {
		if err := r.c.Channels().Hangup(ctx, id, ari.ChannelHangupParams{}); err != nil {
			return err
		}
	}
	return r.c.Bridges().Destroy(ctx, br)
}

// BenchmarkCallSetupThroughARIClient measures complete call setups (phone
// dials, app answers, creates, dials, bridges; then hangs up) per second
// through the simulator and the project's ARI client over HTTP + WebSocket.
func BenchmarkCallSetupThroughARIClient(b *testing.B) {
	r := newClientRig(b)
	ctx := context.Background()
	b.SetParallelism(8) // 8 goroutines a CPU: HTTP round trips, not CPU, bound one caller
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in, out, br, err := r.setup(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			if err := r.teardown(ctx, in, out, br); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
}

func TestSimulatorCarries500ConcurrentCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const calls = 500
	r := newClientRig(t)
	ctx := context.Background()
	type leg struct{ in, out, br string }
	legs := make([]leg, calls)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	sem := make(chan struct{}, 16)
	for i := range legs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			in, out, br, err := r.setup(ctx)
			if err != nil {
				errs <- err
				return
			}
			legs[i] = leg{in, out, br}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	chans, err := r.c.Channels().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 2*calls {
		t.Fatalf("%d channels up, want %d", len(chans), 2*calls)
	}
	up := 0
	for _, d := range []*Device{r.a, r.b} {
		for _, c := range d.Calls() {
			if c.State() == CallUp {
				up++
			}
		}
	}
	if up != 2*calls {
		t.Fatalf("%d device calls up, want %d", up, 2*calls)
	}
	// Every caller hears its own callee and nobody else.
	for _, c := range r.a.Calls()[:10] {
		if h := c.Hears(); len(h) != 1 || h[0] != "202" {
			t.Fatalf("caller hears %v", h)
		}
	}
	t.Logf("%d concurrent bridged calls set up in %v (%.0f setups/s), %d events streamed",
		calls, elapsed, calls/elapsed.Seconds(), r.events.Load())
	for _, l := range legs {
		if err := r.teardown(ctx, l.in, l.out, l.br); err != nil {
			t.Fatal(err)
		}
	}
	// A hung-up channel lingers a moment, as on Asterisk (HangupDelay).
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		chans, _ = r.c.Channels().List(ctx)
		if len(chans) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d channels left 2 s after teardown", len(chans))
		}
	}
}

// BenchmarkCallSetupInProcess measures the simulator alone: the same call
// setup and teardown as BenchmarkCallSetupThroughARIClient, calling the
// handlers' operations directly (no HTTP, no WebSocket reader).
func BenchmarkCallSetupInProcess(b *testing.B) {
	s, err := New(Options{AutoProvision: true, RecordingDir: b.TempDir(), Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	a, callee := s.Phone("201").Device("desk"), s.Phone("202").Device("desk")
	_ = a.Register("")
	_ = callee.Register("")
	callee.SetIncoming(IncomingPolicy{Action: AnswerCall})
	// an app with a socket-less connection that discards events
	s.apps["switchboard"] = &application{name: "switchboard", sources: map[string]bool{}, conn: &wsConn{wake: make(chan struct{}, 1)}}
	p := func(kv ...string) params {
		out := params{q: map[string]string{}, vars: map[string]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			out.q[kv[i]] = kv[i+1]
		}
		return out
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call, err := a.Dial("202")
		if err != nil {
			b.Fatal(err)
		}
		out, br := fmt.Sprintf("out-%d", i), fmt.Sprintf("br-%d", i)
		s.mu.Lock()
		in, _ := s.getChannelLocked(call.ChannelID())
		s.answerChannelLocked(in)
		if _, err := s.createLocked(p("endpoint", "PJSIP/202", "app", "switchboard", "channelId", out)); err != nil {
			b.Fatal(err)
		}
		oc := s.channels[out]
		_ = s.dialLocked(oc, in.id, 30*time.Second)
		bg, _ := s.createBridgeLocked(br, "mixing,dtmf_events", "")
		s.addToBridgeLocked(bg, in, memberOpts{})
		s.addToBridgeLocked(bg, oc, memberOpts{})
		s.hangupLocked(oc, hangupSpec{byApp: true, reqCause: 32, reqSoft: true, cause: 16})
		s.hangupLocked(in, hangupSpec{byApp: true, reqCause: 32, reqSoft: true, cause: 16})
		s.destroyBridgeLocked(bg)
		conn := s.apps["switchboard"].conn
		conn.mu.Lock()
		conn.queue = nil
		conn.mu.Unlock()
		s.mu.Unlock()
	}
}
