package voicemail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

// played lists the recordings a call heard.
func played(c *sim.Call) []string {
	var out []string
	for _, h := range heard(c) {
		if strings.HasPrefix(h, "recording:") {
			out = append(out, h)
		}
	}
	return out
}

func TestMessagesAreRecordedInTheMailboxFolder(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	ms := r.messages("102", store.FolderNew)
	if len(ms) != 1 || !strings.HasPrefix(ms[0].FilePath, "vm/102/msg-") {
		t.Fatalf("messages %+v, want one recorded as vm/102/msg-…", ms)
	}
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), ms[0].FilePath)); err != nil {
		t.Fatalf("no WAV in the mailbox folder: %v", err)
	}
}

func TestSavedMessageMovesToTheChosenFolderAndIsPlayedFromThere(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(3 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "9")
	r.dtmf(in, "sound:vm-savefolder", 1, "2") // Work
	r.waitHeard(in, "sound:vm-savedto", 1, 30*time.Second)
	// Work is not listed with new and old: back to the main menu.
	r.dtmf(in, "sound:vm-opts", 2, "2")
	r.dtmf(in, "sound:vm-changeto", 1, "2")
	r.dtmf(in, "sound:vm-opts", 3, "1")
	r.dtmf(in, "sound:vm-repeat", 2, "#")
	r.dtmf(in, "sound:vm-opts", 4, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if got := heard(in); !inOrder(got, []string{"sound:vm-message", "number:1", "sound:vm-savedto", "sound:vm-Work", "sound:vm-messages"}) {
		t.Errorf("no confirmation of the save: %v", got)
	}
	if got := played(in); len(got) != 2 || got[0] != got[1] {
		t.Errorf("played %v, want the message, then again from Work", got)
	}
	if ms := r.messages("102", store.FolderWork); len(ms) != 1 {
		t.Errorf("%d messages in Work, want 1", len(ms))
	}
	if n, o := r.mwi("102"); n != 0 || o != 0 {
		t.Errorf("MWI new=%d old=%d, want 0/0 (Work is not counted)", n, o)
	}
}

func TestFolderChoiceListsTheFoldersAndPoundCancels(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "2")
	r.dtmf(in, "sound:vm-tocancel", 1, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	want := []string{"sound:vm-changeto", "sound:vm-press",
		"number:0", "sound:vm-for", "sound:vm-INBOX", "sound:vm-messages",
		"number:1", "sound:vm-for", "sound:vm-Old", "sound:vm-messages",
		"number:2", "sound:vm-for", "sound:vm-Work", "sound:vm-messages",
		"number:3", "sound:vm-for", "sound:vm-Family", "sound:vm-messages",
		"number:4", "sound:vm-for", "sound:vm-Friends", "sound:vm-messages", "sound:vm-tocancel"}
	if got := heard(in); !inOrder(got, want) {
		t.Errorf("heard %v, want in order %v", got, want)
	}
}

func TestForwardedMessageLandsAsNewInTheTargetMailboxAndLightsItsLamp(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(3 * time.Second)
	r.Dir.Ext("101").VoicemailEnabled = false
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "8")
	r.dtmf(in, "sound:vm-extension", 1, "102#") // own mailbox
	r.dtmf(in, "sound:vm-extension", 2, "101#") // no voicemail
	r.dtmf(in, "sound:vm-extension", 3, "103#")
	r.dtmf(in, "sound:vm-forwardoptions", 1, "2")
	r.waitHeard(in, "sound:vm-msgforwarded", 1, 30*time.Second)
	if n := count(in, "sound:pbx-invalid"); n != 2 {
		t.Errorf("heard pbx-invalid %d times, want 2: %v", n, heard(in))
	}
	if !inOrder(heard(in), []string{"sound:vm-extension", "digits:103", "sound:vm-msgforwarded"}) {
		t.Errorf("the target was not confirmed: %v", heard(in))
	}
	r.dtmf(in, "sound:vm-repeat", 2, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	orig := r.messages("102", "")
	fwd := r.messages("103", store.FolderNew)
	if len(orig) != 1 || len(fwd) != 1 {
		t.Fatalf("102 has %d messages, 103 %d new; want 1 and 1", len(orig), len(fwd))
	}
	if fwd[0].CallerNumber != "101" || fwd[0].DurationSec != orig[0].DurationSec || !strings.HasPrefix(fwd[0].FilePath, "vm/103/msg-") || fwd[0].IntroPath != "" {
		t.Errorf("forwarded copy %+v of %+v", fwd[0], orig[0])
	}
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), fwd[0].FilePath)); err != nil {
		t.Errorf("the copy's WAV: %v", err)
	}
	if n, o := r.mwi("103"); n != 1 || o != 0 {
		t.Errorf("103's MWI new=%d old=%d, want 1/0", n, o)
	}
	if n, o := r.mwi("102"); n != 0 || o != 1 {
		t.Errorf("102's MWI new=%d old=%d, want 0/1", n, o)
	}
}

func TestTemporaryGreetingReplacesBusyAndUnavailableUntilErased(t *testing.T) {
	r := newRig(t, nil)
	dev := r.Device("102")
	in := r.Dial(dev, "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "4")
	r.waitHeard(in, "sound:vm-rec-temp", 1, 30*time.Second)
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(2 * time.Second)
	r.dtmf(in, "sound:beep", 1, "#")
	r.waitHeard(in, "sound:vm-msgsaved", 1, 30*time.Second)
	if err := in.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	const temp = "recording:vm/102/greet-temp"
	unavailable := r.Dial(r.Device("101"), "102") // rings 102 unanswered
	r.waitHeard(unavailable, "sound:beep", 1, 60*time.Second)
	_ = unavailable.Hangup()
	r.WaitIdle()
	r.Dir.Ext("102").DND, r.Dir.Ext("102").DNDToVoicemail = true, true
	busy := r.Dial(r.Device("101"), "102")
	r.waitHeard(busy, "sound:beep", 1, 60*time.Second)
	_ = busy.Hangup()
	r.WaitIdle()
	for name, c := range map[string]*sim.Call{"unavailable": unavailable, "busy": busy} {
		if got := heard(c); !inOrder(got, []string{temp, "sound:vm-intro", "sound:beep"}) || count(c, "sound:vm-theperson") != 0 {
			t.Errorf("%s caller heard %v, want the temporary greeting", name, got)
		}
	}
	again := r.Dial(dev, "*61#")
	r.dtmf(again, "sound:vm-password", 1, "1234#")
	r.dtmf(again, "sound:vm-opts", 1, "0")
	r.dtmf(again, "sound:vm-options", 1, "4")
	r.dtmf(again, "sound:vm-tempgreeting2", 1, "2")
	r.waitHeard(again, "sound:vm-tempremoved", 1, 30*time.Second)
	if !inOrder(heard(again), []string{"sound:vm-tmpexists", "sound:vm-options"}) {
		t.Errorf("the options did not say a temporary greeting is on: %v", heard(again))
	}
	_ = again.Hangup()
	r.WaitIdle()
	after := r.Dial(r.Device("101"), "102")
	r.waitHeard(after, "sound:beep", 1, 60*time.Second)
	_ = after.Hangup()
	if count(after, temp) != 0 || count(after, "sound:vm-theperson") != 1 {
		t.Errorf("after erasing, the caller heard %v, want the default busy greeting", heard(after))
	}
}

func TestTooShortGreetingDoesNotReplaceTheDefault(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "2")
	r.dtmf(in, "sound:beep", 1, "#") // at once: nothing recorded
	r.waitHeard(in, "sound:vm-tooshort", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), "vm", "102", "greet-busy.wav")); !os.IsNotExist(err) {
		t.Errorf("the empty greeting was kept: %v", err)
	}
	r.Dir.Ext("102").DND, r.Dir.Ext("102").DNDToVoicemail = true, true
	out := r.Dial(r.Device("101"), "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	_ = out.Hangup()
	if !inOrder(heard(out), []string{"sound:vm-theperson", "digits:102", "sound:vm-isonphone"}) {
		t.Errorf("busy caller heard %v, want the default greeting", heard(out))
	}
}
