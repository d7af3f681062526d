package sim

import (
	"context"
	"fmt"
	"time"
)

// CallState is a call's state as the device sees it.
type CallState string

// Call states.
const (
	CallDialing CallState = "dialing" // outgoing, not answered yet
	CallRinging CallState = "ringing" // incoming, ringing on the device
	CallUp      CallState = "up"      // answered
	CallEnded   CallState = "ended"
)

// Heard is one prompt, tone or music a device heard, stamped with the
// simulator's clock.
type Heard struct {
	At   time.Time
	What string // "sound:beep", "digits:1", "tone:ring", "moh:default", "beep"
}

// Call is a device's view of one of its calls.
type Call struct {
	d             *Device
	ch            *channel
	id            string
	incoming      bool
	state         CallState
	started       time.Time
	ended         time.Time
	endCause      int
	callerID      callerIDJSON
	peerName      string
	autoAnswerHdr bool
	autoAnswered  bool
	held          bool
	answeredAs    callerIDJSON // the connected line when the call was answered (in the 200 OK)
	idUpdates     int          // connected-line changes sent once up (re-INVITEs/UPDATEs)
	heard         []Heard
	dtmf          []string
}

// ChannelID is the id of the Asterisk channel carrying the call.
func (c *Call) ChannelID() string { return c.id }

// Incoming reports whether the call came to the device.
func (c *Call) Incoming() bool { return c.incoming }

// State reports the call's state.
func (c *Call) State() CallState {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.state
}

// HangupCause reports the Q.850 cause the call ended with (0 while it lasts).
func (c *Call) HangupCause() int {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.endCause
}

// CallerID is the caller id the device displayed for an incoming call
// (the channel's connected line, as PJSIP puts it in From/PAI).
func (c *Call) CallerID() (name, number string) {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.callerID.Name, c.callerID.Number
}

// ConnectedLine is the party the device shows as connected now.
func (c *Call) ConnectedLine() (name, number string) {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	if c.ch == nil {
		return c.callerID.Name, c.callerID.Number
	}
	return c.ch.connected.Name, c.ch.connected.Number
}

// AnsweredAs is the far party the device was told with the answer to its
// call (the connected line when the channel went up: the 200 OK's
// P-Asserted-Identity); empty before.
func (c *Call) AnsweredAs() (name, number string) {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.answeredAs.Name, c.answeredAs.Number
}

// IdentityUpdates counts the connected-line changes the device was sent
// while the call was up: each a re-INVITE or UPDATE on a real phone.
func (c *Call) IdentityUpdates() int {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.idUpdates
}

// AutoAnswered reports whether the device answered on its own because the
// call carried intercom/paging headers.
func (c *Call) AutoAnswered() bool {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return c.autoAnswered
}

// Heard lists what the device has heard on the call, in order.
func (c *Call) Heard() []Heard {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return append([]Heard(nil), c.heard...)
}

// DTMFReceived is the DTMF the device received from the far end.
func (c *Call) DTMFReceived() []string {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	return append([]string(nil), c.dtmf...)
}

// Hears reports what the device hears at this moment: the send labels of
// the devices whose audio reaches it (see Device.Send) and playing media
// ("sound:beep", "moh:default"). Empty means silence.
func (c *Call) Hears() []string {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	if c.ch == nil || c.state == CallEnded {
		return nil
	}
	return sortedKeys(c.d.s.heardByLocked(c.ch, nil))
}

// WaitState waits until the call reaches state.
func (c *Call) WaitState(ctx context.Context, state CallState) error {
	return c.d.s.WaitFor(ctx, func() bool { return c.state == state })
}

// Answer answers an incoming ringing call.
func (c *Call) Answer() error {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	if !c.incoming || c.state != CallRinging || c.ch == nil {
		return fmt.Errorf("answer: %w", ErrNoCall)
	}
	c.answerLocked()
	return nil
}

// AnswerAfter answers the ringing call after d on the simulator's clock.
func (c *Call) AnswerAfter(d time.Duration) {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	c.afterLocked(d, func() { c.answerLocked() })
}

// Busy rejects the ringing call with 486 Busy Here (cause 17).
func (c *Call) Busy() error { return c.reject(17, 486) }

// Decline rejects the ringing call with 603 Decline (cause 21).
func (c *Call) Decline() error { return c.reject(21, 603) }

func (c *Call) reject(cause, code int) error {
	c.d.s.mu.Lock()
	defer c.d.s.mu.Unlock()
	if !c.incoming || c.state != CallRinging || c.ch == nil {
		return fmt.Errorf("reject: %w", ErrNoCall)
	}
	c.rejectLocked(cause, code)
	return nil
}

// Hangup ends the call from the device (BYE, or CANCEL while dialling).
func (c *Call) Hangup() error {
	s := c.d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ch == nil || c.state == CallEnded {
		return fmt.Errorf("hangup: %w", ErrNoCall)
	}
	ch := c.ch
	switch {
	case c.incoming && c.state == CallRinging:
		c.rejectLocked(21, 603)
	case ch.kind == kindInbound:
		s.hangupLocked(ch, hangupSpec{reqNoCause: true, cause: 16})
	default:
		s.hangupLocked(ch, hangupSpec{reqCause: 16, cause: 16})
	}
	return nil
}

// SendDTMF sends digits (RFC 4733) into the call, one after the other.
func (c *Call) SendDTMF(digits string) error {
	s := c.d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ch == nil || c.state == CallEnded {
		return fmt.Errorf("dtmf: %w", ErrNoCall)
	}
	for _, r := range digits {
		if c.ch == nil {
			break
		}
		s.dtmfFromDeviceLocked(c.ch, string(r))
	}
	return nil
}

// Hold puts the call on hold from the device (re-INVITE sendonly): the app
// gets ChannelHold and the device's audio stops.
func (c *Call) Hold() error { return c.setHold(true) }

// Unhold takes the call off hold (ChannelUnhold).
func (c *Call) Unhold() error { return c.setHold(false) }

func (c *Call) setHold(on bool) error {
	s := c.d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ch == nil || c.state != CallUp {
		return fmt.Errorf("hold: %w", ErrNoCall)
	}
	if c.held == on {
		return nil
	}
	c.held = on
	c.ch.held = on
	if on {
		s.chanEvent(c.ch, "ChannelHold", map[string]any{"musicclass": ""})
	} else {
		s.chanEvent(c.ch, "ChannelUnhold", nil)
	}
	s.mediaChangedLocked()
	return nil
}

// Transfer blind-transfers the call's far end to target with SIP REFER and
// Asterisk's default transfer handling (see refer.go).
func (c *Call) Transfer(target string) error {
	s := c.d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ch == nil || c.state != CallUp {
		return fmt.Errorf("transfer: %w", ErrNoCall)
	}
	return s.blindTransferLocked(c.ch, target)
}

func (c *Call) answerLocked() {
	if c.ch == nil || c.state != CallRinging {
		return
	}
	c.state = CallUp
	c.d.s.remoteAnswerLocked(c.ch)
	c.d.s.notifyLocked()
}

// answeredLocked marks the call answered when Asterisk answered it (the app
// answered the device's outgoing call).
func (c *Call) answeredLocked() {
	if c.state == CallDialing {
		c.state = CallUp
	}
}

func (c *Call) rejectLocked(cause, code int) {
	if c.ch == nil || c.state != CallRinging {
		return
	}
	c.d.s.hangupLocked(c.ch, hangupSpec{reqCause: cause, reqTech: code, cause: cause, tech: code})
}

// afterLocked runs f under the lock after d of simulated time (at once when
// d is 0).
func (c *Call) afterLocked(d time.Duration, f func()) {
	if d <= 0 {
		f()
		return
	}
	s := c.d.s
	s.afterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		f()
	})
}

func (c *Call) hearLocked(what string) {
	c.heard = append(c.heard, Heard{At: c.d.s.now(), What: what})
}
