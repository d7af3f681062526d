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
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/portal"
)

func TestARIProbePingsWithBasicAuth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if r.URL.Path != "/ari/asterisk/ping" || !ok || u != "switchboard" || p != "pw-123456789" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"asterisk_id":"x","ping":"pong","timestamp":"2026-01-01T00:00:00.000+0000"}`)
	}))
	defer srv.Close()
	probe := func(pw string) error {
		c := ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "switchboard", Password: pw})
		return ariProbe(c)(context.Background())
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
	if err := amiProbe(addr, "switchboard", "good-secret")(ctx); err != nil {
		t.Fatalf("good secret: %v", err)
	}
	err := amiProbe(addr, "switchboard", "bad")(ctx)
	if !errors.Is(err, errAMILogin) || !strings.Contains(err.Error(), "Authentication failed") {
		t.Fatalf("bad secret: %v", err)
	}
	if err := amiProbe(closedAddr(t), "u", "p")(ctx); err == nil {
		t.Fatal("closed port reported reachable")
	}
}

func TestLinkLogsOncePerStateChangeAndBacksOff(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	logs := &syncBuffer{}
	up := make(chan bool, 1)
	up <- false
	healthy := false
	probe := func(context.Context) error {
		select {
		case healthy = <-up:
		default:
		}
		if healthy {
			return nil
		}
		return errors.New("connection refused")
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

func TestJitteredBackoffStaysWithinHalfToFull(t *testing.T) {
	for range 1000 {
		if d := jitter(time.Second); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("jitter(1s) = %v", d)
		}
	}
}
