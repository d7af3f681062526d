package wakeup_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestWakeupRingsEveryDeviceAndTheBrowserAndTheOthersStopWhenOneAnswers(t *testing.T) {
	r := newRig(t)
	desk, desk2, web := r.Device("101"), r.DeviceNamed("101", "desk2"), r.DeviceNamed("101-web", "browser")
	r.dial(desk, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 50, 0, time.UTC))
	r.Advance(15 * time.Second)
	var ringing []*sim.Call
	for _, d := range []*sim.Device{desk, desk2, web} {
		in := r.rings(d)
		if name, num := in.CallerID(); name != "Wakeup" || num != "*55" {
			t.Errorf("%s/%s shows %q <%s>, want \"Wakeup\" <*55>", d.Endpoint(), d.Name(), name, num)
		}
		ringing = append(ringing, in)
	}
	if err := ringing[2].Answer(); err != nil {
		t.Fatal(err)
	}
	for _, in := range ringing[:2] {
		r.WaitStateAdvancing(in, sim.CallEnded, 5*time.Second)
		if c := in.HangupCause(); c != 26 {
			t.Errorf("the other device's call ended with cause %d, want 26 (answered elsewhere)", c)
		}
	}
	r.WaitStateAdvancing(ringing[2], sim.CallEnded, 60*time.Second)
	if got := heard(ringing[2]); !inOrder(got, []string{"sound:hello", "number:7", "sound:hello", "sound:goodbye"}) {
		t.Errorf("the browser heard %v, want the wakeup message twice", got)
	}
	for _, in := range ringing[:2] {
		if got := heard(in); len(got) != 0 {
			t.Errorf("a device that did not answer heard %v", got)
		}
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after the answer", n)
	}
	r.Advance(10 * time.Minute)
	for _, d := range []*sim.Device{desk, desk2, web} {
		if n := incoming(d); n != 1 {
			t.Errorf("%s/%s rang %d times, want once", d.Endpoint(), d.Name(), n)
		}
	}
	r.idle()
}

// The extension talks to 102 from 06:59 to 07:02: the 07:00 wakeup does not
// ring into the call (nor any other device of 101) and counts as
// unanswered; its retry at 07:05 rings.
func TestWakeupDueWhileTheExtensionIsInACallIsRetriedFiveMinutesLater(t *testing.T) {
	r := newRig(t)
	a, a2, b := r.Device("101"), r.DeviceNamed("101", "desk2"), r.Device("102")
	r.dial(a, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 0, 0, time.UTC))
	out := r.Dial(a, "102")
	r.Answer(b)
	r.WaitState(out, sim.CallUp)
	r.Advance(70 * time.Second)
	if n := incoming(a) + incoming(a2); n != 0 {
		t.Fatalf("101 rang %d times while in a call", n)
	}
	var ws []store.WakeupCall
	r.eventually("the busy attempt is recorded", func() bool {
		ws = r.wakeups("101")
		return len(ws) == 1 && ws[0].Attempts == 1
	})
	if want := time.Date(2026, 11, 26, 6, 5, 0, 0, time.UTC); ws[0].At.Before(want) || ws[0].At.After(want.Add(10*time.Second)) {
		t.Errorf("retry at %s, want about %s", ws[0].At, want)
	}
	r.Advance(50 * time.Second)
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.jumpTo(ws[0].At.Add(-5 * time.Second))
	r.Advance(10 * time.Second)
	in := r.rings(a)
	r.rings(a2)
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if got := heard(in); !inOrder(got, []string{"sound:hello", "sound:time", "sound:is", "number:7", "sound:digits/oh", "number:5"}) {
		t.Errorf("heard %v, want the message with the time 7:05", got)
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after the answer", n)
	}
	r.idle()
}

// Still on the phone at the retry: the user is clearly awake; the wakeup is
// given up like one unanswered twice, and never rings into the call.
func TestWakeupBusyAtItsTimeAndAtItsRetryIsGivenUp(t *testing.T) {
	r := newRig(t)
	a, b := r.Device("101"), r.Device("102")
	r.dial(a, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 0, 0, time.UTC))
	out := r.Dial(a, "102")
	r.Answer(b)
	r.WaitState(out, sim.CallUp)
	r.Advance(7 * time.Minute)
	if n := incoming(a); n != 0 {
		t.Errorf("101 rang %d times while in a call", n)
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after two busy attempts", n)
	}
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.Advance(10 * time.Minute)
	if n := incoming(a); n != 0 {
		t.Errorf("101 rang %d times after the call, want none (given up)", n)
	}
	r.idle()
}

// Presence (the call flow's tracker) reports the extension busy, for calls
// whose channels are not on its endpoints.
func TestExtensionThePresenceReportsInACallIsNotRung(t *testing.T) {
	p := feature.NewPresence(nil)
	r := newRigWith(t, func(o *wakeup.Options) { o.Presence = p })
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	leave := p.Enter("101")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 50, 0, time.UTC))
	r.Advance(15 * time.Second)
	if n := incoming(a); n != 0 {
		t.Fatalf("rang %d times while the extension was in a call", n)
	}
	var ws []store.WakeupCall
	r.eventually("the busy attempt is recorded", func() bool {
		ws = r.wakeups("101")
		return len(ws) == 1 && ws[0].Attempts == 1
	})
	leave()
	r.jumpTo(ws[0].At.Add(-5 * time.Second))
	r.Advance(10 * time.Second)
	r.rings(a) // the retry, once the extension is free
	r.Advance(50 * time.Second)
	r.idle()
}
