package wakeup_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

// schedule stores a wakeup for ext at at, retried once retry after an
// unanswered attempt (the scheduler finds it within its Rescan).
func schedule(t *testing.T, st *store.Store, ext string, at time.Time, retry time.Duration) {
	t.Helper()
	w := &store.WakeupCall{Extension: ext, At: at, MaxRetries: wakeup.Retries, RetryEverySec: int(retry / time.Second)}
	if err := st.Wakeups.Create(context.Background(), w); err != nil {
		t.Fatal(err)
	}
}

// noChannelLeft waits until Asterisk holds no channel: the attempt's
// anchor (both Local halves) and every device's leg are gone.
func noChannelLeft(h *harness.H) {
	h.Eventually("no channel left", 5*time.Second, func() bool {
		chans, err := h.ARI().Channels().List(h.Context())
		return err == nil && len(chans) == 0
	})
}

// pending lists ext's scheduled wakeups, failing the test on error.
func pending(t *testing.T, st *store.Store, ext string) []store.WakeupCall {
	t.Helper()
	ws, err := st.Wakeups.ListScheduled(context.Background(), ext)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// Two desk phones (and, on the simulator, the browser: the real-Asterisk
// mode's phones speak no WebRTC) ring together; the second desk answers and
// hears the message, the others stop ringing.
func TestHarnessWakeupRingsEveryDeviceAndTheBrowserTheOthersStopWhenOneAnswers(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			app := &harnessApp{st: harnessStore(t, "101"), tune: func(o *wakeup.Options) { o.Rescan = time.Second }}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101"}, App: app.run, AppReady: app.ready})
			others := []*harness.Phone{h.Phone("101")}
			desk2 := h.Phone("101", "desk2")
			if mode == harness.ModeSim {
				others = append(others, h.Browser("101"))
			}
			schedule(t, app.st, "101", h.Clock().Now().Add(2*time.Second).Truncate(time.Second), wakeup.RetryEvery)
			desk2.WaitRinging()
			for _, p := range others {
				p.WaitRinging()
			}
			desk2.Answer()
			for _, p := range others {
				// The simulator reports cause 26 (answered elsewhere); a
				// real phone sees a CANCEL, which the harness reports only
				// as the end of the call.
				if cause := p.WaitHungUp(10 * time.Second); mode == harness.ModeSim && cause != 26 {
					t.Errorf("%s ended with cause %d, want 26 (answered elsewhere)", p, cause)
				}
			}
			desk2.Hears("hello")
			desk2.WaitHungUp(40 * time.Second)
			noChannelLeft(h)
			if ws := pending(t, app.st, "101"); len(ws) != 0 {
				t.Errorf("still scheduled after the answer: %+v", ws)
			}
		})
	}
}

// 101 talks to 102 when its wakeup is due: neither the phone in the call
// nor 101's other device rings; the attempt counts as unanswered and is
// retried (after a 30 s retry interval, stored on the wakeup, instead of 5
// minutes of real time) once the call is over, and then rings and is
// answered.
func TestHarnessWakeupDueWhileTheExtensionIsBusyIsRetriedLater(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			const retry = 30 * time.Second // the store's shortest
			app := &harnessApp{st: harnessStore(t, "101", "102"), tune: func(o *wakeup.Options) { o.Rescan = time.Second }}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101", "102"}, App: app.run, AppReady: app.ready})
			a, a2, b := h.Phone("101"), h.Phone("101", "desk2"), h.Phone("102")
			a.Dial("102")
			b.WaitRinging()
			b.Answer()
			a.WaitAnswered()
			at := h.Clock().Now().Add(2 * time.Second).Truncate(time.Second)
			schedule(t, app.st, "101", at, retry)
			h.Eventually("the busy attempt to be recorded", 10*time.Second, func() bool {
				ws := pending(t, app.st, "101")
				return len(ws) == 1 && ws[0].Attempts == 1
			})
			ws := pending(t, app.st, "101")
			if d := ws[0].At.Sub(at); d < retry || d > retry+3*time.Second {
				t.Errorf("retry %s after the wakeup time, want about %s", d, retry)
			}
			a2.NotRinging(2 * time.Second)
			if st := a.State(); st != "up" {
				t.Fatalf("101's call is %s after the busy attempt, want still up", st)
			}
			a.Hangup()
			b.WaitHungUp(10 * time.Second)
			h.Eventually("the retry to ring", retry+10*time.Second, func() bool { return a.State() == "ringing" })
			a2.WaitRinging()
			a.Answer()
			a.Hears("hello")
			a.WaitHungUp(40 * time.Second)
			noChannelLeft(h)
			if ws := pending(t, app.st, "101"); len(ws) != 0 {
				t.Errorf("still scheduled after the answered retry: %+v", ws)
			}
		})
	}
}

// The app restarts while the wakeup rings: the stopping process ends the
// call, the new one (new engine, new scheduler, same store) rings the
// wakeup again — at once, or as the retry when the old attempt's channel
// was still there — and it is answered.
func TestHarnessWakeupRingingWhenTheAppRestartsRingsAgain(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			const retry = 30 * time.Second // the store's shortest
			app := &harnessApp{st: harnessStore(t, "101"), tune: func(o *wakeup.Options) { o.Rescan = time.Second }}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101"}, App: app.run, AppReady: app.ready})
			a := h.Phone("101")
			schedule(t, app.st, "101", h.Clock().Now().Add(2*time.Second).Truncate(time.Second), retry)
			a.WaitRinging()
			app.restart()
			h.Eventually("the restarted app to be ready", 20*time.Second, app.ready)
			// The stopping app cancels the ringing call and the new one may
			// ring at once: the phone sees the CANCEL, then a new INVITE.
			h.Wait(2 * time.Second)
			h.Eventually("the wakeup to ring again", retry+10*time.Second, func() bool { return a.State() == "ringing" })
			a.Answer()
			a.Hears("hello")
			a.WaitHungUp(40 * time.Second)
			noChannelLeft(h)
			if ws := pending(t, app.st, "101"); len(ws) != 0 {
				t.Errorf("still scheduled after the answer: %+v", ws)
			}
		})
	}
}

// The app's event WebSocket drops while the wakeup rings: the app
// reconnects, its resync keeps the attempt's call (the anchor belongs to
// it), and the same call is answered and heard.
func TestHarnessWakeupRingingWhileTheWebSocketDropsCarriesOn(t *testing.T) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			app := &harnessApp{st: harnessStore(t, "101"), tune: func(o *wakeup.Options) { o.Rescan = time.Second }}
			h := harness.New(t, mode, harness.Options{Extensions: []string{"101"}, App: app.run, AppReady: app.ready})
			a := h.Phone("101")
			schedule(t, app.st, "101", h.Clock().Now().Add(2*time.Second).Truncate(time.Second), wakeup.RetryEvery)
			a.WaitRinging()
			h.DropAppWebSocket()
			h.Eventually("the app to reconnect", 10*time.Second, func() bool { return h.AppWebSockets() == 1 })
			h.Wait(2 * time.Second) // the resync runs
			if st := a.State(); st != "ringing" {
				t.Fatalf("the phone is %s after the reconnect, want still ringing", st)
			}
			a.Answer()
			a.Hears("hello")
			a.WaitHungUp(40 * time.Second)
			noChannelLeft(h)
			if ws := pending(t, app.st, "101"); len(ws) != 0 {
				t.Errorf("still scheduled after the answer: %+v", ws)
			}
		})
	}
}
