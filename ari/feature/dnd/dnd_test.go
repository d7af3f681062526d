package dnd_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/dnd"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestStarSeventyFourSwitchesDNDOnWithABeepAndStarZeroSeventyFourOff(t *testing.T) {
	f := featuretest.New(t, func(f *featuretest.Flow) { dnd.Register(f.Router) }, "101")
	a := f.Device("101")
	out := f.Dial(a, "*74#")
	f.WaitStateAdvancing(out, sim.CallEnded, 10*time.Second)
	if !f.Dir.Ext("101").DND {
		t.Fatal("DND not on after *74#")
	}
	if h := out.Heard(); len(h) == 0 || h[0].What != "sound:beep" {
		t.Errorf("heard %+v, want a confirmation beep first", h)
	}
	out = f.Dial(a, "*074")
	f.WaitStateAdvancing(out, sim.CallEnded, 10*time.Second)
	if f.Dir.Ext("101").DND {
		t.Fatal("DND still on after *074")
	}
	f.WaitIdle()
}
