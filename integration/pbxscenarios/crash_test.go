package pbxscenarios

import (
	"context"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/store"
)

// killSwitch relays TCP connections to one address until kill, which closes
// the listener and every relayed connection at once: to the PBX behind it,
// Asterisk vanishes as it would when the PBX's process dies.
type killSwitch struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	dead   bool
	conns  []net.Conn
}

func newKillSwitch(t *testing.T, rawURL string) (*killSwitch, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k := &killSwitch{ln: ln, target: u.Host}
	go k.accept()
	t.Cleanup(k.kill)
	u.Host = ln.Addr().String()
	return k, u.String()
}

func (k *killSwitch) accept() {
	for {
		c, err := k.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", k.target)
		if err != nil {
			c.Close()
			continue
		}
		k.mu.Lock()
		if k.dead {
			k.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		k.conns = append(k.conns, c, up)
		k.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

func (k *killSwitch) kill() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return
	}
	k.dead = true
	k.ln.Close()
	for _, c := range k.conns {
		c.Close()
	}
}

// startPBX runs a PBX on st against the ARI at ariURL until the returned
// stop is called (or the test ends) and waits until it is ready.
func startPBX(t *testing.T, h *harness.H, st *store.Store, ariURL string) (p *pbx.PBX, stop func()) {
	t.Helper()
	env := h.Env()
	ctx, cancel := context.WithCancel(context.Background())
	client := ari.New(ari.Options{BaseURL: ariURL, Username: env.ARIUser, Password: env.ARIPassword,
		Application: env.App, Logger: env.Logger})
	p, err := pbx.New(ctx, pbx.Options{Store: st, Client: client, Clock: env.Clock, Logger: env.Logger,
		Stream: ari.StreamOptions{Clock: clock.Real{}, MinBackoff: 400 * time.Millisecond, MaxBackoff: time.Second}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("a PBX did not stop within 10 s")
			}
			// The harness's proxy waits for every connection to close,
			// even an idle one that never carried a request.
			client.Close()
		})
	}
	t.Cleanup(stop)
	h.Eventually("the PBX to be ready", 30*time.Second, func() bool {
		select {
		case <-p.Engine().Ready():
			return true
		default:
			return false
		}
	})
	return p, stop
}

func TestCrashMidCallLeavesAnOpenRecordThatTheRestartClosesAndItsChannelsAreHungUp(t *testing.T) {
	exts := []string{"101", "102"}
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "pbx.db")
			st := openStoreAt(t, dsn, exts)
			// The PBX that crashes writes through its own handle on the
			// same database, so that dying can take its writes with it.
			doomedStore, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = doomedStore.Close() })
			h := harness.New(t, mode, harness.Options{Extensions: exts})
			ks, viaSwitch := newKillSwitch(t, h.Env().ARIURL)
			first, stopFirst := startPBX(t, h, doomedStore, viaSwitch)

			a, b := h.Phone("101"), h.Phone("102")
			a.Dial("102")
			b.WaitRinging()
			b.Answer()
			a.WaitAnswered()
			a.PlayTone(1000)
			b.HearsTone(1000)
			var rec *store.CallRecord
			h.Eventually("the call's record to be open and answered", 0, func() bool {
				page, err := st.Calls.Log(ctx, store.CallLogQuery{Extension: "101"})
				if err != nil || len(page.Calls) != 1 {
					return false
				}
				rec, err = st.Calls.Get(ctx, page.Calls[0].CallID)
				return err == nil && rec.AnsweredAt != nil
			})

			// The crash: Asterisk and the database vanish for the PBX at
			// once, then it is stopped; nothing it does on the way out
			// reaches either.
			ks.kill()
			if err := doomedStore.Close(); err != nil {
				t.Fatal(err)
			}
			stopFirst()
			if first.ActiveCalls() != 0 {
				t.Errorf("the crashed PBX still counts %d calls", first.ActiveCalls())
			}
			after, err := st.Calls.Get(ctx, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.State != store.CallOpen {
				t.Fatalf("the record is %s after the crash, want open (the crash was not one)", after.State)
			}
			if a.State() != "up" || b.State() != "up" {
				t.Fatalf("the call is %s/%s after the crash, want up on both phones", a.State(), b.State())
			}

			second, _ := startPBX(t, h, st, h.Env().ARIURL)
			closed, err := st.Calls.Get(ctx, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			if closed.State != store.CallClosed || closed.Disposition != store.DispAnswered || closed.EndedAt == nil {
				t.Errorf("after the restart the record is %s/%q (ended %v), want closed, answered, with an end",
					closed.State, closed.Disposition, closed.EndedAt)
			}
			a.WaitHungUp()
			b.WaitHungUp()
			h.Eventually("Asterisk to hold no channel or bridge and the new PBX no call", 0, func() bool {
				chans, err1 := h.ARI().Channels().List(h.Context())
				brs, err2 := h.ARI().Bridges().List(h.Context())
				return err1 == nil && err2 == nil && len(chans) == 0 && len(brs) == 0 && second.ActiveCalls() == 0
			})
			page, err := st.Calls.Log(ctx, store.CallLogQuery{Extension: "102"})
			if err != nil || len(page.Calls) != 1 {
				t.Fatalf("102's call log: %+v (%v), want the one call", page, err)
			}
		})
	}
}
