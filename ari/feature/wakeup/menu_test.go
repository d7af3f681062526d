package wakeup_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestMenuAddsAfterAnInvalidDateListsAndCancelsAll(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	out := r.Dial(a, "*55#")
	r.press(out, "sound:vm-toenternumber", 1, "1")
	r.press(out, "sound:vm-then-pound", 1, "02300700#") // 30 February
	r.press(out, "sound:vm-then-pound", 2, "11260730#")
	r.press(out, "sound:vm-toenternumber", 2, "2")
	r.press(out, "sound:vm-toenternumber", 3, "3")
	r.press(out, "sound:vm-toenternumber", 4, "#")
	r.WaitStateAdvancing(out, sim.CallEnded, 60*time.Second)
	want := []string{"sound:invalid", "sound:added", "sound:digits/mon-10", "number:7", "number:30",
		"sound:vm-youhave", "number:1", "sound:digits/mon-10", "sound:digits/20", "sound:digits/h-6",
		"sound:digits/at", "number:7", "number:30", "sound:cancelled"}
	if got := heard(out); !inOrder(got, want) {
		t.Errorf("heard %v\nwant in order %v", got, want)
	}
	if n := len(r.wakeups("101")); n != 0 {
		t.Errorf("%d wakeups left after menu option 3", n)
	}
	r.idle()
}

func TestMenuHangsUpAfterThreeSilentRounds(t *testing.T) {
	r := newRig(t)
	a := r.Device("101")
	out := r.Dial(a, "*55#")
	r.WaitStateAdvancing(out, sim.CallEnded, 3*time.Minute)
	if n := count(out, "sound:vm-toenternumber"); n != 3 {
		t.Errorf("menu played %d times, want 3", n)
	}
	r.idle()
}
