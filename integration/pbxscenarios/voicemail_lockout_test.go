package pbxscenarios

import (
	"testing"
)

// Ten wrong passwords (the default) lock the mailbox: the tenth call is
// ended with goodbye, and then even the right password does not open it.
// One wrong try per call, so that every wait is on a prompt heard once.
func TestRepeatedWrongPasswordsLockTheMailboxAgainstTheRightOne(t *testing.T) {
	run(t, []string{"101", "102"}, withVoicemail("102", "4711"), func(t *testing.T, w *world) {
		a := w.Phone("101")
		const lockAfter = 10
		for try := 1; try <= lockAfter; try++ {
			a.Dial("*60#")
			a.WaitAnswered()
			a.Hears("vm-login")
			a.SendDTMF("102#")
			a.Hears("vm-password")
			a.SendDTMF("0000#")
			if try < lockAfter {
				a.Hears("vm-incorrect-mailbox")
				a.Hangup()
				continue
			}
			a.Hears("vm-goodbye")
			a.WaitHungUp()
			a.NotHeard("vm-incorrect-mailbox")
		}
		a.Dial("*60#")
		a.WaitAnswered()
		a.Hears("vm-login")
		a.SendDTMF("102#")
		a.Hears("vm-password")
		a.SendDTMF("4711#")
		a.Hears("vm-goodbye")
		a.WaitHungUp()
		a.NotHeard("vm-youhave")
		w.idle()
	})
}
