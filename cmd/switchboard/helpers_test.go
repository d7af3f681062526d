package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutines.
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

// testApp runs commands with captured output and no environment.
type testApp struct {
	app
	out, err *syncBuffer
}

func newTestApp(stdin string) *testApp {
	t := &testApp{out: &syncBuffer{}, err: &syncBuffer{}}
	t.app = app{stdin: strings.NewReader(stdin), stdout: t.out, stderr: t.err}
	return t
}

// closedAddr returns a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

var listeningRE = regexp.MustCompile(`msg="portal listening".* url=(https://\S+)/`)

// waitForURL waits until serve logged its portal URL.
func waitForURL(t *testing.T, logs *syncBuffer, exited <-chan int) string {
	t.Helper()
	deadline := time.After(2 * time.Minute) // -race on a loaded 2-core box: seeding hashes six bcrypt passwords
	for {
		if m := listeningRE.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-exited:
			t.Fatalf("serve exited with %d before listening:\n%s", code, logs.String())
		case <-deadline:
			t.Fatalf("serve did not start listening:\n%s", logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

var insecureClient = &http.Client{
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	Timeout:   30 * time.Second,
}

// startServe runs `serve` with args in the background; the returned
// channel yields its exit code.
func startServe(ctx context.Context, a *testApp, args ...string) <-chan int {
	exited := make(chan int, 1)
	go func() { exited <- a.run(ctx, append([]string{"serve"}, args...)) }()
	return exited
}

// waitExit waits for a command started in the background.
func waitExit(t *testing.T, exited <-chan int) int {
	t.Helper()
	select {
	case code := <-exited:
		return code
	case <-time.After(2 * time.Minute):
		t.Fatal("command did not exit")
		return -1
	}
}
