package scenarios

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

// As in the recorded trace ws_drop.jsonl: while the app's WebSocket is down
// the bridged call goes on, a new call never reaches the app, and once the
// socket is back the surviving call is the app's again.
func TestNewCallFailsWhileTheAppIsAwayAndTheOldOneSurvives(t *testing.T) {
	run(t, []string{"101", "102", "103", "104"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := answeredCall(t, h, "101", "102")
		h.CutAppWebSocket()
		h.Eventually("the app to notice", 0, func() bool { return !app.Connected() })
		c, d := h.Phone("103"), h.Phone("104")
		c.Dial("104")
		// extensions.conf's stasis-failed: a prompt, then Hangup(34) (503)
		if cause := c.WaitHungUp(); cause != 34 {
			t.Errorf("the call during the outage ended with cause %d, want 34", cause)
		}
		c.Hears("ss-noservice") // as early media, before the 503
		d.NotRinging(time.Second)
		a.PlayTone(1000)
		b.HearsTone(1000)
		h.RestoreAppWebSocket()
		h.Eventually("the app to come back", 30*time.Second, func() bool { return app.Reconnects() == 1 && app.Connected() })
		if n := app.Rebuilt(); n != 1 {
			t.Errorf("the app rebuilt %d calls, want 1", n)
		}
		// events flow again (DTMF reaches the app), then a hangup is cleaned up
		eventsFlowAgain(t, h, app, a, "101")
		b.Hangup()
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("101's call ended with cause %d, want 16", cause)
		}
		h.Eventually("the app to forget the call", 0, func() bool { return app.ActiveCalls() == 0 })
	})
}
