package voicemail_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGreetingsRecordedUnderTheOldFlatNamesAreStillPlayed(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second) // any WAV will do as a greeting
	wav, err := os.ReadFile(filepath.Join(r.Sim.RecordingDir(), r.messages("102", "")[0].FilePath))
	if err != nil {
		t.Fatal(err)
	}
	// Before greetings moved to vm/<box>/, they were vm-<box>-greet-….
	if err := os.WriteFile(filepath.Join(r.Sim.RecordingDir(), "vm-102-greet-name.wav"), wav, 0o644); err != nil {
		t.Fatal(err)
	}
	out := r.Dial(r.Device("101"), "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	_ = out.Hangup()
	want := []string{"sound:vm-theperson", "recording:vm-102-greet-name", "sound:vm-isunavail", "sound:vm-intro", "sound:beep"}
	if got := heard(out); !inOrder(got, want) {
		t.Errorf("caller heard %v, want the old recorded name: %v", got, want)
	}
	r.WaitIdle()
	if err := os.WriteFile(filepath.Join(r.Sim.RecordingDir(), "vm-102-greet-unavail.wav"), wav, 0o644); err != nil {
		t.Fatal(err)
	}
	again := r.Dial(r.Device("101"), "102")
	r.waitHeard(again, "sound:beep", 1, 60*time.Second)
	_ = again.Hangup()
	if got := heard(again); !inOrder(got, []string{"recording:vm-102-greet-unavail", "sound:vm-intro", "sound:beep"}) || count(again, "sound:vm-theperson") != 0 {
		t.Errorf("caller heard %v, want the old unavailable greeting", got)
	}
}

func TestErasingTheTemporaryGreetingAlsoErasesItsOldFlatName(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	wav, err := os.ReadFile(filepath.Join(r.Sim.RecordingDir(), r.messages("102", "")[0].FilePath))
	if err != nil {
		t.Fatal(err)
	}
	flat := filepath.Join(r.Sim.RecordingDir(), "vm-102-greet-temp.wav")
	if err := os.WriteFile(flat, wav, 0o644); err != nil {
		t.Fatal(err)
	}
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "4")
	r.dtmf(in, "sound:vm-tempgreeting2", 1, "2")
	r.waitHeard(in, "sound:vm-tempremoved", 1, 30*time.Second)
	_ = in.Hangup()
	if count(in, "sound:vm-tmpexists") != 1 {
		t.Errorf("the old temporary greeting was not announced: %v", heard(in))
	}
	if _, err := os.Stat(flat); !os.IsNotExist(err) {
		t.Errorf("the old temporary greeting survived its erasure: %v", err)
	}
	r.WaitIdle()
}
