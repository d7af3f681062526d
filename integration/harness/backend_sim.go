package harness

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// simBackend is mode (a): the in-process simulator on the shared fake clock.
type simBackend struct {
	s      *sim.Server
	srv    *httptest.Server
	ami    net.Listener
	cancel context.CancelFunc
	fake   *clock.Fake
	log    *slog.Logger
}

const simUser, simPassword = "switchboard", "switchboard-sim-pass"

func newSimBackend(log *slog.Logger, fake *clock.Fake) (*simBackend, error) {
	// The simulator makes a temporary recordings folder; close removes it.
	s, err := sim.New(sim.Options{Clock: fake, Username: simUser, Password: simPassword, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("harness: simulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("harness: simulator AMI: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if err := s.ServeAMI(ctx, ln); err != nil {
			log.Warn("simulator AMI stopped", "error", err)
		}
	}()
	return &simBackend{s: s, srv: httptest.NewServer(s.Handler()), ami: ln, cancel: cancel, fake: fake, log: log}, nil
}

func (b *simBackend) env() AppEnv {
	return AppEnv{
		ARIURL: b.srv.URL + "/ari", ARIUser: simUser, ARIPassword: simPassword,
		App: "switchboard", Clock: b.fake,
		AMIAddr: b.ami.Addr().String(), AMIUser: simUser, AMIPassword: simPassword,
	}
}

func (b *simBackend) device(ctx context.Context, endpoint, name string, register bool) (device, error) {
	d := b.s.Phone(endpoint).Device(name)
	d.Send("") // silence until the test plays a tone
	if register {
		if err := d.Register(sipPassword(endpoint)); err != nil {
			return nil, fmt.Errorf("harness: register %s/%s: %w", endpoint, name, err)
		}
	}
	return &simDevice{d: d, fake: b.fake}, nil
}

func (b *simBackend) failed(testing.TB) {}

func (b *simBackend) close() {
	b.cancel()
	b.srv.Close()
	if err := b.s.Close(); err != nil {
		b.log.Warn("simulator recordings not removed", "error", err)
	}
}

// simDevice is a device of the simulator.
type simDevice struct {
	d    *sim.Device
	fake *clock.Fake
}

// call returns the device's newest call, or nil.
func (d *simDevice) call() *sim.Call {
	cs := d.d.Calls()
	if len(cs) == 0 {
		return nil
	}
	return cs[len(cs)-1]
}

func (d *simDevice) dial(_ context.Context, number string) error {
	_, err := d.d.Dial(number)
	return err
}

func (d *simDevice) state() callState {
	c := d.call()
	if c == nil {
		return stateIdle
	}
	switch c.State() {
	case sim.CallDialing:
		return stateDialing
	case sim.CallRinging:
		return stateRinging
	case sim.CallUp:
		return stateUp
	}
	return stateEnded
}

func (d *simDevice) callerID() string {
	c := d.call()
	if c == nil {
		return ""
	}
	_, num := c.CallerID()
	return num
}

func (d *simDevice) connected() (name, number string) {
	if c := d.call(); c != nil {
		return c.AnsweredAs()
	}
	return "", ""
}

func (d *simDevice) identityUpdates() (int, bool) {
	if c := d.call(); c != nil {
		return c.IdentityUpdates(), true
	}
	return 0, true
}

func (d *simDevice) callerName() string {
	c := d.call()
	if c == nil {
		return ""
	}
	name, _ := c.CallerID()
	return name
}

func (d *simDevice) answer(context.Context) error {
	if c := d.d.Ringing(); c != nil {
		return c.Answer()
	}
	return fmt.Errorf("answer: %w", sim.ErrNoCall)
}

func (d *simDevice) reject(_ context.Context, status int) error {
	c := d.d.Ringing()
	if c == nil {
		return fmt.Errorf("reject: %w", sim.ErrNoCall)
	}
	if status == 603 {
		return c.Decline()
	}
	return c.Busy()
}

func (d *simDevice) hangup(context.Context) error {
	if c := d.call(); c != nil {
		return c.Hangup()
	}
	return fmt.Errorf("hangup: %w", sim.ErrNoCall)
}

func (d *simDevice) cause() int {
	if c := d.call(); c != nil {
		return c.HangupCause()
	}
	return 0
}

func (d *simDevice) sendDTMF(_ context.Context, digits string) error {
	if c := d.call(); c != nil {
		return c.SendDTMF(digits)
	}
	return fmt.Errorf("dtmf: %w", sim.ErrNoCall)
}

func (d *simDevice) dtmfReceived() string {
	if c := d.call(); c != nil {
		return strings.Join(c.DTMFReceived(), "")
	}
	return ""
}

func (d *simDevice) playTone(freq float64) error {
	if freq <= 0 {
		d.d.Send("")
		return nil
	}
	d.d.Send(toneLabel(freq))
	return nil
}

func toneLabel(freq float64) string {
	return strconv.FormatFloat(freq, 'f', -1, 64) + "Hz"
}

// mark is the fake clock's time in nanoseconds: what the simulator reports
// is instantaneous, so only the time since mark matters.
func (d *simDevice) mark() int { return int(d.fake.Now().UnixNano()) }

func (d *simDevice) toneSince(mark int, freq float64, absentFor time.Duration) (bool, bool, string) {
	c := d.call()
	if c == nil {
		return false, false, "no call"
	}
	hears := c.Hears()
	label := toneLabel(freq)
	for _, h := range hears {
		if h == label {
			return true, true, fmt.Sprintf("hears %v", hears)
		}
	}
	elapsed := time.Duration(int(d.fake.Now().UnixNano()) - mark)
	return false, absentFor > 0 && elapsed >= absentFor, fmt.Sprintf("hears %v", hears)
}

func (d *simDevice) heardPrompt(name string) (bool, string, error) {
	c := d.call()
	if c == nil {
		return false, "no call", nil
	}
	var seen []string
	for _, h := range c.Heard() {
		for _, what := range heardSounds(h.What) {
			if what == "sound:"+name || what == name {
				return true, "", nil
			}
		}
		seen = append(seen, h.What)
	}
	return false, fmt.Sprintf("heard %v", seen), nil
}

// heardSounds is what the simulator reports as heard and, for "digits:N",
// the sound of each digit Asterisk plays for it ("sound:digits/1" …), so
// that a scenario names a digit prompt the same way in both modes.
func heardSounds(what string) []string {
	out := []string{what}
	if ds, ok := strings.CutPrefix(what, "digits:"); ok {
		for _, r := range ds {
			if r >= '0' && r <= '9' {
				out = append(out, "sound:digits/"+string(r))
			}
		}
	}
	return out
}

func (d *simDevice) close() {
	if c := d.call(); c != nil && c.State() != sim.CallEnded {
		_ = c.Hangup()
	}
	d.d.Unregister()
}
