package voicemail_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestNoAnswerGoesToVoicemailWhichStoresTheMessageAndLightsTheLamp(t *testing.T) {
	r := newRig(t, nil)
	r.Device("102")
	out := r.leaveMessage(4 * time.Second)
	want := []string{"sound:vm-theperson", "digits:102", "sound:vm-isunavail", "sound:vm-intro", "sound:beep",
		"sound:vm-msgsaved", "sound:vm-goodbye"}
	if got := heard(out); !inOrder(got, want) {
		t.Errorf("caller heard %v, want in order %v", got, want)
	}
	ms := r.messages("102", "new")
	if len(ms) != 1 {
		t.Fatalf("%d new messages, want 1", len(ms))
	}
	m := ms[0]
	if m.DurationSec < 3 || m.DurationSec > 5 {
		t.Errorf("duration %d s, want about 4", m.DurationSec)
	}
	if m.CallerNumber != "101" || m.CallerName != "Ext 101" {
		t.Errorf("caller %q %q, want 101 \"Ext 101\"", m.CallerNumber, m.CallerName)
	}
	fi, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), m.FilePath))
	if err != nil || fi.Size() <= 44 {
		t.Errorf("message WAV %s: %v (size %v)", m.FilePath, err, fi)
	}
	if n, o := r.mwi("102"); n != 1 || o != 0 {
		t.Errorf("MWI new=%d old=%d, want 1/0", n, o)
	}
	r.WaitIdle()
}

func TestMessageIsKeptWhenTheCallerHangsUpWhileSpeaking(t *testing.T) {
	r := newRig(t, nil)
	a := r.Device("101")
	out := r.Dial(a, "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	r.Advance(3 * time.Second)
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	ms := r.messages("102", "new")
	if len(ms) != 1 {
		t.Fatalf("%d new messages after a hang-up while recording, want 1", len(ms))
	}
	if ms[0].DurationSec < 2 {
		t.Errorf("duration %d s, want about 3", ms[0].DurationSec)
	}
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), ms[0].FilePath)); err != nil {
		t.Errorf("message WAV missing: %v", err)
	}
	if n, _ := r.mwi("102"); n != 1 {
		t.Errorf("MWI new=%d, want 1", n)
	}
}

func TestHangingUpDuringTheGreetingLeavesNoMessage(t *testing.T) {
	r := newRig(t, nil)
	a := r.Device("101")
	out := r.Dial(a, "102")
	r.waitHeard(out, "sound:vm-theperson", 1, 60*time.Second)
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	if ms := r.messages("102", ""); len(ms) != 0 {
		t.Errorf("%d messages, want none", len(ms))
	}
	if _, _, ok := r.Sim.Mailbox("102@default"); ok {
		t.Error("MWI was published without a message")
	}
	_ = sim.CallEnded
}

func TestMessageIsKeptWhenTheAppStopsWhileTheCallerSpeaks(t *testing.T) {
	r := newRig(t, nil)
	out := r.Dial(r.Device("101"), "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	r.Advance(3 * time.Second)
	r.Stop()
	ms := r.messages("102", "new")
	if len(ms) != 1 {
		t.Fatalf("%d messages after the app stopped during the recording, want 1", len(ms))
	}
	if ms[0].DurationSec != 3 {
		t.Errorf("duration %d s, want 3", ms[0].DurationSec)
	}
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), ms[0].FilePath)); err != nil {
		t.Errorf("message WAV missing: %v", err)
	}
}
