package sim

import (
	"fmt"
	"sort"
	"strings"
)

// endpoint is a provisioned PJSIP endpoint.
type endpoint struct {
	name         string
	context      string
	password     string
	callerName   string
	callerNumber string
	callerSet    bool   // callerid configured: outbound channels carry it as their caller
	lastState    string // last reported online/offline
	lastDevState string
	chans        map[*channel]struct{} // live channels on the endpoint
}

// attach records c as a channel of e.
func (e *endpoint) attach(c *channel) {
	c.ep = e
	if e.chans == nil {
		e.chans = map[*channel]struct{}{}
	}
	e.chans[c] = struct{}{}
}

func (e *endpoint) origin() string { return endpointOrigin(e.name, e.context) }

type mailbox struct{ old, new int }

func defaultContext(name string) string {
	switch endpointOrigin(name, "") {
	case "browser":
		return "browser"
	case "trunk":
		return "trunk"
	}
	return "phones"
}

// endpointForRegisterLocked returns the endpoint a device registers to, or
// nil when it is not provisioned (and AutoProvision is off).
func (s *Server) endpointForRegisterLocked(name string) *endpoint {
	if ep := s.endpoints[name]; ep != nil {
		return ep
	}
	if !s.opts.AutoProvision {
		return nil
	}
	ep := &endpoint{name: name, context: defaultContext(name), callerNumber: strings.TrimSuffix(name, "-web")}
	s.endpoints[name] = ep
	return ep
}

// syncEndpointLocked rebuilds endpoint id from the dynamic configuration
// objects (res_pjsip endpoint + auth).
func (s *Server) syncEndpointLocked(id string) {
	fields, ok := s.config["res_pjsip/endpoint"][id]
	if !ok {
		if ep := s.endpoints[id]; ep != nil {
			delete(s.endpoints, id)
			if p := s.phones[id]; p != nil {
				for _, d := range p.devices {
					d.registered = false
				}
			}
		}
		return
	}
	ep := s.endpoints[id]
	if ep == nil {
		ep = &endpoint{name: id}
		s.endpoints[id] = ep
	}
	ep.context = defaultContext(id)
	ep.callerNumber = strings.TrimSuffix(id, "-web")
	ep.callerName, ep.callerSet = "", false
	auth := ""
	for _, f := range fields {
		switch f.Attribute {
		case "context":
			ep.context = f.Value
		case "callerid":
			ep.callerName, ep.callerNumber = parseCallerID(f.Value)
			ep.callerSet = true
		case "auth", "outbound_auth":
			if f.Attribute == "auth" {
				auth = f.Value
			}
		}
	}
	if auth == "" {
		auth = id
	}
	ep.password = ""
	for _, f := range s.config["res_pjsip/auth"][auth] {
		if f.Attribute == "password" {
			ep.password = f.Value
		}
	}
}

func (e *endpoint) json(s *Server) endpointJSON {
	out := endpointJSON{Technology: "PJSIP", Resource: e.name, State: "offline", ChannelIDs: []string{}}
	if s.contactCountLocked(e.name) > 0 {
		out.State = "online"
	}
	for c := range e.chans {
		out.ChannelIDs = append(out.ChannelIDs, c.id)
	}
	sort.Strings(out.ChannelIDs)
	return out
}

func (s *Server) contactCountLocked(name string) int {
	n := 0
	if p := s.phones[name]; p != nil {
		for _, d := range p.devices {
			if d.registered {
				n++
			}
		}
	}
	return n
}

// dialContactsLocked renders PJSIP_DIAL_CONTACTS(<endpoint>).
func (s *Server) dialContactsLocked(name string) string {
	var out []string
	if p := s.phones[name]; p != nil && s.endpoints[name] != nil {
		for _, d := range p.devices {
			if d.registered {
				out = append(out, "PJSIP/"+name+"/"+d.contact)
			}
		}
	}
	// Asterisk lists the most recently registered contact first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return strings.Join(out, "&")
}

// endpointContactsChangedLocked reports a registration change: AMI
// ContactStatus, ARI ContactStatusChange/EndpointStateChange, device state.
func (s *Server) endpointContactsChangedLocked(ep *endpoint, d *Device, status string) {
	s.ami.contactStatusLocked(ep.name, d.contact, status)
	epj := ep.json(s)
	s.emitLocked(ev{typ: "ContactStatusChange", source: "endpoint:PJSIP/" + ep.name, fields: map[string]any{
		"endpoint": epj,
		"contact_info": map[string]any{"uri": d.contact, "contact_status": map[string]string{
			"Created": "Reachable", "Removed": "Unreachable"}[status], "aor": ep.name, "roundtrip_usec": "0"},
	}})
	if epj.State != ep.lastState {
		ep.lastState = epj.State
		s.emitLocked(ev{typ: "EndpointStateChange", source: "endpoint:PJSIP/" + ep.name,
			fields: map[string]any{"endpoint": epj}})
	}
	s.deviceStateChangedLocked(ep)
	s.notifyLocked()
}

// pjsipDeviceStateLocked derives PJSIP/<n>'s device state from contacts and
// channels, as Asterisk's device state engine does.
func (s *Server) pjsipDeviceStateLocked(ep *endpoint) string {
	if s.contactCountLocked(ep.name) == 0 {
		return "UNAVAILABLE"
	}
	ringing, inuse := false, false
	for c := range ep.chans {
		if c.hungUp {
			continue
		}
		switch c.state {
		case StateRinging:
			ringing = true
		default:
			inuse = true
		}
	}
	switch {
	case ringing && inuse:
		return "RINGINUSE"
	case ringing:
		return "RINGING"
	case inuse:
		return "INUSE"
	}
	return "NOT_INUSE"
}

func (s *Server) deviceStateChangedLocked(ep *endpoint) {
	if ep == nil {
		return
	}
	st := s.pjsipDeviceStateLocked(ep)
	if st == ep.lastDevState {
		return
	}
	ep.lastDevState = st
	name := "PJSIP/" + ep.name
	s.emitLocked(ev{typ: "DeviceStateChanged", source: "deviceState:" + name,
		fields: map[string]any{"device_state": deviceStateJSON{Name: name, State: st}}})
	s.notifyLocked()
}

// deviceStateLocked reports any device's state (Stasis:… custom or PJSIP/…).
func (s *Server) deviceStateLocked(name string) (string, bool) {
	if strings.HasPrefix(name, "PJSIP/") {
		if ep := s.endpoints[strings.TrimPrefix(name, "PJSIP/")]; ep != nil {
			return s.pjsipDeviceStateLocked(ep), true
		}
		return "INVALID", false
	}
	st, ok := s.devStates[name]
	return st, ok
}

var validDeviceStates = map[string]bool{"UNKNOWN": true, "NOT_INUSE": true, "INUSE": true, "BUSY": true,
	"INVALID": true, "UNAVAILABLE": true, "RINGING": true, "RINGINUSE": true, "ONHOLD": true}

func (s *Server) setDeviceStateLocked(name, state string) error {
	if !strings.HasPrefix(name, "Stasis:") {
		return fmt.Errorf("device %q is not a Stasis device: %w", name, ErrConflict)
	}
	if !validDeviceStates[state] {
		return fmt.Errorf("device state %q: %w", state, ErrBadRequest)
	}
	old, had := s.devStates[name]
	s.devStates[name] = state
	if !had || old != state {
		s.emitLocked(ev{typ: "DeviceStateChanged", source: "deviceState:" + name,
			fields: map[string]any{"device_state": deviceStateJSON{Name: name, State: state}}})
	}
	return nil
}

// DeviceState reports a device's state as GET /deviceStates/{name} would.
func (s *Server) DeviceState(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.deviceStateLocked(name)
	return st
}

// Mailbox reports a mailbox's message counts (the MWI the phones see).
func (s *Server) Mailbox(name string) (oldMessages, newMessages int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.mailboxes[name]
	return m.old, m.new, ok
}

func (s *Server) sortedEndpointsLocked() []*endpoint {
	out := make([]*endpoint, 0, len(s.endpoints))
	for _, e := range s.endpoints {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
