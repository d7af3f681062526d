package callflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func newFlow(t *testing.T, numbers ...string) *featuretest.Flow {
	return featuretest.New(t, nil, numbers...)
}

func TestExtensionCallRingsEveryDeviceAndTheBrowserAndTheOthersStop(t *testing.T) {
	f := newFlow(t, "101", "102")
	f.Dir.Ext("102").PortalEnabled = true // the browser phone exists only with the portal on
	a := f.Device("101")
	desk, desk2, web := f.Device("102"), f.DeviceNamed("102", "desk2"), f.DeviceNamed("102-web", "browser")
	out := f.Dial(a, "102")
	in1, err := desk.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	in2, err := desk2.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	inWeb, err := web.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal("browser never rang:", err)
	}
	if _, num := in1.CallerID(); num != "101" {
		t.Errorf("callee sees caller id %q, want 101", num)
	}
	if err := in2.Answer(); err != nil {
		t.Fatal(err)
	}
	f.WaitState(out, sim.CallUp)
	f.WaitState(in1, sim.CallEnded)
	f.WaitState(inWeb, sim.CallEnded)
	if c := in1.HangupCause(); c != 26 {
		t.Errorf("other device ended with cause %d, want 26 (answered elsewhere)", c)
	}
	if err := in2.Hangup(); err != nil {
		t.Fatal(err)
	}
	f.WaitState(out, sim.CallEnded)
	f.WaitIdle()
}

// Without the portal an extension has no browser phone (no <n>-web is
// provisioned): the app neither asks Asterisk for its contacts nor rings it.
func TestBrowserOfAnExtensionWithoutThePortalIsNotRung(t *testing.T) {
	f := newFlow(t, "101", "102")
	a := f.Device("101")
	desk, web := f.Device("102"), f.DeviceNamed("102-web", "browser")
	out := f.Dial(a, "102")
	in, err := desk.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	f.WaitState(out, sim.CallUp)
	if n := len(web.Calls()); n != 0 {
		t.Errorf("the browser of 102 (portal off) got %d call(s), want none", n)
	}
	if err := in.Hangup(); err != nil {
		t.Fatal(err)
	}
	f.WaitState(out, sim.CallEnded)
	f.WaitIdle()
}

func TestDNDRejectsInboundAsBusyButOutboundStillWorks(t *testing.T) {
	f := newFlow(t, "101", "102")
	f.Dir.Ext("102").DND = true
	a, b := f.Device("101"), f.Device("102")
	out := f.Dial(a, "102")
	f.WaitState(out, sim.CallEnded)
	if c := out.HangupCause(); c != 17 {
		t.Errorf("caller got cause %d, want 17 (busy)", c)
	}
	if b.Ringing() != nil {
		t.Error("a phone in DND rang")
	}
	out2 := f.Dial(b, "101")
	f.Answer(a)
	f.WaitState(out2, sim.CallUp)
	_ = out2.Hangup()
	f.WaitIdle()
}

func TestForwardAllRingsTheTargetInstead(t *testing.T) {
	f := newFlow(t, "101", "102", "103")
	_ = f.Dir.SetForward(context.Background(), "102", feature.ForwardAll, feature.Forward{Number: "103", On: true})
	a, b, c := f.Device("101"), f.Device("102"), f.Device("103")
	out := f.Dial(a, "102")
	in := f.Answer(c)
	f.WaitState(out, sim.CallUp)
	if b.Ringing() != nil {
		t.Error("the forwarding extension rang")
	}
	_ = in.Hangup()
	f.WaitState(out, sim.CallEnded)
	f.WaitIdle()
}

func TestForwardingLoopIsCut(t *testing.T) {
	f := newFlow(t, "101", "102", "103")
	_ = f.Dir.SetForward(context.Background(), "102", feature.ForwardAll, feature.Forward{Number: "103", On: true})
	_ = f.Dir.SetForward(context.Background(), "103", feature.ForwardAll, feature.Forward{Number: "102", On: true})
	a := f.Device("101")
	f.Device("102")
	f.Device("103")
	out := f.Dial(a, "102")
	f.WaitState(out, sim.CallEnded)
	f.WaitIdle()
}

func TestBusyExtensionForwardsOnBusy(t *testing.T) {
	f := newFlow(t, "101", "102", "103", "104")
	_ = f.Dir.SetForward(context.Background(), "102", feature.ForwardBusy, feature.Forward{Number: "104", On: true})
	a, b, c, d := f.Device("101"), f.Device("102"), f.Device("103"), f.Device("104")
	first := f.Dial(a, "102")
	inB := f.Answer(b)
	f.WaitState(first, sim.CallUp)
	second := f.Dial(c, "102") // 102 is talking: busy, forward on busy to 104
	inD := f.Answer(d)
	f.WaitState(second, sim.CallUp)
	_ = inB.Hangup()
	_ = inD.Hangup()
	f.WaitState(first, sim.CallEnded)
	f.WaitState(second, sim.CallEnded)
	f.WaitIdle()
}

func TestNoAnswerForwardsAfterTheRingTime(t *testing.T) {
	f := newFlow(t, "101", "102", "103")
	_ = f.Dir.SetForward(context.Background(), "102", feature.ForwardNoAnswer, feature.Forward{Number: "103", On: true})
	a, b, c := f.Device("101"), f.Device("102"), f.Device("103")
	out := f.Dial(a, "102")
	inB, err := b.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(31 * time.Second)
	f.WaitState(inB, sim.CallEnded)
	in := f.Answer(c)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitIdle()
}

func TestFollowMeRingsOwnExtensionThenTheListInOrder(t *testing.T) {
	f := newFlow(t, "101", "102", "103", "104")
	f.Dir.FM["102"] = feature.FollowMe{On: true, OwnRing: 10 * time.Second, Steps: []feature.FollowStep{
		{Number: "103", Ring: 5 * time.Second}, {Number: "104", Ring: 5 * time.Second}}}
	a, b, c, d := f.Device("101"), f.Device("102"), f.Device("103"), f.Device("104")
	out := f.Dial(a, "102")
	if _, err := b.WaitRinging(f.Ctx()); err != nil {
		t.Fatal(err)
	}
	f.Advance(11 * time.Second)
	inC, err := c.WaitRinging(f.Ctx())
	if err != nil {
		t.Fatal("first follow-me step never rang:", err)
	}
	if d.Ringing() != nil {
		t.Error("second step rang together with the first")
	}
	f.Advance(6 * time.Second)
	f.WaitState(inC, sim.CallEnded)
	in := f.Answer(d)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitIdle()
}

func TestUnknownNumberIsRefusedWithAPrompt(t *testing.T) {
	f := newFlow(t, "101")
	a := f.Device("101")
	out := f.Dial(a, "555")
	f.WaitStateAdvancing(out, sim.CallEnded, 10*time.Second)
	// A number shaped like an extension rings the caller before the store
	// says there is none; the first thing played is the prompt.
	var heard []string
	for _, h := range out.Heard() {
		if h.What != "ringing" {
			heard = append(heard, h.What)
		}
	}
	if len(heard) == 0 || !strings.Contains(heard[0], "pbx-invalid") {
		t.Errorf("caller heard %+v, want pbx-invalid", out.Heard())
	}
	f.WaitIdle()
}
