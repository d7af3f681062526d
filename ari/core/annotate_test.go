package core_test

import (
	"context"
	"maps"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// stateObserver keeps the values of every ObsState snapshot.
type stateObserver struct {
	mu     sync.Mutex
	states []map[string]string
}

func (o *stateObserver) CallChanged(_ context.Context, kind core.ObsKind, s core.Snapshot) {
	if kind == core.ObsState {
		o.mu.Lock()
		o.states = append(o.states, s.Values)
		o.mu.Unlock()
	}
}

func TestAnnotationsSetTogetherReachObserversInOneSnapshot(t *testing.T) {
	obs := &stateObserver{}
	r := coretest.NewObserved(t, core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
		c.AnnotateAll(ctx, "type", "internal", "from", "101", "to", "102")
		c.AnnotateAll(ctx, "type", "internal") // unchanged: nobody is told
		c.Annotate(ctx, "to", "102")           // unchanged too
		return c.Hangup(ctx, c.Caller, "normal")
	}), obs)
	out := r.Dial(r.Device("101"), "102")
	r.WaitState(out, sim.CallEnded)
	r.WaitIdle()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	var annotated []map[string]string
	for _, v := range obs.states {
		if len(v) > 0 {
			annotated = append(annotated, v)
		}
	}
	want := map[string]string{"type": "internal", "from": "101", "to": "102"}
	if len(annotated) == 0 || !maps.Equal(annotated[0], want) {
		t.Fatalf("first annotated snapshot %v, want %v", annotated, want)
	}
	for _, v := range annotated[1:] {
		if !maps.Equal(v, want) {
			t.Errorf("later snapshot %v changed the annotations", v)
		}
	}
	if n := len(obs.states); n > 3 {
		t.Errorf("%d state snapshots, want the annotations told once (plus the call's own state changes)", n)
	}
}
