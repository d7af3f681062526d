package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// errAMILogin is a refused AMI log-in (wrong manager.conf user or secret).
var errAMILogin = errors.New("AMI login refused")

// ariProbe checks ARI with a real call, GET /asterisk/info?only=status,
// which also proves the ari.conf credentials; Asterisk's start time tells
// a restart (which empties the dynamically provisioned endpoints) apart.
func ariProbe(c *ari.Client) probeFunc {
	return func(ctx context.Context) (string, error) {
		info, err := c.Asterisk().GetInfo(ctx, ari.AsteriskGetInfoParams{Only: []string{"status"}})
		if err != nil {
			return "", fmt.Errorf("ARI: %w", err)
		}
		if info.Status == nil {
			return "", nil
		}
		return string(info.Status.StartupTime), nil
	}
}

// amiProbe logs in to the manager interface and off again, which proves
// that AMI answers and accepts the manager.conf credentials.
func amiProbe(addr, user, secret string) probeFunc {
	return func(ctx context.Context) (string, error) {
		return "", amiLogin(ctx, addr, user, secret)
	}
}

// amiLogin dials addr, checks the banner and logs in and off.
func amiLogin(ctx context.Context, addr, user, secret string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("AMI: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(probeTimeout))
	}
	r := textproto.NewReader(bufio.NewReader(conn))
	banner, err := r.ReadLine()
	if err != nil {
		return fmt.Errorf("AMI: read banner: %w", err)
	}
	if !strings.HasPrefix(banner, "Asterisk Call Manager") {
		return fmt.Errorf("AMI: %s answers %q, not Asterisk Call Manager", addr, banner)
	}
	login := fmt.Sprintf("Action: Login\r\nActionID: probe\r\nUsername: %s\r\nSecret: %s\r\nEvents: off\r\n\r\n", user, secret)
	if _, err := conn.Write([]byte(login)); err != nil {
		return fmt.Errorf("AMI: send login: %w", err)
	}
	h, err := r.ReadMIMEHeader()
	if err != nil {
		return fmt.Errorf("AMI: read login response: %w", err)
	}
	if h.Get("Response") != "Success" {
		return fmt.Errorf("%w: %s", errAMILogin, h.Get("Message"))
	}
	_, _ = conn.Write([]byte("Action: Logoff\r\nActionID: probe-off\r\n\r\n"))
	return nil
}
