package harness

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	asterisktest "github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
	"github.com/switchboard-pbx/switchboard/integration/harness/audio"
	"github.com/switchboard-pbx/switchboard/integration/harness/sipphone"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// asteriskBackend is mode (b): a real Asterisk started by the asterisk-conf
// package's asterisktest (rendered configuration, temporary folders, free
// loopback ports) and real SIP phones.
type asteriskBackend struct {
	log *slog.Logger
	ast *asterisktest.Instance

	mu       sync.Mutex
	phones   []*sipphone.Phone
	provider *sipphone.Phone // the trunk's far end, when there is a trunk
}

// newAsteriskBackend starts Asterisk; with trunk set, its configuration has
// a SIP trunk of that name whose far end is a provider user agent.
func newAsteriskBackend(t testing.TB, log *slog.Logger, trunk string) *asteriskBackend {
	t.Helper()
	b := &asteriskBackend{log: log}
	t.Cleanup(b.close) // the provider, should Asterisk fail to start
	var mutate func(*asteriskconf.Params)
	if trunk != "" {
		mutate = func(p *asteriskconf.Params) {
			if err := b.startProvider(p, trunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.ast = asterisktest.Start(t, mutate)
	for _, l := range b.ast.Problems() {
		log.Warn("Asterisk start-up problem", "line", l)
	}
	return b
}

func (b *asteriskBackend) env() AppEnv {
	p := b.ast.Params
	return AppEnv{
		ARIURL: b.ast.ARIURL, ARIUser: p.ARIUser, ARIPassword: p.ARIPassword, App: p.App,
		AMIAddr: b.ast.AMIAddr, AMIUser: p.AMIUser, AMIPassword: p.AMIPassword,
		Clock: clock.Real{},
	}
}

func (b *asteriskBackend) sipAddr() string {
	p := b.ast.Params
	return net.JoinHostPort(p.SIPBindAddr, strconv.Itoa(p.SIPUDPPort))
}

func (b *asteriskBackend) device(ctx context.Context, endpoint, name string, register bool) (device, error) {
	p, err := sipphone.Start(ctx, sipphone.Config{
		User: endpoint, Password: sipPassword(endpoint), Registrar: b.sipAddr(),
		Register: register, Logger: b.log.With("device", name),
	})
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.phones = append(b.phones, p)
	b.mu.Unlock()
	return &sipDevice{p: p}, nil
}

// failed lists Asterisk's warnings; asterisktest attaches its whole log.
func (b *asteriskBackend) failed(t testing.TB) {
	if probs := b.ast.Problems(); len(probs) > 0 {
		t.Logf("Asterisk ERROR/WARNING lines:\n%s", strings.Join(probs, "\n"))
	}
}

// close hangs up the phones; asterisktest stops Asterisk at the end of the test.
func (b *asteriskBackend) close() {
	b.mu.Lock()
	phones := b.phones
	b.phones = nil
	b.mu.Unlock()
	for _, p := range phones {
		p.Close()
	}
}

// soundsDir is where the prompts the phones compare with live: Debian's
// asterisk-core-sounds-en-wav, or $SWITCHBOARD_ASTERISK_SOUNDS.
func soundsDir() string {
	if d := os.Getenv(asterisktest.EnvSounds); d != "" {
		return filepath.Join(d, "sounds")
	}
	return "/usr/share/asterisk/sounds"
}

func tail(s string, lines int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// sipDevice is a device backed by a real SIP phone.
type sipDevice struct {
	p *sipphone.Phone

	mu    sync.Mutex
	last  *sipphone.Call // the current or last call
	marks []deviceMark   // mark() returns an index into marks
}

// deviceMark is a position in what a device heard and when it was taken.
type deviceMark struct {
	samples int
	at      time.Time
}

// call returns the phone's current call, remembering it as the last one.
func (d *sipDevice) call() *sipphone.Call {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.p.Current(); c != nil {
		d.last = c
	}
	return d.last
}

func (d *sipDevice) dial(ctx context.Context, number string) error {
	c, err := d.p.Dial(ctx, number)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.last = c
	d.mu.Unlock()
	return nil
}

func (d *sipDevice) state() callState {
	c := d.call()
	if c == nil {
		return stateIdle
	}
	switch c.State() {
	case sipphone.Calling:
		return stateDialing
	case sipphone.Ringing:
		if c.Outgoing() {
			return stateDialing
		}
		return stateRinging
	case sipphone.Up:
		return stateUp
	}
	return stateEnded
}

func (d *sipDevice) callerID() string {
	if c := d.call(); c != nil {
		return c.CallerID()
	}
	return ""
}

func (d *sipDevice) connected() (name, number string) {
	if c := d.call(); c != nil {
		return c.Connected()
	}
	return "", ""
}

// identityUpdates is not known: the SIP phones do not report the re-INVITEs
// and UPDATEs they answer (integration/bench counts them on the wire).
func (d *sipDevice) identityUpdates() (int, bool) { return 0, false }

func (d *sipDevice) callerName() string {
	if c := d.call(); c != nil {
		return c.CallerName()
	}
	return ""
}

func (d *sipDevice) answer(ctx context.Context) error {
	c := d.call()
	if c == nil {
		return sipphone.ErrNoCall
	}
	return c.Answer(ctx)
}

func (d *sipDevice) reject(ctx context.Context, status int) error {
	c := d.call()
	if c == nil {
		return sipphone.ErrNoCall
	}
	return c.Reject(ctx, status)
}

func (d *sipDevice) hangup(ctx context.Context) error {
	c := d.call()
	if c == nil {
		return sipphone.ErrNoCall
	}
	return c.Hangup(ctx)
}

func (d *sipDevice) cause() int {
	c := d.call()
	if c == nil || c.State() != sipphone.Ended {
		return 0
	}
	return c.Ending().Cause()
}

func (d *sipDevice) sendDTMF(ctx context.Context, digits string) error {
	c := d.call()
	if c == nil {
		return sipphone.ErrNoCall
	}
	return c.SendDTMF(ctx, digits)
}

func (d *sipDevice) dtmfReceived() string {
	if c := d.call(); c != nil {
		return c.DTMFReceived()
	}
	return ""
}

func (d *sipDevice) playTone(freq float64) error {
	c := d.call()
	if c == nil {
		return sipphone.ErrNoCall
	}
	return c.PlayTone(freq)
}

func (d *sipDevice) mark() int {
	n := 0
	if c := d.call(); c != nil {
		n = c.HeardLen()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.marks = append(d.marks, deviceMark{samples: n, at: time.Now()})
	return len(d.marks) - 1
}

// toneSince judges the audio after mark in 1 s windows: a window in which
// the tone covers half the blocks counts as heard; absentFor of audio
// without a single tone block decides that it was not heard.
func (d *sipDevice) toneSince(mark int, freq float64, absentFor time.Duration) (bool, bool, string) {
	c := d.call()
	if c == nil {
		return false, false, "no call"
	}
	d.mu.Lock()
	m := d.marks[mark]
	d.mu.Unlock()
	all := c.Heard()
	from := m.samples
	if from > len(all) {
		from = 0
	}
	got := all[from:]
	det := audio.ToneDetector{Freq: freq}
	const win = audio.SampleRate
	if len(got) >= win {
		w := got[len(got)-win:]
		if cov := det.Coverage(w); cov >= 0.5 {
			return true, true, fmt.Sprintf("%.0f%% of the last second", cov*100)
		}
	}
	need := int(absentFor.Seconds() * audio.SampleRate)
	cov := det.Coverage(got)
	detail := fmt.Sprintf("%.1f s of audio since, %v Hz in %.0f%% of it, level %.1f dBFS", float64(len(got))/audio.SampleRate, freq, cov*100, audio.DBFS(got))
	if absentFor > 0 && len(got) >= need {
		if cov > 0.05 {
			return true, true, detail
		}
		return false, true, detail
	}
	// Asterisk sends no RTP to a channel that hears nobody: what never
	// arrived was silence on the phone.
	if absentFor > 0 {
		r := audio.Received{Samples: got, Span: time.Since(m.at)}
		if absent, decided := det.ToneAbsent(r, absentFor, 0.05); decided {
			return !absent, true, detail + fmt.Sprintf(", %.1f s of it silence (no RTP)", r.Span.Seconds()-float64(len(got))/audio.SampleRate)
		}
	}
	return false, false, detail
}

func (d *sipDevice) heardPrompt(name string) (bool, string, error) {
	c := d.call()
	if c == nil {
		return false, "no call", nil
	}
	prompt, err := audio.ReadWAV(filepath.Join(soundsDir(), "en", name+".wav"))
	if err != nil {
		return false, "", err
	}
	heard := c.Heard()
	prompt = audio.TrimSilence(prompt, -50)
	if len(prompt) > len(heard) {
		// the call ended before the phone received the whole prompt: match
		// what it could have heard
		n := len(heard) * 9 / 10
		if n < audio.SampleRate {
			return false, fmt.Sprintf("only %.2f s heard so far", float64(len(heard))/audio.SampleRate), nil
		}
		prompt = prompt[:n]
	}
	corr, off := audio.MatchPrompt(heard, prompt)
	detail := fmt.Sprintf("best correlation %.2f at %.2f s of %.2f s heard", corr, float64(off)/audio.SampleRate, float64(len(heard))/audio.SampleRate)
	return corr >= 0.8, detail, nil
}

func (d *sipDevice) close() { d.p.Close() }
