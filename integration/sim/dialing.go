package sim

import (
	"fmt"
	"strings"
	"time"
)

// allocateLocked resolves a dial string ("PJSIP/202", "PJSIP/202/sip:…",
// "PJSIP/0301234@trunk") to
// its endpoint and device, as chan_pjsip does when it creates a channel: an
// endpoint without a registered (reachable) contact cannot be called.
func (s *Server) allocateLocked(spec string) (*endpoint, *Device, string, error) {
	tech, rest, ok := strings.Cut(spec, "/")
	if !ok || !strings.EqualFold(tech, "PJSIP") {
		return nil, nil, "", fmt.Errorf("endpoint %q: %w", spec, ErrAllocationFailed)
	}
	res, contact, _ := strings.Cut(rest, "/")
	if num, trunk, ok := strings.Cut(res, "@"); ok && num != "" {
		// PJSIP/<number>@<endpoint>: a number sent through a trunk endpoint.
		res = trunk
	}
	ep := s.endpoints[res]
	if ep == nil {
		return nil, nil, "", fmt.Errorf("endpoint %q not provisioned: %w", spec, ErrAllocationFailed)
	}
	var dev *Device
	if p := s.phones[res]; p != nil {
		for _, d := range p.devices {
			if !d.registered {
				continue
			}
			if contact == "" || d.contact == contact {
				dev = d
				break
			}
		}
	}
	if dev == nil {
		return nil, nil, "", fmt.Errorf("endpoint %q has no reachable contact: %w", spec, ErrAllocationFailed)
	}
	return ep, dev, rest, nil
}

// newPJSIPChannelLocked makes the outgoing PJSIP channel towards ep.
func (s *Server) newPJSIPChannelLocked(id string, kind chanKind, ep *endpoint, dev *Device, dialString string) *channel {
	c := s.newChannelLocked(id, "PJSIP/"+ep.name+"-"+s.newNameSuffixLocked(), kind)
	c.protocolID = randomProtocolID()
	c.context = ep.context
	ep.attach(c)
	c.dev = dev
	c.dialString = dialString
	if ep.callerSet {
		// an outgoing PJSIP session's identity is the endpoint's callerid
		// (ast_sip_session_create_outgoing copies endpoint->id.self)
		c.caller = callerIDJSON{Name: ep.callerName, Number: ep.callerNumber}
	}
	s.channelCreatedLocked(c)
	return c
}

// createLocked implements POST /channels/create: the channel enters Stasis at
// once, and rings only when dialled.
func (s *Server) createLocked(p params) (channelJSON, error) {
	if p.get("endpoint") == "" || p.get("app") == "" {
		return channelJSON{}, fmt.Errorf("endpoint and app are required: %w", ErrBadRequest)
	}
	id := p.get("channelId")
	if id != "" && s.channels[id] != nil {
		return channelJSON{}, fmt.Errorf("channel %q exists: %w", id, ErrConflict)
	}
	if strings.HasPrefix(p.get("endpoint"), "Local/") {
		l1, l2, err := s.newLocalPairLocked(id, p.get("endpoint"), p.get("app"))
		if err != nil {
			return channelJSON{}, err
		}
		// Asterisk 22.10.1 subscribes the app to the ;2 half only when it
		// originates a Local channel, not when it creates one
		// (res/ari/resource_channels.c): the app does not list it.
		l2.unsubscribe(p.get("app"))
		snap := l1.json()
		s.enterStasisLocked(l1, p.get("app"), splitArgs(p.get("appArgs")), nil)
		return snap, nil
	}
	ep, dev, ds, err := s.allocateLocked(p.get("endpoint"))
	if err != nil {
		return channelJSON{}, err
	}
	c := s.newPJSIPChannelLocked(id, kindCreated, ep, dev, ds)
	c.originApp = p.get("app")
	c.subscribe(c.originApp)
	s.applyVariablesLocked(c, p.vars)
	snap := c.json()
	s.enterStasisLocked(c, p.get("app"), splitArgs(p.get("appArgs")), nil)
	return snap, nil
}

// dialLocked implements POST /channels/{id}/dial.
func (s *Server) dialLocked(c *channel, callerID string, timeout time.Duration) error {
	if !c.inStasis {
		return fmt.Errorf("channel %q not in Stasis: %w", c.id, ErrConflict)
	}
	if c.dialed || c.kind != kindCreated && c.kind != kindLocal {
		return fmt.Errorf("channel %q already dialled: %w", c.id, ErrConflict)
	}
	c.dialed = true
	if callerID != "" {
		if caller, err := s.getChannelLocked(callerID); err == nil {
			c.connected = caller.caller
			if caller.language != "" {
				c.language = caller.language
			}
			s.chanEvent(c, "ChannelConnectedLine", nil)
		}
	}
	if c.kind == kindLocal {
		s.runLocalLocked(c)
		return nil
	}
	s.emitLocked(ev{typ: "Dial", ch: c, fields: map[string]any{
		"dialstatus": "", "forward": "", "dialstring": c.dialString, "peer": c.json()}})
	if timeout > 0 {
		id := c.id
		c.dialTimer = s.afterFunc(timeout, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if ch, ok := s.channels[id]; ok && ch == c && c.state != StateUp && !c.hungUp {
				s.hangupLocked(c, hangupSpec{reqCause: 32, reqSoft: true, cause: 19, tech: 480})
			}
		})
	}
	s.offerLocked(c)
	return nil
}

// offerLocked rings c's device: the outgoing INVITE is answered 180.
func (s *Server) offerLocked(c *channel) {
	call := c.dev.incomingLocked(c)
	c.call = call
	if c.kind == kindOriginated {
		s.emitLocked(ev{typ: "Dial", ch: c, fields: map[string]any{
			"dialstatus": "", "forward": "", "dialstring": c.dialString, "peer": c.json()}})
	}
	s.setStateLocked(c, StateRinging)
	if c.kind == kindCreated || c.kind == kindOriginated {
		s.emitLocked(ev{typ: "Dial", ch: c, fields: map[string]any{
			"dialstatus": "RINGING", "forward": "", "dialstring": "", "peer": c.json()}})
	}
	s.deviceStateChangedLocked(c.ep)
	c.dev.policyLocked(call)
	s.notifyLocked()
}

// remoteAnswerLocked is the far end (a phone) answering outbound leg c.
func (s *Server) remoteAnswerLocked(c *channel) {
	if c.hungUp || c.state == StateUp {
		return
	}
	if c.dialTimer != nil {
		c.dialTimer.Stop()
	}
	if c.origTimer != nil {
		c.origTimer.Stop()
	}
	s.answerLocked(c)
	if c.kind == kindCreated || c.kind == kindOriginated {
		s.emitLocked(ev{typ: "Dial", ch: c, fields: map[string]any{
			"dialstatus": "ANSWER", "forward": "", "dialstring": "", "peer": c.json()}})
	}
	switch c.kind {
	case kindOriginated:
		if c.originApp != "" {
			s.enterStasisLocked(c, c.originApp, c.pendingArgs(), nil)
		} else {
			s.runDialplanLocked(c)
		}
	}
	s.mediaChangedLocked()
}

// originateLocked implements POST /channels (and POST /channels/{id}): the
// channel rings and enters Stasis only once answered.
func (s *Server) originateLocked(p params) (channelJSON, error) {
	if p.get("endpoint") == "" {
		return channelJSON{}, fmt.Errorf("endpoint is required: %w", ErrBadRequest)
	}
	if p.get("app") == "" && p.get("extension") == "" {
		return channelJSON{}, fmt.Errorf("app or extension is required: %w", ErrBadRequest)
	}
	id := p.get("channelId")
	if id != "" && s.channels[id] != nil {
		return channelJSON{}, fmt.Errorf("channel %q exists: %w", id, ErrConflict)
	}
	if strings.HasPrefix(p.get("endpoint"), "Local/") {
		l1, _, err := s.newLocalPairLocked(id, p.get("endpoint"), p.get("app"))
		if err != nil {
			return channelJSON{}, err
		}
		l1.vars["__ARGS"] = p.get("appArgs")
		snap := l1.json()
		s.runLocalLocked(l1)
		return snap, nil
	}
	ep, dev, ds, err := s.allocateLocked(p.get("endpoint"))
	if err != nil {
		return channelJSON{}, err
	}
	c := s.newPJSIPChannelLocked(id, kindOriginated, ep, dev, ds)
	c.dialed = true
	c.originApp = p.get("app")
	c.subscribe(c.originApp)
	c.vars["__ARGS"] = p.get("appArgs")
	if p.get("app") == "" {
		c.context, c.exten = orDefault(p.get("context"), "default"), p.get("extension")
	}
	if cid := p.get("callerId"); cid != "" {
		name, num := parseCallerID(cid)
		c.caller = callerIDJSON{Name: name, Number: num}
		c.connected = c.caller
	}
	s.applyVariablesLocked(c, p.vars)
	timeout := 30 * time.Second
	if t := p.get("timeout"); t != "" {
		n := atoiDefault(t, 30)
		timeout = time.Duration(n) * time.Second
	}
	snap := c.json()
	if timeout > 0 {
		c.origTimer = s.afterFunc(timeout, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if !c.hungUp && c.state != StateUp {
				s.hangupLocked(c, hangupSpec{reqCause: 32, reqSoft: true, cause: 19, tech: 480})
			}
		})
	}
	s.offerLocked(c)
	return snap, nil
}

func (c *channel) pendingArgs() []string {
	return splitArgs(c.vars["__ARGS"])
}

// applyVariablesLocked applies originate/create "variables": auto-answer
// headers, CONNECTEDLINE(), CALLERID() and plain variables.
func (s *Server) applyVariablesLocked(c *channel, vars map[string]string) {
	for k, v := range vars {
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lk, "pjsip_header(add,"):
			hv := strings.ToLower(v)
			if strings.Contains(lk, "call-info") && strings.Contains(hv, "answer-after=0") ||
				strings.Contains(lk, "alert-info") && (strings.Contains(hv, "answer") || strings.Contains(hv, "intercom")) {
				c.answerHdr = true
			}
			c.vars[k] = v
		case lk == "connectedline(all)":
			c.connected.Name, c.connected.Number = parseCallerID(v)
		case strings.HasPrefix(lk, "connectedline(num"):
			c.connected.Number = v
		case strings.HasPrefix(lk, "connectedline(name"):
			c.connected.Name = v
		case strings.HasPrefix(lk, "callerid(num"):
			c.caller.Number = v
		case strings.HasPrefix(lk, "callerid(name"):
			c.caller.Name = v
		case lk == "callerid(all)":
			c.caller.Name, c.caller.Number = parseCallerID(v)
		default:
			c.vars[k] = v
		}
	}
}

// parseCallerID splits `"Name" <num>` or a bare number.
func parseCallerID(s string) (name, num string) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "<"); i >= 0 {
		name = strings.Trim(strings.TrimSpace(s[:i]), `"`)
		num = strings.TrimSuffix(s[i+1:], ">")
		return name, num
	}
	return "", s
}

func splitArgs(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
