package voicemail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// Timing of a message under the playback keys is checked in a window of
// clock time around the expected end: not ended 150 ms before it, ended by
// 350 ms after it. The clock stands still while the app reacts (to a key,
// to the end of the message), so the window is exact however slow the
// machine is; only real-time waits stretch.
const (
	early = 150 * time.Millisecond
	late  = 350 * time.Millisecond
)

// messageEnds plays 102's 8 s message, presses keys (the first gap of clock
// time after the message started, each next one gap after the previous)
// and checks that the message menu follows the message want after its
// start. It reports what went wrong ("" when nothing did).
func (r *rig) messageEnds(keys string, gap, want time.Duration) string {
	r.T.Helper()
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	start := r.startOf(in, "recording:vm/102/msg-", 1)
	at := start
	for _, k := range keys {
		at = at.Add(gap)
		r.advanceTo(at)
		before := r.Sim.PlaybackControls()
		if err := in.SendDTMF(string(k)); err != nil {
			r.T.Fatal(err)
		}
		// Every key here moves the playback: the app does it before clock
		// time goes on.
		r.realWait("key "+string(k)+" to move the playback", func() bool { return r.Sim.PlaybackControls() != before })
	}
	problem := ""
	r.advanceTo(start.Add(want - early))
	time.Sleep(100 * time.Millisecond) // an end due by now reaches the app and the menu starts
	if count(in, "sound:vm-repeat") > 0 {
		problem = "the message ended before " + (want - early).String()
	} else {
		r.advanceTo(start.Add(want + late))
		r.realWait("the message menu after the message", func() bool { return count(in, "sound:vm-repeat") > 0 })
	}
	if count(in, "recording:vm/102/msg-") != 1 {
		problem += "; the message restarted or stopped: " + strings.Join(heard(in), ",")
	}
	_ = in.Hangup()
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	r.WaitIdle()
	return problem
}

// startOf waits (clock time passing) until the call heard media starting
// with prefix n times and returns the clock time the n-th began.
func (r *rig) startOf(c *sim.Call, prefix string, n int) time.Time {
	r.T.Helper()
	r.waitHeard(c, prefix, n, 30*time.Second)
	seen := 0
	for _, h := range c.Heard() {
		if strings.HasPrefix(h.What, prefix) {
			if seen++; seen == n {
				return h.At
			}
		}
	}
	r.T.Fatalf("%q heard fewer than %d times", prefix, n)
	return time.Time{}
}

// advanceTo moves the clock to t in the rig's steps (no-op when past it).
func (r *rig) advanceTo(t time.Time) {
	r.T.Helper()
	if d := t.Sub(r.Clock.Now()); d > 0 {
		r.Advance(d)
	}
}

// realWait waits real time (at most 5 s, the clock standing still) for cond.
func (r *rig) realWait(what string, cond func() bool) {
	r.T.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			r.T.Fatalf("never: %s", what)
		}
	}
}

func TestPoundFastForwardsAndStarRewindsTheMessageByThreeSeconds(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(8 * time.Second)
	for _, tc := range []struct {
		keys      string
		gap, want time.Duration
		what      string
	}{
		{"", 0, 8 * time.Second, "untouched"},
		{"#", time.Second, 5 * time.Second, "# after 1 s (3 s skipped)"},
		{"#*", time.Second, 8 * time.Second, "# then * (forward and back)"},
		{"*", 2 * time.Second, 10 * time.Second, "* after 2 s (back to its start)"},
		{"#", 6 * time.Second, 6 * time.Second, "# 2 s before its end (ends at once)"},
	} {
		if problem := r.messageEnds(tc.keys, tc.gap, tc.want); problem != "" {
			t.Errorf("%s, want the message to end after %s: %s", tc.what, tc.want, problem)
		}
	}
}

func TestZeroPausesAndResumesAndTwoRestartsTheMessage(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(8 * time.Second)
	if problem := r.messageEnds("00", 2*time.Second, 10*time.Second); problem != "" {
		t.Errorf("paused at 2 s for 2 s, want the message to end after 10 s: %s", problem)
	}
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	first := r.startOf(in, "recording:vm/102/msg-", 1)
	r.advanceTo(first.Add(3 * time.Second))
	if err := in.SendDTMF("2"); err != nil {
		t.Fatal(err)
	}
	again := r.startOf(in, "recording:vm/102/msg-", 2)
	r.advanceTo(again.Add(8*time.Second - early))
	time.Sleep(100 * time.Millisecond)
	if count(in, "sound:vm-repeat") > 0 {
		t.Errorf("restarted, the message ended before all of its 8 s played again")
	}
	r.advanceTo(again.Add(8*time.Second + late))
	r.realWait("the message menu after the restarted message", func() bool { return count(in, "sound:vm-repeat") > 0 })
	_ = in.Hangup()
	r.WaitIdle()
}
