package forward_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/forward"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestForwardCodesSetAndClearTheThreeTargets(t *testing.T) {
	f := featuretest.New(t, func(f *featuretest.Flow) { forward.Register(f.Router) }, "101", "103")
	a := f.Device("101")
	for _, code := range []string{"*71103#", "*72985530709#", "*73103"} {
		out := f.Dial(a, code)
		f.WaitStateAdvancing(out, sim.CallEnded, 20*time.Second)
	}
	fw := f.Dir.Fwd("101")
	if !fw.All.On || fw.All.Number != "103" || !fw.Busy.On || fw.Busy.Number != "985530709" || !fw.NoAnswer.On || fw.NoAnswer.Number != "103" {
		t.Fatalf("forwards = %+v", fw)
	}
	out := f.Dial(a, "*071#")
	f.WaitStateAdvancing(out, sim.CallEnded, 20*time.Second)
	fw = f.Dir.Fwd("101")
	if fw.All.On || fw.All.Number != "103" {
		t.Fatalf("after *071#: all = %+v, want off with the number kept", fw.All)
	}
	if !fw.Busy.On {
		t.Fatal("*071# switched off forward on busy too")
	}
	f.WaitIdle()
}

func TestForwardToYourselfIsRefused(t *testing.T) {
	f := featuretest.New(t, func(f *featuretest.Flow) { forward.Register(f.Router) }, "101")
	a := f.Device("101")
	out := f.Dial(a, "*71101#")
	f.WaitStateAdvancing(out, sim.CallEnded, 20*time.Second)
	if f.Dir.Fwd("101").All.On {
		t.Fatal("forward to oneself was accepted")
	}
}
