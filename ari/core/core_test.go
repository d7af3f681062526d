package core_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// simpleCall rings one endpoint named by the dialled digits.
var simpleCall = core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
	if err := c.Ring(ctx); err != nil {
		return err
	}
	res, err := c.Dial(ctx, []core.Target{{Label: c.Dialled, Endpoint: "PJSIP/" + c.Dialled}}, 30*time.Second)
	if err != nil {
		return err
	}
	c.Trace(ctx, "dial", string(res.Outcome))
	switch res.Outcome {
	case core.Answered:
		if _, err := c.Connect(ctx, res.Leg); err != nil {
			return err
		}
		_, err := c.Talk(ctx, nil, c.Caller, res.Leg)
		return err
	case core.Busy:
		return c.Hangup(ctx, c.Caller, "busy")
	default:
		return c.Hangup(ctx, c.Caller, "no_answer")
	}
})

func TestCallIsBridgedAndBothSidesEndWhenOneHangsUp(t *testing.T) {
	r := coretest.New(t, simpleCall)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	in := r.Answer(b)
	r.WaitState(out, sim.CallUp)
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitState(in, sim.CallEnded)
	r.WaitIdle()
}

func TestUnansweredCallEndsAfterTheRingTimeout(t *testing.T) {
	r := coretest.New(t, simpleCall)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	in := r.Ringing(b)
	r.Advance(29 * time.Second)
	if in.State() != sim.CallRinging {
		t.Fatalf("callee stopped ringing before the timeout: %s", in.State())
	}
	r.Advance(2 * time.Second)
	r.WaitState(out, sim.CallEnded)
	r.WaitState(in, sim.CallEnded)
	if got := out.HangupCause(); got != 19 {
		t.Errorf("caller's hangup cause = %d, want 19 (no answer)", got)
	}
	r.WaitIdle()
}

func TestBusyCalleeGivesTheCallerBusy(t *testing.T) {
	r := coretest.New(t, simpleCall)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	in := r.Ringing(b)
	if err := in.Busy(); err != nil {
		t.Fatal(err)
	}
	r.WaitState(out, sim.CallEnded)
	if got := out.HangupCause(); got != 17 {
		t.Errorf("caller's hangup cause = %d, want 17 (busy)", got)
	}
	r.WaitIdle()
}

func TestUnregisteredCalleeIsUnavailable(t *testing.T) {
	r := coretest.New(t, simpleCall)
	a := r.Device("101")
	r.Sim.Phone("103").Device("desk") // known, never registered
	out, err := a.Dial("103")
	if err != nil {
		t.Fatal(err)
	}
	r.WaitState(out, sim.CallEnded)
	r.WaitIdle()
}

func TestNoGoroutineOutlivesTheEngine(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		r := coretest.New(t, simpleCall)
		a, b := r.Device("101"), r.Device("102")
		out := r.Dial(a, "102")
		r.Answer(b)
		_ = out.WaitState(r.Ctx(), sim.CallUp)
		r.Stop()
	}()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+3 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
