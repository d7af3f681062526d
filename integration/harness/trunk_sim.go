package harness

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// observerApp is the harness's own Stasis application in mode (a): it is
// subscribed to every channel to read the dial strings of trunk calls.
const observerApp = "harness-trunk-observer"

// trunk makes the provider's side of trunk name on the simulator: the
// endpoint (context from-trunk, origin "trunk") is created through ARI
// dynamic configuration, and a device registers for it so that
// "PJSIP/<number>@<name>" reaches it. The number a call was sent to is read
// from the Dial event's dial string ("<number>@<name>"), which an observer
// application subscribed to all channels receives.
func (b *simBackend) trunk(ctx context.Context, c *ari.Client, name string) (trunkDevice, error) {
	objs := []struct {
		typ    string
		fields []ari.ConfigTuple
	}{
		{"aor", []ari.ConfigTuple{{Attribute: "contact", Value: "sip:127.0.0.2:5060"}}},
		{"endpoint", []ari.ConfigTuple{{Attribute: "context", Value: "from-trunk"}, {Attribute: "aors", Value: name}}},
	}
	for _, o := range objs {
		if _, err := c.Asterisk().UpdateObject(ctx, "res_pjsip", o.typ, name, ari.AsteriskUpdateObjectParams{Fields: o.fields}); err != nil {
			return nil, fmt.Errorf("harness: simulator trunk %s %s: %w", o.typ, name, err)
		}
	}
	// The simulator reaches a device only while it is registered: that
	// stands for the static contact of a real trunk's AOR.
	d := b.s.Phone(name).Device("provider")
	d.Send("")
	if err := d.Register(""); err != nil {
		return nil, fmt.Errorf("harness: simulator trunk %s: %w", name, err)
	}
	t := &simTrunk{simDevice: simDevice{d: d, fake: b.fake}, name: name, numbers: map[string]string{}}
	if err := t.observe(ctx, b.env(), b.log); err != nil {
		return nil, err
	}
	return t, nil
}

// simTrunk is the provider's device on the simulator.
type simTrunk struct {
	simDevice
	name string
	stop context.CancelFunc

	mu      sync.Mutex
	numbers map[string]string // trunk channel id -> number dialled
}

// observe starts the observer application (until close) and waits until
// its WebSocket is up and subscribed.
func (t *simTrunk) observe(ctx context.Context, env AppEnv, log *slog.Logger) error {
	c := ari.New(ari.Options{BaseURL: env.ARIURL, Username: env.ARIUser, Password: env.ARIPassword,
		Application: observerApp, Logger: log})
	st := c.NewStream(ari.StreamOptions{Clock: clock.Real{}, EventSources: []string{"channel:"}, QueueSize: 1024})
	runCtx, cancel := context.WithCancel(context.Background())
	t.stop = cancel
	go func() { _ = st.Run(runCtx) }()
	connected := make(chan struct{})
	go func() {
		first := true
		for ev := range st.Events() {
			switch e := ev.(type) {
			case *ari.StreamConnected:
				if first {
					first = false
					close(connected)
				}
			case *ari.Dial:
				if num, ep, ok := strings.Cut(e.Dialstring, "@"); ok && ep == t.name && num != "" {
					t.mu.Lock()
					t.numbers[e.Peer.ID] = num
					t.mu.Unlock()
				}
			}
		}
	}()
	select {
	case <-connected:
		return nil
	case <-ctx.Done():
		cancel()
		return fmt.Errorf("harness: trunk observer did not connect: %w", ctx.Err())
	}
}

func (t *simTrunk) dialled() string {
	c := t.call()
	if c == nil || !c.Incoming() {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.numbers[c.ChannelID()]
}

func (t *simTrunk) callIn(_ context.Context, did, callerNumber, callerName string) error {
	_, err := t.d.DialWith(did, sim.DialOptions{CallerNumber: callerNumber, CallerName: callerName})
	return err
}

func (t *simTrunk) close() {
	t.simDevice.close()
	if t.stop != nil {
		t.stop()
	}
}
