package scenarios

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

func TestCallSurvivesTheAppWebSocketDropping(t *testing.T) {
	run(t, []string{"101", "102"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := answeredCall(t, h, "101", "102")
		h.DropAppWebSocket()
		h.Eventually("the app to reconnect", 0, func() bool { return app.Reconnects() == 1 && app.Connected() })
		if n := app.Rebuilt(); n != 1 {
			t.Errorf("the app rebuilt %d calls, want 1", n)
		}
		// The call still carries audio both ways.
		a.PlayTone(1000)
		b.PlayTone(600)
		b.HearsTone(1000)
		a.HearsTone(600)
		// Events flow again: DTMF reaches the app, and a hangup is cleaned up.
		eventsFlowAgain(t, h, app, a, "101")
		a.Hangup()
		if cause := b.WaitHungUp(); cause != 16 {
			t.Errorf("102's call ended with cause %d, want 16", cause)
		}
		h.Eventually("the app to forget the call", 0, func() bool { return app.ActiveCalls() == 0 })
	})
}
