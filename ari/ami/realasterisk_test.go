package ami_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/ami"
	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
	"github.com/switchboard-pbx/switchboard/provision"
)

// TestRealAsteriskAMILoginPingListsAndReload runs the AMI client
// against Asterisk 22 with the project's manager.conf (skipped without
// SWITCHBOARD_ASTERISK): login, Ping, PJSIPShowEndpoints before and after an
// extension is provisioned, PJSIPShowContacts, and a Reload of a module.
func TestRealAsteriskAMILoginPingListsAndReload(t *testing.T) {
	ast := asterisktest.Start(t, nil)
	c, err := ami.New(ami.Options{Addr: ast.AMIAddr, Username: ast.Params.AMIUser, Password: ast.Params.AMIPassword,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	// An empty list is an error response on Asterisk 22 ("No endpoints
	// found"): the client reports it as no rows.
	if eps, err := c.PJSIPShowEndpoints(ctx); err != nil || len(eps) != 0 {
		t.Fatalf("PJSIPShowEndpoints before provisioning = %v, %v; want none", eps, err)
	}
	client := ari.New(ari.Options{BaseURL: ast.ARIURL, Username: ast.Params.ARIUser, Password: ast.Params.ARIPassword,
		Application: "switchboard"})
	if err := provision.New(client, provision.Options{}).Apply(ctx, provision.Extension{Number: "101", Name: "Ann",
		SIPSecret: "s3cret-s3cret-101"}); err != nil {
		t.Fatal(err)
	}
	eps, err := c.PJSIPShowEndpoints(ctx)
	if err != nil {
		t.Fatalf("PJSIPShowEndpoints: %v", err)
	}
	if len(eps) != 1 || eps[0].Name != "101" || eps[0].DeviceState != "Unavailable" {
		t.Fatalf("endpoints = %+v, want 101 unavailable", eps)
	}
	if _, err := c.PJSIPShowContacts(ctx); err != nil {
		t.Fatalf("PJSIPShowContacts: %v", err)
	}
	if err := c.Reload(ctx, "res_pjsip.so"); err != nil {
		t.Fatalf("Reload: %v", err)
	}
}
