package sim

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"math"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// bridgedCall sets up 201 -> 202 answered and bridged in a bridge of typ.
func bridgedCall(t *testing.T, e *testEnv, typ string) (a, b *Call) {
	t.Helper()
	a, err := e.s.Phone("201").Devices()[0].Dial("202")
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []struct {
		method, path string
		q            []string
	}{
		{"POST", "/channels/" + a.ChannelID() + "/answer", nil},
		{"POST", "/channels/create", []string{"endpoint", "PJSIP/202", "app", "switchboard", "channelId", "out-1"}},
		{"POST", "/channels/out-1/dial", []string{"caller", a.ChannelID()}},
		{"POST", "/bridges", []string{"type", typ, "bridgeId", "b1"}},
	} {
		if st, body := e.do(req.method, req.path, q(req.q...), nil); st >= 300 {
			t.Fatalf("%s %s: %d %s", req.method, req.path, st, body)
		}
	}
	b = e.s.Phone("202").Devices()[0].Ringing()
	if err := b.Answer(); err != nil {
		t.Fatal(err)
	}
	if st, body := e.do("POST", "/bridges/b1/addChannel", q("channel", a.ChannelID()+",out-1"), nil); st != 204 {
		t.Fatalf("addChannel: %d %s", st, body)
	}
	return a, b
}

func twoPhones(t *testing.T) *testEnv {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")[0].Send("1000Hz")
	e.register("202", "desk")[0].Send("600Hz")
	e.connect("switchboard")
	return e
}

func TestBridgedPhonesHearEachOtherAndMuteIsIgnoredOnlyInNativeBridges(t *testing.T) {
	for _, tc := range []struct {
		typ         string
		aHearsMuted bool
	}{{"mixing", true}, {"mixing,dtmf_events", false}} {
		t.Run(tc.typ, func(t *testing.T) {
			e := twoPhones(t)
			a, b := bridgedCall(t, e, tc.typ)
			if got := strings.Join(a.Hears(), ","); got != "600Hz" {
				t.Fatalf("201 hears %q", got)
			}
			if got := strings.Join(b.Hears(), ","); got != "1000Hz" {
				t.Fatalf("202 hears %q", got)
			}
			if paths := e.s.AudioPaths(); strings.Join(paths["201/desk"], ",") != "600Hz" || strings.Join(paths["202/desk"], ",") != "1000Hz" {
				t.Fatalf("audio paths %v", paths)
			}
			if e.s.Phone("202").Devices()[0].ActiveCall() != b {
				t.Fatal("202's active call is not the bridged one")
			}
			// re-add 202's leg muted: ignored by a native bridge only
			e.do("POST", "/bridges/b1/addChannel", q("channel", "out-1", "mute", "true"), nil)
			if got := len(a.Hears()) == 1; got != tc.aHearsMuted {
				t.Fatalf("201 hears %v with 202 muted", a.Hears())
			}
		})
	}
}

func TestAbsorbDTMFKeepsDigitsFromThePeerButTheAppGetsThem(t *testing.T) {
	e := twoPhones(t)
	a, b := bridgedCall(t, e, "mixing,dtmf_events")
	e.do("POST", "/bridges/b1/addChannel", q("channel", a.ChannelID(), "absorbDTMF", "true"), nil)
	if err := a.SendDTMF("*2"); err != nil {
		t.Fatal(err)
	}
	e.waitEvent("ChannelDtmfReceived", a.ChannelID())
	if got := b.DTMFReceived(); len(got) != 0 {
		t.Fatalf("202 received %v despite absorbDTMF", got)
	}
	e.do("POST", "/channels/out-1/dtmf", q("dtmf", "7"), nil)
	if got := strings.Join(b.DTMFReceived(), ""); got != "7" {
		t.Fatalf("202 received %q from the app", got)
	}
}

func TestPhoneHoldRaisesChannelHoldAndSilencesTheHeldSide(t *testing.T) {
	e := twoPhones(t)
	a, b := bridgedCall(t, e, "mixing,dtmf_events")
	if err := a.Hold(); err != nil {
		t.Fatal(err)
	}
	e.waitEvent("ChannelHold", a.ChannelID())
	if len(b.Hears()) != 0 {
		t.Fatalf("202 hears %v from a held 201", b.Hears())
	}
	_ = a.Unhold()
	e.waitEvent("ChannelUnhold", a.ChannelID())
	// ARI hold: no event, the peer gets music on hold
	e.do("POST", "/channels/"+a.ChannelID()+"/hold", nil, nil)
	if got := strings.Join(b.Hears(), ","); got != "moh:default" {
		t.Fatalf("202 hears %q while 201 is held through ARI", got)
	}
}

func TestHoldingBridgeWithMOHIsHeardAndPromptsAreLoggedWithTimes(t *testing.T) {
	e := twoPhones(t)
	a, b := bridgedCall(t, e, "mixing,dtmf_events")
	e.do("POST", "/bridges", q("type", "holding", "bridgeId", "park-41"), nil)
	e.do("POST", "/bridges/park-41/addChannel", q("channel", "out-1", "role", "participant"), nil)
	e.do("POST", "/bridges/park-41/moh", nil, nil)
	if got := strings.Join(b.Hears(), ","); got != "moh:default" {
		t.Fatalf("parked 202 hears %q", got)
	}
	if len(a.Hears()) != 0 {
		t.Fatalf("201 hears %v alone in b1", a.Hears())
	}
	e.advance(time.Second)
	start := e.clk.Now()
	if st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/play", q("media", "sound:beep", "playbackId", "pb"), nil); st != 201 {
		t.Fatal(st)
	}
	e.advance(300 * time.Millisecond)
	if st, _ := e.do("GET", "/playbacks/pb", nil, nil); st != 200 {
		t.Fatal("beep (426 ms) finished after 300 ms")
	}
	e.advance(200 * time.Millisecond)
	e.waitEvent("PlaybackFinished", "")
	heard := a.Heard()
	if len(heard) == 0 || heard[len(heard)-1].What != "sound:beep" || !heard[len(heard)-1].At.Equal(start) {
		t.Fatalf("201 heard %v", heard)
	}
}

func TestChannelRecordingWritesTheToneTheCallerSendsAsWAV(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")[0].Send("1000Hz")
	e.connect("switchboard")
	a, _ := e.s.Phone("201").Devices()[0].Dial("300")
	e.do("POST", "/channels/"+a.ChannelID()+"/answer", nil, nil)
	st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/record", q("name", "vm-1", "format", "wav", "terminateOn", "#", "beep", "true"), nil)
	if st != 201 {
		t.Fatal(st)
	}
	e.advance(2 * time.Second)
	_ = a.SendDTMF("#")
	ev := e.waitEvent("RecordingFinished", "")
	if d := ev["recording"].(map[string]any)["duration"].(float64); d != 2 {
		t.Fatalf("duration %v", d)
	}
	st, body := e.do("GET", "/recordings/stored/vm-1/file", nil, nil)
	if st != 200 || len(body) != 44+2*8000*2 {
		t.Fatalf("file: %d, %d bytes", st, len(body))
	}
	if rate := binary.LittleEndian.Uint32(body[24:]); rate != 8000 || binary.LittleEndian.Uint16(body[34:]) != 16 {
		t.Fatalf("not 8 kHz 16-bit: rate %d", rate)
	}
	// count zero crossings: 1 kHz gives 2000 a second
	cross, prev := 0, int16(0)
	for i := 44; i+1 < len(body); i += 2 {
		v := int16(binary.LittleEndian.Uint16(body[i:]))
		if (v >= 0) != (prev >= 0) {
			cross++
		}
		prev = v
	}
	if math.Abs(float64(cross)/2-2000) > 20 {
		t.Fatalf("%d zero crossings in 2 s, want ~4000 (1 kHz)", cross)
	}
	if got := a.Heard(); len(got) == 0 || got[0].What != "sound:beep" {
		t.Fatalf("201 heard %v, want the beep", got)
	}
	if st, _ := e.do("POST", "/recordings/stored/vm-1/copy", q("destinationRecordingName", "vm-2"), nil); st != 200 {
		t.Fatal(st)
	}
	if st, _ := e.do("POST", "/recordings/stored/vm-1/copy", q("destinationRecordingName", "vm-2"), nil); st != 409 {
		t.Fatalf("copy onto an existing recording: %d", st)
	}
	var list []storedRecordingJSON
	_, body = e.do("GET", "/recordings/stored", nil, nil)
	_ = json.Unmarshal(body, &list)
	if len(list) != 2 {
		t.Fatalf("stored: %v", list)
	}
	if st, _ := e.do("DELETE", "/recordings/stored/vm-1", nil, nil); st != 204 {
		t.Fatal(st)
	}
	if _, err := os.Stat(e.s.recordingPath("vm-1", "wav")); err == nil {
		t.Fatal("deleted recording still on disk")
	}
}

func TestEventFilterSurvivesReconnectAndASecondSocketReplacesTheFirst(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")
	e.connect("switchboard")
	st, _ := e.do("PUT", "/applications/switchboard/eventFilter", nil,
		map[string]any{"disallowed": []map[string]string{{"type": "ChannelVarset"}}})
	if st != 200 {
		t.Fatal(st)
	}
	e.connect("switchboard")               // a second socket for the same app
	e.waitEvent("ApplicationReplaced", "") // read from the first socket
	a, _ := e.s.Phone("201").Devices()[0].Dial("300")
	e.do("DELETE", "/channels/"+a.ChannelID(), nil, nil)
	e.waitEvent("ChannelDestroyed", a.ChannelID())
	for _, typ := range e.eventsOf(a.ChannelID()) {
		if typ == "ChannelVarset" {
			t.Fatal("ChannelVarset delivered despite the filter set before the reconnect")
		}
	}
}

func TestDeviceStatesMailboxesAndEndpointStates(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.provision("201", "pw")
	e.connect("switchboard")
	e.do("POST", "/applications/switchboard/subscription", q("eventSource", "deviceState:,endpoint:PJSIP"), nil)
	if got := e.s.DeviceState("PJSIP/201"); got != "UNAVAILABLE" {
		t.Fatalf("unregistered 201 is %s", got)
	}
	d := e.s.Phone("201").Device("desk")
	if err := d.Register("pw"); err != nil {
		t.Fatal(err)
	}
	e.waitEvent("EndpointStateChange", "")
	if got := e.s.DeviceState("PJSIP/201"); got != "NOT_INUSE" {
		t.Fatalf("registered idle 201 is %s", got)
	}
	call, _ := d.Dial("300")
	if got := e.s.DeviceState("PJSIP/201"); got != "INUSE" {
		t.Fatalf("201 in a call is %s", got)
	}
	_ = call.Hangup()
	e.do("PUT", "/deviceStates/Stasis:park41", q("deviceState", "INUSE"), nil)
	ev := e.waitEvent("DeviceStateChanged", "")
	_ = ev
	if st, body := e.do("GET", "/deviceStates/Stasis:park41", nil, nil); st != 200 || !strings.Contains(string(body), `"INUSE"`) {
		t.Fatalf("%d %s", st, body)
	}
	if st, _ := e.do("PUT", "/deviceStates/PJSIP/201", q("deviceState", "INUSE"), nil); st == 204 {
		t.Fatal("a PJSIP device state was writable")
	}
	e.do("PUT", "/mailboxes/201@default", q("oldMessages", "0", "newMessages", "1"), nil)
	if _, n, ok := e.s.Mailbox("201@default"); !ok || n != 1 {
		t.Fatal("MWI not set")
	}
	if st, _ := e.do("DELETE", "/mailboxes/201@default", nil, nil); st != 204 {
		t.Fatal(st)
	}
	if st, _ := e.do("GET", "/mailboxes/201@default", nil, nil); st != 404 {
		t.Fatal(st)
	}
}

func TestAMIListsEndpointsAndReportsRegistrationsAndBadPasswords(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.provision("201", "pw")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := contextWithCancel()
	defer cancel()
	go func() { _ = e.s.ServeAMI(ctx, ln) }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	rd := bufio.NewReader(conn)
	if l, _ := rd.ReadString('\n'); !strings.HasPrefix(l, "Asterisk Call Manager/") {
		t.Fatalf("banner %q", l)
	}
	send := func(lines ...string) { _, _ = conn.Write([]byte(strings.Join(lines, "\r\n") + "\r\n\r\n")) }
	read := func() map[string]string {
		pkt, err := readAMIPacket(rd)
		if err != nil {
			t.Fatal(err)
		}
		return pkt
	}
	send("Action: Login", "Username: switchboard", "Secret: switchboard", "ActionID: 1")
	if p := read(); p["response"] != "Success" || p["actionid"] != "1" {
		t.Fatalf("login: %v", p)
	}
	read() // FullyBooted
	// The simulator answers the login (and sends FullyBooted) before it
	// adds the session to the ones events go to; a registration made right
	// after reading FullyBooted may come first, and its event is lost. The
	// actions of one session are handled in order, so once a Ping is
	// answered the login is complete and the session gets events.
	send("Action: Ping", "ActionID: sync")
	if p := read(); p["ping"] != "Pong" || p["actionid"] != "sync" {
		t.Fatalf("ping after login: %v", p)
	}
	_ = e.s.Phone("201").Device("desk").Register("pw")
	if p := read(); p["event"] != "ContactStatus" || p["contactstatus"] != "Created" {
		t.Fatalf("want ContactStatus Created, got %v", p)
	}
	_ = e.s.Phone("201").Device("other").Register("bad")
	if p := read(); p["event"] != "InvalidPassword" || p["accountid"] != "201" {
		t.Fatalf("want InvalidPassword, got %v", p)
	}
	send("Action: PJSIPShowEndpoints", "ActionID: 2")
	if p := read(); p["eventlist"] != "start" {
		t.Fatalf("%v", p)
	}
	if p := read(); p["event"] != "EndpointList" || p["objectname"] != "201" || p["devicestate"] != "Not in use" {
		t.Fatalf("%v", p)
	}
	if p := read(); p["event"] != "EndpointListComplete" || p["listitems"] != "1" {
		t.Fatalf("%v", p)
	}
	send("Action: Ping")
	if p := read(); p["ping"] != "Pong" {
		t.Fatalf("%v", p)
	}
}

func TestTonesPlayUntilStoppedAndIntercomOriginatesAreAutoAnswered(t *testing.T) {
	e := twoPhones(t)
	a, err := e.s.Phone("201").Devices()[0].Dial("*50202#")
	if err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/channels/"+a.ChannelID()+"/answer", nil, nil)
	e.do("POST", "/channels/"+a.ChannelID()+"/play", q("media", "tone:ring", "playbackId", "rb"), nil)
	e.advance(time.Hour)
	if got := strings.Join(a.Hears(), ","); got != "tone:ring" {
		t.Fatalf("201 hears %q an hour into a tone", got)
	}
	st, body := e.do("POST", "/channels", q("endpoint", "PJSIP/202", "app", "switchboard", "channelId", "ic"),
		map[string]any{"variables": map[string]string{"PJSIP_HEADER(add,Call-Info)": "answer-after=0"}})
	if st != 200 {
		t.Fatalf("originate: %d %s", st, body)
	}
	e.waitEvent("StasisStart", "ic")
	calls := e.s.Phone("202").Devices()[0].Calls()
	if len(calls) != 1 || !calls[0].AutoAnswered() || calls[0].State() != CallUp {
		t.Fatal("202 did not answer the intercom call by itself")
	}
	if st, _ := e.do("DELETE", "/playbacks/rb", nil, nil); st != 204 {
		t.Fatal(st)
	}
	e.waitEvent("PlaybackFinished", "")
	if len(a.Hears()) != 0 {
		t.Fatalf("201 still hears %v", a.Hears())
	}
	// a device told not to honour the headers just rings
	e.s.Phone("202").Devices()[0].SetAutoAnswer(false)
	e.do("POST", "/channels", q("endpoint", "PJSIP/202", "app", "switchboard", "channelId", "ic2"),
		map[string]any{"variables": map[string]string{"PJSIP_HEADER(add,Alert-Info)": "Ring Answer"}})
	if r := e.s.Phone("202").Devices()[0].Ringing(); r == nil || r.ChannelID() != "ic2" {
		t.Fatal("202 does not ring")
	}
}

func TestSubscribeAllSeesChannelCreatedTheAppsOwnSubscriptionDoesNot(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")
	e.connect("switchboard")
	a, _ := e.s.Phone("201").Devices()[0].Dial("300")
	e.waitEvent("StasisStart", a.ChannelID())
	if got := e.eventsOf(a.ChannelID()); got[0] != "StasisStart" {
		t.Fatalf("the app's first event is %v", got)
	}
	e.do("POST", "/applications/switchboard/subscription", q("eventSource", "channel:"), nil)
	b, _ := e.s.Phone("201").Devices()[0].Dial("301")
	e.waitEvent("StasisStart", b.ChannelID())
	if got := e.eventsOf(b.ChannelID()); len(got) < 2 || got[0] != "ChannelCreated" || got[1] != "StasisStart" {
		t.Fatalf("with channel: subscribed the app sees %v", got)
	}
}
