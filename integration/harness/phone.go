package harness

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// callState is a device's call as the harness sees it.
type callState int

const (
	stateIdle    callState = iota // no call
	stateDialing                  // outgoing, not answered
	stateRinging                  // incoming, ringing
	stateUp                       // answered
	stateEnded                    // the last call ended
)

func (s callState) String() string {
	return [...]string{"idle", "dialing", "ringing", "up", "ended"}[s]
}

// device is one phone of an engine. Its methods do not block for long:
// the harness does the waiting.
type device interface {
	// dial places a call to number.
	dial(ctx context.Context, number string) error
	// state reports the device's current (or last) call's state.
	state() callState
	// callerID reports the number shown for the current incoming call.
	callerID() string
	// callerName reports the name shown for the current incoming call.
	callerName() string
	// connected reports the far party the device shows for its current
	// outgoing call (what Asterisk sent as connected line; empty if none).
	connected() (name, number string)
	// identityUpdates counts the connected-line updates (re-INVITEs,
	// UPDATEs) the device was sent once its call was up, if it can tell.
	identityUpdates() (n int, known bool)
	// answer and reject act on a ringing incoming call (reject with a SIP status).
	answer(ctx context.Context) error
	reject(ctx context.Context, status int) error
	// hangup ends the current call.
	hangup(ctx context.Context) error
	// cause reports the Q.850 cause the last call ended with.
	cause() int
	// sendDTMF sends digits into the call.
	sendDTMF(ctx context.Context, digits string) error
	// dtmfReceived reports the digits the device received on its call.
	dtmfReceived() string
	// playTone sends a sine of freq Hz (0: silence) into the call.
	playTone(freq float64) error
	// mark returns an opaque position in what the device heard so far.
	mark() int
	// toneSince reports whether freq was heard since mark (enough of it to
	// count) and whether enough audio has passed since mark to decide that
	// it was not, with a description for failure messages.
	toneSince(mark int, freq float64, absentFor time.Duration) (heard, decided bool, detail string)
	// heardPrompt reports whether the prompt (a sound name such as "beep")
	// was heard on the call.
	heardPrompt(name string) (bool, string, error)
	// close releases the device.
	close()
}

// Phone is a test's handle on one device. Its methods fail the test on error.
type Phone struct {
	h        *H
	endpoint string
	name     string
	dev      device
}

// Device names a device of an extension (default "desk").
type Device string

// Phone returns the registered desk phone of ext, creating and registering
// it on first use; Phone(ext, Device("desk2")) is a second device of ext.
func (h *H) Phone(ext string, dev ...Device) *Phone {
	h.t.Helper()
	name := Device("desk")
	if len(dev) > 0 {
		name = dev[0]
	}
	return h.phone(ext, string(name), true)
}

// Browser returns the registered browser device of ext (endpoint <ext>-web).
func (h *H) Browser(ext string) *Phone {
	h.t.Helper()
	if h.mode == ModeAsterisk {
		h.t.Skip("harness: browser devices need WebRTC, which the real-Asterisk mode's phones do not speak yet")
	}
	return h.phone(ext+"-web", "browser", true)
}

// Unregistered returns a device of ext that never registers: calls to ext
// find no contact.
func (h *H) Unregistered(ext string) *Phone {
	h.t.Helper()
	return h.phone(ext, "unregistered", false)
}

func (h *H) phone(endpoint, name string, register bool) *Phone {
	h.t.Helper()
	key := endpoint + "/" + name
	h.mu.Lock()
	p := h.phones[key]
	h.mu.Unlock()
	if p != nil {
		return p
	}
	ctx, cancel := context.WithTimeout(h.ctx, 15*time.Second)
	defer cancel()
	d, err := h.be.device(ctx, endpoint, name, register)
	if err != nil {
		h.t.Fatalf("harness: phone %s: %v", key, err)
	}
	p = &Phone{h: h, endpoint: endpoint, name: name, dev: d}
	h.mu.Lock()
	h.phones[key] = p
	h.mu.Unlock()
	return p
}

func (p *Phone) String() string { return p.endpoint + "/" + p.name }

func (p *Phone) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.h.ctx, 15*time.Second)
}

func (p *Phone) fatalf(format string, args ...any) {
	p.h.t.Helper()
	p.h.t.Fatalf("harness: %s: %s", p, fmt.Sprintf(format, args...))
}

// Dial places a call to number; it returns once the call is under way.
func (p *Phone) Dial(number string) {
	p.h.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.dev.dial(ctx, number); err != nil {
		p.fatalf("dial %s: %v", number, err)
	}
}

func (p *Phone) waitState(what string, within time.Duration, want ...callState) callState {
	p.h.t.Helper()
	var got callState
	err := p.h.await(fmt.Sprintf("%s: %s", p, what), within, func() (bool, error) {
		got = p.dev.state()
		for _, w := range want {
			if got == w {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		p.fatalf("%v (call is %s)", err, got)
	}
	return got
}

// WaitRinging waits until an incoming call rings.
func (p *Phone) WaitRinging() {
	p.h.t.Helper()
	p.waitState("ringing", 0, stateRinging)
}

// NotRinging checks that no call rings on the phone during within of call time.
func (p *Phone) NotRinging(within time.Duration) {
	p.h.t.Helper()
	err := p.h.await("", within, func() (bool, error) {
		if p.dev.state() == stateRinging {
			return false, fmt.Errorf("%s rings", p)
		}
		return false, nil
	})
	if err != nil && !isTimeout(err) {
		p.fatalf("%v", err)
	}
}

// State reports the phone's current (or last) call: "idle", "dialing",
// "ringing" (incoming), "up" or "ended".
func (p *Phone) State() string { return p.dev.state().String() }

// CallerID reports the number the ringing (or current) call shows.
func (p *Phone) CallerID() string { return p.dev.callerID() }

// CallerName reports the name the ringing (or current) call shows.
func (p *Phone) CallerName() string { return p.dev.callerName() }

// Connected reports the far party the phone was told with the answer to
// the call it placed (P-Asserted-Identity in the 200 OK).
func (p *Phone) Connected() (name, number string) { return p.dev.connected() }

// IdentityUpdates counts the connected-line updates (re-INVITEs or UPDATEs
// on a SIP phone) the phone was sent while its call was up; known is false
// where the device cannot tell (the SIP phones of mode b).
func (p *Phone) IdentityUpdates() (n int, known bool) { return p.dev.identityUpdates() }

// Answer answers the ringing call and waits until it is up.
func (p *Phone) Answer() {
	p.h.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.dev.answer(ctx); err != nil {
		p.fatalf("answer: %v", err)
	}
	p.waitState("answered", 0, stateUp)
}

// Reject refuses the ringing call with 486 Busy Here.
func (p *Phone) Reject() {
	p.h.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.dev.reject(ctx, 486); err != nil {
		p.fatalf("reject: %v", err)
	}
}

// WaitAnswered waits until the phone's outgoing call is answered.
func (p *Phone) WaitAnswered() {
	p.h.t.Helper()
	if st := p.waitState("call answered", 0, stateUp, stateEnded); st == stateEnded {
		p.fatalf("the call ended (cause %d) instead of being answered", p.dev.cause())
	}
}

// Hangup ends the phone's call.
func (p *Phone) Hangup() {
	p.h.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.dev.hangup(ctx); err != nil {
		p.fatalf("hang up: %v", err)
	}
}

// WaitHungUp waits until the phone's call ends (within call time, default
// DefaultWithin) and returns the Q.850 cause.
func (p *Phone) WaitHungUp(within ...time.Duration) int {
	p.h.t.Helper()
	w := time.Duration(0)
	if len(within) > 0 {
		w = within[0]
	}
	p.waitState("call ended", w, stateEnded)
	return p.dev.cause()
}

// SendDTMF sends digits (RFC 4733 in mode b).
func (p *Phone) SendDTMF(digits string) {
	p.h.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	if err := p.dev.sendDTMF(ctx, digits); err != nil {
		p.fatalf("send DTMF %q: %v", digits, err)
	}
}

// PlayTone makes the phone send a sine of freq Hz until StopTone.
func (p *Phone) PlayTone(freq float64) {
	p.h.t.Helper()
	if err := p.dev.playTone(freq); err != nil {
		p.fatalf("play %v Hz: %v", freq, err)
	}
}

// StopTone makes the phone send silence.
func (p *Phone) StopTone() { p.PlayTone(0) }

// HearsTone waits until the phone hears a tone of freq Hz.
func (p *Phone) HearsTone(freq float64) {
	p.h.t.Helper()
	m := p.dev.mark()
	var detail string
	err := p.h.await(fmt.Sprintf("%s to hear %v Hz", p, freq), 0, func() (bool, error) {
		heard, _, d := p.dev.toneSince(m, freq, 0)
		detail = d
		return heard, nil
	})
	if err != nil {
		p.fatalf("%v (%s)", err, detail)
	}
}

// NotHearsTone checks that the phone hears no tone of freq Hz for 1.5 s of
// call time from now.
func (p *Phone) NotHearsTone(freq float64) {
	p.h.t.Helper()
	m := p.dev.mark()
	var detail string
	err := p.h.await(fmt.Sprintf("%s to be sure it does not hear %v Hz", p, freq), 0, func() (bool, error) {
		heard, decided, d := p.dev.toneSince(m, freq, 1500*time.Millisecond)
		detail = d
		if heard {
			return false, fmt.Errorf("it hears %v Hz: %s", freq, d)
		}
		return decided, nil
	})
	if err != nil && isTimeout(err) {
		p.fatalf("%v (%s)", err, detail)
	}
	if err != nil {
		p.fatalf("%v", err)
	}
}

// Hears waits until the phone has heard the prompt name (a sound such as
// "beep" or "ss-noservice") on its current or last call.
func (p *Phone) Hears(name string) {
	p.h.t.Helper()
	var detail string
	err := p.h.await(fmt.Sprintf("%s to hear the prompt %q", p, name), 0, func() (bool, error) {
		ok, d, err := p.dev.heardPrompt(name)
		detail = d
		return ok, err
	})
	if err != nil {
		p.fatalf("%v (%s)", err, detail)
	}
	p.h.log.Info("prompt heard", "phone", p.String(), "prompt", name, "detail", detail)
}

// NotHeard checks that the phone has not heard the prompt name on its
// current or last call (a negative control for Hears).
func (p *Phone) NotHeard(name string) {
	p.h.t.Helper()
	ok, detail, err := p.dev.heardPrompt(name)
	if err != nil {
		p.fatalf("check prompt %q: %v", name, err)
	}
	if ok {
		p.fatalf("heard the prompt %q, which was not played (%s)", name, detail)
	}
	p.h.log.Info("prompt not heard, as expected", "phone", p.String(), "prompt", name, "detail", detail)
}

// WaitDTMFReceived waits until the phone has received digits on its call.
func (p *Phone) WaitDTMFReceived(digits string) {
	p.h.t.Helper()
	err := p.h.await(fmt.Sprintf("%s to receive DTMF %q", p, digits), 0, func() (bool, error) {
		return p.dev.dtmfReceived() == digits, nil
	})
	if err != nil {
		p.fatalf("%v (received %q)", err, p.dev.dtmfReceived())
	}
}

func isTimeout(err error) bool {
	return err != nil && errors.Is(err, ErrTimeout)
}
