// Package sipphone is a real SIP phone for the scenario harness's
// real-Asterisk mode, built on github.com/emiago/diago: it registers with
// digest auth over loopback UDP, places and takes calls (PCMU, RFC 4733 DTMF),
// plays tones, and records everything it hears so that tests can make
// assertions on the audio. A Phone carries one call at a time, as a desk phone
// without call waiting does.
package sipphone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Sentinel errors of the package.
var (
	// ErrNoCall means the phone has no call in the state the operation needs.
	ErrNoCall = errors.New("sipphone: no call in the needed state")
	// ErrBusy means the phone already carries a call.
	ErrBusy = errors.New("sipphone: phone already has a call")
	// ErrCallFailed means an outgoing call ended with a final error response.
	ErrCallFailed = errors.New("sipphone: call failed")
)

// Config describes one phone.
type Config struct {
	// User is the SIP user: the PJSIP endpoint, auth username and number.
	User string
	// Password is the digest password.
	Password string
	// Registrar is the PBX's SIP address, host:port (UDP).
	Registrar string
	// BindHost is the local address to listen on (default 127.0.0.1).
	BindHost string
	// Port is the local SIP port (0: a free one). A SIP trunk's far end
	// needs a port known before the PBX starts.
	Port int
	// Register makes the phone register at start and keep registering.
	Register bool
	// Expiry is the registration lifetime asked for (default 120 s).
	Expiry time.Duration
	// Logger receives the phone's logs (default slog.Default()).
	Logger *slog.Logger
}

// Phone is one SIP user agent. Create it with Start; Close it at the end.
type Phone struct {
	cfg    Config
	log    *slog.Logger
	ua     *sipgo.UserAgent
	dg     *diago.Diago
	port   int
	cancel context.CancelFunc

	closeOnce sync.Once

	mu      sync.Mutex
	call    *Call
	changed chan struct{} // closed and replaced on every change of p.call
}

// Start creates the phone, starts listening for calls and, with
// cfg.Register, registers before it returns.
func Start(ctx context.Context, cfg Config) (*Phone, error) {
	if cfg.BindHost == "" {
		cfg.BindHost = "127.0.0.1"
	}
	if cfg.Expiry == 0 {
		cfg.Expiry = 120 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	port := cfg.Port
	if port == 0 {
		var err error
		if port, err = FreeUDPPort(cfg.BindHost); err != nil {
			return nil, err
		}
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(cfg.User), sipgo.WithUserAgentHostname(cfg.BindHost))
	if err != nil {
		return nil, fmt.Errorf("sipphone %s: user agent: %w", cfg.User, err)
	}
	log := cfg.Logger.With("phone", cfg.User, "sip_port", port)
	dg := diago.NewDiago(ua,
		diago.WithLogger(log),
		diago.WithTransport(diago.Transport{Transport: "udp", BindHost: cfg.BindHost, BindPort: port}),
		diago.WithAuth(sipgo.DigestAuth{Username: cfg.User, Password: cfg.Password}),
		// PCMU only: the recorder decodes µ-law, and tones are sent as µ-law.
		diago.WithMediaConfig(diago.MediaConfig{Codecs: []media.Codec{media.CodecAudioUlaw, media.CodecTelephoneEvent8000}}),
	)
	runCtx, cancel := context.WithCancel(context.Background())
	p := &Phone{cfg: cfg, log: log, ua: ua, dg: dg, port: port, cancel: cancel, changed: make(chan struct{})}
	if err := dg.ServeBackground(runCtx, p.serveIncoming); err != nil {
		cancel()
		_ = ua.Close()
		return nil, fmt.Errorf("sipphone %s: listen: %w", cfg.User, err)
	}
	// ServeBackground may return before the socket is bound; a request sent
	// meanwhile would make sipgo bind the same port itself and fail.
	if err := waitBound(ctx, ua, cfg.BindHost, port); err != nil {
		p.Close()
		return nil, fmt.Errorf("sipphone %s: %w", cfg.User, err)
	}
	if cfg.Register {
		if err := p.register(ctx, runCtx); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// register sends the first REGISTER (with digest auth) and keeps the
// registration fresh in the background until the phone closes.
func (p *Phone) register(ctx, runCtx context.Context) error {
	var uri sip.Uri
	if err := sip.ParseUri("sip:"+p.cfg.User+"@"+p.cfg.Registrar, &uri); err != nil {
		return fmt.Errorf("sipphone %s: registrar uri: %w", p.cfg.User, err)
	}
	tx, err := p.dg.RegisterTransaction(runCtx, uri, diago.RegisterOptions{
		Username: p.cfg.User, Password: p.cfg.Password, Expiry: p.cfg.Expiry,
	})
	if err != nil {
		return fmt.Errorf("sipphone %s: register: %w", p.cfg.User, err)
	}
	if err := tx.Register(ctx); err != nil {
		return fmt.Errorf("sipphone %s: register: %w", p.cfg.User, err)
	}
	go func() {
		if err := tx.QualifyLoop(runCtx); err != nil && runCtx.Err() == nil {
			p.log.Warn("re-registration stopped", "error", err)
		}
	}()
	return nil
}

// User reports the phone's SIP user.
func (p *Phone) User() string { return p.cfg.User }

// Port reports the local SIP port.
func (p *Phone) Port() int { return p.port }

// Close hangs up any call and stops the phone; it may be called again.
func (p *Phone) Close() {
	p.closeOnce.Do(func() {
		if c := p.Current(); c != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = c.Hangup(ctx)
			cancel()
		}
		p.cancel()
		_ = p.ua.Close()
	})
}

// Current reports the phone's call, or nil.
func (p *Phone) Current() *Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.call
}

// WaitCall waits until the phone has a call (an incoming one rings, or an
// outgoing one was placed) and returns it.
func (p *Phone) WaitCall(ctx context.Context) (*Call, error) {
	for {
		p.mu.Lock()
		c, ch := p.call, p.changed
		p.mu.Unlock()
		if c != nil {
			return c, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("sipphone %s: no call arrived: %w", p.cfg.User, ctx.Err())
		}
	}
}

func (p *Phone) setCall(c *Call) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c != nil && p.call != nil {
		return false
	}
	p.call = c
	close(p.changed)
	p.changed = make(chan struct{})
	return true
}

// clearCall forgets c once it ended, so that the next call can come.
func (p *Phone) clearCall(c *Call) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.call == c {
		p.call = nil
		close(p.changed)
		p.changed = make(chan struct{})
	}
}

// DialOptions tune DialWith.
type DialOptions struct {
	// CallerNumber and CallerName, when set, make the From header
	// "CallerName" <sip:CallerNumber@BindHost>, as a provider presents its
	// caller; by default From carries the phone's user.
	CallerNumber, CallerName string
}

// Dial places a call to number at the registrar. It returns once the INVITE
// is under way; the call's progress is observed on the returned Call.
func (p *Phone) Dial(ctx context.Context, number string) (*Call, error) {
	return p.DialWith(ctx, number, DialOptions{})
}

// DialWith is Dial with a caller id of the caller's choosing.
func (p *Phone) DialWith(ctx context.Context, number string, o DialOptions) (*Call, error) {
	var uri sip.Uri
	if err := sip.ParseUri("sip:"+number+"@"+p.cfg.Registrar, &uri); err != nil {
		return nil, fmt.Errorf("sipphone %s: dial %q: %w", p.cfg.User, number, err)
	}
	d, err := p.dg.NewDialog(uri, diago.NewDialogOptions{})
	if err != nil {
		return nil, fmt.Errorf("sipphone %s: dial %q: %w", p.cfg.User, number, err)
	}
	c := newCall(p, true, number)
	c.cli = d
	c.from = o
	if !p.setCall(c) {
		_ = d.Close()
		return nil, ErrBusy
	}
	go c.runOutgoing(number)
	return c, nil
}

// serveIncoming is diago's handler for one incoming INVITE; the call lives as
// long as this function runs.
func (p *Phone) serveIncoming(d *diago.DialogServerSession) {
	from := d.InviteRequest.From()
	callerID := ""
	name := ""
	if from != nil {
		callerID = from.Address.User
		name = from.DisplayName
	}
	c := newCall(p, false, callerID)
	c.callerName = name
	c.dialled = d.InviteRequest.Recipient.User
	c.srv = d
	if !p.setCall(c) {
		_ = d.Respond(sip.StatusBusyHere, "Busy Here", nil)
		return
	}
	defer p.clearCall(c)
	c.runIncoming()
}

// FreeUDPPort reports a UDP port on host that was free a moment ago.
func FreeUDPPort(host string) (int, error) {
	conn, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("sipphone: free udp port: %w", err)
	}
	defer conn.Close()
	_, port, err := net.SplitHostPort(conn.LocalAddr().String())
	if err != nil {
		return 0, fmt.Errorf("sipphone: free udp port: %w", err)
	}
	return strconv.Atoi(port)
}

// waitBound waits until the user agent's transport layer holds the
// listening socket on host:port.
func waitBound(ctx context.Context, ua *sipgo.UserAgent, host string, port int) error {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	for {
		if c, err := ua.TransportLayer().GetConnection("udp", addr); err == nil && c != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("listener on %s did not come up: %w", addr, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}
