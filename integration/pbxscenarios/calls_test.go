// Package pbxscenarios runs the whole PBX (call core, callflow and the
// features, call records in SQLite) as the app under test in the scenario
// harness: always against the simulator, and against a real Asterisk 22
// when SWITCHBOARD_ASTERISK names one.
package pbxscenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestExtensionCallCarriesAudioBothWaysAndIsRecordedInBothCallLogs(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		if got := b.CallerID(); got != "101" {
			t.Errorf("102 shows caller id %q, want 101", got)
		}
		b.Answer()
		a.WaitAnswered()
		a.PlayTone(1000)
		b.PlayTone(600)
		b.HearsTone(1000)
		a.HearsTone(600)
		b.Hangup()
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("101's call ended with cause %d, want 16", cause)
		}
		w.idle()
		for _, ext := range []string{"101", "102"} {
			w.Eventually(ext+"'s call log to show the answered call", 0, func() bool {
				page, err := w.st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
				return err == nil && len(page.Calls) == 1 && page.Calls[0].Disposition == store.DispAnswered &&
					page.Calls[0].Type == store.CallInternal
			})
		}
	})
}

func TestEveryDeviceOfTheExtensionRingsAndTheOthersStopWhenOneAnswers(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		desk, desk2 := w.Phone("102"), w.Phone("102", "desk2")
		a.Dial("102")
		desk.WaitRinging()
		desk2.WaitRinging()
		desk2.Answer()
		a.WaitAnswered()
		// A real SIP phone sees a CANCEL (with Reason: cause=200 "Call
		// completed elsewhere"); the harness's phones report only the CANCEL.
		if cause := desk.WaitHungUp(); w.Mode() == harness.ModeSim && cause != 26 {
			t.Errorf("the other device ended with cause %d, want 26 (answered elsewhere)", cause)
		}
		a.Hangup()
		desk2.WaitHungUp()
		w.idle()
	})
}

func TestSecondCallToATalkingExtensionIsBusy(t *testing.T) {
	run(t, []string{"101", "102", "103"}, nil, func(t *testing.T, w *world) {
		a, b, c := w.Phone("101"), w.Phone("102"), w.Phone("103")
		w.answered(a, b, "102")
		c.Dial("102")
		if cause := c.WaitHungUp(); cause != 17 {
			t.Errorf("the second caller got cause %d, want 17 (busy)", cause)
		}
		a.Hangup()
		b.WaitHungUp()
		w.idle()
	})
}

func TestUnansweredCallEndsAfterTheRingTime(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		w.Wait(ringTime - 2*time.Second)
		if st := b.State(); st != "ringing" {
			t.Fatalf("102 is %s before the ring time ran out, want ringing", st)
		}
		w.Wait(3 * time.Second)
		if cause := a.WaitHungUp(); cause != 19 {
			t.Errorf("caller's call ended with cause %d, want 19 (no answer)", cause)
		}
		b.WaitHungUp()
		w.idle()
	})
}

func TestDNDMakesTheExtensionBusyAndItsCodesConfirm(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		b.Dial("*74#")
		b.WaitAnswered()
		b.Hears("beep")
		b.WaitHungUp()
		a.Dial("102")
		if cause := a.WaitHungUp(); cause != 17 {
			t.Errorf("a call to an extension in DND ended with cause %d, want 17 (busy)", cause)
		}
		b.Dial("101") // outbound still works
		a.WaitRinging()
		a.Answer()
		b.WaitAnswered()
		b.Hangup()
		a.WaitHungUp()
		b.Dial("*074#")
		b.WaitAnswered()
		b.WaitHungUp()
		a.Dial("102")
		b.WaitRinging()
		a.Hangup()
		w.idle()
	})
}

func TestForwardAllSetByCodeRingsTheTarget(t *testing.T) {
	run(t, []string{"101", "102", "103"}, nil, func(t *testing.T, w *world) {
		a, b, c := w.Phone("101"), w.Phone("102"), w.Phone("103")
		b.Dial("*71103#")
		b.WaitAnswered()
		b.WaitHungUp()
		a.Dial("102")
		c.WaitRinging()
		b.NotRinging(time.Second)
		c.Answer()
		a.WaitAnswered()
		a.Hangup()
		c.WaitHungUp()
		w.idle()
	})
}

func TestCallSurvivesTheAppWebSocketDroppingAndEndsCleanly(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.answered(a, b, "102")
		w.DropAppWebSocket()
		w.Eventually("the app to reconnect", 0, func() bool { return w.AppWebSockets() == 1 })
		a.PlayTone(1000)
		b.HearsTone(1000)
		a.Hangup()
		if cause := b.WaitHungUp(); cause != 16 {
			t.Errorf("102's call ended with cause %d, want 16", cause)
		}
		w.idle()
	})
}

func TestHangupDuringTheOutageEndsTheCallAfterTheReconnect(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.answered(a, b, "102")
		w.DropAppWebSocket()
		b.Hangup() // the app misses this: Asterisk keeps no events for it
		w.Eventually("the app to reconnect", 0, func() bool { return w.AppWebSockets() == 1 })
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("101's call ended with cause %d, want 16", cause)
		}
		w.idle()
	})
}

func TestForwardOnNoAnswerSetByCodeRingsTheTargetAfterTheRingTime(t *testing.T) {
	run(t, []string{"101", "102", "103"}, nil, func(t *testing.T, w *world) {
		a, b, c := w.Phone("101"), w.Phone("102"), w.Phone("103")
		b.Dial("*73103#")
		b.WaitAnswered()
		b.WaitHungUp()
		a.Dial("102")
		b.WaitRinging()
		c.NotRinging(time.Second)
		w.Wait(ringTime)
		b.WaitHungUp()
		c.WaitRinging()
		c.Answer()
		a.WaitAnswered()
		a.Hangup()
		c.WaitHungUp()
		w.idle()
	})
}

// A phone picked up while the app's WebSocket is down: the answer event is
// lost with the socket, and the reconnect's resync finds the leg Up and
// connects the call.
func TestCallAnsweredDuringTheOutageIsConnectedAfterTheReconnect(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		w.CutAppWebSocket()
		b.Answer()
		w.Wait(500 * time.Millisecond)
		w.RestoreAppWebSocket()
		a.WaitAnswered()
		a.PlayTone(1000)
		b.HearsTone(1000)
		a.Hangup()
		b.WaitHungUp()
		w.idle()
	})
}
