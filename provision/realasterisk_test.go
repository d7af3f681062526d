package provision_test

import (
	"context"
	"fmt"
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

// register sends a REGISTER for user to Asterisk over UDP, answers the
// digest challenge with password, and returns the final status code.
func register(t *testing.T, sipPort int, user, password string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(user)) // the From user identifies the endpoint
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var recipient sip.Uri
	if err := sip.ParseUri(fmt.Sprintf("sip:%s@127.0.0.1:%d", user, sipPort), &recipient); err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(sip.REGISTER, recipient)
	req.AppendHeader(sip.NewHeader("Contact", fmt.Sprintf("<sip:%s@127.0.0.1:5999>", user)))
	req.AppendHeader(sip.NewHeader("Expires", "60"))
	req.SetTransport("UDP")
	res, err := client.Do(ctx, req, sipgo.ClientRequestRegisterBuild)
	if err != nil {
		t.Fatalf("REGISTER %s: %v", user, err)
	}
	if res.StatusCode != sip.StatusUnauthorized {
		return int(res.StatusCode)
	}
	chal, err := digest.ParseChallenge(res.GetHeader("WWW-Authenticate").Value())
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: "REGISTER", URI: req.Recipient.String(), Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	again := req.Clone()
	again.RemoveHeader("Via")
	again.AppendHeader(sip.NewHeader("Authorization", cred.String()))
	res, err = client.Do(ctx, again, sipgo.ClientRequestIncreaseCSEQ, sipgo.ClientRequestAddVia)
	if err != nil {
		t.Fatalf("REGISTER %s with credentials: %v", user, err)
	}
	return int(res.StatusCode)
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
