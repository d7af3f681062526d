package bench

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// The benchmarks retry a call the app ends as busy; the rig must tell that
// case from a bridged call, without a waiter per call on the simulator.
func TestRigTellsABusyCalleeFromABridgedCall(t *testing.T) {
	r := newRig(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, bridge, err := r.call(ctx, 0)
	if err != nil || bridge == "" {
		t.Fatalf("first pair: bridge %q, %v", bridge, err)
	}
	r.device(firstCallee + 1).SetIncoming(sim.IncomingPolicy{Action: sim.Busy})
	busy, _, _, err := r.call(ctx, 1)
	if !errors.Is(err, errHungUp) || busy == nil || busy.HangupCause() != causeBusy {
		t.Fatalf("call to a busy callee: %v, cause %d; want errHungUp with cause %d", err, busy.HangupCause(), causeBusy)
	}
	if err := c.Hangup(); err != nil {
		t.Fatal(err)
	}
	if err := r.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}
