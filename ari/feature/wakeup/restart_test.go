package wakeup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestRestartWhileRingingDoesNotCallTwice(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 55, 0, time.UTC))
	r.Advance(10 * time.Second)
	r.rings(a)
	ws := r.wakeups("101")
	if len(ws) != 1 {
		t.Fatalf("%d wakeups scheduled", len(ws))
	}
	ch := wakeup.ChannelID(ws[0].ID, 1)
	if _, err := r.Client.Channels().Get(context.Background(), ch); err != nil {
		t.Fatalf("wakeup channel %s: %v", ch, err)
	}
	r.stopScheduler()
	r.startScheduler() // finds the same attempt due: 409, watches it
	r.Advance(5 * time.Second)
	if n := incoming(a); n != 1 {
		t.Fatalf("rang %d times after the restart, want the one call", n)
	}
	in := r.rings(a)
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	r.Advance(10 * time.Minute)
	if n := incoming(a); n != 1 {
		t.Errorf("rang %d times, want once", n)
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after the answer", n)
	}
	r.idle()
}

func TestOriginateOfAnExistingChannelIDIsAConflict(t *testing.T) {
	// The idempotency the scheduler relies on, as the simulator (and
	// Asterisk, ari-semantics §2.14) implement it.
	r := newRig(t)
	r.Device("101")
	p := ari.ChannelOriginateWithIDParams{Endpoint: "PJSIP/101", App: "switchboard", AppArgs: "wakeup,1", Timeout: 45}
	ctx := context.Background()
	if _, err := r.Client.Channels().OriginateWithID(ctx, wakeup.ChannelID(1, 1), p); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Client.Channels().OriginateWithID(ctx, wakeup.ChannelID(1, 1), p); !errors.Is(err, ari.ErrConflict) {
		t.Fatalf("second originate with the same id: %v, want ari.ErrConflict", err)
	}
	r.Advance(50 * time.Second)
}

func TestUnregisteredPhoneCountsAsUnansweredAndIsRetried(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	a.Unregister()
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 55, 0, time.UTC))
	r.Advance(10 * time.Second)
	var ws []store.WakeupCall
	r.creeping("the failed attempt is recorded", 5*time.Second, func() bool {
		ws = r.wakeups("101")
		return len(ws) != 1 || ws[0].Attempts != 0
	})
	if len(ws) != 1 || ws[0].Attempts != 1 {
		t.Fatalf("after the failed attempt: %+v, want one scheduled with 1 attempt", ws)
	}
	// 5 minutes after the attempt, which was made while the clock ran from
	// 07:00 (06:00 UTC) through the 10 s advanced above (under -race the
	// scheduler may react a few clock steps late).
	if want := time.Date(2026, 11, 26, 6, 5, 0, 0, time.UTC); ws[0].At.Before(want) || ws[0].At.After(want.Add(10*time.Second)) {
		t.Errorf("retry at %s, want %s", ws[0].At, want)
	}
	if err := a.Register(""); err != nil {
		t.Fatal(err)
	}
	r.Advance(5 * time.Minute)
	in := r.rings(a) // the retry
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if got := heard(in); !inOrder(got, []string{"sound:hello", "sound:time", "sound:is", "number:7", "sound:digits/oh", "number:5"}) {
		t.Errorf("heard %v, want the message with the time 7:05", got)
	}
	r.idle()
}

// An anchor that never reaches the app (the scheduler ran before the app was
// connected) is no attempt: nothing is recorded and it is started again;
// once the app is there, the wakeup rings at once. Here the anchors are
// created for an application no engine serves; Asterisk hangs such a channel
// up at once (Stasis fails), the simulator keeps it, so the test hangs it up.
func TestAttemptThatNeverReachesTheAppIsNotCountedAndIsStartedAgain(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.stopScheduler()
	r.tune = func(o *wakeup.Options) { o.App = "elsewhere" }
	r.startScheduler()
	ctx := context.Background()
	anchor := wakeup.ChannelID(1, 1)
	exists := func() bool { _, err := r.Client.Channels().Get(ctx, anchor); return err == nil }
	hangUp := func() {
		t.Helper()
		if err := r.Client.Channels().Hangup(ctx, anchor, ari.ChannelHangupParams{}); err != nil {
			t.Fatal(err)
		}
		r.eventually("the anchor to be gone", func() bool { return !exists() })
	}
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 55, 0, time.UTC))
	r.Advance(6 * time.Second)
	r.creeping("the first anchor", 5*time.Second, exists)
	hangUp()
	r.Advance(2 * time.Second)
	if exists() {
		t.Fatal("started again at once, want a pause")
	}
	r.Advance(5 * time.Second)
	// The watcher may have armed its poll or pause timer after a clock step
	// on a loaded machine: let the clock creep (at most 5 s more).
	r.creeping("the anchor started again", 5*time.Second, exists)
	if n := incoming(a); n != 0 {
		t.Fatalf("rang %d times without the app", n)
	}
	if ws := r.wakeups("101"); len(ws) != 1 || ws[0].Attempts != 0 || !ws[0].At.Equal(time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("after attempts that never reached the app: %+v, want it untouched", ws)
	}
	r.stopScheduler()
	hangUp()
	r.tune = nil
	r.startScheduler()
	r.Advance(2 * time.Second)
	in := r.rings(a) // once the app is there
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after the answer", n)
	}
	r.idle()
}
