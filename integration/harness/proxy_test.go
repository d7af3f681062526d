package harness

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestProxyCutsOnlyTheEventWebSocket(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/events") {
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		}
		io.WriteString(w, "pong")
	}))
	defer srv.Close()
	p, err := startProxy(srv.URL + "/ari")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	base := p.url(srv.URL + "/ari")
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/events?app=x", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	get := func() string {
		resp, err := http.Get(base + "/asterisk/ping")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := get(); got != "pong" {
		t.Fatalf("REST through the proxy: %q", got)
	}
	if n := p.webSockets(); n != 1 {
		t.Fatalf("proxy sees %d event WebSockets, want 1", n)
	}
	if n := p.dropWebSockets(); n != 1 {
		t.Fatalf("dropped %d WebSockets, want 1", n)
	}
	ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, _, err := ws.ReadMessage(); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("the WebSocket survived the drop: %v", err)
	}
	if got := get(); got != "pong" {
		t.Fatalf("REST after the drop: %q", got)
	}
}
