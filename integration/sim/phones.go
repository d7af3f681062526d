package sim

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Phone is one PJSIP endpoint as seen from the phones' side: an extension's
// desk phones ("201"), its browser ("201-web"), or a trunk. It holds the
// devices (contacts) registered for the endpoint.
type Phone struct {
	s        *Server
	endpoint string
	devices  []*Device
}

// Phone returns the phone side of the named endpoint, creating it on first use.
// Devices added to it can register only once the endpoint is provisioned
// (PUT /ari/asterisk/config/dynamic/res_pjsip/endpoint/{id}) unless
// Options.AutoProvision is set.
func (s *Server) Phone(endpoint string) *Phone {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phoneLocked(endpoint)
}

func (s *Server) phoneLocked(endpoint string) *Phone {
	p := s.phones[endpoint]
	if p == nil {
		p = &Phone{s: s, endpoint: endpoint}
		s.phones[endpoint] = p
	}
	return p
}

// Endpoint names the PJSIP endpoint.
func (p *Phone) Endpoint() string { return p.endpoint }

// Device returns the phone's device called name ("desk", "mobile", …),
// creating it (unregistered) on first use.
func (p *Phone) Device(name string) *Device {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	for _, d := range p.devices {
		if d.name == name {
			return d
		}
	}
	d := &Device{s: p.s, phone: p, name: name, honourAutoAnswer: true,
		contact: fmt.Sprintf("sip:%s-0x%x@127.0.0.1:%d", p.endpoint, 0x55ea5d3b8d00+len(p.s.phones)*0x100+len(p.devices), 17000+10*len(p.devices))}
	p.devices = append(p.devices, d)
	return d
}

// Devices lists the phone's devices in creation order.
func (p *Phone) Devices() []*Device {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return append([]*Device(nil), p.devices...)
}

// IncomingAction is what a device does with an incoming call on its own.
type IncomingAction int

const (
	// Ring lets the call ring until the test answers or rejects it.
	Ring IncomingAction = iota
	// AnswerCall answers after IncomingPolicy.After.
	AnswerCall
	// Busy rejects with 486 Busy Here after IncomingPolicy.After.
	Busy
	// Decline rejects with 603 Decline after IncomingPolicy.After.
	Decline
)

// IncomingPolicy is a device's behaviour on incoming calls.
type IncomingPolicy struct {
	Action IncomingAction
	After  time.Duration // on the simulator's clock
}

// Device is one SIP user agent registered (or not) for a Phone's endpoint.
type Device struct {
	s                *Server
	phone            *Phone
	name             string
	contact          string
	registered       bool
	policy           IncomingPolicy
	honourAutoAnswer bool
	sends            string
	calls            []*Call
}

// Name is the device's name within its phone.
func (d *Device) Name() string { return d.name }

// Contact is the device's contact URI, as PJSIP_DIAL_CONTACTS lists it.
func (d *Device) Contact() string { return d.contact }

// Endpoint names the device's endpoint.
func (d *Device) Endpoint() string { return d.phone.endpoint }

// Register registers the device with password; it fails with ErrNotFound
// when the endpoint is not provisioned and ErrNotRegistered on a wrong
// password (AMI then reports InvalidPassword).
func (d *Device) Register(password string) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ep := s.endpointForRegisterLocked(d.phone.endpoint)
	if ep == nil {
		s.ami.securityEventLocked("InvalidAccountID", d.phone.endpoint)
		return fmt.Errorf("endpoint %q not provisioned: %w", d.phone.endpoint, ErrNotFound)
	}
	if ep.password != "" && password != ep.password {
		s.ami.securityEventLocked("InvalidPassword", d.phone.endpoint)
		return fmt.Errorf("endpoint %q: wrong password: %w", d.phone.endpoint, ErrNotRegistered)
	}
	if d.registered {
		return nil
	}
	d.registered = true
	s.endpointContactsChangedLocked(ep, d, "Created")
	return nil
}

// Unregister removes the device's registration.
func (d *Device) Unregister() {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !d.registered {
		return
	}
	d.registered = false
	if ep := s.endpoints[d.phone.endpoint]; ep != nil {
		s.endpointContactsChangedLocked(ep, d, "Removed")
	}
}

// Registered reports whether the device is registered.
func (d *Device) Registered() bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.registered
}

// SetIncoming sets what the device does with incoming calls (default Ring).
func (d *Device) SetIncoming(p IncomingPolicy) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.policy = p
}

// SetAutoAnswer sets whether the device answers at once calls carrying
// intercom/paging headers (Call-Info answer-after=0, Alert-Info …answer);
// default true.
func (d *Device) SetAutoAnswer(honour bool) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.honourAutoAnswer = honour
}

// Send sets what the device sends into its calls, e.g. "1000Hz" (a tone
// label); "" sends silence. The default is the endpoint's name.
func (d *Device) Send(label string) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.sends = label
	if d.sends == "" {
		d.sends = "silence"
	}
	d.s.mediaChangedLocked()
}

func (d *Device) sendLabel() string {
	switch d.sends {
	case "":
		return d.phone.endpoint
	case "silence":
		return ""
	}
	return d.sends
}

// Calls lists the device's calls, oldest first, ended ones included.
func (d *Device) Calls() []*Call {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return append([]*Call(nil), d.calls...)
}

// Ringing returns the incoming call ringing on the device, or nil.
func (d *Device) Ringing() *Call {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	for _, c := range d.calls {
		if c.incoming && c.state == CallRinging {
			return c
		}
	}
	return nil
}

// WaitRinging waits until a call rings on the device.
func (d *Device) WaitRinging(ctx context.Context) (*Call, error) {
	var got *Call
	err := d.s.WaitFor(ctx, func() bool {
		for _, c := range d.calls {
			if c.incoming && c.state == CallRinging {
				got = c
				return true
			}
		}
		return false
	})
	return got, err
}

// DialOptions tune Device.DialWith.
type DialOptions struct {
	// CallerName and CallerNumber set the caller id the call presents (a
	// trunk's calling number); default: the endpoint's own.
	CallerName, CallerNumber string
}

// Dial places a call from the device to target, which enters the endpoint's
// dialplan context: Stasis(<app>,<origin>,<target>).
func (d *Device) Dial(target string) (*Call, error) {
	return d.DialWith(target, DialOptions{})
}

// DialWith is Dial with a caller id.
func (d *Device) DialWith(target string, o DialOptions) (*Call, error) {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !d.registered {
		return nil, fmt.Errorf("device %s/%s: %w", d.phone.endpoint, d.name, ErrNotRegistered)
	}
	ep := s.endpoints[d.phone.endpoint]
	if ep == nil {
		return nil, fmt.Errorf("endpoint %q: %w", d.phone.endpoint, ErrNotFound)
	}
	c := s.newChannelLocked("", "PJSIP/"+ep.name+"-"+s.newNameSuffixLocked(), kindInbound)
	c.protocolID = randomProtocolID()[:16]
	c.dev = d
	ep.attach(c)
	c.state = StateRing
	c.context, c.exten = ep.context, target
	c.caller = callerIDJSON{Name: ep.callerName, Number: ep.callerNumber}
	if o.CallerName != "" || o.CallerNumber != "" {
		c.caller = callerIDJSON{Name: o.CallerName, Number: o.CallerNumber}
	}
	s.channelCreatedLocked(c)
	call := &Call{d: d, ch: c, id: c.id, state: CallDialing, started: s.now(), peerName: target}
	c.call = call
	d.calls = append(d.calls, call)
	s.deviceStateChangedLocked(ep)
	s.startDialplanLocked(c, ep.origin(), target)
	s.notifyLocked()
	return call, nil
}

// startDialplanLocked runs the endpoint context's single extension:
// Stasis(app,origin,${EXTEN}). A Stasis app without a WebSocket fails the
// call as Asterisk does: the channel hangs up and the phone gets an error.
func (s *Server) startDialplanLocked(c *channel, origin, exten string) {
	app := s.appName()
	if s.opts.Dialplan != nil && s.opts.DialplanContexts[c.context] {
		s.runDialplanLocked(c)
		return
	}
	if a := s.apps[app]; !a.active() {
		s.stasisFailedLocked(c, app)
		return
	}
	s.enterStasisLocked(c, app, []string{origin, exten}, nil)
}

// stasisFailedLocked is the project's dialplan when the app is not
// registered (asterisk-conf's [stasis-failed]): Stasis() returns at once with
// STASISSTATUS=FAILED, the caller hears ss-noservice as early media and the
// call ends with cause 34. No event reaches the app, and none is replayed
// when it reconnects (ws_drop trace).
func (s *Server) stasisFailedLocked(c *channel, app string) {
	s.log.Info("Stasis app not registered: call fails", "app", app, "channel", c.name)
	c.vars["STASISSTATUS"] = "FAILED"
	c.context, c.exten, c.appName, c.appData = "stasis-failed", "s", "Playback", "ss-noservice,noanswer"
	if c.call != nil {
		c.call.hearLocked("sound:ss-noservice")
	}
	d, _ := SoundDuration("ss-noservice")
	s.afterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.hangupLocked(c, hangupSpec{reqCause: 34, cause: 34, tech: 503})
	})
}

func (s *Server) appName() string {
	if s.opts.App != "" {
		return s.opts.App
	}
	return "switchboard"
}

// incomingLocked makes the device's view of an incoming call on c.
func (d *Device) incomingLocked(c *channel) *Call {
	call := &Call{d: d, ch: c, id: c.id, incoming: true, state: CallRinging, started: d.s.now(),
		callerID: c.connected, autoAnswerHdr: c.answerHdr}
	if call.callerID.Number == "" && call.callerID.Name == "" {
		call.callerID = c.caller
	}
	d.calls = append(d.calls, call)
	return call
}

// policyLocked applies the device's behaviour to a new incoming call.
func (d *Device) policyLocked(call *Call) {
	if call.autoAnswerHdr && d.honourAutoAnswer {
		call.autoAnswered = true
		call.answerLocked()
		return
	}
	switch d.policy.Action {
	case AnswerCall:
		call.afterLocked(d.policy.After, func() { call.answerLocked() })
	case Busy:
		call.afterLocked(d.policy.After, func() { call.rejectLocked(17, 486) })
	case Decline:
		call.afterLocked(d.policy.After, func() { call.rejectLocked(21, 603) })
	}
}

// channelGoneLocked tells the device that the call on c ended.
func (d *Device) channelGoneLocked(c *channel, cause int) {
	if c.call != nil && c.call.state != CallEnded {
		c.call.state = CallEnded
		c.call.endCause = cause
		c.call.ended = d.s.now()
		c.call.ch = nil
	}
	d.s.notifyLocked()
}

// WaitFor waits until cond (evaluated under the simulator's lock) holds or
// ctx ends. Every state change of the simulator re-evaluates it.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changedChLocked()
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("sim: wait: %w", ctx.Err())
		}
	}
}

func (s *Server) changedChLocked() chan struct{} {
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// notifyLocked wakes every WaitFor.
func (s *Server) notifyLocked() {
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

// endpointOrigin maps an endpoint to the origin argument of Stasis.
func endpointOrigin(name, context string) string {
	switch {
	case strings.Contains(context, "trunk") || strings.Contains(name, "trunk"):
		return "trunk"
	case strings.Contains(context, "browser") || strings.Contains(context, "web") || strings.HasSuffix(name, "-web"):
		return "browser"
	}
	return "phone"
}

// ActiveCall returns the device's answered call (the most recent one), or nil.
func (d *Device) ActiveCall() *Call {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	for i := len(d.calls) - 1; i >= 0; i-- {
		if d.calls[i].state == CallUp {
			return d.calls[i]
		}
	}
	return nil
}
