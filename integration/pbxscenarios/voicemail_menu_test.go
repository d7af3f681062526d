package pbxscenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

// Comedian Mail's message menu on two messages told apart by their tones:
// next, previous, forward to another mailbox (which lights its lamp and
// plays there), delete, save to Work, change to Work and hear it there.
func TestMailboxMenusMoveBetweenMessagesForwardDeleteAndSaveToAFolder(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), withVoicemail("103", "5822"), straightToVoicemail("102"))
	run(t, []string{"101", "102", "103"}, setup, func(t *testing.T, w *world) {
		a, b, c := w.Phone("101"), w.Phone("102"), w.Phone("103")
		w.leaveMessage(a, "102", 1000, 3*time.Second, 1)
		w.leaveMessage(a, "102", 600, 3*time.Second, 2)
		w.lamp("102", 2, 0)

		login(b, "4711")
		b.SendDTMF("1")
		hearsMessage(w, b, 1000) // the older message first
		b.SendDTMF("6")
		hearsMessage(w, b, 600)
		b.SendDTMF("4")
		hearsMessage(w, b, 1000)
		b.SendDTMF("8")
		b.Hears("vm-extension")
		b.SendDTMF("103#")
		w.Wait(4 * time.Second)      // the target's digits, then the choice: longer than one wait
		b.Hears("vm-forwardoptions") // 1 prepend, 2 without
		b.SendDTMF("2")
		b.Hears("vm-msgforwarded")
		w.lamp("103", 1, 0)
		b.Hears("vm-repeat") // keys count only while a menu waits for one
		b.SendDTMF("7")
		b.Hears("vm-deleted")
		hearsMessage(w, b, 600) // the next one plays
		b.SendDTMF("9")
		b.Hears("vm-savefolder")
		b.SendDTMF("2") // Work
		b.Hears("vm-savedto")
		b.Hears("vm-no")   // Work is not with new and old: "no messages" left,
		b.Hears("vm-opts") // back in the main menu
		b.SendDTMF("2")
		b.Hears("vm-changeto")
		b.SendDTMF("2")
		b.Hears("vm-onefor") // "press 1 for Work messages"
		b.SendDTMF("1")
		hearsMessage(w, b, 600)
		b.Hangup()
		w.lamp("102", 0, 0) // Work is not counted

		ctx := context.Background()
		work, err1 := w.st.Voicemail.List(ctx, "102", store.FolderWork)
		all, err2 := w.st.Voicemail.List(ctx, "102", "")
		fwd, err3 := w.st.Voicemail.List(ctx, "103", store.FolderNew)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if len(all) != 1 || len(work) != 1 {
			t.Errorf("102 keeps %d messages, %d in Work; want the newer one, in Work", len(all), len(work))
		}
		if len(fwd) != 1 || fwd[0].CallerNumber != "101" {
			t.Fatalf("103's new messages: %+v, want the one from 101", fwd)
		}

		login(c, "5822")
		c.SendDTMF("1")
		hearsMessage(w, c, 1000) // the forwarded copy plays in 103's mailbox
		c.Hangup()
		w.lamp("103", 0, 1)
		w.idle()
	})
}

// Advanced option 1 while a message plays records a reply into the
// sender's mailbox, which lights its lamp and plays there.
func TestReplyToAVoicemailLandsInTheSendersMailbox(t *testing.T) {
	setup := setups(withVoicemail("101", "1357"), withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.listenToANewMessage(a, b, 3*time.Second)
		hearsMessage(w, b, 1000)
		b.SendDTMF("3")
		b.Hears("vm-toreply")
		b.SendDTMF("1")
		b.PlayTone(700) // on before the beep: the simulator records what is sent then
		b.Hears("beep")
		w.Wait(3 * time.Second)
		b.StopTone()
		b.SendDTMF("#")
		b.Hears("vm-msgsaved")
		b.Hangup()
		w.lamp("101", 1, 0)
		msgs, err := w.st.Voicemail.List(context.Background(), "101", store.FolderNew)
		if err != nil || len(msgs) != 1 || msgs[0].CallerNumber != "102" {
			t.Fatalf("101's new messages %+v (%v), want the reply from 102", msgs, err)
		}
		login(a, "1357")
		a.SendDTMF("1")
		hearsMessage(w, a, 700)
		a.Hangup()
		w.idle()
	})
}
