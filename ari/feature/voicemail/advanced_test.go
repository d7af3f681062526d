package voicemail_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestReplyLeavesAMessageInTheSendersMailbox(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second) // from 101
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "recording:vm/102/msg-", 1, "3")
	r.dtmf(in, "sound:vm-toreply", 1, "1")
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(3 * time.Second)
	if err := in.SendDTMF("#"); err != nil {
		t.Fatal(err)
	}
	r.waitHeard(in, "sound:vm-msgsaved", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	got := r.messages("101", store.FolderNew)
	if len(got) != 1 || got[0].CallerNumber != "102" || got[0].CallerName != "Ext 102" || got[0].DurationSec != 3 {
		t.Fatalf("101's new messages %+v, want one of 3 s from 102", got)
	}
	if n, o := r.mwi("101"); n != 1 || o != 0 {
		t.Errorf("101's MWI new=%d old=%d, want 1/0", n, o)
	}
}

func TestSendFromTheMainMenuRecordsAMessageForTheGivenMailbox(t *testing.T) {
	r := newRig(t, nil)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "3")
	r.dtmf(in, "sound:vm-leavemsg", 1, "5")
	r.dtmf(in, "sound:vm-extension", 1, "555#") // no such mailbox
	r.dtmf(in, "sound:vm-extension", 2, "103#")
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(2 * time.Second)
	if err := in.SendDTMF("#"); err != nil {
		t.Fatal(err)
	}
	r.waitHeard(in, "sound:vm-msgsaved", 1, 30*time.Second)
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 30*time.Second)
	if count(in, "sound:pbx-invalid") != 1 || count(in, "sound:vm-toreply") != 0 {
		t.Errorf("heard %v: want one invalid mailbox and no reply offer without a message", heard(in))
	}
	if got := r.messages("103", store.FolderNew); len(got) != 1 || got[0].CallerNumber != "102" {
		t.Fatalf("103's new messages %+v, want one from 102", got)
	}
}

func TestReplyToAnUnknownCallerSaysThereIsNoNumber(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	ms := r.messages("102", store.FolderNew)
	if err := r.st.Voicemail.Delete(r.Ctx(), ms[0].ID); err != nil {
		t.Fatal(err)
	}
	ms[0].ID, ms[0].CallerNumber, ms[0].CallerName = 0, "", ""
	if err := r.st.Voicemail.Create(r.Ctx(), &ms[0]); err != nil {
		t.Fatal(err)
	}
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "recording:vm/102/msg-", 1, "3")
	r.dtmf(in, "sound:vm-toreply", 1, "1")
	r.waitHeard(in, "sound:vm-nonumber", 1, 30*time.Second)
	_ = in.Hangup()
	if count(in, "sound:beep") != 0 {
		t.Errorf("a reply was recorded for a message without a number: %v", heard(in))
	}
}
