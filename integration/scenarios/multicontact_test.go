package scenarios

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

func TestEveryDeviceRingsAndTheFirstToAnswerWins(t *testing.T) {
	run(t, []string{"101", "102"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a := h.Phone("101")
		desk, mobile := h.Phone("102"), h.Phone("102", harness.Device("mobile"))
		a.Dial("102")
		desk.WaitRinging()
		mobile.WaitRinging()
		mobile.Answer()
		a.WaitAnswered()
		cause := desk.WaitHungUp() // a CANCEL for the device that lost
		if h.Mode() == harness.ModeSim && cause != 26 {
			// a real SIP phone sees only the CANCEL, not the Q.850 cause
			t.Errorf("the other device's call ended with cause %d, want 26 (answered elsewhere)", cause)
		}
		a.PlayTone(1000)
		mobile.HearsTone(1000)
		mobile.Hangup()
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("caller's call ended with cause %d, want 16", cause)
		}
	})
}
