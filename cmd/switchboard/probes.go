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

// ariProbe checks ARI with a real call, GET /asterisk/ping, which also
// proves the ari.conf credentials.
func ariProbe(c *ari.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		if _, err := c.Asterisk().Ping(ctx); err != nil {
			return fmt.Errorf("ARI ping: %w", err)
		}
		return nil
	}
}

// amiProbe logs in to the manager interface and off again, which proves
// that AMI answers and accepts the manager.conf credentials.
func amiProbe(addr, user, secret string) func(context.Context) error {
	return func(ctx context.Context) error {
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
}
