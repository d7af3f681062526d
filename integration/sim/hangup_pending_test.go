package sim

import (
	"reflect"
	"testing"
	"time"
)

// callerInStasis registers 201, connects the app and lets 201 dial 202; it
// returns 201's call once its channel is in Stasis.
func callerInStasis(t *testing.T, e *testEnv) *Call {
	t.Helper()
	a := e.register("201", "desk")[0]
	e.connect("switchboard")
	call, err := a.Dial("202")
	if err != nil {
		t.Fatal(err)
	}
	e.waitEvent("StasisStart", call.ChannelID())
	return call
}

func TestSecondDeleteBeforeTheChannelIsGoneOverwritesItsCause(t *testing.T) {
	e := newTestEnv(t, Options{HangupDelay: 300 * time.Millisecond})
	call := callerInStasis(t, e)
	id := call.ChannelID()
	if st, body := e.do("DELETE", "/channels/"+id, q("reason", "busy"), nil); st != 204 {
		t.Fatalf("first DELETE: %d %s", st, body)
	}
	if st, body := e.do("GET", "/channels/"+id, nil, nil); st != 200 {
		t.Fatalf("GET right after the DELETE: %d %s, want the channel still there", st, body)
	}
	if st, body := e.do("DELETE", "/channels/"+id, q("reason", "normal"), nil); st != 204 {
		t.Fatalf("second DELETE: %d %s, want 204 while the channel is still there", st, body)
	}
	gone := e.waitEvent("ChannelDestroyed", id)
	if gone["cause"] != float64(16) {
		t.Errorf("ChannelDestroyed cause %v, want 16: the second reason wins", gone["cause"])
	}
	if c := call.HangupCause(); c != 16 {
		t.Errorf("the phone's call ended with cause %d, want the second DELETE's 16, not busy", c)
	}
	want := []string{"StasisStart", "ChannelHangupRequest", "ChannelHangupRequest", "StasisEnd"}
	if got := e.eventsOf(id); len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("events %v, want them to start %v", got, want)
	}
	if st, _ := e.do("DELETE", "/channels/"+id, q("reason", "no_answer"), nil); st != 404 {
		t.Errorf("DELETE after the channel went: %d, want 404", st)
	}
}

func TestDeleteAfterTheChannelIsGoneAnswers404AndKeepsTheFirstCause(t *testing.T) {
	e := newTestEnv(t, Options{})
	call := callerInStasis(t, e)
	id := call.ChannelID()
	if st, body := e.do("DELETE", "/channels/"+id, q("reason", "busy"), nil); st != 204 {
		t.Fatalf("first DELETE: %d %s", st, body)
	}
	gone := e.waitEvent("ChannelDestroyed", id)
	if st, _ := e.do("DELETE", "/channels/"+id, q("reason", "normal"), nil); st != 404 {
		t.Errorf("DELETE after ChannelDestroyed: %d, want 404", st)
	}
	if gone["cause"] != float64(17) || gone["tech_cause"] != float64(486) {
		t.Errorf("ChannelDestroyed cause %v tech_cause %v, want 17/486", gone["cause"], gone["tech_cause"])
	}
	if c := call.HangupCause(); c != 17 {
		t.Errorf("the phone's call ended with cause %d, want 17 (486 Busy Here)", c)
	}
}

func TestNegativeHangupDelayTearsTheChannelDownAtOnce(t *testing.T) {
	e := newTestEnv(t, Options{HangupDelay: -1})
	call := callerInStasis(t, e)
	id := call.ChannelID()
	if st, _ := e.do("DELETE", "/channels/"+id, q("reason", "busy"), nil); st != 204 {
		t.Fatalf("DELETE: %d", st)
	}
	if st, _ := e.do("GET", "/channels/"+id, nil, nil); st != 404 {
		t.Errorf("GET after the DELETE: %d, want 404 (gone at once)", st)
	}
	if c := call.HangupCause(); c != 17 {
		t.Errorf("the phone's call ended with cause %d, want 17", c)
	}
}
