package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

// playOnce answers the call, notes how many clock timers are pending, plays
// media to the caller and hands Play's error to the test; then it plays a
// prompt that exists (the call goes on after a failed playback) and hangs up.
type playOnce struct {
	media   string
	clock   interface{ Pending() int }
	before  chan int
	result  chan error
	goodbye chan error
}

func newPlayOnce(media string) *playOnce {
	return &playOnce{media: media, before: make(chan int, 1), result: make(chan error, 1), goodbye: make(chan error, 1)}
}

func (p *playOnce) ServeCall(ctx context.Context, c *core.Call) error {
	if err := c.Answer(ctx); err != nil {
		return err
	}
	p.before <- p.clock.Pending()
	err := c.Play(ctx, c.Caller, p.media)
	p.result <- err
	if err != nil && !errors.Is(err, core.ErrPlaybackFailed) {
		return err
	}
	err = c.Play(ctx, c.Caller, "sound:beep")
	p.goodbye <- err
	if err != nil {
		return err
	}
	return c.Hangup(ctx, c.Caller, "normal")
}

func startPlayOnce(t *testing.T, media string) (*coretest.Rig, *playOnce, *sim.Call) {
	t.Helper()
	p := newPlayOnce(media)
	r := coretest.New(t, p)
	p.clock = r.Clock
	out := r.Dial(r.Device("101"), "700")
	r.WaitState(out, sim.CallUp)
	return r, p, out
}

func TestPlayOfAMissingSoundFailsWhileTheCallerStaysAndTheCallGoesOn(t *testing.T) {
	r, p, out := startPlayOnce(t, "sound:no-such-prompt-anywhere")
	<-p.before
	var err error
	for waited := time.Duration(0); ; waited += 100 * time.Millisecond {
		select {
		case err = <-p.result:
		default:
			if waited > 2*time.Second {
				t.Fatal("Play did not return within 2 s of clock time")
			}
			r.Clock.Advance(100 * time.Millisecond)
			time.Sleep(time.Millisecond)
			continue
		}
		break
	}
	if !errors.Is(err, core.ErrPlaybackFailed) || errors.Is(err, core.ErrCallerGone) || errors.Is(err, core.ErrLegGone) {
		t.Fatalf("Play of a missing sound = %v, want ErrPlaybackFailed", err)
	}
	if out.State() != sim.CallUp {
		t.Fatalf("caller is %s after the failed playback, want still answered", out.State())
	}
	r.WaitStateAdvancing(out, sim.CallEnded, 5*time.Second)
	if err := <-p.goodbye; err != nil {
		t.Errorf("the next prompt after the failed one: %v", err)
	}
	r.WaitIdle()
}

// Asterisk 22.10.1 reports a playback cut by the caller's hang-up as
// PlaybackFinished "failed" just before the hang-up events. The simulator
// fails a missing sound at once; the caller hanging up right after it (no
// clock time passing) gives that same order.
func TestPlayCutByTheCallersHangupReportsTheCallerGone(t *testing.T) {
	r, p, out := startPlayOnce(t, "sound:no-such-prompt-anywhere")
	base := <-p.before
	// Play waits for the hang-up on a clock timer: once armed, the failed
	// playback has been seen.
	if err := r.Clock.BlockUntil(r.Ctx(), base+1); err != nil {
		t.Fatalf("Play never waited after the failed playback: %v", err)
	}
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.result:
		if !errors.Is(err, core.ErrCallerGone) {
			t.Fatalf("Play cut by the caller's hang-up = %v, want ErrCallerGone", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Play did not return after the caller hung up (no clock time passed)")
	}
	r.WaitIdle()
}

// answerWaitThen answers, waits for the test's go-ahead without reading
// the call's events, then runs then and reports its error.
type answerWaitThen struct {
	then    func(ctx context.Context, c *core.Call) error
	proceed chan struct{}
	result  chan error
}

func (h *answerWaitThen) ServeCall(ctx context.Context, c *core.Call) error {
	if err := c.Answer(ctx); err != nil {
		return err
	}
	<-h.proceed
	err := h.then(ctx, c)
	h.result <- err
	return err
}

// The channel can be gone in Asterisk before its hang-up's events reach the
// call: the play is refused (404), and that is the caller gone.
func TestPlayToACallerAsteriskAlreadyForgotReportsTheCallerGone(t *testing.T) {
	play := func(ctx context.Context, c *core.Call) error { return c.Play(ctx, c.Caller, "sound:beep") }
	if err := afterAsteriskForgotTheCaller(t, play); !errors.Is(err, core.ErrCallerGone) {
		t.Fatalf("Play to a caller Asterisk forgot = %v, want ErrCallerGone", err)
	}
}

// afterAsteriskForgotTheCaller runs a call whose handler answers, then
// waits: the caller hangs up and the test waits until Asterisk no longer
// knows its channel — before the call, blocked, saw any of the hang-up's
// events — then lets the handler run then and returns its error.
func afterAsteriskForgotTheCaller(t *testing.T, then func(ctx context.Context, c *core.Call) error) error {
	t.Helper()
	h := &answerWaitThen{then: then, proceed: make(chan struct{}), result: make(chan error, 1)}
	proceed, result := h.proceed, h.result
	r := coretest.New(t, h)
	out := r.Dial(r.Device("101"), "700")
	r.WaitState(out, sim.CallUp)
	id := out.ChannelID()
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if _, err := r.Client.Channels().Get(r.Ctx(), id); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hung-up channel is still there")
		}
	}
	close(proceed)
	var err error
	select {
	case err = <-result:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not go on")
	}
	r.WaitIdle()
	return err
}
