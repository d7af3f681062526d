package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/portal"
)

func TestARIProbeAsksAsteriskInfoWithBasicAuth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if r.URL.Path != "/ari/asterisk/info" || !ok || u != "switchboard" || p != "pw-123456789" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":{"startup_time":"2026-01-01T00:00:00.000+0000","last_reload_time":"2026-01-01T00:00:00.000+0000"}}`)
	}))
	defer srv.Close()
	probe := func(pw string) error {
		c := ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "switchboard", Password: pw})
		_, err := ariProbe(c)(context.Background())
		return err
	}
	if err := probe("pw-123456789"); err != nil {
		t.Fatalf("good credentials: %v", err)
	}
	if err := probe("wrong"); err == nil {
		t.Fatal("wrong credentials accepted")
	}
}

// fakeAMI answers like Asterisk's manager: banner, then one Login.
func fakeAMI(t *testing.T, secret string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				fmt.Fprint(conn, "Asterisk Call Manager/11.0.0\r\n")
				h, err := textproto.NewReader(bufio.NewReader(conn)).ReadMIMEHeader()
				if err != nil {
					return
				}
				if h.Get("Action") == "Login" && h.Get("Secret") == secret {
					fmt.Fprintf(conn, "Response: Success\r\nActionID: %s\r\nMessage: Authentication accepted\r\n\r\n", h.Get("ActionID"))
					return
				}
				fmt.Fprint(conn, "Response: Error\r\nMessage: Authentication failed\r\n\r\n")
			}()
		}
	}()
	return ln.Addr().String()
}

func TestAMIProbeLogsInAndReportsRefusedCredentials(t *testing.T) {
	addr := fakeAMI(t, "good-secret")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := amiProbe(addr, "switchboard", "good-secret")(ctx); err != nil {
		t.Fatalf("good secret: %v", err)
	}
	_, err := amiProbe(addr, "switchboard", "bad")(ctx)
	if !errors.Is(err, errAMILogin) || !strings.Contains(err.Error(), "Authentication failed") {
		t.Fatalf("bad secret: %v", err)
	}
	if _, err := amiProbe(closedAddr(t), "u", "p")(ctx); err == nil {
		t.Fatal("closed port reported reachable")
	}
}

func TestLinkLogsOncePerStateChangeAndBacksOff(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	logs := &syncBuffer{}
	up := make(chan bool, 1)
	up <- false
	healthy := false
	probe := func(context.Context) (string, error) {
		select {
		case healthy = <-up:
		default:
		}
		if healthy {
			return "boot-1", nil
		}
		return "", errors.New("connection refused")
	}
	l := newLink("ari", "http://asterisk/ari", probe, clk, slog.New(slog.NewTextHandler(logs, nil)))
	if s := l.LinkState(); s.State != portal.StateConnecting {
		t.Fatalf("initial state %+v", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	step := func() {
		if err := clk.BlockUntil(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clk.Advance(maxBackoff)
	}
	for range 5 {
		step() // five failed retries
	}
	if s := l.LinkState(); s.State != portal.StateDisconnected || s.LastError != "connection refused" {
		t.Fatalf("state after failures %+v", s)
	}
	up <- true
	step()
	if err := clk.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s := l.LinkState()
	if s.State != portal.StateConnected || s.LastError != "connection refused" {
		t.Fatalf("state after recovery %+v", s)
	}
	out := logs.String()
	if n := strings.Count(out, "unreachable"); n != 1 {
		t.Errorf("%d unreachable lines, want 1:\n%s", n, out)
	}
	if n := strings.Count(out, "connected"); n != 1 {
		t.Errorf("%d connected lines, want 1:\n%s", n, out)
	}
}

// scriptedProbe answers probes from a list of instances ("" = down) and
// then repeats the last one.
type scriptedProbe struct {
	mu     sync.Mutex
	script []string
}

func (p *scriptedProbe) probe(context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	next := p.script[0]
	if len(p.script) > 1 {
		p.script = p.script[1:]
	}
	if next == "" {
		return "", errors.New("connection refused")
	}
	return next, nil
}

func TestOnUpRunsOnConnectAfterReconnectAndAfterAsteriskRestarts(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := &scriptedProbe{script: []string{"", "boot-1", "boot-1", "", "boot-1", "boot-1", "boot-2", "boot-2", "boot-2"}}
	l := newLink("ari", "x", p.probe, clk, slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	calls, failOnce := 0, true
	l.onUp = func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 3 && failOnce { // the sync after the restart fails once
			failOnce = false
			return errors.New("asterisk busy")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for range 8 {
		if err := clk.BlockUntil(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clk.Advance(maxBackoff)
	}
	if err := clk.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// first connect, reconnect, restart (fails), its retry
	if calls != 4 {
		t.Fatalf("onUp ran %d times, want 4", calls)
	}
}

func TestJitteredBackoffStaysWithinHalfToFull(t *testing.T) {
	for range 1000 {
		if d := jitter(time.Second); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("jitter(1s) = %v", d)
		}
	}
}
