package pbxscenarios

import (
	"context"
	"testing"
	"time"

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
		a.Hears("beep")
		a.PlayTone(1000)
		w.Wait(3 * time.Second)
		a.Hangup()
		w.Eventually("the message to be stored", 0, func() bool {
			msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
			return err == nil && len(msgs) == 1 && msgs[0].DurationSec >= 1
		})
		w.Eventually("102's message lamp to show one new message", 0, func() bool {
			mb, err := w.ARI().Mailboxes().Get(w.Context(), "102@default")
			return err == nil && mb.NewMessages == 1
		})
		b.Dial("*61#")
		b.WaitAnswered()
		b.Hears("vm-password")
		b.SendDTMF("4711#")
		b.Hears("vm-youhave")
		b.Hangup()
		w.idle()
	})
}
