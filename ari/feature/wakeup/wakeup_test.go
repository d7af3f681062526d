package wakeup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// The clock starts at 2026-11-25 12:00 UTC (13:00 in Berlin, CET).

func TestStarFiftyFiveStarStoresTheNextSuchTimeInTheSystemZoneAndConfirmsIt(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	out := r.dial(a, "*55*11260700#")
	ws := r.wakeups("101")
	if len(ws) != 1 {
		t.Fatalf("scheduled %d wakeups, want 1", len(ws))
	}
	if want := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC); !ws[0].At.Equal(want) {
		t.Errorf("stored at %s, want %s (07:00 CET)", ws[0].At, want)
	}
	if ws[0].MaxRetries != 1 || ws[0].RetryEverySec != 300 {
		t.Errorf("retries %d every %d s, want 1 every 300 s", ws[0].MaxRetries, ws[0].RetryEverySec)
	}
	want := []string{"sound:added", "sound:digits/mon-10", "sound:digits/20", "sound:digits/h-6",
		"sound:digits/at", "number:7", "sound:digits/oclock"}
	if got := heard(out); !inOrder(got, want) {
		t.Errorf("heard %v, want %v", got, want)
	}
	r.idle()
}

func TestWakeupInSummerIsStoredInDaylightSavingTime(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*07010630#")
	ws := r.wakeups("101")
	if len(ws) != 1 {
		t.Fatalf("scheduled %d wakeups, want 1", len(ws))
	}
	// 1 July 2027 06:30 CEST is 04:30 UTC (winter would give 05:30).
	if want := time.Date(2027, 7, 1, 4, 30, 0, 0, time.UTC); !ws[0].At.Equal(want) {
		t.Errorf("stored at %s, want %s", ws[0].At, want)
	}
}

func TestTimeSkippedByDaylightSavingIsRefusedAsInvalid(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	// 28 March 2027 02:30 does not exist in Berlin (clocks go 02:00 -> 03:00).
	out := r.Dial(a, "*55*03280230#")
	r.WaitStateAdvancing(out, sim.CallEnded, 120*time.Second)
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("scheduled %d wakeups for a time that does not exist", n)
	}
	if got := heard(out); !inOrder(got, []string{"sound:invalid", "sound:time"}) {
		t.Errorf("heard %v, want invalid and a new try", got)
	}
}

func TestWakeupRingsAtItsTimeAndTheAnsweredCallHearsTheMessage(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 0, 0, time.UTC))
	if n := incoming(a); n != 0 {
		t.Fatalf("rang %d times before the time", n)
	}
	r.Advance(50 * time.Second)
	if n := incoming(a); n != 0 {
		t.Fatalf("rang %d times 10 s before the time", n)
	}
	r.Advance(15 * time.Second)
	in := r.rings(a)
	if name, num := in.CallerID(); name != "Wakeup" || num != "*55" {
		t.Errorf("caller id %q <%s>, want \"Wakeup\" <*55>", name, num)
	}
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	want := []string{"sound:hello", "sound:time", "sound:is", "number:7", "sound:digits/oclock",
		"sound:hello", "sound:goodbye"}
	if got := heard(in); !inOrder(got, want) {
		t.Errorf("heard %v, want %v", got, want)
	}
	ws, err := r.st.Wakeups.Due(context.Background(), r.Clock.Now().Add(24*time.Hour))
	if err != nil || len(ws) != 0 {
		t.Errorf("still scheduled after the answer: %v %v", ws, err)
	}
	r.Advance(10 * time.Minute)
	if n := incoming(a); n != 1 {
		t.Errorf("rang %d times, want once", n)
	}
	r.idle()
}

func TestUnansweredWakeupRingsOnceMoreFiveMinutesLaterThenGivesUp(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 50, 0, time.UTC))
	r.Advance(15 * time.Second)
	r.rings(a)
	r.Advance(50 * time.Second) // 45 s ring timeout
	if a.Ringing() != nil || incoming(a) != 1 {
		t.Fatalf("after the ring timeout: ringing %v, %d calls", a.Ringing() != nil, incoming(a))
	}
	r.Advance(4 * time.Minute)
	if n := incoming(a); n != 1 {
		t.Fatalf("rang %d times within 5 minutes", n)
	}
	r.Advance(20 * time.Second)
	r.rings(a) // the retry, 5 minutes after the unanswered call
	r.Advance(50 * time.Second)
	// Half an hour in one step (3,600 half-second steps take longer than
	// the rig's 5 s on a loaded machine), then time for a wrong third
	// attempt to start ringing.
	r.jump(30 * time.Minute)
	r.Advance(5 * time.Second)
	if n := incoming(a); n != 2 {
		t.Errorf("rang %d times, want 2 (one retry)", n)
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups still scheduled after the retry", n)
	}
	r.idle()
}

func TestStarZeroFiftyFiveCancelsAllWakeups(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.dial(a, "*55*11270700#")
	out := r.dial(a, "*055#")
	if n := len(r.wakeups("101")); n != 0 {
		t.Fatalf("%d wakeups left after *055#", n)
	}
	if got := heard(out); !inOrder(got, []string{"sound:cancelled"}) {
		t.Errorf("heard %v, want cancelled", got)
	}
	r.jumpTo(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
	r.Advance(2 * time.Minute)
	if n := incoming(a); n != 0 {
		t.Errorf("a cancelled wakeup rang %d times", n)
	}
}

func TestRestartedSchedulerRingsTheStoredWakeup(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	r.stopScheduler()
	r.jumpTo(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC))
	r.startScheduler()
	r.jumpTo(time.Date(2026, 11, 26, 5, 59, 50, 0, time.UTC))
	r.Advance(15 * time.Second)
	in := r.rings(a)
	if err := in.Answer(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if got := heard(in); !inOrder(got, []string{"sound:hello"}) {
		t.Errorf("heard %v, want the wakeup message", got)
	}
	r.idle()
}

func TestWakeupOverdueAtStartRingsAtOnceButLongOverdueIsMissed(t *testing.T) {
	r := newRig(t)
	a, b := r.Device("101"), r.Device("102")
	r.dial(a, "*55*11260700#")
	r.dial(b, "*55*11260620#")
	r.stopScheduler()
	// The app comes back at 07:10: 101 (10 min late) rings, 102 (50 min) not.
	r.jumpTo(time.Date(2026, 11, 26, 6, 10, 0, 0, time.UTC))
	r.startScheduler()
	r.Advance(2 * time.Second)
	r.rings(a) // 10 minutes overdue: rings at start
	r.Advance(10 * time.Minute)
	if n := incoming(b); n != 0 {
		t.Errorf("50 minutes overdue: rang %d times", n)
	}
	ws, err := r.st.Wakeups.Due(context.Background(), r.Clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if w.Extension == "102" {
			t.Errorf("missed wakeup still scheduled: %+v", w)
		}
	}
}

func TestZoneFromTheSettingsOverridesTheLocation(t *testing.T) {
	tokyo := mustZone("Asia/Tokyo")
	r := newRigWith(t, func(o *wakeup.Options) {
		o.Zone = func(context.Context) *time.Location { return tokyo }
	})
	a := r.Device("101")
	r.dial(a, "*55*11260700#")
	ws := r.wakeups("101")
	// 26 November 07:00 in Tokyo (UTC+9) is 25 November 22:00 UTC.
	if len(ws) != 1 || !ws[0].At.Equal(time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("scheduled %+v, want one at 2026-11-25 22:00 UTC", ws)
	}
}

func TestNewSchedulerRefusesMissingStoreOrClient(t *testing.T) {
	if _, err := wakeup.NewScheduler(wakeup.Options{}); !errors.Is(err, wakeup.ErrConfig) {
		t.Errorf("err %v, want ErrConfig", err)
	}
}
