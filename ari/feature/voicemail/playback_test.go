package voicemail_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// messageTime plays 102's 8 s message, presses keys (one at a time, each
// after clock time gap) once it starts, and reports how much clock time
// passed from its start to the message menu after it.
func (r *rig) messageTime(keys string, gap time.Duration) time.Duration {
	r.T.Helper()
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.waitHeard(in, "recording:vm/102/msg-", 1, 30*time.Second)
	start := r.Clock.Now()
	for _, k := range keys {
		r.Advance(gap)
		before := r.Sim.PlaybackControls()
		if err := in.SendDTMF(string(k)); err != nil {
			r.T.Fatal(err)
		}
		// Every key here moves the playback: let the app do it before
		// clock time goes on (real time, the clock stands still).
		for deadline := time.Now().Add(5 * time.Second); r.Sim.PlaybackControls() == before; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				r.T.Fatalf("key %q moved no playback", k)
			}
		}
	}
	r.waitHeard(in, "sound:vm-repeat", 1, 30*time.Second)
	took := r.Clock.Now().Sub(start)
	if count(in, "recording:vm/102/msg-") != 1 {
		r.T.Errorf("the message restarted or stopped: %v", heard(in))
	}
	_ = in.Hangup()
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	r.WaitIdle()
	return took
}

func TestPoundFastForwardsAndStarRewindsTheMessageByThreeSeconds(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(8 * time.Second)
	near := func(got, want time.Duration) bool {
		return got >= want-150*time.Millisecond && got <= want+350*time.Millisecond
	}
	if got := r.messageTime("", 0); !near(got, 8*time.Second) {
		t.Fatalf("the message played %s untouched, want 8 s", got)
	}
	if got := r.messageTime("#", time.Second); !near(got, 5*time.Second) {
		t.Errorf("with # the message ended after %s, want 5 s (3 s skipped)", got)
	}
	if got := r.messageTime("#*", time.Second); !near(got, 8*time.Second) {
		t.Errorf("with # then * the message ended after %s, want 8 s (forward and back)", got)
	}
	if got := r.messageTime("*", 2*time.Second); !near(got, 10*time.Second) {
		t.Errorf("with * after 2 s the message ended after %s, want 10 s (back to its start)", got)
	}
	if got := r.messageTime("#", 6*time.Second); !near(got, 6*time.Second) {
		t.Errorf("with # 2 s before its end the message ended after %s, want 6 s (at once)", got)
	}
}

func TestZeroPausesAndResumesAndTwoRestartsTheMessage(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(8 * time.Second)
	near := func(got, want time.Duration) bool {
		return got >= want-150*time.Millisecond && got <= want+350*time.Millisecond
	}
	if got := r.messageTime("00", 2*time.Second); !near(got, 10*time.Second) {
		t.Errorf("paused at 2 s for 2 s, the message ended after %s, want 10 s", got)
	}
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.waitHeard(in, "recording:vm/102/msg-", 1, 30*time.Second)
	r.Advance(3 * time.Second)
	if err := in.SendDTMF("2"); err != nil {
		t.Fatal(err)
	}
	r.waitHeard(in, "recording:vm/102/msg-", 2, 30*time.Second)
	start := r.Clock.Now()
	r.waitHeard(in, "sound:vm-repeat", 1, 30*time.Second)
	if got := r.Clock.Now().Sub(start); !near(got, 8*time.Second) {
		t.Errorf("restarted, the message played %s more, want all of its 8 s", got)
	}
	_ = in.Hangup()
	r.WaitIdle()
}
