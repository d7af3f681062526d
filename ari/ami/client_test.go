package ami

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// syncBuffer is a log sink safe for amigo's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func connect(t *testing.T, f *fakeAMI, secret string, logs *syncBuffer) (*Client, net.Conn) {
	t.Helper()
	c, err := New(Options{Addr: f.addr(), Username: "switchboard", Password: secret,
		ReconnectInterval: 20 * time.Millisecond, ActionTimeout: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case conn := <-f.loggedIn:
		return c, conn
	case <-ctx.Done():
		t.Fatal("no login")
		return nil, nil
	}
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestClientLogsInPingsAndReloadsAModule(t *testing.T) {
	f := newFakeAMI(t, "switchboard", "s3cret-pw")
	c, _ := connect(t, f, "s3cret-pw", &syncBuffer{})
	ctx := ctx5(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(ctx, "res_pjsip.so"); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(ctx, "nope.so"); !errors.Is(err, ErrActionFailed) || !strings.Contains(err.Error(), "No such module") {
		t.Fatalf("reload of a missing module: %v", err)
	}
}

func TestClientListsPJSIPEndpointsAndContacts(t *testing.T) {
	f := newFakeAMI(t, "switchboard", "pw")
	c, _ := connect(t, f, "pw", &syncBuffer{})
	ctx := ctx5(t)
	eps, err := c.PJSIPShowEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 2 || eps[0].Name != "201" || eps[1].Name != "201-web" || eps[0].DeviceState != "Not in use" {
		t.Fatalf("endpoints %+v", eps)
	}
	cs, err := c.PJSIPShowContacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].AOR != "202" || cs[0].Status != "Reachable" || cs[0].RoundtripUsec != 1532 || cs[0].URI != "sip:202@10.0.0.9:5060" {
		t.Fatalf("contacts %+v", cs)
	}
}

func TestSecurityEventsAreCountedPerSourceAndDeliveredTyped(t *testing.T) {
	f := newFakeAMI(t, "switchboard", "pw")
	logs := &syncBuffer{}
	c, conn := connect(t, f, "pw", logs)
	f.push(conn, "InvalidPassword", "Severity: Error", "Service: PJSIP", "AccountID: 201", "RemoteAddress: IPV4/UDP/203.0.113.5/5060")
	f.push(conn, "ChallengeResponseFailed", "Severity: Error", "Service: PJSIP", "AccountID: 201", "RemoteAddress: IPV4/UDP/203.0.113.5/5061")
	f.push(conn, "FailedACL", "Severity: Error", "Service: AMI", "AccountID: admin", "RemoteAddress: IPV4/TCP/198.51.100.7/40000")
	f.push(conn, "ContactStatus", "URI: sip:201@10.0.0.5:5060", "ContactStatus: Reachable", "AOR: 201", "EndpointName: 201", "RoundtripUsec: 900")
	f.push(conn, "ReceiveFAX", "Channel: Local/rx@faxtest-0001;2", "Uniqueid: 17.1", "LocalStationID: SB", "RemoteStationID: X", "PagesTransferred: 2", "Resolution: 204x196", "TransferRate: 14400", "FileName: /tmp/rx.tif")
	f.push(conn, "Newchannel", "Channel: PJSIP/201-1")
	var got []Event
	for len(got) < 5 {
		select {
		case ev := <-c.Events():
			if _, ok := ev.(Connected); !ok {
				got = append(got, ev)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("got only %v", got)
		}
	}
	if s := got[0].(SecurityEvent); s.Source != "203.0.113.5" || s.AccountID != "201" {
		t.Fatalf("security %+v", s)
	}
	if cs := got[3].(ContactStatus); cs.Status != "Reachable" || cs.AOR != "201" {
		t.Fatalf("contact %+v", cs)
	}
	if fx := got[4].(FaxEvent); fx.Name != "ReceiveFAX" || fx.Pages != 2 || fx.FileName != "/tmp/rx.tif" {
		t.Fatalf("fax %+v", fx)
	}
	want := map[string]float64{"InvalidPassword/203.0.113.5": 1, "ChallengeResponseFailed/203.0.113.5": 1, "FailedACL/198.51.100.7": 1}
	for key, n := range want {
		ev, src, _ := strings.Cut(key, "/")
		var m dto.Metric
		if err := c.m.securityEvents.WithLabelValues(ev, src).Write(&m); err != nil || m.GetCounter().GetValue() != n {
			t.Errorf("%s: %v (%v)", key, m.GetCounter().GetValue(), err)
		}
	}
	if !strings.Contains(logs.String(), "203.0.113.5") {
		t.Errorf("security event not logged: %s", logs.String())
	}
}

func TestClientReconnectsAfterTheConnectionDrops(t *testing.T) {
	f := newFakeAMI(t, "switchboard", "pw")
	c, conn := connect(t, f, "pw", &syncBuffer{})
	conn.Close()
	select {
	case <-f.loggedIn:
	case <-time.After(5 * time.Second):
		t.Fatal("no second login")
	}
	ctx := ctx5(t)
	if err := c.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping after reconnect: %v", err)
	}
	for i := range 2 {
		select {
		case ev := <-c.Events():
			if _, ok := ev.(Connected); !ok {
				t.Fatalf("event %d: %#v, want Connected", i, ev)
			}
		case <-ctx.Done():
			t.Fatalf("only %d Connected notices for two logins", i)
		}
	}
}

func TestCredentialsNeverReachTheLogs(t *testing.T) {
	f := newFakeAMI(t, "switchboard", "right-pw-123")
	logs := &syncBuffer{}
	bad, err := New(Options{Addr: f.addr(), Username: "switchboard", Password: "wrong-pw-456",
		ReconnectInterval: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := bad.Connect(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("wrong password connected: %v", err)
	}
	good, _ := connect(t, f, "right-pw-123", logs)
	if err := good.Ping(ctx5(t)); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "ami") {
		t.Fatalf("expected some log lines, got %q", out)
	}
	for _, secret := range []string{"wrong-pw-456", "right-pw-123"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains a password: %s", out)
		}
	}
}

func TestSourceIPIsTakenFromAsteriskAddresses(t *testing.T) {
	cases := map[string]string{
		"IPV4/UDP/203.0.113.5/5060": "203.0.113.5",
		"IPV6/TCP/2001:db8::1/5061": "2001:db8::1",
		"something else":            "something else",
	}
	for in, want := range cases {
		if got := sourceIP(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestActionsFailFastWhenNotConnected(t *testing.T) {
	c, err := New(Options{Addr: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(context.Background()); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("ping: %v", err)
	}
	if _, err := New(Options{Addr: "no-port"}); err == nil {
		t.Fatal("bad address accepted")
	}
}
