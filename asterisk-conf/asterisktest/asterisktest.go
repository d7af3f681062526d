// Package asterisktest starts a real Asterisk 22 with the rendered
// asterisk-conf files in a temporary folder, on free loopback ports, for
// tests that prove the configuration (and what builds on it) against the real
// thing. Tests using it skip unless SWITCHBOARD_ASTERISK names the binary.
package asterisktest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
)

// Environment variables that locate an Asterisk build.
const (
	// EnvBinary names the asterisk binary; tests skip without it.
	EnvBinary = "SWITCHBOARD_ASTERISK"
	// EnvModules overrides the module directory (default: compiled-in).
	EnvModules = "SWITCHBOARD_ASTERISK_MODULES"
	// EnvDocs overrides the XML documentation folder (default
	// <prefix>/var/lib/asterisk/documentation for <prefix>/sbin/asterisk).
	EnvDocs = "SWITCHBOARD_ASTERISK_DOCS"
	// EnvSounds overrides the folder holding sounds/ and moh/ (default
	// /usr/share/asterisk, Debian's prompt packages).
	EnvSounds = "SWITCHBOARD_ASTERISK_SOUNDS"
)

// ErrNotReady reports that Asterisk did not answer ARI in time.
var ErrNotReady = errors.New("asterisktest: asterisk did not become ready")

// Instance is one running Asterisk.
type Instance struct {
	// Params are the rendered parameters (ports, secrets, directories).
	Params asteriskconf.Params
	// ConfDir holds the rendered files; asterisk.conf is in it.
	ConfDir string
	// ARIURL is the ARI root, e.g. http://127.0.0.1:PORT/ari.
	ARIURL string
	// AMIAddr is the manager interface's host:port.
	AMIAddr string
	// LogDir holds messages.log and security.log.
	LogDir  string
	bin     string
	root    string
	stopped bool
	cmd     *exec.Cmd
	done    chan error
}

// launch starts the asterisk process and waits until ARI answers.
func (in *Instance) launch(t testing.TB) {
	t.Helper()
	out, err := os.OpenFile(filepath.Join(in.root, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	in.done = make(chan error, 1)
	in.stopped = false
	in.cmd = exec.Command(in.bin, "-f", "-n", "-C", filepath.Join(in.ConfDir, "asterisk.conf"))
	in.cmd.Stdout, in.cmd.Stderr = out, out
	if err := in.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", in.bin, err)
	}
	done := in.done
	go func() { done <- in.cmd.Wait(); out.Close() }()
	if err := in.waitReady(90 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, in.Log())
	}
}

// Restart stops Asterisk and starts it again with the same files and
// folders (astdb included), as after a crash or an upgrade.
func (in *Instance) Restart(t testing.TB) {
	t.Helper()
	in.stop()
	in.launch(t)
}

// Binary returns the asterisk binary or skips the test.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvBinary)
	if bin == "" {
		t.Skipf("set %s to an Asterisk 22 binary to run this test against a real Asterisk", EnvBinary)
	}
	return bin
}

// Start renders the configuration (after mutate, if given, adjusts the test
// parameters) and starts Asterisk in the foreground; it is stopped when the
// test ends, and its log is attached to a failed test.
func Start(t testing.TB, mutate func(*asteriskconf.Params)) *Instance {
	t.Helper()
	bin := Binary(t)
	root, err := os.MkdirTemp("", "sb-asterisk-")
	if err != nil {
		t.Fatal(err)
	}
	p := asteriskconf.Defaults()
	p.ARIPassword = "ari-test-" + randomish()
	p.AMIPassword = "ami-test-" + randomish()
	p.Dirs = asteriskconf.Dirs{
		Etc: filepath.Join(root, "etc"), Mod: os.Getenv(EnvModules),
		VarLib: filepath.Join(root, "lib"), DB: filepath.Join(root, "db"),
		Key: filepath.Join(root, "keys"), Data: filepath.Join(root, "data"),
		AGI: filepath.Join(root, "agi"), Spool: filepath.Join(root, "spool"),
		Run: filepath.Join(root, "run"), Log: filepath.Join(root, "log"),
		Cache: filepath.Join(root, "cache"),
	}
	// The ports are held open until all are chosen: a closed one may be
	// handed out again at once (seen: AMIPort equal to HTTPPort).
	tcp := freeTCPPorts(t, 3)
	p.HTTPPort, p.AMIPort, p.SIPTCPPort = tcp[0], tcp[1], tcp[2]
	p.SIPBindAddr = "127.0.0.1"
	p.SIPUDPPort = freeUDP(t)
	p.SIPTLSPort = 0
	p.RTPStart = 20000 + 2*(int(time.Now().UnixNano()/1000)%5000)
	p.RTPEnd = p.RTPStart + 200
	p.UDPTLStart, p.UDPTLEnd = p.RTPEnd+2, p.RTPEnd+102
	p.Mailboxes = true
	if mutate != nil {
		mutate(&p)
	}
	for _, d := range []string{p.Dirs.Etc, p.Dirs.VarLib, p.Dirs.DB, p.Dirs.Key, p.Dirs.Data, p.Dirs.AGI,
		filepath.Join(p.Dirs.Spool, "recording"), filepath.Join(p.Dirs.Spool, "fax"), p.Dirs.Run, p.Dirs.Log, p.Dirs.Cache} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	linkData(t, bin, p.Dirs.Data)
	if err := asteriskconf.Render(p, p.Dirs.Etc); err != nil {
		t.Fatalf("render: %v", err)
	}
	in := &Instance{
		Params: p, ConfDir: p.Dirs.Etc, bin: bin, LogDir: p.Dirs.Log,
		ARIURL:  fmt.Sprintf("http://127.0.0.1:%d/ari", p.HTTPPort),
		AMIAddr: fmt.Sprintf("127.0.0.1:%d", p.AMIPort),
	}
	in.root = root
	t.Cleanup(func() {
		in.stop()
		if t.Failed() {
			t.Logf("asterisk messages.log:\n%s", in.Log())
			if b, err := os.ReadFile(filepath.Join(root, "stdout.log")); err == nil {
				t.Logf("asterisk stdout:\n%s", b)
			}
		}
		if os.Getenv("SWITCHBOARD_KEEP_ASTERISK_DIR") == "" {
			os.RemoveAll(root)
		} else {
			t.Logf("asterisk folder kept: %s", root)
		}
	})
	in.launch(t)
	return in
}

// PID is the running Asterisk's process id (0 when it is not running), for
// tests that measure its CPU time.
func (in *Instance) PID() int {
	if in.cmd == nil || in.cmd.Process == nil || in.stopped {
		return 0
	}
	return in.cmd.Process.Pid
}

// Log returns messages.log so far.
func (in *Instance) Log() string {
	b, _ := os.ReadFile(filepath.Join(in.LogDir, "messages.log"))
	return string(b)
}

// Problems returns the WARNING and ERROR lines of messages.log.
func (in *Instance) Problems() []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(in.Log()))
	for sc.Scan() {
		if l := sc.Text(); strings.Contains(l, "WARNING[") || strings.Contains(l, "ERROR[") {
			out = append(out, l)
		}
	}
	return out
}

// CLI runs one console command through the control socket (asterisk -rx).
func (in *Instance) CLI(t testing.TB, command string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, in.bin, "-C", filepath.Join(in.ConfDir, "asterisk.conf"), "-rx", command).CombinedOutput()
	if err != nil {
		t.Fatalf("asterisk -rx %q: %v\n%s", command, err, out)
	}
	return string(out)
}

// waitReady polls ARI until it answers with the test credentials.
func (in *Instance) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-in.done:
			in.done <- err
			return fmt.Errorf("%w: asterisk exited: %v", ErrNotReady, err)
		default:
		}
		req, _ := http.NewRequest(http.MethodGet, in.ARIURL+"/asterisk/info", nil)
		req.SetBasicAuth(in.Params.ARIUser, in.Params.ARIPassword)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%w within %s", ErrNotReady, limit)
}

func (in *Instance) stop() {
	if in.cmd == nil || in.cmd.Process == nil || in.stopped {
		return
	}
	in.stopped = true
	select {
	case <-in.done:
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, in.bin, "-C", filepath.Join(in.ConfDir, "asterisk.conf"), "-rx", "core stop now").Run()
	select {
	case <-in.done:
	case <-time.After(10 * time.Second):
		_ = in.cmd.Process.Kill()
		<-in.done
	}
}

// linkData builds astdatadir from the build's documentation and the
// installed prompts and music on hold.
func linkData(t testing.TB, bin, data string) {
	t.Helper()
	docs := os.Getenv(EnvDocs)
	if docs == "" {
		prefix := filepath.Dir(filepath.Dir(bin))
		docs = filepath.Join(prefix, "var", "lib", "asterisk", "documentation")
	}
	sounds := os.Getenv(EnvSounds)
	if sounds == "" {
		sounds = "/usr/share/asterisk"
	}
	for name, target := range map[string]string{
		"documentation": docs,
		"sounds":        filepath.Join(sounds, "sounds"),
		"moh":           filepath.Join(sounds, "moh"),
	} {
		if _, err := os.Stat(target); err != nil {
			t.Logf("asterisktest: %s missing (%v); Asterisk may complain", target, err)
			continue
		}
		if err := os.Symlink(target, filepath.Join(data, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// freeTCPPorts returns n distinct free loopback TCP ports.
func freeTCPPorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

func freeUDP(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// randomish is a per-run suffix for test secrets.
func randomish() string {
	return fmt.Sprintf("%x", time.Now().UnixNano())
}
