package voicemail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestOwnMailboxHearsTheNewMessageMarksItReadAndDeletesIt(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(4 * time.Second)
	file := filepath.Join(r.Sim.RecordingDir(), r.messages("102", "new")[0].FilePath)
	b := r.Device("102")
	in := r.Dial(b, "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.waitHeard(in, "sound:vm-opts", 1, 30*time.Second)
	if got, want := heard(in), []string{"sound:vm-youhave", "number:1", "sound:vm-INBOX", "sound:vm-message"}; !inOrder(got, want) {
		t.Errorf("heard %v, want in order %v", got, want)
	}
	if err := in.SendDTMF("1"); err != nil {
		t.Fatal(err)
	}
	r.waitHeard(in, "recording:vm/102/msg-", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-repeat", 1, "7")
	r.waitHeard(in, "sound:vm-deleted", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if ms := r.messages("102", ""); len(ms) != 0 {
		t.Errorf("%d messages left after delete", len(ms))
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the WAV is still there after delete: %v", err)
	}
	if n, o := r.mwi("102"); n != 0 || o != 0 {
		t.Errorf("MWI new=%d old=%d after delete, want 0/0", n, o)
	}
	r.WaitIdle()
}

func TestListeningToAMessageMovesItToOld(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(3 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if n, o := len(r.messages("102", "new")), len(r.messages("102", "old")); n != 0 || o != 1 {
		t.Errorf("new=%d old=%d after listening, want 0/1", n, o)
	}
	if n, o := r.mwi("102"); n != 0 || o != 1 {
		t.Errorf("MWI new=%d old=%d, want 0/1", n, o)
	}
}

func TestThreeWrongPasswordsSayGoodbyeAndHangUp(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("102"), "*61#")
	for i := 1; i <= 3; i++ {
		r.dtmf(in, "sound:vm-password", i, "9999#")
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if n := count(in, "sound:vm-incorrect"); n != 3 {
		t.Errorf("heard vm-incorrect %d times, want 3 (then goodbye)", n)
	}
	if count(in, "sound:vm-youhave") != 0 {
		t.Error("wrong passwords opened the mailbox")
	}
	if !inOrder(heard(in), []string{"sound:vm-goodbye"}) {
		t.Errorf("no goodbye: %v", heard(in))
	}
}

func TestRepeatedFailuresLockTheMailboxUntilTheLockTimeHasPassed(t *testing.T) {
	r := newRig(t, func(o *voicemail.Options) { o.LockFailures, o.LockFor = 3, 10*time.Minute })
	dev := r.Device("102")
	first := r.Dial(dev, "*61#")
	for i := 1; i <= 3; i++ {
		r.dtmf(first, "sound:vm-password", i, "0000#")
	}
	r.WaitStateAdvancing(first, sim.CallEnded, 30*time.Second)
	until, err := r.st.Voicemail.LockedUntil(r.Ctx(), "102", r.Clock.Now())
	if err != nil || until.IsZero() {
		t.Fatalf("the store holds no lock for 102 (%v): a restart would clear it", err)
	}
	locked := r.Dial(dev, "*61#")
	r.dtmf(locked, "sound:vm-password", 1, "1234#")
	r.WaitStateAdvancing(locked, sim.CallEnded, 30*time.Second)
	if count(locked, "sound:vm-youhave") != 0 {
		t.Fatal("the right password opened a locked mailbox")
	}
	r.Clock.Advance(10 * time.Minute)
	again := r.Dial(dev, "*61#")
	r.dtmf(again, "sound:vm-password", 1, "1234#")
	r.dtmf(again, "sound:vm-opts", 1, "#")
	r.WaitStateAdvancing(again, sim.CallEnded, 30*time.Second)
	if count(again, "sound:vm-youhave") != 1 {
		t.Errorf("the mailbox stayed locked after the lock time: %v", heard(again))
	}
}

func TestMainMenuAsksForTheMailboxThenThePassword(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("101"), "*60#")
	r.dtmf(in, "sound:vm-login", 1, "102#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if want := []string{"sound:vm-youhave", "sound:vm-no", "sound:vm-messages", "sound:vm-opts", "sound:vm-goodbye"}; !inOrder(heard(in), want) {
		t.Errorf("heard %v, want in order %v", heard(in), want)
	}
}

func TestCallerIDNeverOpensAMailboxWithoutPassword(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("101"), "*61#") // 101 has no password
	for i := 1; i <= 3; i++ {
		r.dtmf(in, "sound:vm-password", i, "#")
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if count(in, "sound:vm-youhave") != 0 {
		t.Errorf("a mailbox without password opened: %v", heard(in))
	}
}

func TestChangedPasswordIsCheckedTwiceAndThenRequired(t *testing.T) {
	r := newRig(t, nil)
	dev := r.Device("102")
	in := r.Dial(dev, "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "5")
	r.dtmf(in, "sound:vm-newpassword", 1, "12#")
	r.waitHeard(in, "sound:vm-invalid-password", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-options", 2, "5")
	r.dtmf(in, "sound:vm-newpassword", 2, "5678#")
	r.dtmf(in, "sound:vm-reenterpassword", 1, "5679#")
	r.waitHeard(in, "sound:vm-mismatch", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-options", 3, "5")
	r.dtmf(in, "sound:vm-newpassword", 3, "5678#")
	r.dtmf(in, "sound:vm-reenterpassword", 2, "5678#")
	r.waitHeard(in, "sound:vm-passchanged", 1, 30*time.Second)
	if err := in.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	if got := r.Dir.Ext("102").VoicemailPassword; got != "5678" {
		t.Fatalf("password %q, want 5678", got)
	}
	again := r.Dial(dev, "*61#")
	r.dtmf(again, "sound:vm-password", 1, "5678#")
	r.waitHeard(again, "sound:vm-youhave", 1, 30*time.Second)
	_ = again.Hangup()
}

func TestRecordedBusyGreetingReplacesTheDefault(t *testing.T) {
	r := newRig(t, nil)
	dev := r.Device("102")
	in := r.Dial(dev, "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "2")
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(3 * time.Second)
	r.dtmf(in, "sound:beep", 1, "#")
	r.waitHeard(in, "sound:vm-msgsaved", 1, 30*time.Second)
	// Still in the call: 102 is busy for 101, voicemail "busy" answers.
	r.Dir.Ext("102").DND, r.Dir.Ext("102").DNDToVoicemail = true, true
	out := r.Dial(r.Device("101"), "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	got := strings.Join(heard(out), " ")
	if !strings.Contains(got, "recording:vm/102/greet-busy") || strings.Contains(got, "vm-theperson") {
		t.Errorf("busy caller heard %q, want the recorded greeting", got)
	}
	_ = out.Hangup()
	_ = in.Hangup()
}

func TestMessagesPlayOldestFirstWithNextPreviousAndSave(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	r.Clock.Advance(time.Minute)
	r.leaveMessage(5 * time.Second)
	ms := r.messages("102", "new") // newest first
	if len(ms) != 2 {
		t.Fatalf("%d messages, want 2", len(ms))
	}
	older, newer := "recording:"+strings.TrimSuffix(ms[1].FilePath, ".wav"), "recording:"+strings.TrimSuffix(ms[0].FilePath, ".wav")
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "6")
	r.dtmf(in, "sound:vm-repeat", 2, "4")
	r.dtmf(in, "sound:vm-repeat", 3, "5")
	r.dtmf(in, "sound:vm-repeat", 4, "9")
	r.dtmf(in, "sound:vm-savefolder", 1, "1") // Old: still listed, the next one plays
	r.waitHeard(in, "sound:vm-savedto", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-repeat", 5, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	var played []string
	for _, h := range heard(in) {
		if strings.HasPrefix(h, "recording:") {
			played = append(played, h)
		}
	}
	if want := []string{older, newer, older, older, newer}; strings.Join(played, " ") != strings.Join(want, " ") {
		t.Errorf("played %v, want %v", played, want)
	}
	if !inOrder(heard(in), []string{"sound:vm-first", "sound:vm-message", "sound:vm-received", "sound:digits/today", older, "sound:vm-last", "sound:vm-message", "sound:vm-received", newer}) {
		t.Errorf("no envelope before the first message: %v", heard(in))
	}
	if n, o := r.mwi("102"); n != 0 || o != 2 {
		t.Errorf("MWI new=%d old=%d, want 0/2", n, o)
	}
}

func TestCallBackRingsTheExtensionThatLeftTheMessage(t *testing.T) {
	r := newRig(t, nil)
	caller := r.Device("101")
	r.leaveMessage(2 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "recording:vm/102/msg-", 1, "3")
	r.dtmf(in, "sound:vm-tocallback", 1, "2")
	back := r.Answer(caller)
	if _, num := back.CallerID(); num != "102" {
		t.Errorf("call back shows caller id %q, want 102", num)
	}
	if err := back.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	r.WaitIdle()
}

func TestRecordedNameReplacesTheDigitsInTheDefaultGreeting(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "0")
	r.dtmf(in, "sound:vm-options", 1, "3")
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(2 * time.Second)
	r.dtmf(in, "sound:beep", 1, "#")
	r.waitHeard(in, "sound:vm-msgsaved", 1, 30*time.Second)
	if err := in.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	out := r.Dial(r.Device("101"), "102") // 102 does not answer: unavailable
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	want := []string{"sound:vm-theperson", "recording:vm/102/greet-name", "sound:vm-isunavail", "sound:vm-intro", "sound:beep"}
	if got := heard(out); !inOrder(got, want) || count(out, "digits:102") != 0 {
		t.Errorf("caller heard %v, want %v", got, want)
	}
	_ = out.Hangup()
}

func TestDeleteIsUndoneBySevenAgainAndDoneWhenTheListIsLeft(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	r.Clock.Advance(time.Minute)
	r.leaveMessage(3 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "7") // first: marked, the second plays
	r.waitHeard(in, "sound:vm-deleted", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-repeat", 2, "4")
	r.dtmf(in, "sound:vm-undelete", 1, "7") // first again: "press 7 to undelete"
	r.waitHeard(in, "sound:vm-undeleted", 1, 30*time.Second)
	if n := len(r.messages("102", "")); n != 2 {
		t.Fatalf("%d messages while one is only marked, want 2", n)
	}
	r.dtmf(in, "sound:vm-repeat", 4, "6")
	r.dtmf(in, "sound:vm-repeat", 5, "7") // second: marked, no next one
	r.waitHeard(in, "sound:vm-nomore", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-repeat", 6, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	left := r.messages("102", "")
	if len(left) != 1 || left[0].DurationSec != 2 {
		t.Fatalf("left %+v, want only the first (2 s) message", left)
	}
	if n, o := r.mwi("102"); n != 0 || o != 1 {
		t.Errorf("MWI new=%d old=%d, want 0/1", n, o)
	}
}

func TestMessageMarkedForDeletionGoesWhenTheOwnerHangsUp(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	r.Clock.Advance(time.Minute)
	r.leaveMessage(3 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "7")
	r.waitHeard(in, "sound:vm-deleted", 1, 30*time.Second)
	if err := in.Hangup(); err != nil {
		t.Fatal(err)
	}
	r.WaitIdle()
	left := r.messages("102", "")
	if len(left) != 1 || left[0].DurationSec != 3 {
		t.Fatalf("left %+v, want only the second (3 s) message", left)
	}
}
