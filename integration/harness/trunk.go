package harness

import (
	"context"
	"fmt"
	"time"
)

// trunkDevice is the far end of a SIP trunk: the provider's user agent. It
// takes the calls the PBX sends out through the trunk and places calls into
// the PBX as the provider would.
type trunkDevice interface {
	device
	// dialled reports the number of the current (or last) incoming call as
	// the provider received it ("" while unknown).
	dialled() string
	// callIn places a call from the provider to did with the caller id given.
	callIn(ctx context.Context, did, callerNumber, callerName string) error
}

// Trunk is a test's handle on the far end of the SIP trunk (Options.Trunk).
// It is a Phone — Answer, Reject, Hangup, PlayTone, HearsTone, WaitHungUp …
// act on the provider's side of the current call — with two more methods:
// WaitIncoming for calls the PBX sends out and Call for calls coming in.
type Trunk struct {
	*Phone
	dev trunkDevice
}

// Trunk returns the far end of the scenario's SIP trunk; the test fails when
// Options.Trunk is empty.
func (h *H) Trunk() *Trunk {
	h.t.Helper()
	if h.trunk == nil {
		h.t.Fatalf("harness: the scenario has no trunk (set Options.Trunk)")
	}
	return h.trunk
}

// startTrunk makes the provider's side of trunk name in both modes.
func (h *H) startTrunk(name string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 15*time.Second)
	defer cancel()
	d, err := h.be.trunk(ctx, h.ari, name)
	if err != nil {
		h.t.Fatalf("harness: trunk %s: %v", name, err)
	}
	p := &Phone{h: h, endpoint: name, name: "provider", dev: d}
	h.mu.Lock()
	h.phones[p.endpoint+"/"+p.name] = p
	h.mu.Unlock()
	h.trunk = &Trunk{Phone: p, dev: d}
}

// WaitIncoming waits until a call the PBX sent out through the trunk
// reaches the provider and returns the number it was sent to, as the
// provider received it (the number in the INVITE's Request-URI).
func (tr *Trunk) WaitIncoming() string {
	tr.h.t.Helper()
	tr.WaitRinging()
	var num string
	err := tr.h.await(fmt.Sprintf("%s: the dialled number of the incoming call", tr), 0, func() (bool, error) {
		num = tr.dev.dialled()
		return num != "", nil
	})
	if err != nil {
		tr.fatalf("%v", err)
	}
	return num
}

// Call places a call from the provider into the PBX: to did (the number
// the provider delivers), from callerNumber with callerName ("" for none).
// It returns once the call is under way.
func (tr *Trunk) Call(did, callerNumber, callerName string) {
	tr.h.t.Helper()
	ctx, cancel := tr.ctx()
	defer cancel()
	if err := tr.dev.callIn(ctx, did, callerNumber, callerName); err != nil {
		tr.fatalf("call %s from %s: %v", did, callerNumber, err)
	}
}
