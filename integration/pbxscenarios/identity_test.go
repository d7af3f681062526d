package pbxscenarios

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/integration/harness"
)

// The caller's phone shows whom it reached as soon as the call is answered:
// the app gives the caller the callee's identity before answering it (it
// goes out in the 200 OK's P-Asserted-Identity, as with app_dial) and the
// bridge then sends no connected-line re-INVITE to either phone. Before
// this, the answer named nobody and a re-INVITE to each phone followed the
// bridge — two more SIP transactions a call (integration/bench counts them).
func TestCallerSeesTheCalleesNameWithTheAnswer(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		b.WaitRinging()
		if name, num := b.CallerName(), b.CallerID(); name != "Ext 101" || num != "101" {
			t.Errorf("102 shows the caller as %q <%s>, want \"Ext 101\" <101>", name, num)
		}
		b.Answer()
		a.WaitAnswered()
		if name, num := a.Connected(); name != "Ext 102" || num != "102" {
			t.Errorf("101 shows the callee as %q <%s> once answered, want \"Ext 102\" <102>", name, num)
		}
		a.PlayTone(1000)
		b.HearsTone(1000)
		for _, p := range []*harness.Phone{a, b} {
			if n, known := p.IdentityUpdates(); known && n != 0 {
				t.Errorf("%s was sent %d connected-line updates during the call, want none", p, n)
			}
		}
		a.Hangup()
		b.WaitHungUp()
		w.idle()
	})
}
