package ami

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// fakeAMI is an in-process AMI server: it greets, checks the login, answers
// Ping, Reload, PJSIPShowEndpoints and PJSIPShowContacts, and lets the test
// push events and drop connections.
type fakeAMI struct {
	ln       net.Listener
	user     string
	secret   string
	mu       sync.Mutex
	conns    []net.Conn
	logins   int
	actions  []map[string]string
	loggedIn chan net.Conn
}

func newFakeAMI(t *testing.T, user, secret string) *fakeAMI {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeAMI{ln: ln, user: user, secret: secret, loggedIn: make(chan net.Conn, 16)}
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns = append(f.conns, c)
			f.mu.Unlock()
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeAMI) addr() string { return f.ln.Addr().String() }

func readMsg(r *bufio.Reader) (map[string]string, error) {
	m := map[string]string{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if len(m) == 0 {
				continue
			}
			return m, nil
		}
		k, v, _ := strings.Cut(line, ":")
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
}

func write(c net.Conn, lines ...string) {
	_, _ = c.Write([]byte(strings.Join(lines, "\r\n") + "\r\n\r\n"))
}

func (f *fakeAMI) serve(c net.Conn) {
	defer c.Close()
	_, _ = c.Write([]byte("Asterisk Call Manager/9.0.0\r\n"))
	r := bufio.NewReader(c)
	for {
		m, err := readMsg(r)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.actions = append(f.actions, m)
		f.mu.Unlock()
		id := "ActionID: " + m["ActionID"]
		switch m["Action"] {
		case "Login":
			if m["Username"] != f.user || m["Secret"] != f.secret {
				write(c, "Response: Error", "Message: Authentication failed")
				return
			}
			f.mu.Lock()
			f.logins++
			f.mu.Unlock()
			write(c, "Response: Success", "Message: Authentication accepted")
			f.loggedIn <- c
		case "Ping":
			write(c, "Response: Success", id, "Ping: Pong", "Timestamp: 1795640731.000000")
		case "Reload":
			if m["Module"] == "nope.so" {
				write(c, "Response: Error", id, "Message: No such module")
				continue
			}
			write(c, "Response: Success", id, "Message: Module Reloaded.")
		case "PJSIPShowEndpoints":
			write(c, "Response: Success", id, "EventList: start", "Message: A listing of Endpoints follows, presented as EndpointList events")
			for _, n := range []string{"201", "201-web"} {
				write(c, "Event: EndpointList", id, "ObjectType: endpoint", "ObjectName: "+n, "Transport: ", "Aor: "+n, "Auths: "+n, "DeviceState: Not in use", "ActiveChannels: ")
			}
			write(c, "Event: EndpointListComplete", id, "EventList: Complete", "ListItems: 2")
		case "PJSIPShowContacts":
			write(c, "Response: Success", id, "EventList: start", "Message: A listing of Contacts follows, presented as ContactList events")
			write(c, "Event: ContactList", id, "ObjectType: contact", "ObjectName: 202;@abc", "ViaAddr: 10.0.0.9", "Uri: sip:202@10.0.0.9:5060", "Aor: 202", "Endpoint: 202", "Status: Reachable", "RoundtripUsec: 1532")
			write(c, "Event: ContactListComplete", id, "EventList: Complete", "ListItems: 1")
		default:
			write(c, "Response: Error", id, "Message: Invalid/unknown command")
		}
	}
}

// push sends an event on the newest logged-in connection.
func (f *fakeAMI) push(c net.Conn, name string, fields ...string) {
	write(c, append([]string{"Event: " + name, "Privilege: security,all"}, fields...)...)
}
