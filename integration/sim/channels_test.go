package sim

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestPhoneCallEntersStasisWithOriginAndWholeDialledString(t *testing.T) {
	e := newTestEnv(t, Options{})
	a := e.register("201", "desk")[0]
	e.connect("switchboard")
	call, err := a.Dial("*71803#")
	if err != nil {
		t.Fatal(err)
	}
	ev := e.waitEvent("StasisStart", call.ChannelID())
	if got := ev["args"]; !reflect.DeepEqual(got, []any{"phone", "*71803#"}) {
		t.Fatalf("args = %v", got)
	}
	ch := ev["channel"].(map[string]any)
	if ch["state"] != "Ring" || ch["dialplan"].(map[string]any)["app_data"] != "switchboard,phone,*71803#" {
		t.Fatalf("channel = %v", ch)
	}
}

func TestBrowserEndpointCallsEnterWithBrowserOrigin(t *testing.T) {
	e := newTestEnv(t, Options{})
	b := e.register("201-web", "chrome")[0]
	e.connect("switchboard")
	call, err := b.Dial("202")
	if err != nil {
		t.Fatal(err)
	}
	ev := e.waitEvent("StasisStart", call.ChannelID())
	if got := ev["args"]; !reflect.DeepEqual(got, []any{"browser", "202"}) {
		t.Fatalf("args = %v", got)
	}
}

func TestUnprovisionedEndpointCannotRegister(t *testing.T) {
	e := newTestEnv(t, Options{})
	if err := e.s.Phone("209").Device("desk").Register("x"); err == nil {
		t.Fatal("registered an endpoint that was never provisioned")
	}
	e.provision("209", "secret")
	if err := e.s.Phone("209").Device("desk").Register("wrong"); err == nil {
		t.Fatal("registered with a wrong password")
	}
	if err := e.s.Phone("209").Device("desk").Register("secret"); err != nil {
		t.Fatal(err)
	}
}

func TestCreateToUnregisteredEndpointAnswersAllocationFailed(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")
	e.provision("203", "pw")
	e.connect("switchboard")
	st, body := e.do("POST", "/channels/create", q("endpoint", "PJSIP/203", "app", "switchboard", "channelId", "out-1"), nil)
	if st != 500 || string(body) != "{\"error\":\"Allocation failed\"}\n" {
		t.Fatalf("create: %d %s", st, body)
	}
	st, _ = e.do("POST", "/channels", q("endpoint", "PJSIP/203", "app", "switchboard"), nil)
	if st != 500 {
		t.Fatalf("originate: %d", st)
	}
	st, body = e.do("GET", "/endpoints/PJSIP/203", nil, nil)
	var ep endpointJSON
	_ = json.Unmarshal(body, &ep)
	if st != 200 || ep.State != "offline" {
		t.Fatalf("endpoint: %d %s", st, body)
	}
}

func TestDialBeforeStasisIsRejectedAndDialTimeoutEndsWithCause19(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")
	e.register("202", "desk")
	e.connect("switchboard")
	a, _ := e.s.Phone("201").Devices()[0].Dial("202")
	e.waitEvent("StasisStart", a.ChannelID())
	if st, _ := e.do("POST", "/channels/nope/dial", nil, nil); st != 404 {
		t.Fatalf("dial unknown: %d", st)
	}
	st, _ := e.do("POST", "/channels/create", q("endpoint", "PJSIP/202", "app", "switchboard", "channelId", "out-1", "appArgs", "outbound"), nil)
	if st != 200 {
		t.Fatal(st)
	}
	if st, _ := e.do("POST", "/channels/out-1/dial", q("caller", a.ChannelID(), "timeout", "4"), nil); st != 204 {
		t.Fatal(st)
	}
	if st, _ := e.do("POST", "/channels/out-1/dial", nil, nil); st != 409 {
		t.Fatalf("second dial: %d", st)
	}
	b := e.s.Phone("202").Devices()[0].Ringing()
	if b == nil {
		t.Fatal("202 does not ring")
	}
	if _, num := b.CallerID(); num != "201" {
		t.Fatalf("202 shows caller %q", num)
	}
	e.advance(4 * time.Second)
	ev := e.waitEvent("ChannelDestroyed", "out-1")
	if ev["cause"].(float64) != 19 {
		t.Fatalf("cause %v", ev["cause"])
	}
	if b.State() != CallEnded {
		t.Fatal("202 still rings after the timeout")
	}
}
