package bench

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tap sits in front of the simulator's HTTP handler. It tells when the app
// bridged two legs (a successful POST /bridges/{id}/addChannel naming both)
// and when the app's first request about given resources arrived, which is
// how the benchmarks see the app react without touching the app.
type tap struct {
	next http.Handler

	mu      sync.Mutex
	bridged map[string]*bridgedWait // by channel id
	watches []*watch                // on arrival
	served  []*watch                // once served
}

type bridgedWait struct {
	done   chan struct{}
	peer   string
	bridge string
	at     time.Time     // when the addChannel was served
	gone   chan struct{} // closed when the app's DELETE of the channel was served
	hungUp bool
}

// watch waits for the first request whose path contains one of ids: its
// arrival, or (served) the end of its handling.
type watch struct {
	ids    []string
	served bool
	at     chan time.Time
}

func newTap(next http.Handler) *tap {
	return &tap{next: next, bridged: map[string]*bridgedWait{}}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// ServeHTTP notes the request's arrival, serves it and notes bridges made.
func (t *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/events") { // the WebSocket needs the raw writer
		t.next.ServeHTTP(w, r)
		return
	}
	t.mu.Lock()
	t.watches = fire(t.watches, r.URL.Path, time.Now())
	t.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	t.next.ServeHTTP(sw, r)
	t.mu.Lock()
	t.served = fire(t.served, r.URL.Path, time.Now())
	t.mu.Unlock()
	if r.Method == http.MethodDelete && sw.status < 300 {
		if id, ok := strings.CutPrefix(r.URL.Path, "/ari/channels/"); ok && !strings.Contains(id, "/") {
			t.markGone(id)
		}
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/addChannel") && sw.status < 300 {
		var ids []string
		for _, v := range r.URL.Query()["channel"] {
			ids = append(ids, strings.Split(v, ",")...)
		}
		if len(ids) == 2 {
			br := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/ari/bridges/"), "/addChannel")
			now := time.Now()
			t.markBridged(ids[0], ids[1], br, now)
			t.markBridged(ids[1], ids[0], br, now)
		}
	}
}

// fire sends at to the watches naming a resource in path and returns the
// others.
func fire(ws []*watch, path string, at time.Time) []*watch {
	kept := ws[:0]
	for _, w := range ws {
		hit := false
		for _, id := range w.ids {
			if id != "" && strings.Contains(path, id) {
				hit = true
				break
			}
		}
		if hit {
			w.at <- at
		} else {
			kept = append(kept, w)
		}
	}
	return kept
}

// watchFor returns a channel that receives the arrival time of the first
// request (from now on) whose path names one of ids.
func (t *tap) watchFor(ids ...string) <-chan time.Time {
	w := &watch{ids: ids, at: make(chan time.Time, 1)}
	t.mu.Lock()
	t.watches = append(t.watches, w)
	t.mu.Unlock()
	return w.at
}

// servedFor returns a channel that receives the time the first request
// (from now on) whose path names one of ids was served.
func (t *tap) servedFor(ids ...string) <-chan time.Time {
	w := &watch{ids: ids, served: true, at: make(chan time.Time, 1)}
	t.mu.Lock()
	t.served = append(t.served, w)
	t.mu.Unlock()
	return w.at
}

func (t *tap) waitLocked(id string) *bridgedWait {
	b := t.bridged[id]
	if b == nil {
		b = &bridgedWait{done: make(chan struct{}), gone: make(chan struct{})}
		t.bridged[id] = b
	}
	return b
}

// markGone notes that the app hung up a channel someone waits on.
func (t *tap) markGone(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b := t.bridged[id]; b != nil && b.peer == "" && !b.hungUp {
		b.hungUp = true
		close(b.gone)
	}
}

func (t *tap) markBridged(id, peer, bridge string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.waitLocked(id)
	if b.peer != "" {
		return
	}
	b.peer, b.bridge, b.at = peer, bridge, at
	close(b.done)
}

// waitBridged waits until channel id is bridged with one other channel and
// returns that channel's id and the bridge; it forgets both afterwards.
func (t *tap) waitBridged(ctx context.Context, id string) (peer, bridge string, err error) {
	peer, bridge, _, err = t.waitBridgedAt(ctx, id)
	return peer, bridge, err
}

// waitBridgedAt is waitBridged that also returns when the app's addChannel
// of both legs was served; it fails with errHungUp when the app hung the
// channel up first.
func (t *tap) waitBridgedAt(ctx context.Context, id string) (peer, bridge string, at time.Time, err error) {
	t.mu.Lock()
	b := t.waitLocked(id)
	t.mu.Unlock()
	select {
	case <-b.done:
	case <-b.gone:
		t.mu.Lock()
		delete(t.bridged, id)
		t.mu.Unlock()
		return "", "", time.Time{}, errHungUp
	case <-ctx.Done():
		return "", "", time.Time{}, errNotBridged
	}
	t.mu.Lock()
	delete(t.bridged, id)
	delete(t.bridged, b.peer)
	t.mu.Unlock()
	return b.peer, b.bridge, b.at, nil
}
