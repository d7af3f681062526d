package pbxscenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

func withVoicemail(n, pin string) func(t *testing.T, st *store.Store) {
	return func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e, err := st.Extensions.Get(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		e.VoicemailEnabled, e.VoicemailPassword = true, pin
		if err := st.Extensions.Update(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
}

// straightToVoicemail turns on DND with voicemail for n: callers reach the
// mailbox at once (busy greeting) while n's phone can still call out.
func straightToVoicemail(n string) func(t *testing.T, st *store.Store) {
	return func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e, err := st.Extensions.Get(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		e.DND, e.DNDToVoicemail = true, true
		if err := st.Extensions.Update(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
}

// setups runs several setups in order.
func setups(fs ...func(t *testing.T, st *store.Store)) func(t *testing.T, st *store.Store) {
	return func(t *testing.T, st *store.Store) {
		for _, f := range fs {
			f(t, st)
		}
	}
}

// leaveMessage has caller call box (which goes straight to voicemail with
// the busy greeting), send a tone of freq Hz for talk after the beep and
// hang up; it waits until box holds want messages.
func (w *world) leaveMessage(caller *harness.Phone, box string, freq float64, talk time.Duration, want int) {
	caller.Dial(box)
	caller.WaitAnswered()
	// On the tone before the beep: the simulator records what a phone sends
	// when the recording starts.
	caller.PlayTone(freq)
	caller.Hears("vm-isonphone") // the greeting is longer than one wait
	caller.Hears("vm-intro")
	caller.Hears("beep")
	w.Wait(talk)
	caller.StopTone()
	caller.Hangup()
	w.Eventually("the message to be stored", 0, func() bool {
		msgs, err := w.st.Voicemail.List(context.Background(), box, "")
		return err == nil && len(msgs) == want
	})
}

// login calls the own mailbox (*61#) from p with pin and waits for "you
// have"; a key sent then is the first choice of the main menu.
func login(p *harness.Phone, pin string) {
	p.Dial("*61#")
	p.WaitAnswered()
	p.Hears("vm-password")
	p.SendDTMF(pin + "#")
	p.Hears("vm-youhave")
}

// lamp waits until box's message lamp (GET /mailboxes) shows new and old.
func (w *world) lamp(box string, newMsgs, oldMsgs int) {
	w.Eventually("the message lamp of "+box, 0, func() bool {
		mb, err := w.ARI().Mailboxes().Get(w.Context(), box+"@default")
		return err == nil && mb.NewMessages == newMsgs && mb.OldMessages == oldMsgs
	})
}

func TestUnansweredCallLeavesAVoicemailThatTheOwnerHears(t *testing.T) {
	run(t, []string{"101", "102"}, withVoicemail("102", "4711"), func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		w.Wait(ringTime + time.Second)
		b.WaitHungUp()
		a.WaitAnswered()
		a.Hears("vm-isunavail")
		a.Hears("vm-intro")
		a.PlayTone(1000)
		a.Hears("beep")
		w.Wait(3 * time.Second)
		a.StopTone()
		a.Hangup()
		w.Eventually("the message to be stored", 0, func() bool {
			msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
			return err == nil && len(msgs) == 1 && msgs[0].DurationSec >= 1
		})
		w.lamp("102", 1, 0)
		login(b, "4711")
		b.SendDTMF("1")
		b.Hears("vm-received") // the envelope (8-10 s) comes first
		b.HearsTone(1000)
		b.Hangup()
		w.lamp("102", 0, 1)
		w.idle()
	})
}
