package scenarios

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

func TestBasicCallCarriesAudioBothWaysAndNowhereElse(t *testing.T) {
	run(t, []string{"101", "102", "103", "104"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := answeredCall(t, h, "101", "102")
		c, d := answeredCall(t, h, "103", "104") // a second call beside it
		a.PlayTone(1000)
		b.PlayTone(600)
		b.HearsTone(1000)
		a.HearsTone(600)
		a.NotHearsTone(1000) // no echo of its own tone
		c.NotHearsTone(1000) // nothing leaks into the other call
		d.NotHearsTone(600)
		a.Hangup()
		if cause := b.WaitHungUp(); cause != 16 {
			t.Errorf("102's call ended with cause %d, want 16 (normal clearing)", cause)
		}
		d.Hangup()
		if cause := c.WaitHungUp(); cause != 16 {
			t.Errorf("103's call ended with cause %d, want 16 (normal clearing)", cause)
		}
		h.Eventually("the app to forget both calls", 0, func() bool { return app.ActiveCalls() == 0 })
	})
}

func TestBusyCalleeEndsCallerWithUserBusy(t *testing.T) {
	run(t, []string{"101", "102"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := h.Phone("101"), h.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		b.Reject()
		if cause := a.WaitHungUp(); cause != 17 {
			t.Errorf("caller's call ended with cause %d, want 17 (user busy)", cause)
		}
		h.Eventually("the app to forget the call", 0, func() bool { return app.ActiveCalls() == 0 })
	})
}

func TestUnansweredCallEndsAfterTheRingTimeout(t *testing.T) {
	run(t, []string{"101", "102"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := h.Phone("101"), h.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		h.Wait(25 * time.Second)
		if st := b.State(); st != "ringing" {
			t.Fatalf("after 25 s 102 is %s, want still ringing", st)
		}
		if st := a.State(); st != "dialing" {
			t.Fatalf("after 25 s 101 is %s, want still waiting", st)
		}
		h.Wait(6 * time.Second)
		if cause := a.WaitHungUp(); cause != 19 {
			t.Errorf("caller's call ended with cause %d, want 19 (no answer)", cause)
		}
		b.WaitHungUp()
		h.Eventually("the app to forget the call", 0, func() bool { return app.ActiveCalls() == 0 })
	})
}

func TestUnregisteredCalleeGivesThePromptAndAHangup(t *testing.T) {
	run(t, []string{"101", "103"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a := h.Phone("101")
		h.Unregistered("103")
		a.Dial("103")
		a.WaitAnswered()
		a.Hears("ss-noservice")
		a.NotHeard("vm-isunavail") // a different prompt does not match
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("caller's call ended with cause %d, want 16", cause)
		}
	})
}
