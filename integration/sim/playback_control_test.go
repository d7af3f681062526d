package sim

import (
	"encoding/json"
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

// A paused playback is silent, reads "paused", and refuses everything but
// stop, pause and unpause with 409 (res_stasis_playback's operation table);
// unpause plays on.
func TestPausedPlaybackIsSilentAndOnlyUnpauses(t *testing.T) {
	e := twoPhones(t)
	a, _ := bridgedCall(t, e, "mixing,dtmf_events")
	if st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/play", q("media", "sound:vm-intro", "playbackId", "pb"), nil); st != 201 {
		t.Fatal(st)
	}
	e.advance(500 * time.Millisecond)
	if st, _ := e.do("POST", "/playbacks/pb/control", q("operation", "pause"), nil); st != 204 {
		t.Fatalf("pause: %d", st)
	}
	var pb struct{ State string }
	st, body := e.do("GET", "/playbacks/pb", nil, nil)
	if err := json.Unmarshal(body, &pb); st != 200 || err != nil || pb.State != "paused" {
		t.Fatalf("paused playback: %d %s", st, body)
	}
	for _, h := range a.Hears() {
		if h == "sound:vm-intro" {
			t.Fatalf("the phone hears %v while the playback is paused", a.Hears())
		}
	}
	for _, op := range []string{"restart", "forward", "reverse"} {
		if st, _ := e.do("POST", "/playbacks/pb/control", q("operation", op), nil); st != 409 {
			t.Errorf("%s while paused: %d, want 409", op, st)
		}
	}
	e.advance(time.Minute) // paused: it does not end
	if st, _ := e.do("POST", "/playbacks/pb/control", q("operation", "unpause"), nil); st != 204 {
		t.Fatalf("unpause: %d", st)
	}
	heard := false
	for _, h := range a.Hears() {
		heard = heard || h == "sound:vm-intro"
	}
	if !heard {
		t.Fatalf("after unpause the phone hears %v, want sound:vm-intro", a.Hears())
	}
	e.waitEvent("PlaybackStarted", "")
}
