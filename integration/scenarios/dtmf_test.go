package scenarios

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

func TestDTMFInABridgeReachesTheApp(t *testing.T) {
	run(t, []string{"101", "102"}, func(t *testing.T, h *harness.H, app *refapp.App) {
		a, b := answeredCall(t, h, "101", "102")
		a.SendDTMF("5#")
		h.Eventually("the app to see 5# from 101", 0, func() bool { return app.Digits("101") == "5#" })
		b.SendDTMF("7")
		h.Eventually("the app to see 7 from 102", 0, func() bool { return app.Digits("102") == "7" })
		b.Hangup()
		a.WaitHungUp()
	})
}
