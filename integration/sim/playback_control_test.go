package sim

import (
	"testing"
	"time"
)

// Restart starts the medium under way again, not the whole list:
// res_stasis_playback plays a list one file at a time and
// AST_CONTROL_STREAM_RESTART restarts the current one.
func TestRestartReplaysTheCurrentMediumOfAList(t *testing.T) {
	e := twoPhones(t)
	a, _ := bridgedCall(t, e, "mixing,dtmf_events")
	if st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/play", q("media", "sound:beep,sound:beep", "playbackId", "pb"), nil); st != 201 {
		t.Fatal(st)
	}
	e.advance(600 * time.Millisecond) // beep is 426 ms: the second one plays
	if st, _ := e.do("POST", "/playbacks/pb/control", q("operation", "restart"), nil); st != 204 {
		t.Fatalf("restart: %d", st)
	}
	e.advance(300 * time.Millisecond)
	if st, _ := e.do("GET", "/playbacks/pb", nil, nil); st != 200 {
		t.Fatal("the playback ended 300 ms after restarting the second beep")
	}
	e.advance(200 * time.Millisecond)
	e.waitEvent("PlaybackFinished", "")
	n := 0
	for _, h := range a.Heard() {
		if h.What == "sound:beep" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("beep heard %d times, want 3 (first, second, second again); heard %v", n, a.Heard())
	}
}
