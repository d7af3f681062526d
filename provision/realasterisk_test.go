package provision_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
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
