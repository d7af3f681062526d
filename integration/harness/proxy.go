package harness

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
)

// proxy relays the app's TCP connections to the engine's HTTP server and
// can cut the event WebSockets among them (GET …/events), which is how the
// harness makes the app's WebSocket drop in both modes.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	held  bool              // refuse new event WebSockets
	conns map[net.Conn]bool // client side -> is an event WebSocket
	peer  map[net.Conn]net.Conn
	wg    sync.WaitGroup
}

// startProxy listens on a loopback port and relays to the host of rawURL.
func startProxy(rawURL string) (*proxy, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("harness: proxy target %q: %w", rawURL, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("harness: proxy: %w", err)
	}
	p := &proxy{ln: ln, target: u.Host, conns: map[net.Conn]bool{}, peer: map[net.Conn]net.Conn{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// url rewrites rawURL to go through the proxy.
func (p *proxy) url(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Host = p.ln.Addr().String()
	return u.String()
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.relay(c)
	}
}

func (p *proxy) relay(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	// Known before the first byte: close() must be able to end a
	// connection the client opened but never used.
	p.mu.Lock()
	p.conns[client] = false
	p.peer[client] = server
	p.mu.Unlock()
	br := bufio.NewReader(client)
	isEvents := false
	if _, err := br.Peek(1); err == nil {
		if head, err := peekLine(br); err == nil {
			f := strings.Fields(head)
			isEvents = len(f) >= 2 && f[0] == "GET" && strings.Contains(f[1], "/events")
		}
	}
	p.mu.Lock()
	if isEvents && p.held {
		delete(p.conns, client)
		delete(p.peer, client)
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[client] = isEvents
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, br); closeWrite(server); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); closeWrite(client); done <- struct{}{} }()
	<-done
	<-done
	client.Close()
	server.Close()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.peer, client)
	p.mu.Unlock()
}

// peekLine returns the first line buffered in br without consuming it.
func peekLine(br *bufio.Reader) (string, error) {
	for n := 16; n <= 4096; n *= 2 {
		b, err := br.Peek(n)
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			return string(b[:i]), nil
		}
		if err != nil {
			return string(b), err
		}
	}
	return "", io.ErrShortBuffer
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	c.Close()
}

// dropWebSockets closes every event WebSocket connection and reports how
// many there were.
func (p *proxy) dropWebSockets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c, ws := range p.conns {
		if ws {
			c.Close()
			p.peer[c].Close()
			n++
		}
	}
	return n
}

// hold makes the proxy refuse (on) or accept again (off) event WebSockets.
func (p *proxy) hold(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = on
}

// webSockets reports how many event WebSockets are open.
func (p *proxy) webSockets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, ws := range p.conns {
		if ws {
			n++
		}
	}
	return n
}

func (p *proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
		p.peer[c].Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
