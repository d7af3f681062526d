package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/portal"
	"github.com/switchboard-pbx/switchboard/store"
)

func serveArgs(t *testing.T, dataDir string) []string {
	return []string{
		"-data_dir", dataDir, "-http.listen", "127.0.0.1", "-http.port", "0",
		"-ari.url", "http://" + closedAddr(t) + "/ari", "-ami.address", closedAddr(t),
	}
}

// healthUntil polls /healthz until ok accepts the report.
func healthUntil(t *testing.T, base string, ok func(portal.HealthReport) bool) portal.HealthReport {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := insecureClient.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("/healthz status %d", res.StatusCode)
		}
		var r portal.HealthReport
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("/healthz body %s: %v", body, err)
		}
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never matched: %s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var adminPasswordRE = regexp.MustCompile(`admin account\s+user admin\s+password (\S+)`)

func TestServeWithoutAsteriskRunsReportsUnreachableAndPrintsDemoPasswordsOnlyOnFirstStart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	a := newTestApp("")
	ctx, cancel := context.WithCancel(context.Background())
	exited := startServe(ctx, a, serveArgs(t, dataDir)...)
	base := waitForURL(t, a.err, exited)

	r := healthUntil(t, base, func(r portal.HealthReport) bool {
		return r.Asterisk["ari"].State == portal.StateDisconnected && r.Asterisk["ami"].State == portal.StateDisconnected
	})
	if r.Status != "ok" || r.Database.State != portal.StateUp {
		t.Fatalf("report %+v", r)
	}
	if !strings.Contains(r.Asterisk["ari"].LastError, "connection refused") || r.Asterisk["ari"].Since.IsZero() {
		t.Fatalf("ari state lacks error or since: %+v", r.Asterisk["ari"])
	}
	res, err := insecureClient.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(metrics), `switchboard_asterisk_link_up{link="ari"} 0`) {
		t.Fatalf("metrics lack the ari link state")
	}

	cancel()
	if code := waitExit(t, exited); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, a.err.String())
	}
	first := a.out.String()
	m := adminPasswordRE.FindStringSubmatch(first)
	if m == nil || strings.Count(first, "portal password") != 5 {
		t.Fatalf("first start printed:\n%s", first)
	}
	logs := a.err.String()
	if n := strings.Count(logs, `msg="asterisk link unreachable`); n != 2 {
		t.Errorf("want one unreachable line per link, got %d:\n%s", n, logs)
	}
	if strings.Contains(logs, m[1]) {
		t.Error("the admin password reached the log")
	}
	for _, want := range []string{`msg="portal draining"`, `msg="switchboard stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s", want)
		}
	}

	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: filepath.Join(dataDir, "switchboard.db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Accounts.Authenticate(context.Background(), "admin", m[1]); err != nil {
		t.Fatalf("printed admin password does not log in: %v", err)
	}
	ext, err := st.Extensions.Get(context.Background(), "103")
	if err != nil || !ext.PortalEnabled || ext.DepartmentID == nil {
		t.Fatalf("extension 103: %+v, %v", ext, err)
	}
	_ = st.Close()

	again := newTestApp("")
	ctx2, cancel2 := context.WithCancel(context.Background())
	exited = startServe(ctx2, again, serveArgs(t, dataDir)...)
	waitForURL(t, again.err, exited)
	cancel2()
	if code := waitExit(t, exited); code != 0 {
		t.Fatalf("second serve exited %d", code)
	}
	if out := again.out.String(); strings.Contains(out, "password") {
		t.Fatalf("second start printed passwords:\n%s", out)
	}
	if strings.Contains(again.err.String(), "generated on first start") {
		t.Fatal("second start generated secrets again")
	}
}

func TestServeDrainsAndExitsZeroOnSIGTERM(t *testing.T) {
	ctx, stop := signalContext()
	defer stop()
	a := newTestApp("")
	exited := startServe(ctx, a, serveArgs(t, t.TempDir())...)
	base := waitForURL(t, a.err, exited)
	healthUntil(t, base, func(portal.HealthReport) bool { return true })
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, exited); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM:\n%s", code, a.err.String())
	}
	if _, err := insecureClient.Get(base + "/healthz"); err == nil {
		t.Fatal("portal still answers after SIGTERM")
	}
}

func TestServeRefusesInvalidConfigurationWithOneLine(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	code := a.run(context.Background(), []string{"serve", "-data_dir", t.TempDir(), "-http.port", "70000"})
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	if got := a.err.String(); got != "switchboard serve: config: http.port: 70000 is not a port (1-65535)\n" {
		t.Fatalf("stderr %q", got)
	}
}

func TestServeReportsAPortInUse(t *testing.T) {
	t.Parallel()
	busy := closedAddr(t)
	ln, err := net.Listen("tcp", busy)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := strings.Cut(busy, ":")
	args := append(serveArgs(t, t.TempDir()), "-http.port", port)
	a := newTestApp("")
	if code := a.run(context.Background(), append([]string{"serve"}, args...)); code != exitFail {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(a.err.String(), "address already in use") {
		t.Fatalf("stderr %s", a.err.String())
	}
}

var simARIRE = regexp.MustCompile(`engine sim: simulated Asterisk started.* ari=(\S+)`)

func TestServeWithTheSimEngineConnectsBothLinksAndProvisionsTheExtensions(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	a := newTestApp("")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := startServe(ctx, a, append(serveArgs(t, dataDir), "-engine", "sim")...)
	base := waitForURL(t, a.err, exited)
	healthUntil(t, base, func(r portal.HealthReport) bool {
		return r.Asterisk["ari"].State == portal.StateConnected && r.Asterisk["ami"].State == portal.StateConnected
	})
	m := simARIRE.FindStringSubmatch(a.err.String())
	if m == nil {
		t.Fatalf("no simulator address logged:\n%s", a.err.String())
	}
	pw, err := os.ReadFile(filepath.Join(dataDir, "secrets", "ari_password"))
	if err != nil {
		t.Fatal(err)
	}
	c := ari.New(ari.Options{BaseURL: m[1], Username: "switchboard", Password: strings.TrimSpace(string(pw))})
	deadline := time.Now().Add(time.Minute)
	for {
		eps, err := c.Endpoints().ListByTech(ctx, "PJSIP")
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, ep := range eps {
			ids[ep.Resource] = true
		}
		if ids["101"] && ids["105"] && ids["101-web"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("extensions not provisioned into the simulator: %v", ids)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := waitExit(t, exited); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, a.err.String())
	}
}
