package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/portal"
	"github.com/switchboard-pbx/switchboard/store"
)

// simPhones drives the simulator's phones over its HTTP API, as a person
// at a desk phone would.
type simPhones struct {
	t        *testing.T
	base     string // http://127.0.0.1:port (the simulator, not the portal)
	user, pw string
}

func (p simPhones) do(method, path string, body any, out any) int {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, rd)
	req.SetBasicAuth(p.user, p.pw)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

type simCall struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	CallerNumber string `json:"caller_number"`
}

var sipPasswordRE = regexp.MustCompile(`extension (\d+)\s+portal password \S+\s+SIP password (\S+)`)

func TestServeRoutesACallBetweenTwoDemoExtensionsAndRecordsIt(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	a := newTestApp("")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := startServe(ctx, a, append(serveArgs(t, dataDir), "-engine", "sim")...)
	base := waitForURL(t, a.err, exited)
	healthUntil(t, base, func(r portal.HealthReport) bool { return r.Asterisk["ari"].State == portal.StateConnected })

	m := simARIRE.FindStringSubmatch(a.err.String())
	if m == nil {
		t.Fatalf("no simulator address logged")
	}
	pw, _ := os.ReadFile(filepath.Join(dataDir, "secrets", "ari_password"))
	phones := simPhones{t: t, base: strings.TrimSuffix(m[1], "/ari"), user: "switchboard", pw: strings.TrimSpace(string(pw))}
	sip := map[string]string{}
	for _, s := range sipPasswordRE.FindAllStringSubmatch(a.out.String(), -1) {
		sip[s[1]] = s[2]
	}
	for _, ext := range []string{"101", "102"} {
		deadline := time.Now().Add(time.Minute)
		for phones.do("POST", "/sim/phones/"+ext+"/devices/desk/register", map[string]string{"password": sip[ext]}, nil) != http.StatusNoContent {
			if time.Now().After(deadline) {
				t.Fatalf("desk phone %s cannot register (extensions not provisioned?)", ext)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// the Stasis application must be up before the first call
	appDeadline := time.Now().Add(time.Minute)
	for phones.do("GET", "/ari/applications/switchboard", nil, nil) != http.StatusOK {
		if time.Now().After(appDeadline) {
			t.Fatal("the switchboard Stasis application never registered")
		}
		time.Sleep(50 * time.Millisecond)
	}

	var out simCall
	if code := phones.do("POST", "/sim/phones/101/devices/desk/dial", map[string]string{"target": "102"}, &out); code != http.StatusOK {
		t.Fatalf("dial: %d", code)
	}
	var ringing simCall
	waitFor(t, "102 rings", func() bool {
		var dev struct {
			Calls []simCall `json:"calls"`
		}
		phones.do("GET", "/sim/phones/102/devices/desk", nil, &dev)
		for _, c := range dev.Calls {
			if c.State == "ringing" {
				ringing = c
				return true
			}
		}
		return false
	})
	if ringing.CallerNumber != "101" {
		t.Errorf("102 sees caller %q, want 101", ringing.CallerNumber)
	}
	phones.do("POST", "/sim/calls/"+ringing.ID+"/answer", nil, nil)
	waitFor(t, "101's call is answered", func() bool {
		var c simCall
		phones.do("GET", "/sim/calls/"+out.ID, nil, &c)
		return c.State == "up"
	})
	phones.do("POST", "/sim/calls/"+out.ID+"/hangup", nil, nil)
	waitFor(t, "the call ends", func() bool {
		var c simCall
		phones.do("GET", "/sim/calls/"+ringing.ID, nil, &c)
		return c.State == "ended"
	})

	cancel()
	if code := waitExit(t, exited); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, a.err.String())
	}
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: filepath.Join(dataDir, "switchboard.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := st.Calls.Get(context.Background(), 1)
	if err != nil {
		t.Fatalf("no call record written: %v", err)
	}
	if rec.Disposition != "answered" || rec.EndedAt == nil {
		t.Fatalf("call record %+v", rec)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
