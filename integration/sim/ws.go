package sim

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is one application WebSocket. Events are queued without bound by
// the emitter (which holds the server lock and must never block) and written
// by one goroutine per socket.
type wsConn struct {
	ws     *websocket.Conn
	sent   atomic.Int64 // events queued so far (tests wait for their delivery)
	mu     sync.Mutex
	queue  [][]byte
	wake   chan struct{}
	closed chan struct{}
	once   sync.Once
}

func newWSConn(ws *websocket.Conn) *wsConn {
	return &wsConn{ws: ws, wake: make(chan struct{}, 1), closed: make(chan struct{})}
}

func (c *wsConn) send(b []byte) {
	c.sent.Add(1)
	c.mu.Lock()
	c.queue = append(c.queue, b)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *wsConn) close() {
	c.once.Do(func() { close(c.closed) })
}

// writeLoop writes queued events until the socket closes; after close it
// flushes what is queued (ApplicationReplaced comes last) and closes.
func (c *wsConn) writeLoop() {
	defer func() { _ = c.ws.Close() }()
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, b := range batch {
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.close()
				return
			}
		}
		select {
		case <-c.wake:
		case <-c.closed:
			c.mu.Lock()
			rest := c.queue
			c.queue = nil
			c.mu.Unlock()
			for _, b := range rest {
				_ = c.ws.WriteMessage(websocket.TextMessage, b)
			}
			_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			return
		}
	}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// handleEvents serves GET /ari/events?app=a[,b]&subscribeAll=true.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	appParam := r.URL.Query().Get("app")
	if appParam == "" {
		writeJSON(w, http.StatusBadRequest, errorJSON{Message: "Missing parameter app"})
		return
	}
	// The app is registered under the lock taken before the handshake
	// answer goes out, so a request the client sends as soon as it is
	// connected (the event filter, GET /applications) already finds it, as
	// on Asterisk.
	s.mu.Lock()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.mu.Unlock()
		return
	}
	conn := newWSConn(ws)
	names := splitList(appParam)
	subAll := r.URL.Query().Get("subscribeAll") == "true"
	for _, name := range names {
		a := s.apps[name]
		if a == nil {
			a = &application{name: name, sources: map[string]bool{}}
			s.apps[name] = a
		}
		if old := a.conn; old != nil {
			s.emitLocked(ev{typ: "ApplicationReplaced", only: name, fields: map[string]any{}})
			old.close()
		}
		a.conn = conn
		a.subscribeAll = subAll
		s.log.Info("app connected", "app", name)
	}
	s.mu.Unlock()
	go conn.writeLoop()
	// Read until the client goes away; ARI clients send nothing we act on.
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			break
		}
	}
	conn.close()
	s.mu.Lock()
	for _, name := range names {
		if a := s.apps[name]; a != nil && a.conn == conn {
			a.conn = nil
			s.log.Info("app disconnected", "app", name)
		}
	}
	s.mu.Unlock()
}
