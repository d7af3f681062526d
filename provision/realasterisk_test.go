package provision_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/gorilla/websocket"
	"github.com/icholy/digest"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
	"github.com/switchboard-pbx/switchboard/provision"
)

// phone is a minimal SIP user agent on loopback UDP.
type phone struct {
	user, contact string
	client        *sipgo.Client
}

// newPhone makes a phone for user. With listen, it also serves SIP on a
// loopback port (answering NOTIFY and OPTIONS with 200) and sends from it,
// so that Asterisk's requests to its contact reach notifies.
func newPhone(t *testing.T, user string, listen bool, notifies chan<- *sip.Request) *phone {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(user)) // the From user identifies the endpoint
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	opts := []sipgo.ClientOption{sipgo.WithClientHostname("127.0.0.1")}
	ph := &phone{user: user, contact: fmt.Sprintf("<sip:%s@127.0.0.1:5999>", user)}
	if listen {
		probe, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := probe.LocalAddr().String()
		probe.Close()
		srv, err := sipgo.NewServer(ua)
		if err != nil {
			t.Fatal(err)
		}
		ok := func(req *sip.Request, tx sip.ServerTransaction) {
			if req.Method == sip.NOTIFY && notifies != nil {
				notifies <- req
			}
			tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
		}
		srv.OnNotify(ok)
		srv.OnOptions(ok)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		// served through the transport layer, so the client sends from it
		go srv.ListenAndServe(ctx, "udp", addr)
		time.Sleep(200 * time.Millisecond)
		opts = append(opts, sipgo.WithClientConnectionAddr(addr))
		ph.contact = fmt.Sprintf("<sip:%s@%s>", user, addr)
	}
	ph.client, err = sipgo.NewClient(ua, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ph.client.Close() })
	return ph
}

// request sends method to Asterisk (REGISTER when target is empty, otherwise
// to sip:<target>@asterisk), answers the digest challenge with password,
// and returns the final status code.
func (ph *phone) request(t *testing.T, sipPort int, password string, method sip.RequestMethod, target string, headers ...sip.Header) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	to := target
	if to == "" {
		to = ph.user
	}
	var recipient sip.Uri
	if err := sip.ParseUri(fmt.Sprintf("sip:%s@127.0.0.1:%d", to, sipPort), &recipient); err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(method, recipient)
	req.AppendHeader(sip.NewHeader("Contact", ph.contact))
	for _, h := range headers {
		req.AppendHeader(h)
	}
	req.SetTransport("UDP")
	build := sipgo.ClientRequestBuild
	if method == sip.REGISTER {
		build = sipgo.ClientRequestRegisterBuild
	}
	res, err := ph.client.Do(ctx, req, build)
	if err != nil {
		t.Fatalf("%s %s: %v", method, ph.user, err)
	}
	if res.StatusCode != sip.StatusUnauthorized {
		return int(res.StatusCode)
	}
	chal, err := digest.ParseChallenge(res.GetHeader("WWW-Authenticate").Value())
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: method.String(), URI: req.Recipient.String(), Username: ph.user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	again := req.Clone()
	again.RemoveHeader("Via")
	again.AppendHeader(sip.NewHeader("Authorization", cred.String()))
	res, err = ph.client.Do(ctx, again, sipgo.ClientRequestIncreaseCSEQ, sipgo.ClientRequestAddVia)
	if err != nil {
		t.Fatalf("%s %s with credentials: %v", method, ph.user, err)
	}
	return int(res.StatusCode)
}

func register(t *testing.T, sipPort int, user, password string) int {
	t.Helper()
	return newPhone(t, user, false, nil).request(t, sipPort, password, sip.REGISTER, "", sip.NewHeader("Expires", "60"))
}

func TestRealAsteriskPhoneRegistersWithProvisionedCredentials(t *testing.T) {
	in := asterisktest.Start(t, nil)
	ctx := context.Background()
	c := ari.New(ari.Options{BaseURL: in.ARIURL, Username: in.Params.ARIUser, Password: in.Params.ARIPassword})
	p := provision.New(c, provision.Options{Mailboxes: true, Fax: true})
	exts := []provision.Extension{
		{Number: "101", Name: "Alice", SIPSecret: "sip-secret-101", Browser: true},
		{Number: "102", Name: "Bob", SIPSecret: "sip-secret-102"},
	}
	if _, err := p.Sync(ctx, exts); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	out := in.CLI(t, "pjsip show endpoint 101")
	for _, want := range []string{"from-phones", "101@default", "g722"} {
		if !strings.Contains(out, want) {
			t.Errorf("pjsip show endpoint 101 lacks %q:\n%s", want, out)
		}
	}
	if out := in.CLI(t, "pjsip show endpoint 101-web"); !strings.Contains(out, "from-browser") || !strings.Contains(out, "dtls") {
		t.Errorf("pjsip show endpoint 101-web:\n%s", out)
	}

	port := in.Params.SIPUDPPort
	if got := register(t, port, "101", "sip-secret-101"); got != 200 {
		t.Fatalf("REGISTER 101 with its secret: %d, want 200", got)
	}
	// rewrite_contact puts the source port in place of the advertised 5999
	if out := in.CLI(t, "pjsip show contacts"); !strings.Contains(out, "101/sip:101@127.0.0.1:") {
		t.Errorf("contact not listed:\n%s", out)
	}
	if got := register(t, port, "102", "wrong-password"); got == 200 {
		t.Errorf("REGISTER 102 with a wrong password succeeded")
	}
	if got := register(t, port, "999", "whatever-pass"); got == 200 {
		t.Errorf("REGISTER for an unknown user succeeded")
	}

	// 101 no longer has a browser, 102 is gone
	if _, err := p.Sync(ctx, exts[:1:1]); err != nil {
		t.Fatalf("second Sync: %v", err)
	}
	exts[0].Browser = false
	rep, err := p.Sync(ctx, []provision.Extension{exts[0]})
	if err != nil {
		t.Fatalf("third Sync: %v", err)
	}
	eps := in.CLI(t, "pjsip show endpoints")
	if strings.Contains(eps, "101-web") || strings.Contains(eps, " 102 ") || strings.Contains(eps, "102/") {
		t.Errorf("stale endpoints left (report %+v):\n%s", rep, eps)
	}
	if got := register(t, port, "102", "sip-secret-102"); got == 200 {
		t.Errorf("removed extension 102 can still register")
	}
	if probs := in.Problems(); len(probs) > 0 {
		t.Errorf("Asterisk logged warnings/errors:\n%s", strings.Join(probs, "\n"))
	}
}

func TestRealAsteriskBLFSubscriptionsFindHintsForProvisionedExtensionsAndParkingSlots(t *testing.T) {
	in := asterisktest.Start(t, nil)
	ctx := context.Background()
	c := ari.New(ari.Options{BaseURL: in.ARIURL, Username: in.Params.ARIUser, Password: in.Params.ARIPassword})
	p := provision.New(c, provision.Options{})
	if _, err := p.Sync(ctx, []provision.Extension{
		{Number: "101", Name: "Alice", SIPSecret: "sip-secret-101"},
		{Number: "102", Name: "Bob", SIPSecret: "sip-secret-102", Browser: true},
	}); err != nil {
		t.Fatal(err)
	}
	port := in.Params.SIPUDPPort
	blf := []sip.Header{sip.NewHeader("Event", "dialog"), sip.NewHeader("Accept", "application/dialog-info+xml"), sip.NewHeader("Expires", "60")} // 0 (a fetch) is refused with 400
	for _, target := range []string{"102", "41"} {
		if got := newPhone(t, "101", false, nil).request(t, port, "sip-secret-101", sip.SUBSCRIBE, target, blf...); got != 200 {
			t.Errorf("SUBSCRIBE 101 -> %s: %d, want 200", target, got)
		}
	}
	hints := in.CLI(t, "core show hints")
	for _, want := range []string{"PJSIP/102&PJSIP/102-web&Stasis:dnd102", "Stasis:park41"} {
		if !strings.Contains(hints, want) {
			t.Errorf("hint %q missing:\n%s", want, hints)
		}
	}
}

func TestRealAsteriskMWIFromARIMailboxesReachesTheExtensionsPhone(t *testing.T) {
	in := asterisktest.Start(t, nil)
	ctx := context.Background()
	c := ari.New(ari.Options{BaseURL: in.ARIURL, Username: in.Params.ARIUser, Password: in.Params.ARIPassword})
	if _, err := provision.New(c, provision.Options{Mailboxes: true}).Sync(ctx, []provision.Extension{
		{Number: "101", Name: "Alice", SIPSecret: "sip-secret-101"},
	}); err != nil {
		t.Fatal(err)
	}
	notifies := make(chan *sip.Request, 16)
	ph := newPhone(t, "101", true, notifies)
	if got := ph.request(t, in.Params.SIPUDPPort, "sip-secret-101", sip.REGISTER, "", sip.NewHeader("Expires", "60")); got != 200 {
		t.Fatalf("REGISTER: %d", got)
	}
	if err := c.Mailboxes().Update(ctx, "101@default", ari.MailboxUpdateParams{OldMessages: 1, NewMessages: 2}); err != nil {
		t.Fatalf("PUT /mailboxes/101@default: %v", err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case req := <-notifies:
			body := string(req.Body())
			if strings.Contains(body, "Messages-Waiting: yes") && strings.Contains(body, "2/1") {
				return
			}
		case <-deadline:
			t.Fatal("no MWI NOTIFY with 2 new / 1 old message")
		}
	}
}

// wsRegister registers user over SIP-over-WebSocket, as a browser does, and
// returns the final status code. The connection stays open until the test
// ends: Asterisk drops a WebSocket contact when its connection closes.
func wsRegister(t *testing.T, wsURL, user, password string) int {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"sip"}, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.Dial(wsURL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	t.Cleanup(func() { ws.Close() })
	build := func(cseq int, auth string) string {
		return "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
			fmt.Sprintf("Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-%d-%d\r\n", cseq, time.Now().UnixNano()) +
			"Max-Forwards: 70\r\n" +
			"To: <sip:" + user + "@127.0.0.1>\r\n" +
			"From: <sip:" + user + "@127.0.0.1>;tag=browsertag\r\n" +
			"Call-ID: browser-" + user + "\r\n" +
			fmt.Sprintf("CSeq: %d REGISTER\r\n", cseq) +
			"Contact: <sip:x7k2@df7jal23ls0d.invalid;transport=ws>;expires=60\r\n" +
			"Expires: 60\r\n" + auth +
			"Content-Length: 0\r\n\r\n"
	}
	roundTrip := func(msg string) (int, string) {
		t.Helper()
		if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var code int
			if _, err := fmt.Sscanf(string(data), "SIP/2.0 %d", &code); err == nil && code >= 200 {
				return code, string(data)
			}
		}
	}
	code, res := roundTrip(build(1, ""))
	if code != 401 {
		return code
	}
	for _, line := range strings.Split(res, "\r\n") {
		v, ok := strings.CutPrefix(line, "WWW-Authenticate: ")
		if !ok {
			continue
		}
		chal, err := digest.ParseChallenge(v)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := digest.Digest(chal, digest.Options{Method: "REGISTER", URI: "sip:127.0.0.1", Username: user, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		code, _ = roundTrip(build(2, "Authorization: "+cred.String()+"\r\n"))
		return code
	}
	t.Fatalf("401 without a challenge:\n%s", res)
	return 0
}

func TestRealAsteriskBrowserRegistersOverWebSocketAsNumberDashWeb(t *testing.T) {
	in := asterisktest.Start(t, nil)
	ctx := context.Background()
	c := ari.New(ari.Options{BaseURL: in.ARIURL, Username: in.Params.ARIUser, Password: in.Params.ARIPassword})
	if _, err := provision.New(c, provision.Options{}).Sync(ctx, []provision.Extension{
		{Number: "101", Name: "Alice", SIPSecret: "sip-secret-101", Browser: true},
	}); err != nil {
		t.Fatal(err)
	}
	wsURL := fmt.Sprintf("ws://127.0.0.1:%d/ws", in.Params.HTTPPort)
	if got := wsRegister(t, wsURL, "101-web", "sip-secret-101"); got != 200 {
		t.Fatalf("browser REGISTER as 101-web: %d, want 200", got)
	}
	if out := in.CLI(t, "pjsip show contacts"); !strings.Contains(out, "101-web/sip:x7k2@") {
		t.Errorf("browser contact not listed:\n%s", out)
	}
	if got := wsRegister(t, wsURL, "101-web", "wrong-password"); got == 200 {
		t.Errorf("browser registered with a wrong password")
	}
}

func TestRealAsteriskRestartDropsProvisionedObjectsUntilTheNextSync(t *testing.T) {
	in := asterisktest.Start(t, nil)
	ctx := context.Background()
	c := ari.New(ari.Options{BaseURL: in.ARIURL, Username: in.Params.ARIUser, Password: in.Params.ARIPassword})
	p := provision.New(c, provision.Options{})
	exts := []provision.Extension{{Number: "101", Name: "Alice", SIPSecret: "sip-secret-101"}}
	if _, err := p.Sync(ctx, exts); err != nil {
		t.Fatal(err)
	}
	if got := register(t, in.Params.SIPUDPPort, "101", "sip-secret-101"); got != 200 {
		t.Fatalf("REGISTER: %d", got)
	}
	if err := c.DeviceStates().Update(ctx, "Stasis:park41", ari.DeviceStateUpdateParams{DeviceState: "INUSE"}); err != nil {
		t.Fatalf("device state: %v", err)
	}

	in.Restart(t)

	if _, err := c.Asterisk().GetObject(ctx, provision.SorceryClass, provision.TypeEndpoint, "101"); !errors.Is(err, ari.ErrNotFound) {
		t.Errorf("endpoint 101 after a restart: %v, want not found (memory wizard)", err)
	}
	ds, err := c.DeviceStates().Get(ctx, "Stasis:park41")
	if err != nil || ds.State != "INUSE" {
		t.Errorf("Stasis:park41 after a restart = %+v, %v; want INUSE kept in astdb", ds, err)
	}
	// the same provisioner (its memory says "written") must notice the loss
	if _, err := p.Sync(ctx, exts); err != nil {
		t.Fatal(err)
	}
	if out := in.CLI(t, "pjsip show endpoint 101"); !strings.Contains(out, "from-phones") {
		t.Errorf("endpoint 101 not provisioned again:\n%s", out)
	}
	if out := in.CLI(t, "pjsip show contacts"); !strings.Contains(out, "101/sip:101@127.0.0.1:") {
		t.Errorf("the contact registered before the restart did not come back from astdb:\n%s", out)
	}
}
