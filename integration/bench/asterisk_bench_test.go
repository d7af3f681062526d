package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

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
	sippRate     = 70 // calls per second (SWITCHBOARD_BENCH_RATE overrides, for diagnosis)
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
// calls/s for 10 s, each call held 0.5 s. inv180-ms is the callers' mean time
// from the authenticated INVITE to 180 Ringing (Asterisk hands the call to
// the app, which asks for ringing before dialling the callee). The run also
// breaks the time down (see sippSpy) and reports the CPU Asterisk and this
// process used. Skipped unless SWITCHBOARD_ASTERISK names the binary; run
// with -benchtime=1x. For A/B runs, SWITCHBOARD_BENCH_DISALLOW
// (comma-separated event types, "-" for none) replaces the app's event
// filter, SWITCHBOARD_BENCH_MAXCONNS the ARI client's connection pool
// (ari.DefaultMaxConns) and SWITCHBOARD_BENCH_ENDPOINT_SET=attr=value sets
// one more option on every provisioned endpoint.
func BenchmarkSIPpThroughApp(b *testing.B) { benchSIPp(b, throughApp) }

// BenchmarkSIPpPlainDialplan is the research's baseline on this machine: the
// same SIPp callers and callee and the same rendered configuration, but the
// caller's endpoint dials in a plain dialplan context (Dial(PJSIP/${EXTEN}))
// and no app is connected: Asterisk relays the callee's 180.
func BenchmarkSIPpPlainDialplan(b *testing.B) { benchSIPp(b, plainDialplan) }

// sippMode says what answers the callers' INVITEs.
type sippMode int

const (
	throughApp    sippMode = iota // Stasis(switchboard,phone,...) and the whole PBX
	plainDialplan                 // Dial() in the dialplan, no app
)

func benchSIPp(b *testing.B, mode sippMode) {
	if os.Getenv(asterisktest.EnvBinary) == "" {
		b.Skip("SWITCHBOARD_ASTERISK is not set: no real Asterisk to measure")
	}
	if _, err := exec.LookPath("sipp"); err != nil {
		b.Skip("sipp is not installed")
	}
	for n := 0; n < b.N; n++ {
		mean, ok, failed := sippRun(b, mode)
		b.ReportMetric(mean, "inv180-ms")
		b.ReportMetric(float64(ok), "calls-ok")
		b.ReportMetric(float64(failed), "calls-failed")
	}
}

func sippRun(b *testing.B, mode sippMode) (meanMS float64, ok, failed int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	maxConns := ari.DefaultMaxConns
	// Lean: no instruments (REST tap, WebSocket frame parser, SIP sniffer),
	// which take CPU from the two cores Asterisk, SIPp and the app share;
	// SIPp's own INVITE→180 and the CPU figures remain.
	lean := os.Getenv("SWITCHBOARD_BENCH_LEAN") != ""
	if lean {
		b.Log("lean run: no REST/WebSocket/SIP instruments")
	}
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_MAXCONNS")); err == nil && v > 0 {
		maxConns = v
		b.Logf("ARI connection pool for this run: %d", maxConns)
	}
	ast := asterisktest.Start(b, func(p *asteriskconf.Params) {
		// Two RTP sessions a call: the test default of 100 pairs is too few.
		p.RTPEnd = p.RTPStart + 4000
		p.UDPTLStart, p.UDPTLEnd = p.RTPEnd+2, p.RTPEnd+102
		p.HTTPSessionLimit = max(p.HTTPSessionLimit, asteriskconf.SessionLimitFor(maxConns, 0))
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
	spy := newSIPpSpy()
	client := ari.New(ari.Options{BaseURL: ast.ARIURL, Username: p.ARIUser, Password: p.ARIPassword,
		Application: p.App, Logger: quietLogger(), HTTPClient: spy.httpClient(maxConns, lean)})
	callees := provisionSIPp(ctx, b, st, client)
	if mode == plainDialplan {
		plainContext(ctx, b, ast, client)
	} else {
		so := ari.StreamOptions{}
		if !lean {
			so.Dialer = spy.dialer()
		}
		if v := os.Getenv("SWITCHBOARD_BENCH_DISALLOW"); v != "" {
			so.Disallowed = []string{}
			if v != "-" {
				so.Disallowed = strings.Split(v, ",")
			}
			b.Logf("event filter for this run: disallowed %v", so.Disallowed)
		}
		app, err := pbx.New(ctx, pbx.Options{Store: st, Client: client, Clock: clock.Real{}, Logger: quietLogger(), Stream: so})
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
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "callees.csv"), []byte(callees), 0o600); err != nil {
		b.Fatal(err)
	}
	rate := sippRate
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_RATE")); err == nil && v > 0 {
		rate = v
		b.Logf("SIPp rate for this run: %d calls/s", rate)
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
	spy.reset()
	var sniffer *sipSniffer
	if !lean {
		sniffer = sniffSIP(b, p.SIPUDPPort)
	}
	if sniffer != nil {
		sniffer.callee = calleePort
	}
	load := loadAvg()
	cpu := startCPU(ast.PID())
	b.ResetTimer()
	caller := sipp(ctx, dir, "-sf", testdata("caller.xml"), "-inf", "callees.csv", "-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(b)),
		"-au", sippCaller, "-ap", sippPassword+sippCaller, "-key", "caller", sippCaller,
		"-r", strconv.Itoa(rate), "-m", strconv.Itoa(rate*sippSeconds), "-l", strconv.Itoa(4*rate),
		"-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-stf", filepath.Join(dir, "stat.csv"), "-fd", "1",
		"-trace_err", "-timeout", "60s", "-timeout_error", asterisk)
	out, runErr := caller.CombinedOutput()
	b.StopTimer()
	invites, rings := sniffer.close()
	sniffer.logKinds(b, rate*sippSeconds)
	cpu.report(b, rate*sippSeconds)
	b.Logf("load average before the run %s, after %s", load, loadAvg())
	if wire := wireINV180(invites, rings); len(wire) > 0 {
		b.Logf("INVITE→180 on the wire (Asterisk's own, %d calls), mean / p50 / p99 ms: %s", len(wire), stats(wire))
		b.ReportMetric(avg(wire), "wire-inv180-ms")
	}
	if mode == throughApp && !lean {
		spy.report(b, rate*sippSeconds, invites, rings)
	}
	meanMS, n, err := meanRTT(dir)
	if err != nil {
		logFailures(b, ast, dir)
		b.Fatalf("%v (sipp: %v)\n%s", err, runErr, lastLines(out, 30))
	}
	if vals, err := rtts(dir); err == nil {
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		b.ReportMetric(sorted[len(sorted)/2], "inv180-p50-ms")
		b.ReportMetric(sorted[len(sorted)*99/100], "inv180-p99-ms")
		half := len(vals) / 2
		b.Logf("INVITE→180 p50 %.1f ms, p99 %.1f ms; mean of the first half of the calls %.1f ms, of the second %.1f ms",
			sorted[len(sorted)/2], sorted[len(sorted)*99/100], avg(vals[:half]), avg(vals[half:]))
	}
	ok, failed, err = callCounts(filepath.Join(dir, "stat.csv"))
	if err != nil {
		b.Fatal(err)
	}
	if failed > 0 {
		logFailures(b, ast, dir)
	}
	b.Logf("sipp: %d calls ok, %d failed, %d INVITE→180 samples, mean %.2f ms (exit: %v)", ok, failed, n, meanMS, runErr)
	return meanMS, ok, failed
}

// provisionSIPp creates the caller and callee extensions in the store and in
// Asterisk and returns SIPp's injection file of callees.
func provisionSIPp(ctx context.Context, b *testing.B, st *store.Store, client *ari.Client) string {
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
		updateObject(ctx, b, client, "endpoint", n, "rewrite_contact", "no")
		updateObject(ctx, b, client, "aor", n, "qualify_frequency", "0")
		if attr, value, ok := strings.Cut(os.Getenv("SWITCHBOARD_BENCH_ENDPOINT_SET"), "="); ok {
			updateObject(ctx, b, client, "endpoint", n, attr, value)
		}
	}
	return callees
}

func updateObject(ctx context.Context, b *testing.B, client *ari.Client, typ, id, attr, value string) {
	if _, err := client.Asterisk().UpdateObject(ctx, "res_pjsip", typ, id, ari.AsteriskUpdateObjectParams{
		Fields: []ari.ConfigTuple{{Attribute: attr, Value: value}}}); err != nil {
		b.Fatalf("%s %s: %s=%s: %v", typ, id, attr, value, err)
	}
}

// plainContext moves the caller's endpoint to a dialplan context that dials
// the callee directly, without the app.
func plainContext(ctx context.Context, b *testing.B, ast *asterisktest.Instance, client *ari.Client) {
	// The rendered modules.conf loads no app_dial: the app never needs it.
	ast.CLI(b, "module load app_dial.so")
	ast.CLI(b, "dialplan add extension _X.,1,Dial(PJSIP/${EXTEN},30) into bench-plain replace")
	updateObject(ctx, b, client, "endpoint", sippCaller, "context", "bench-plain")
}

func logFailures(b *testing.B, ast *asterisktest.Instance, dir string) {
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

// sippSpy breaks INVITE→180 down for the calls through the app. It sees the
// app's event WebSocket below gorilla (a net.Conn that parses the server's
// frames as they are read: arrival time, Asterisk's timestamp and the
// channel's creation time of every caller's StasisStart, and the event
// count per type) and its REST requests (when each POST .../ring was sent
// and answered). Per call:
//
//	created → StasisStart   Asterisk: channel created (after the
//	                        authenticated INVITE) to the Stasis event
//	StasisStart → arrival   Asterisk's event queue and the WebSocket
//	arrival → ring sent     the app's own work before asking for ringing
//	ring sent → answered    Asterisk's handling of POST /ring
//
// Asterisk's times have a resolution of 1 ms.
type sippSpy struct {
	mu     sync.Mutex
	starts []stasisSeen
	rings  map[string][2]time.Time
	types  map[string]int
	frames int
	bytes  int
	// rest sums the time of every REST request by operation
	// ("POST /channels/{id}/ring"), waiting for a pooled connection included.
	rest map[string]*restTime
	odd  []byte // the first event whose type was not found
	// poolWait is how long each ring request waited for a connection.
	poolWait []float64
	// conns are the TCP connections REST requests used; inflight and
	// maxInflight count the requests under way.
	conns                 map[string]bool
	inflight, maxInflight int
}

type restTime struct {
	n   int
	sum time.Duration
	max time.Duration
}

type stasisSeen struct {
	at    time.Time
	frame []byte
}

func newSIPpSpy() *sippSpy {
	s := &sippSpy{}
	s.reset()
	return s
}

func (s *sippSpy) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.starts, s.rings, s.types, s.rest, s.poolWait = nil, map[string][2]time.Time{}, map[string]int{}, map[string]*restTime{}, nil
	s.conns, s.maxInflight = map[string]bool{}, s.inflight
	s.frames, s.bytes = 0, 0
}

// httpClient is ari.New's default client (with a pool of maxConns) with
// every request timed.
func (s *sippSpy) httpClient(maxConns int, lean bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost, tr.MaxIdleConns = maxConns, maxConns, maxConns
	tr.IdleConnTimeout = ari.IdleConnTimeout
	if lean {
		return &http.Client{Transport: tr}
	}
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		rest, ring := strings.CutSuffix(r.URL.Path, "/ring")
		sent := time.Now()
		var got time.Time
		r = r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) {
				got = time.Now()
				s.mu.Lock()
				s.conns[i.Conn.LocalAddr().String()] = true
				s.mu.Unlock()
			}}))
		s.mu.Lock()
		s.inflight++
		s.maxInflight = max(s.maxInflight, s.inflight)
		s.mu.Unlock()
		resp, err := tr.RoundTrip(r)
		done := time.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.inflight--
		if ring && r.Method == http.MethodPost {
			s.rings[path.Base(rest)] = [2]time.Time{sent, done}
			if !got.IsZero() {
				s.poolWait = append(s.poolWait, millis(got.Sub(sent)))
			}
		}
		op := r.Method + " " + operation(r.URL.Path)
		t := s.rest[op]
		if t == nil {
			t = &restTime{}
			s.rest[op] = t
		}
		t.n++
		t.sum += done.Sub(sent)
		t.max = max(t.max, done.Sub(sent))
		return resp, err
	})}
}

// operation turns an ARI path into its template: /ari/channels/X/ring ->
// /channels/{id}/ring.
func operation(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/ari"), "/")
	for i := 2; i < len(parts); i += 2 {
		parts[i] = "{id}"
	}
	return strings.Join(parts, "/")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// dialer opens the event WebSocket over a spying connection.
func (s *sippSpy) dialer() *websocket.Dialer {
	return &websocket.Dialer{HandshakeTimeout: 10 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &spyConn{Conn: c, s: s}, nil
		}}
}

// spyConn parses the WebSocket frames the server sends, after the HTTP
// upgrade answer; the server never masks its frames.
type spyConn struct {
	net.Conn
	s        *sippSpy
	upgraded bool
	buf      []byte
}

func (c *spyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.consume(p[:n], time.Now())
	}
	return n, err
}

func (c *spyConn) consume(data []byte, at time.Time) {
	c.buf = append(c.buf, data...)
	if !c.upgraded {
		i := bytes.Index(c.buf, []byte("\r\n\r\n"))
		if i < 0 {
			return
		}
		c.upgraded, c.buf = true, c.buf[i+4:]
	}
	for len(c.buf) >= 2 {
		hdr, size := 2, int(c.buf[1]&0x7f)
		switch size {
		case 126:
			if len(c.buf) < 4 {
				return
			}
			hdr, size = 4, int(binary.BigEndian.Uint16(c.buf[2:4]))
		case 127:
			if len(c.buf) < 10 {
				return
			}
			hdr, size = 10, int(binary.BigEndian.Uint64(c.buf[2:10]))
		}
		if len(c.buf) < hdr+size {
			return
		}
		if c.buf[0]&0x0f == 1 { // text: one event
			c.s.event(c.buf[hdr:hdr+size], at)
		}
		c.buf = c.buf[hdr+size:]
	}
}

// event counts one event; a StasisStart is kept for the report. Asterisk
// writes "type" first (but after "cause" and "soft" in ChannelHangupRequest),
// and no other member before it contains "type".
func (s *sippSpy) event(frame []byte, at time.Time) {
	typ := ""
	if _, rest, ok := bytes.Cut(frame, []byte(`"type":"`)); ok {
		if i := bytes.IndexByte(rest, '"'); i > 0 {
			typ = string(rest[:i])
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames++
	s.bytes += len(frame)
	s.types[typ]++
	if typ == "" && s.odd == nil {
		s.odd = bytes.Clone(frame[:min(len(frame), 200)])
	}
	if typ == "StasisStart" {
		s.starts = append(s.starts, stasisSeen{at: at, frame: bytes.Clone(frame)})
	}
}

// report logs and reports the breakdown of the calls that rang.
func (s *sippSpy) report(b *testing.B, calls int, invites, rings map[string]time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var intake, created, queued, app, ring, egress []float64
	for _, st := range s.starts {
		var ev struct {
			Timestamp string   `json:"timestamp"`
			Args      []string `json:"args"`
			Channel   struct {
				ID           string `json:"id"`
				ProtocolID   string `json:"protocol_id"`
				CreationTime string `json:"creationtime"`
			} `json:"channel"`
		}
		if json.Unmarshal(st.frame, &ev) != nil || len(ev.Args) == 0 || ev.Args[0] != "phone" {
			continue // a leg the app created
		}
		r, ok := s.rings[ev.Channel.ID]
		cr, err1 := time.Parse(asteriskTime, ev.Channel.CreationTime)
		ts, err2 := time.Parse(asteriskTime, ev.Timestamp)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		created = append(created, millis(ts.Sub(cr)))
		queued = append(queued, millis(st.at.Sub(ts)))
		app = append(app, millis(r[0].Sub(st.at)))
		ring = append(ring, millis(r[1].Sub(r[0])))
		in, ok1 := invites[ev.Channel.ProtocolID]
		out, ok2 := rings[ev.Channel.ProtocolID]
		if ok1 && ok2 {
			intake = append(intake, millis(cr.Sub(in)))
			egress = append(egress, millis(out.Sub(r[1])))
		}
	}
	if len(created) == 0 {
		b.Logf("breakdown: no caller's StasisStart matched a ring request")
		return
	}
	b.Logf("breakdown of %d calls, mean / p50 / p99 ms: created→StasisStart %s; StasisStart→arrival in the app %s; "+
		"arrival→ring sent %s; ring sent→answered %s",
		len(created), stats(created), stats(queued), stats(app), stats(ring))
	if len(intake) > 0 {
		b.Logf("and on the wire (%d calls): INVITE in→channel created %s; ring answered→180 out %s",
			len(intake), stats(intake), stats(egress))
		b.ReportMetric(avg(intake), "intake-ms")
		b.ReportMetric(avg(egress), "egress-ms")
	}
	if len(s.poolWait) > 0 {
		b.Logf("of which the ring request waited for a pooled connection (mean / p50 / p99 ms): %s", stats(s.poolWait))
	}
	b.ReportMetric(avg(queued), "event-delivery-ms")
	b.ReportMetric(avg(app), "app-to-ring-ms")
	b.ReportMetric(avg(ring), "ring-rest-ms")
	b.ReportMetric(float64(s.frames)/float64(calls), "events/call")
	type count struct {
		typ string
		n   int
	}
	var counts []count
	for t, n := range s.types {
		counts = append(counts, count{t, n})
	}
	slices.SortFunc(counts, func(a, b count) int { return b.n - a.n })
	var parts []string
	for _, c := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", c.typ, c.n))
	}
	b.Logf("events on the app's WebSocket: %d (%.1f a call, %d KB): %s",
		s.frames, float64(s.frames)/float64(calls), s.bytes/1024, strings.Join(parts, ", "))
	if s.odd != nil {
		b.Logf("an event without a leading type: %q", s.odd)
	}
	var ops []string
	for op, t := range s.rest {
		ops = append(ops, fmt.Sprintf("%s: %d, mean %.1f ms, max %.0f ms", op, t.n, millis(t.sum)/float64(t.n), millis(t.max)))
	}
	slices.Sort(ops)
	b.Logf("REST requests during the run (pool wait included; %d connections used, at most %d requests under way): %s",
		len(s.conns), s.maxInflight, strings.Join(ops, "; "))
}

// asteriskTime is ARI's timestamp layout.
const asteriskTime = "2006-01-02T15:04:05.000-0700"

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func stats(v []float64) string {
	sorted := slices.Clone(v)
	slices.Sort(sorted)
	return fmt.Sprintf("%.2f / %.2f / %.2f", avg(v), sorted[len(sorted)/2], sorted[len(sorted)*99/100])
}

// cpuMeter measures the CPU time Asterisk and this process use during the
// SIPp run.
type cpuMeter struct {
	pid        int
	start      time.Time
	ast, self0 time.Duration
}

func startCPU(pid int) *cpuMeter {
	return &cpuMeter{pid: pid, start: time.Now(), ast: procCPU(pid), self0: selfCPU()}
}

func (m *cpuMeter) report(b *testing.B, calls int) {
	wall := time.Since(m.start)
	ast := procCPU(m.pid) - m.ast
	self := selfCPU() - m.self0
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / wall.Seconds() }
	b.ReportMetric(pct(ast), "asterisk-cpu-%")
	b.ReportMetric(pct(self), "app-cpu-%")
	b.ReportMetric(millis(ast)/float64(calls), "asterisk-cpu-ms/call")
	b.ReportMetric(millis(self)/float64(calls), "app-cpu-ms/call")
	b.Logf("CPU during the SIPp run (%.1f s): Asterisk %.0f %% (%.1f ms a call), this process (app + bench) %.0f %% (%.1f ms a call)",
		wall.Seconds(), pct(ast), millis(ast)/float64(calls), pct(self), millis(self)/float64(calls))
}

// procCPU is a process's user+system time from /proc/<pid>/stat.
func procCPU(pid int) time.Duration {
	text, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command (which may hold spaces): state is field 3,
	// utime 14 and stime 15, in clock ticks (100 a second on Linux).
	i := bytes.LastIndexByte(text, ')')
	f := strings.Fields(string(text[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAvg() string {
	text, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(text))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// sipSniffer timestamps, in the kernel, the SIP messages between the callers
// and Asterisk on the loopback interface (an AF_PACKET socket with a "udp
// port <Asterisk's>" filter; needs root, else the run goes without it): the
// authenticated INVITE reaching Asterisk and the 180 leaving it, by Call-ID.
// That separates Asterisk's own INVITE→180 from SIPp's scheduling, and the
// Call-ID is the channel's protocol_id in StasisStart.
type sipSniffer struct {
	fd      int
	port    int
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	invites map[string]time.Time
	rings   map[string]time.Time
	kinds   map[string]int // SIP messages by direction and kind (see kind)
	callee  int            // the callees' UDP port: "from Asterisk" is split by party
}

func sniffSIP(tb testing.TB, port int) *sipSniffer {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		tb.Logf("no SIP sniffer: %v", err)
		return nil
	}
	const ethPAll = 0x0300 // htons(ETH_P_ALL)
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW, ethPAll)
	if err != nil {
		tb.Logf("no SIP sniffer (AF_PACKET needs root): %v", err)
		return nil
	}
	p := uint32(port)
	filter := []syscall.SockFilter{ // tcpdump -dd "ip and udp port <port>"
		{Code: 0x28, K: 12}, {Code: 0x15, Jf: 10, K: 0x800}, {Code: 0x30, K: 23}, {Code: 0x15, Jf: 8, K: 17},
		{Code: 0x28, K: 20}, {Code: 0x45, Jt: 6, K: 0x1fff}, {Code: 0xb1, K: 14}, {Code: 0x48, K: 14},
		{Code: 0x15, Jt: 2, K: p}, {Code: 0x48, K: 16}, {Code: 0x15, Jf: 1, K: p}, {Code: 0x06, K: 1 << 18}, {Code: 0x06},
	}
	for _, err := range []error{
		syscall.AttachLsf(fd, filter), //nolint:staticcheck // the x/net/bpf module is not a dependency
		syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: ethPAll, Ifindex: lo.Index}),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<20),
		syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &syscall.Timeval{Usec: 200000}),
	} {
		if err != nil {
			syscall.Close(fd)
			tb.Logf("no SIP sniffer: %v", err)
			return nil
		}
	}
	s := &sipSniffer{fd: fd, port: port, stop: make(chan struct{}), done: make(chan struct{}),
		invites: map[string]time.Time{}, rings: map[string]time.Time{}, kinds: map[string]int{}}
	go s.run()
	return s
}

func (s *sipSniffer) run() {
	defer close(s.done)
	buf, oob := make([]byte, 1<<16), make([]byte, 128)
	for {
		select {
		case <-s.stop:
			syscall.Close(s.fd)
			return
		default:
		}
		n, oobn, _, from, err := syscall.Recvmsg(s.fd, buf, oob, 0)
		if err != nil {
			continue // the read timeout: look at stop again
		}
		// On lo every packet is seen twice: keep the incoming copy.
		if ll, ok := from.(*syscall.SockaddrLinklayer); !ok || ll.Pkttype != syscall.PACKET_HOST {
			continue
		}
		at := time.Now()
		if msgs, err := syscall.ParseSocketControlMessage(oob[:oobn]); err == nil {
			for _, m := range msgs {
				if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SO_TIMESTAMPNS && len(m.Data) >= 16 {
					at = time.Unix(int64(binary.NativeEndian.Uint64(m.Data)), int64(binary.NativeEndian.Uint64(m.Data[8:])))
				}
			}
		}
		s.packet(buf[:n], at)
	}
}

// packet records an authenticated INVITE to Asterisk or a 180 from it.
func (s *sipSniffer) packet(frame []byte, at time.Time) {
	if len(frame) < 14+20+8 {
		return
	}
	ip := frame[14:]
	udp := ip[int(ip[0]&0x0f)*4:]
	if len(udp) < 8 {
		return
	}
	src, dst, sip := int(binary.BigEndian.Uint16(udp)), int(binary.BigEndian.Uint16(udp[2:])), udp[8:]
	if k := kind(sip); k != "" {
		dir := "to Asterisk"
		switch {
		case src == s.port && dst == s.callee:
			dir = "Asterisk→callee"
		case src == s.port:
			dir = "Asterisk→caller"
		}
		s.mu.Lock()
		s.kinds[dir+" "+k]++
		s.mu.Unlock()
	}
	var into map[string]time.Time
	switch {
	case dst == s.port && bytes.HasPrefix(sip, []byte("INVITE ")) && bytes.Contains(sip, []byte("\nAuthorization:")):
		into = s.invites
	case src == s.port && bytes.HasPrefix(sip, []byte("SIP/2.0 180 ")):
		into = s.rings
	default:
		return
	}
	_, rest, ok := bytes.Cut(sip, []byte("\nCall-ID: "))
	if !ok {
		return
	}
	id, _, _ := bytes.Cut(rest, []byte("\r\n"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := into[string(id)]; !seen {
		into[string(id)] = at
	}
}

// kind names a SIP message: its method, or its status code and the method
// of its CSeq ("INVITE", "200 INVITE"); "" for what is not SIP.
func kind(sip []byte) string {
	line, _, _ := bytes.Cut(sip, []byte("\r\n"))
	if status, ok := bytes.CutPrefix(line, []byte("SIP/2.0 ")); ok {
		code, _, _ := bytes.Cut(status, []byte(" "))
		_, rest, ok := bytes.Cut(sip, []byte("\nCSeq: "))
		if !ok {
			return string(code)
		}
		cseq, _, _ := bytes.Cut(rest, []byte("\r\n"))
		_, method, _ := bytes.Cut(cseq, []byte(" "))
		return string(code) + " " + string(method)
	}
	method, _, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.HasSuffix(line, []byte("SIP/2.0")) {
		return ""
	}
	return string(method)
}

// logKinds logs the SIP messages the sniffer saw per call, by direction and
// kind: re-INVITEs and UPDATEs (connected line) show here.
func (s *sipSniffer) logKinds(tb testing.TB, calls int) {
	if s == nil || calls == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := slices.Sorted(maps.Keys(s.kinds))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, float64(s.kinds[k])/float64(calls)))
	}
	tb.Logf("SIP messages per call on Asterisk's port: %s", strings.Join(parts, "; "))
}

// close stops the sniffer and returns what it saw, by Call-ID.
func (s *sipSniffer) close() (invites, rings map[string]time.Time) {
	if s == nil {
		return nil, nil
	}
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.invites, s.rings
}

// wireINV180 is Asterisk's INVITE→180 as the sniffer saw it.
func wireINV180(invites, rings map[string]time.Time) []float64 {
	var v []float64
	for id, in := range invites {
		if r, ok := rings[id]; ok {
			v = append(v, millis(r.Sub(in)))
		}
	}
	return v
}
