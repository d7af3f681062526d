package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func (e *testEnv) simDo(method, path, body string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.hs.URL+path, strings.NewReader(body))
	req.SetBasicAuth("switchboard", "switchboard")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestPhonesAreDrivableOverTheSimRESTAPI(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.provision("201", "pw1")
	e.provision("202", "pw2")
	e.connect("switchboard")
	if st, _ := e.simDo("POST", "/sim/phones/201/devices/desk/register", `{"password":"wrong"}`); st != 409 {
		t.Fatalf("bad password: %d", st)
	}
	for _, r := range [][2]string{{"/sim/phones/201/devices/desk/register", `{"password":"pw1"}`},
		{"/sim/phones/202/devices/desk/register", `{"password":"pw2"}`},
		{"/sim/phones/201/devices/desk/send", `{"label":"1000Hz"}`}} {
		if st, body := e.simDo("POST", r[0], r[1]); st != 204 {
			t.Fatalf("%s: %d %s", r[0], st, body)
		}
	}
	st, body := e.simDo("POST", "/sim/phones/201/devices/desk/dial", `{"target":"202"}`)
	if st != 200 {
		t.Fatalf("dial: %d %s", st, body)
	}
	var call callView
	_ = json.Unmarshal(body, &call)
	e.waitEvent("StasisStart", call.ID)
	e.do("POST", "/channels/create", q("endpoint", "PJSIP/202", "app", "switchboard", "channelId", "out-1"), nil)
	e.do("POST", "/channels/out-1/dial", q("caller", call.ID), nil)
	st, body = e.simDo("GET", "/sim/phones/202/devices/desk", "")
	var dev deviceView
	_ = json.Unmarshal(body, &dev)
	if st != 200 || len(dev.Calls) != 1 || dev.Calls[0].State != "ringing" || dev.Calls[0].CallerNumber != "201" {
		t.Fatalf("202: %d %s", st, body)
	}
	if st, body := e.simDo("POST", "/sim/calls/out-1/answer", ""); st != 204 {
		t.Fatalf("answer: %d %s", st, body)
	}
	e.do("POST", "/channels/"+call.ID+"/answer", nil, nil)
	e.do("POST", "/bridges", q("bridgeId", "b", "type", "mixing"), nil)
	e.do("POST", "/bridges/b/addChannel", q("channel", call.ID+",out-1"), nil)
	_, body = e.simDo("GET", "/sim/calls/out-1", "")
	_ = json.Unmarshal(body, &call)
	if call.State != "up" || strings.Join(call.Hears, ",") != "1000Hz" {
		t.Fatalf("202's call: %s", body)
	}
	if st, _ := e.simDo("POST", "/sim/calls/out-1/hangup", ""); st != 204 {
		t.Fatal(st)
	}
	e.waitEvent("ChannelDestroyed", "out-1")
}
