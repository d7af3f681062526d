package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/provision"
	"github.com/switchboard-pbx/switchboard/store"
)

// errSIPp reports a SIPp run that failed or left no figures.
var errSIPp = errors.New("bench: sipp")

// SIPp load through the real Asterisk and the app.
const (
	sippRate     = 70 // calls per second
	sippSeconds  = 10
	sippHoldMS   = 500 // the caller's pause between ACK and BYE
	sippCaller   = "200"
	sippCallees  = 280 // 300..579, taken in turn: a callee is busy while in a call
	firstSIPp    = 300
	sippPassword = "bench-secret-"
)

// BenchmarkSIPpThroughApp runs SIPp against a real Asterisk 22 (the
// project's rendered configuration, asterisktest) with the whole PBX as the
// Stasis app: extension 200 (a SIPp UAC) calls extensions 300-579 in turn
// (all registered with one SIPp UAS as their phone, which rings and answers
// at once; the app gives no call waiting, so a callee must be free) at 70
// calls/s for 10 s, each call held 0.5 s. inv180-ms is the callers' mean time from the authenticated INVITE
// to 180 Ringing (Asterisk hands the call to the app, which asks for ringing
// before dialling 201). Skipped unless SWITCHBOARD_ASTERISK names the binary;
// run with -benchtime=1x.
func BenchmarkSIPpThroughApp(b *testing.B) {
	if os.Getenv(asterisktest.EnvBinary) == "" {
		b.Skip("SWITCHBOARD_ASTERISK is not set: no real Asterisk to measure")
	}
	if _, err := exec.LookPath("sipp"); err != nil {
		b.Skip("sipp is not installed")
	}
	for n := 0; n < b.N; n++ {
		mean, ok, failed := sippRun(b)
		b.ReportMetric(mean, "inv180-ms")
		b.ReportMetric(float64(ok), "calls-ok")
		b.ReportMetric(float64(failed), "calls-failed")
	}
}

func sippRun(b *testing.B) (meanMS float64, ok, failed int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ast := asterisktest.Start(b, func(p *asteriskconf.Params) {
		// Two RTP sessions a call: the test default of 100 pairs is too few.
		p.RTPEnd = p.RTPStart + 4000
		p.UDPTLStart, p.UDPTLEnd = p.RTPEnd+2, p.RTPEnd+102
	})
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: filepath.Join(b.TempDir(), "pbx.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	p := ast.Params
	client := ari.New(ari.Options{BaseURL: ast.ARIURL, Username: p.ARIUser, Password: p.ARIPassword,
		Application: p.App, Logger: quietLogger()})
	prov := provision.New(client, provision.Options{})
	exts := []string{sippCaller}
	callees := "SEQUENTIAL\n"
	for i := 0; i < sippCallees; i++ {
		n := strconv.Itoa(firstSIPp + i)
		exts = append(exts, n)
		callees += n + "\n"
	}
	for _, n := range exts {
		if err := st.Extensions.Create(ctx, &store.Extension{Number: n, Name: "Ext " + n, OutboundClass: "national"}); err != nil {
			b.Fatal(err)
		}
		if err := prov.Apply(ctx, provision.Extension{Number: n, Name: "Ext " + n, SIPSecret: sippPassword + n}); err != nil {
			b.Fatal(err)
		}
		// One SIPp UAS is every callee's phone, but each REGISTER comes
		// from a short SIPp run on its own port: keep the advertised
		// contact (the UAS) instead of the source port, and do not qualify.
		if _, err := client.Asterisk().UpdateObject(ctx, "res_pjsip", "endpoint", n, ari.AsteriskUpdateObjectParams{
			Fields: []ari.ConfigTuple{{Attribute: "rewrite_contact", Value: "no"}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := client.Asterisk().UpdateObject(ctx, "res_pjsip", "aor", n, ari.AsteriskUpdateObjectParams{
			Fields: []ari.ConfigTuple{{Attribute: "qualify_frequency", Value: "0"}}}); err != nil {
			b.Fatal(err)
		}
	}
	app, err := pbx.New(ctx, pbx.Options{Store: st, Client: client, Clock: clock.Real{}, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(runCtx) }()
	defer func() { stop(); <-done }()
	select {
	case <-app.Engine().Ready():
	case <-time.After(10 * time.Second):
		b.Fatal("the PBX never connected to Asterisk")
	}
	dir := b.TempDir()
	for name, text := range map[string]string{"callees.csv": callees} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	asterisk := net.JoinHostPort(p.SIPBindAddr, strconv.Itoa(p.SIPUDPPort))
	calleePort := freeUDPPort(b)
	callee := sipp(ctx, dir, "-sf", testdata("callee.xml"), "-trace_err", "-trace_msg", "-i", "127.0.0.1", "-p", strconv.Itoa(calleePort), asterisk)
	if err := callee.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = callee.Process.Kill(); _ = callee.Wait() }()
	if err := registerCallees(ctx, dir, asterisk, calleePort); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	caller := sipp(ctx, dir, "-sf", testdata("caller.xml"), "-inf", "callees.csv", "-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(b)),
		"-au", sippCaller, "-ap", sippPassword+sippCaller, "-key", "caller", sippCaller,
		"-r", strconv.Itoa(sippRate), "-m", strconv.Itoa(sippRate*sippSeconds), "-l", strconv.Itoa(4*sippRate),
		"-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-stf", filepath.Join(dir, "stat.csv"), "-fd", "1",
		"-trace_err", "-timeout", "60s", "-timeout_error", asterisk)
	out, runErr := caller.CombinedOutput()
	b.StopTimer()
	meanMS, n, err := meanRTT(dir)
	if err != nil {
		b.Fatalf("%v (sipp: %v)\n%s", err, runErr, lastLines(out, 30))
	}
	if vals, err := rtts(dir); err == nil {
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		b.ReportMetric(sorted[len(sorted)/2], "inv180-p50-ms")
		half := len(vals) / 2
		b.Logf("INVITE→180 p50 %.1f ms, p99 %.1f ms; mean of the first half of the calls %.1f ms, of the second %.1f ms",
			sorted[len(sorted)/2], sorted[len(sorted)*99/100], avg(vals[:half]), avg(vals[half:]))
	}
	ok, failed, err = callCounts(filepath.Join(dir, "stat.csv"))
	if err != nil {
		b.Fatal(err)
	}
	if failed > 0 {
		errs, _ := filepath.Glob(filepath.Join(dir, "*_errors.log"))
		for _, e := range errs {
			text, _ := os.ReadFile(e)
			b.Logf("%s (start):\n%s", filepath.Base(e), firstLines(text, 40))
		}
		if msgs, _ := filepath.Glob(filepath.Join(dir, "callee_*_messages.log")); len(msgs) > 0 {
			text, _ := os.ReadFile(msgs[0])
			b.Logf("callee messages (start):\n%s", firstLines(text, 60))
		}
		b.Logf("aor 300:\n%s", ast.CLI(b, "pjsip show aor 300"))
		b.Logf("Asterisk warnings (first 20):\n%s", strings.Join(ast.Problems()[:min(20, len(ast.Problems()))], "\n"))
	}
	b.Logf("sipp: %d calls ok, %d failed, %d INVITE→180 samples, mean %.2f ms (exit: %v)", ok, failed, n, meanMS, runErr)
	return meanMS, ok, failed
}

// registerCallees registers every callee extension with its contact at the
// callee SIPp's port, one short SIPp run each (SIPp's digest credentials
// are per run), 20 at a time.
func registerCallees(ctx context.Context, dir, asterisk string, calleePort int) error {
	errs := make(chan error, sippCallees)
	sem := make(chan struct{}, 20)
	for i := 0; i < sippCallees; i++ {
		n := strconv.Itoa(firstSIPp + i)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			reg := sipp(ctx, dir, "-sf", testdata("register.xml"), "-m", "1", "-i", "127.0.0.1", "-p", "0",
				"-au", n, "-ap", sippPassword+n, "-key", "user", n, "-key", "contact_port", strconv.Itoa(calleePort), asterisk)
			if out, err := reg.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("%w: register %s: %w\n%s", errSIPp, n, err, lastLines(out, 10))
			}
		}()
	}
	for i := 0; i < cap(sem); i++ {
		sem <- struct{}{}
	}
	close(errs)
	return <-errs
}

func sipp(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "sipp", append([]string{"-nostdin", "-nr", "-aa"}, args...)...)
	cmd.Dir = dir
	return cmd
}

func testdata(name string) string {
	p, _ := filepath.Abs(filepath.Join("testdata", name))
	return p
}

func freeUDPPort(tb testing.TB) int {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// meanRTT averages the response times SIPp's -trace_rtt wrote
// (date_ms;response_time_ms;rtd_no lines in <scenario>_<pid>_rtt.csv).
func meanRTT(dir string) (float64, int, error) {
	vals, err := rtts(dir)
	if err != nil {
		return 0, 0, err
	}
	var sum float64
	for _, v := range vals {
		sum += v
	}
	return sum / float64(len(vals)), len(vals), nil
}

// rtts reads the response times SIPp's -trace_rtt wrote, in call order.
func rtts(dir string) ([]float64, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "caller_*_rtt.csv"))
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no rtt file", errSIPp)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSIPp, err)
	}
	defer f.Close()
	var vals []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ";")
		if len(fields) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(fields[1]), 64)
		if err != nil {
			continue // header
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: no INVITE→180 samples", errSIPp)
	}
	return vals, nil
}

// callCounts reads the cumulative successful and failed calls from the last
// row of SIPp's -trace_stat file.
func callCounts(path string) (ok, failed int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", errSIPp, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		return 0, 0, fmt.Errorf("%w: stat file: %v", errSIPp, err)
	}
	head, last := rows[0], rows[len(rows)-1]
	for i, h := range head {
		if i >= len(last) {
			break
		}
		switch h {
		case "SuccessfulCall(C)":
			ok, _ = strconv.Atoi(last[i])
		case "FailedCall(C)":
			failed, _ = strconv.Atoi(last[i])
		}
	}
	return ok, failed, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func firstLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func avg(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}
