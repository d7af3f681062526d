package sim

import (
	"testing"
	"time"
)

func TestFaxFromATrunkIsReceivedAndReportedByTheHangupHandler(t *testing.T) {
	e := newTestEnv(t, Options{Dialplan: FaxDialplan(FaxDialplanOptions{})})
	fax := e.register("trunk", "carrier")[0]
	fax.Send("fax:2")
	e.connect("switchboard")
	call, err := fax.DialWith("4930123456", DialOptions{CallerNumber: "+4930999"})
	if err != nil {
		t.Fatal(err)
	}
	ev := e.waitEvent("StasisStart", call.ChannelID())
	if args := ev["args"].([]any); args[0] != "trunk" {
		t.Fatalf("args %v", args)
	}
	id := call.ChannelID()
	e.do("POST", "/channels/"+id+"/answer", nil, nil)
	e.do("POST", "/applications/switchboard/subscription", q("eventSource", "channel:"+id), nil)
	e.do("POST", "/channels/"+id+"/variable", q("variable", "FAXFILE", "value", "/var/spool/fax/in-1.tif"), nil)
	if st, body := e.do("POST", "/channels/"+id+"/continue", q("context", "fax-rx", "extension", "s", "priority", "1"), nil); st != 204 {
		t.Fatalf("continue: %d %s", st, body)
	}
	e.waitEvent("StasisEnd", id)
	e.advance(10 * time.Second)
	if call.State() == CallEnded {
		t.Fatal("the sender hung up before its second page")
	}
	e.advance(9 * time.Second)
	ev = e.waitEvent("ChannelUserevent", id)
	ue := ev["userevent"].(map[string]any)
	if ev["eventname"] != "FaxResult" || ue["status"] != "SUCCESS" || ue["pages"] != "2" || ue["dir"] != "rx" || ue["file"] != "/var/spool/fax/in-1.tif" {
		t.Fatalf("FaxResult %v", ue)
	}
	e.waitEvent("ChannelDestroyed", id)
}

func TestFaxSendToAPhoneFailsAndReturnsToStasis(t *testing.T) {
	e := newTestEnv(t, Options{Dialplan: FaxDialplan(FaxDialplanOptions{})})
	e.register("201", "desk")
	e.connect("switchboard")
	if st, _ := e.do("POST", "/channels", q("endpoint", "PJSIP/201", "app", "switchboard", "channelId", "fx", "appArgs", "fax-out"), nil); st != 200 {
		t.Fatal(st)
	}
	_ = e.s.Phone("201").Devices()[0].Ringing().Answer()
	e.waitEvent("StasisStart", "fx")
	e.do("POST", "/channels/fx/variable", q("variable", "FAXFILE", "value", "/tmp/out.tif"), nil)
	e.do("POST", "/channels/fx/continue", q("context", "fax-tx", "extension", "s"), nil)
	e.waitEvent("StasisEnd", "fx")
	e.advance(30 * time.Second)
	e.waitFor(func() bool {
		return len(e.eventsOf("fx")) > 0 && e.eventsOf("fx")[len(e.eventsOf("fx"))-1] == "StasisStart"
	})
	e.mu.Lock()
	var args []any
	for _, ev := range e.events {
		if ev["type"] == "StasisStart" && eventChannelID(ev) == "fx" {
			args = ev["args"].([]any)
		}
	}
	e.mu.Unlock()
	if len(args) != 5 || args[0] != "fax-done" || args[1] != "tx" || args[2] != "FAILED" {
		t.Fatalf("back in Stasis with %v", args)
	}
	e.do("DELETE", "/channels/fx", nil, nil)
	ev := e.waitEvent("ChannelUserevent", "fx")
	if ue := ev["userevent"].(map[string]any); ue["status"] != "FAILED" || ue["dir"] != "tx" {
		t.Fatalf("FaxResult %v", ue)
	}
}
