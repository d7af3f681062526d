package harness

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	"github.com/switchboard-pbx/switchboard/integration/harness/sipphone"
)

// providerHost is the loopback address the trunk's far end listens on in
// mode (b). Phones use 127.0.0.1; the trunk is identified by its source
// address (pjsip.conf's identify, endpoint_identifier_order ip first), so it
// needs an address of its own.
const providerHost = "127.0.0.2"

// startProvider starts the provider's user agent for trunk name and adds
// the trunk to the Asterisk parameters about to be rendered: a static
// trunk whose contact is the agent and whose identify matches its address.
// It runs inside asterisktest.Start's mutate, when the SIP port is known.
func (b *asteriskBackend) startProvider(p *asteriskconf.Params, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ph, err := sipphone.Start(ctx, sipphone.Config{
		User: "provider", BindHost: providerHost,
		Registrar: net.JoinHostPort(p.SIPBindAddr, strconv.Itoa(p.SIPUDPPort)),
		Logger:    b.log.With("device", "trunk "+name),
	})
	if err != nil {
		return fmt.Errorf("harness: trunk %s: provider: %w", name, err)
	}
	b.mu.Lock()
	b.phones = append(b.phones, ph)
	b.mu.Unlock()
	b.provider = ph
	p.Trunks = append(p.Trunks, asteriskconf.Trunk{Name: name, Host: providerHost, Port: ph.Port()})
	return nil
}

// trunk returns the provider started with the backend.
func (b *asteriskBackend) trunk(_ context.Context, _ *ari.Client, name string) (trunkDevice, error) {
	if b.provider == nil {
		return nil, fmt.Errorf("%w: trunk %s was not configured when Asterisk started", ErrUnsupported, name)
	}
	return &sipTrunk{sipDevice: sipDevice{p: b.provider}}, nil
}

// sipTrunk is the provider's user agent in mode (b).
type sipTrunk struct {
	sipDevice
}

func (t *sipTrunk) dialled() string {
	c := t.call()
	if c == nil || c.Outgoing() {
		return ""
	}
	return c.Dialled()
}

func (t *sipTrunk) callIn(ctx context.Context, did, callerNumber, callerName string) error {
	c, err := t.p.DialWith(ctx, did, sipphone.DialOptions{CallerNumber: callerNumber, CallerName: callerName})
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.last = c
	t.mu.Unlock()
	return nil
}
