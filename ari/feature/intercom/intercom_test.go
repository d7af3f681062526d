package intercom_test

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/intercom"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func newFlow(t *testing.T) *featuretest.Flow {
	return featuretest.New(t, func(f *featuretest.Flow) { intercom.Register(f.Router) }, "101", "102")
}

func TestIntercomIsAnsweredByThePhoneAndHeardBothWays(t *testing.T) {
	f := newFlow(t)
	a, b := f.Device("101"), f.Device("102")
	a.Send("1000Hz")
	b.Send("600Hz")
	out := f.Dial(a, "*50102#")
	f.WaitState(out, sim.CallUp)
	in := b.Calls()[0]
	f.WaitState(in, sim.CallUp)
	if !in.AutoAnswered() {
		t.Fatal("the target phone did not answer by itself")
	}
	waitHears(t, f, in, "1000Hz")
	waitHears(t, f, out, "600Hz")
	_ = out.Hangup()
	f.WaitState(in, sim.CallEnded)
	f.WaitIdle()
}

func TestPageIsOneWay(t *testing.T) {
	f := newFlow(t)
	a, b := f.Device("101"), f.Device("102")
	a.Send("1000Hz")
	b.Send("600Hz")
	out := f.Dial(a, "*51102#")
	f.WaitState(out, sim.CallUp)
	in := b.Calls()[0]
	f.WaitState(in, sim.CallUp)
	waitHears(t, f, in, "1000Hz")
	if slices.Contains(out.Hears(), "600Hz") {
		t.Fatalf("the pager hears the paged phone: %v", out.Hears())
	}
	_ = out.Hangup()
	f.WaitState(in, sim.CallEnded)
	f.WaitIdle()
}

func waitHears(t *testing.T, f *featuretest.Flow, c *sim.Call, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(c.Hears(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("never heard %s (hears %v)", what, c.Hears())
		}
		time.Sleep(2 * time.Millisecond)
	}
}
