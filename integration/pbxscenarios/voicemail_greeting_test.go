package pbxscenarios

import (
	"testing"
	"time"
)

// Mailbox option 4 records a temporary greeting that callers hear instead
// of the busy greeting, and erases it again.
func TestTemporaryGreetingIsHeardInsteadOfTheBusyGreetingUntilErased(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		login(b, "4711")
		b.SendDTMF("0")
		w.Wait(8 * time.Second) // the options prompt (16 s) is longer than one wait
		b.Hears("vm-options")
		b.SendDTMF("4")
		b.Hears("vm-rec-temp")
		b.PlayTone(800) // on before the beep: the simulator records what is sent then
		b.Hears("beep")
		w.Wait(2 * time.Second)
		b.StopTone()
		b.SendDTMF("#")
		b.Hears("vm-msgsaved")
		b.Hangup()

		a.Dial("102")
		a.WaitAnswered()
		a.HearsTone(800) // the temporary greeting
		a.Hears("vm-intro")
		a.NotHeard("vm-theperson")
		a.Hangup()

		login(b, "4711")
		b.SendDTMF("0")
		b.Hears("vm-tmpexists") // "you have a temporary greeting": the options say so first
		b.SendDTMF("4")
		b.Hears("vm-tempgreeting2")
		b.SendDTMF("2")
		b.Hears("vm-tempremoved")
		b.Hangup()

		a.Dial("102")
		a.WaitAnswered()
		a.Hears("vm-theperson") // the default busy greeting again
		a.Hangup()
		w.idle()
	})
}
