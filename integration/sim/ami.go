package sim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
)

// The AMI side: a TCP server speaking the Asterisk Manager Interface with the
// actions the app uses (Login, Logoff, Ping, PJSIPShowEndpoints,
// PJSIPShowContacts, Reload) and the events it listens to (ContactStatus,
// security events such as InvalidPassword, fax events raised through
// Server.AMIEvent).

type amiHub struct {
	s     *Server
	mu    sync.Mutex
	conns map[*amiConn]bool
}

type amiConn struct {
	c      net.Conn
	mu     sync.Mutex
	queue  []string
	wake   chan struct{}
	closed chan struct{}
	once   sync.Once
	authed bool
}

func newAMIHub(s *Server) *amiHub { return &amiHub{s: s, conns: map[*amiConn]bool{}} }

func (c *amiConn) send(msg string) {
	c.mu.Lock()
	c.queue = append(c.queue, msg)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *amiConn) close() { c.once.Do(func() { close(c.closed) }) }

func (c *amiConn) writeLoop() {
	defer func() { _ = c.c.Close() }()
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, m := range batch {
			if _, err := c.c.Write([]byte(m)); err != nil {
				c.close()
				return
			}
		}
		select {
		case <-c.wake:
		case <-c.closed:
			c.mu.Lock()
			rest := c.queue
			c.mu.Unlock()
			for _, m := range rest {
				_, _ = c.c.Write([]byte(m))
			}
			return
		}
	}
}

// ServeAMI accepts AMI connections on ln until ctx ends or ln fails.
func (s *Server) ServeAMI(ctx context.Context, ln net.Listener) error {
	go func() {
		<-ctx.Done()
		_ = ln.Close()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("sim: ami accept: %w", err)
		}
		go s.ami.serve(nc)
	}
}

func amiMessage(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(kv[i])
		b.WriteString(": ")
		b.WriteString(kv[i+1])
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func (h *amiHub) serve(nc net.Conn) {
	c := &amiConn{c: nc, wake: make(chan struct{}, 1), closed: make(chan struct{})}
	go c.writeLoop()
	c.send("Asterisk Call Manager/9.0.0\r\n")
	defer func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
		c.close()
	}()
	r := bufio.NewReader(nc)
	for {
		pkt, err := readAMIPacket(r)
		if err != nil {
			return
		}
		if !h.handle(c, pkt) {
			return
		}
	}
}

func readAMIPacket(r *bufio.Reader) (map[string]string, error) {
	pkt := map[string]string{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("ami read: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if len(pkt) == 0 {
				continue
			}
			return pkt, nil
		}
		k, v, _ := strings.Cut(line, ":")
		pkt[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
}

// handle answers one action; false closes the connection.
func (h *amiHub) handle(c *amiConn, pkt map[string]string) bool {
	id := pkt["actionid"]
	reply := func(kv ...string) {
		if id != "" {
			kv = append([]string{kv[0], kv[1], "ActionID", id}, kv[2:]...)
		}
		c.send(amiMessage(kv...))
	}
	action := strings.ToLower(pkt["action"])
	if action != "login" && !c.authed {
		reply("Response", "Error", "Message", "Missing action in request")
		return true
	}
	s := h.s
	switch action {
	case "login":
		if pkt["username"] != s.opts.Username || pkt["secret"] != s.opts.Password {
			reply("Response", "Error", "Message", "Authentication failed")
			return false
		}
		// Asterisk sends a session events from its authentication on: it
		// receives them before it reads the login's answer.
		c.authed = true
		h.mu.Lock()
		h.conns[c] = true
		h.mu.Unlock()
		reply("Response", "Success", "Message", "Authentication accepted")
		c.send(amiMessage("Event", "FullyBooted", "Privilege", "system,all", "Uptime", "1", "LastReload", "1", "Status", "Fully Booted"))
	case "logoff":
		reply("Response", "Goodbye", "Message", "Thanks for all the fish.")
		return false
	case "ping":
		reply("Response", "Success", "Ping", "Pong", "Timestamp", fmt.Sprintf("%d.000000", s.now().Unix()))
	case "reload":
		reply("Response", "Success", "Message", "Module Reloaded")
	case "pjsipshowendpoints":
		h.showEndpoints(c, reply, id)
	case "pjsipshowcontacts":
		h.showContacts(c, reply, id)
	default:
		reply("Response", "Error", "Message", "Invalid/unknown command")
	}
	return true
}

var amiDeviceStates = map[string]string{"NOT_INUSE": "Not in use", "INUSE": "In use", "RINGING": "Ringing",
	"RINGINUSE": "Ring+Inuse", "UNAVAILABLE": "Unavailable", "BUSY": "Busy", "ONHOLD": "On Hold"}

func withID(id string, kv ...string) string {
	if id != "" {
		kv = append(kv, "ActionID", id)
	}
	return amiMessage(kv...)
}

func (h *amiHub) showEndpoints(c *amiConn, reply func(...string), id string) {
	s := h.s
	s.mu.Lock()
	eps := s.sortedEndpointsLocked()
	var msgs []string
	for _, ep := range eps {
		var contacts []string
		if p := s.phones[ep.name]; p != nil {
			for _, d := range p.devices {
				if d.registered {
					contacts = append(contacts, ep.name+"/"+d.contact)
				}
			}
		}
		var active []string
		for _, ch := range s.sortedChannelsLocked() {
			if ch.ep == ep {
				active = append(active, ch.name)
			}
		}
		msgs = append(msgs, withID(id, "Event", "EndpointList", "ObjectType", "endpoint", "ObjectName", ep.name,
			"Transport", "", "Aor", ep.name, "Auths", ep.name, "OutboundAuths", "",
			"Contacts", strings.Join(contacts, ","), "DeviceState", amiDeviceStates[s.pjsipDeviceStateLocked(ep)],
			"ActiveChannels", strings.Join(active, ",")))
	}
	s.mu.Unlock()
	if len(eps) == 0 {
		reply("Response", "Error", "Message", "No endpoints found")
		return
	}
	reply("Response", "Success", "EventList", "start", "Message", "A listing of Endpoints follows, presented as EndpointList events")
	for _, m := range msgs {
		c.send(m)
	}
	c.send(withID(id, "Event", "EndpointListComplete", "EventList", "Complete", "ListItems", fmt.Sprint(len(msgs))))
}

func (h *amiHub) showContacts(c *amiConn, reply func(...string), id string) {
	s := h.s
	s.mu.Lock()
	var msgs []string
	names := make([]string, 0, len(s.phones))
	for n := range s.phones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if s.endpoints[n] == nil {
			continue
		}
		for _, d := range s.phones[n].devices {
			if d.registered {
				msgs = append(msgs, withID(id, "Event", "ContactList", "ObjectType", "contact",
					"ObjectName", n+";@"+d.name, "Uri", d.contact, "Aor", n, "Endpoint", n,
					"Status", "Reachable", "RoundtripUsec", "0"))
			}
		}
	}
	s.mu.Unlock()
	reply("Response", "Success", "EventList", "start", "Message", "A listing of Contacts follows, presented as ContactList events")
	for _, m := range msgs {
		c.send(m)
	}
	c.send(withID(id, "Event", "ContactListComplete", "EventList", "Complete", "ListItems", fmt.Sprint(len(msgs))))
}

// broadcast sends an event to every logged-in AMI connection.
func (h *amiHub) broadcast(kv ...string) {
	msg := amiMessage(kv...)
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.send(msg)
	}
}

func (h *amiHub) contactStatusLocked(aor, uri, status string) {
	h.broadcast("Event", "ContactStatus", "Privilege", "system,all", "URI", uri, "ContactStatus", status,
		"AOR", aor, "EndpointName", aor, "RoundtripUsec", "0")
}

func (h *amiHub) securityEventLocked(event, account string) {
	h.broadcast("Event", event, "Privilege", "security,all", "Severity", "Error", "Service", "PJSIP",
		"EventVersion", "1", "AccountID", account, "SessionID", randomProtocolID(),
		"LocalAddress", "IPV4/UDP/127.0.0.1/5060", "RemoteAddress", "IPV4/UDP/127.0.0.1/5062")
}

// AMIEvent raises an AMI event (e.g. a dialplan hook's ReceiveFAX/SendFAX or
// FaxStatus) to every logged-in AMI client; fields are name/value pairs.
func (s *Server) AMIEvent(name string, fields ...string) {
	s.ami.broadcast(append([]string{"Event", name}, fields...)...)
}
