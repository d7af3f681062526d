package voicemail_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestMessageIsPrecededByWhenItCameAndAdvancedThreeAlsoSaysWho(t *testing.T) {
	r := newRig(t, nil)
	settings, err := r.st.Settings.Get(r.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	settings.TimeZone = "America/New_York"
	if err := r.st.Settings.Save(r.Ctx(), settings); err != nil {
		t.Fatal(err)
	}
	r.leaveMessage(2 * time.Second)
	at := r.messages("102", "new")[0].ReceivedAt
	ny, _ := time.LoadLocation("America/New_York")
	h := at.In(ny).Hour() % 12
	if h == 0 {
		h = 12
	}
	hour := "sound:digits/" + strconv.Itoa(h)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "3")
	r.dtmf(in, "sound:vm-tohearenv", 1, "3")
	r.dtmf(in, "sound:vm-repeat", 2, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	env := []string{"sound:vm-received", "sound:digits/today", "sound:digits/at", hour}
	before := append(append([]string{"sound:vm-first", "sound:vm-message"}, env...), "recording:vm/102/msg-")
	got := heard(in)
	if !inOrderPrefix(got, before) {
		t.Errorf("before the message heard %v, want in order %v", got, before)
	}
	again := append(append([]string{"sound:vm-tohearenv"}, env...), "sound:vm-from", "digits:101", "sound:vm-repeat")
	if !inOrderPrefix(got, again) {
		t.Errorf("advanced 3 heard %v, want in order %v", got, again)
	}
	if n := count(in, "recording:vm/102/msg-"); n != 1 {
		t.Errorf("the message played %d times, want once (3 replays the envelope only)", n)
	}
	if n := count(in, "sound:vm-from"); n != 1 {
		t.Errorf("heard vm-from %d times, want once: on advanced 3 only (Comedian's saycid=no)", n)
	}
}

func TestOneDuringTheEnvelopeSkipsToTheMessage(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-received", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if count(in, "recording:vm/102/msg-") != 1 || count(in, "sound:digits/at") != 0 {
		t.Errorf("heard %v: want the envelope cut at 1 and the message played", heard(in))
	}
}

// inOrderPrefix is inOrder where a wanted entry ending in "-" or "/" matches
// any heard entry it begins.
func inOrderPrefix(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i == len(want) {
			break
		}
		w := want[i]
		if g == w || (len(w) > 0 && (w[len(w)-1] == '-' || w[len(w)-1] == '/') && len(g) > len(w) && g[:len(w)] == w) {
			i++
		}
	}
	return i == len(want)
}
