package sipphone

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// State is where a call stands.
type State int

// The states of a call, in the order they are reached.
const (
	// Calling: an outgoing INVITE has no provisional answer yet.
	Calling State = iota
	// Ringing: the call alerts (180/183 out, or an incoming INVITE).
	Ringing
	// Up: the call is answered and media flows.
	Up
	// Ended: the call is over; see Call.Ending.
	Ended
)

func (s State) String() string {
	switch s {
	case Calling:
		return "calling"
	case Ringing:
		return "ringing"
	case Up:
		return "up"
	default:
		return "ended"
	}
}

// Ending tells how a call ended.
type Ending struct {
	// ByRemote is true when the other side ended the call (BYE, CANCEL or a
	// final error response), false when this phone did.
	ByRemote bool
	// Status is the SIP final status of a call that never came up (486, 480,
	// 487 …), 0 for a call that was answered and then ended with BYE.
	Status int
	// Reason is the SIP reason phrase, or "BYE".
	Reason string
}

// Cause reports the Q.850 cause Asterisk maps to this ending: 16 for a BYE,
// 17 for 486, 19 for 480, 21 for 403/603, 1 for 404, 34 for 503, 127
// otherwise.
func (e Ending) Cause() int {
	switch e.Status {
	case 0:
		return 16
	case 486, 600:
		return 17
	case 480, 408:
		return 19
	case 403, 603:
		return 21
	case 404:
		return 1
	case 503:
		return 34
	case 487:
		return 16
	default:
		return 127
	}
}

type decision struct {
	answer bool
	status int
}

// Call is a phone's one call, incoming or outgoing.
type Call struct {
	p          *Phone
	outgoing   bool
	remote     string // the number dialled, or the caller's number
	callerName string
	dialled    string      // an incoming call's Request-URI user
	from       DialOptions // an outgoing call's caller id
	cli        *diago.DialogClientSession
	srv        *diago.DialogServerSession

	decide   chan decision
	hangupCh chan struct{}
	hangOnce sync.Once
	cancelMu sync.Mutex
	cancel   context.CancelFunc

	mu           sync.Mutex
	state        State
	end          Ending
	autoAnswered bool
	shown        [2]string // name, number: the connected party an outgoing call's responses named
	changed      chan struct{}
	media        *mediaIO
}

func newCall(p *Phone, outgoing bool, remote string) *Call {
	return &Call{
		p: p, outgoing: outgoing, remote: remote,
		decide: make(chan decision, 1), hangupCh: make(chan struct{}),
		changed: make(chan struct{}),
	}
}

// Outgoing reports whether this phone placed the call.
func (c *Call) Outgoing() bool { return c.outgoing }

// CallerID reports the caller's number (From user) of an incoming call, or
// the dialled number of an outgoing one.
func (c *Call) CallerID() string { return c.remote }

// CallerName reports the display name of an incoming call's From header.
func (c *Call) CallerName() string { return c.callerName }

// Dialled reports the user part of an incoming INVITE's Request-URI: the
// number the caller asked for (what a SIP trunk's provider receives).
func (c *Call) Dialled() string { return c.dialled }

// State reports the call's state.
func (c *Call) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Ending reports how the call ended (zero until it did).
func (c *Call) Ending() Ending {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.end
}

func (c *Call) setState(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state >= s {
		return
	}
	c.state = s
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *Call) setEnded(e Ending) {
	c.p.clearCall(c) // the phone is free before anyone learns the call ended
	c.mu.Lock()
	if c.state == Ended {
		c.mu.Unlock()
		return
	}
	c.end = e
	c.state = Ended
	close(c.changed)
	c.changed = make(chan struct{})
	m := c.media
	c.mu.Unlock()
	if m != nil {
		m.stop()
	}
	c.p.log.Info("call ended", "remote", c.remote, "by_remote", e.ByRemote, "status", e.Status, "reason", e.Reason)
}

// WaitState waits until the call has reached at least s and reports the
// state it is in.
func (c *Call) WaitState(ctx context.Context, s State) (State, error) {
	for {
		c.mu.Lock()
		cur, ch := c.state, c.changed
		c.mu.Unlock()
		if cur >= s {
			return cur, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return cur, fmt.Errorf("sipphone %s: call still %s, waited for %s: %w", c.p.cfg.User, cur, s, ctx.Err())
		}
	}
}

// WaitUp waits until the call is answered; it fails with ErrCallFailed when
// the call ends first.
func (c *Call) WaitUp(ctx context.Context) error {
	st, err := c.WaitState(ctx, Up)
	if err != nil {
		return err
	}
	if st == Ended {
		e := c.Ending()
		return fmt.Errorf("%w: ended with %d %s", ErrCallFailed, e.Status, e.Reason)
	}
	return nil
}

// WaitEnded waits for the end of the call and reports how it ended.
func (c *Call) WaitEnded(ctx context.Context) (Ending, error) {
	if _, err := c.WaitState(ctx, Ended); err != nil {
		return Ending{}, err
	}
	return c.Ending(), nil
}

// Answer answers an incoming call that rings.
func (c *Call) Answer(ctx context.Context) error {
	if c.outgoing || c.State() != Ringing {
		return fmt.Errorf("%w: answer needs a ringing incoming call", ErrNoCall)
	}
	select {
	case c.decide <- decision{answer: true}:
	default:
		return fmt.Errorf("%w: call already answered or rejected", ErrNoCall)
	}
	return c.WaitUp(ctx)
}

// Reject refuses an incoming call that rings with the SIP status given
// (486 Busy Here, 603 Decline …).
func (c *Call) Reject(ctx context.Context, status int) error {
	if c.outgoing || c.State() != Ringing {
		return fmt.Errorf("%w: reject needs a ringing incoming call", ErrNoCall)
	}
	select {
	case c.decide <- decision{status: status}:
	default:
		return fmt.Errorf("%w: call already answered or rejected", ErrNoCall)
	}
	_, err := c.WaitEnded(ctx)
	return err
}

// Hangup ends the call: BYE when up, CANCEL while an outgoing call rings,
// 486 for an incoming call that was not answered.
func (c *Call) Hangup(ctx context.Context) error {
	if c.State() == Ended {
		return nil
	}
	c.hangOnce.Do(func() { close(c.hangupCh) })
	c.cancelMu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.cancelMu.Unlock()
	_, err := c.WaitEnded(ctx)
	return err
}

func (c *Call) hangupRequested() bool {
	select {
	case <-c.hangupCh:
		return true
	default:
		return false
	}
}

// runOutgoing drives an outgoing call from INVITE to its end.
func (c *Call) runOutgoing(number string) {
	defer c.p.clearCall(c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.cancelMu.Lock()
	c.cancel = cancel
	c.cancelMu.Unlock()
	if c.hangupRequested() {
		c.setEnded(Ending{Status: 487, Reason: "Request Terminated"})
		return
	}
	onResponse := func(res *sip.Response) error {
		c.noteIdentity(res)
		if res.StatusCode == 180 || res.StatusCode == 183 {
			c.setState(Ringing)
		}
		return nil
	}
	opts := diago.InviteClientOptions{
		Username: c.p.cfg.User, Password: c.p.cfg.Password,
		OnResponse: onResponse, EarlyMediaDetect: true,
	}
	if c.from.CallerNumber != "" || c.from.CallerName != "" {
		num := c.from.CallerNumber
		if num == "" {
			num = c.p.cfg.User
		}
		opts.WithCaller(c.from.CallerName, num, c.p.cfg.BindHost)
	}
	med, err := c.cli.Invite(ctx, opts)
	early := false
	if errors.Is(err, diago.ErrClientEarlyMedia) {
		// 183 with SDP: record the early media (prompts, ringback) too
		early = true
		c.setState(Ringing)
		c.startMedia(med)
		err = c.cli.WaitAnswer(ctx, med, sipgo.AnswerOptions{
			Username: c.p.cfg.User, Password: c.p.cfg.Password, OnResponse: onResponse,
		})
	}
	if err != nil {
		c.failOutgoing(err)
		return
	}
	if c.cli.InviteResponse != nil {
		c.noteIdentity(c.cli.InviteResponse)
	}
	if err := c.cli.Ack(ctx); err != nil {
		c.p.log.Warn("ack failed", "error", err)
	}
	if !early {
		c.startMedia(med)
	}
	c.setState(Up)
	select {
	case <-c.cli.Context().Done():
		c.setEnded(Ending{ByRemote: true, Reason: "BYE"})
	case <-c.hangupCh:
		byeCtx, byeCancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.cli.Hangup(byeCtx); err != nil {
			c.p.log.Warn("bye failed", "error", err)
		}
		byeCancel()
		c.setEnded(Ending{Reason: "BYE"})
	}
	_ = c.cli.Close()
}

func (c *Call) failOutgoing(err error) {
	defer c.cli.Close()
	var resErr *sipgo.ErrDialogResponse
	switch {
	case errors.As(err, &resErr):
		c.setEnded(Ending{ByRemote: !c.hangupRequested(), Status: resErr.Res.StatusCode, Reason: resErr.Res.Reason})
	case c.hangupRequested():
		c.setEnded(Ending{Status: 487, Reason: "Request Terminated"})
	default:
		c.p.log.Warn("invite failed", "error", err)
		c.setEnded(Ending{ByRemote: true, Status: 500, Reason: err.Error()})
	}
}

// runIncoming drives an incoming call: it rings until the test answers or
// rejects it, the caller cancels, or the test hangs up.
func (c *Call) runIncoming() {
	d := c.srv
	_ = d.Trying()
	if err := d.Ringing(); err != nil {
		c.p.log.Warn("180 failed", "error", err)
	}
	c.setState(Ringing)
	if autoAnswerRequested(d.InviteRequest) {
		// Intercom and paging: the phone answers by itself, as desk phones
		// do for Call-Info answer-after=0, Alert-Info autoanswer or
		// Answer-Mode: Auto.
		c.mu.Lock()
		c.autoAnswered = true
		c.mu.Unlock()
		c.decide <- decision{answer: true}
	}
	select {
	case <-d.Context().Done():
		c.setEnded(Ending{ByRemote: true, Status: 487, Reason: "CANCEL"})
		return
	case <-c.hangupCh:
		_ = d.Respond(sip.StatusBusyHere, "Busy Here", nil)
		c.setEnded(Ending{Status: 486, Reason: "Busy Here"})
		return
	case dec := <-c.decide:
		if !dec.answer {
			if err := d.Respond(dec.status, statusText(dec.status), nil); err != nil {
				c.p.log.Warn("reject failed", "error", err)
			}
			c.setEnded(Ending{Status: dec.status, Reason: statusText(dec.status)})
			return
		}
	}
	med, err := d.Answer(diago.AnswerOptions{})
	if err != nil {
		c.p.log.Warn("answer failed", "error", err)
		c.setEnded(Ending{ByRemote: true, Status: 500, Reason: err.Error()})
		return
	}
	c.startMedia(med)
	c.setState(Up)
	select {
	case <-d.Context().Done():
		c.setEnded(Ending{ByRemote: true, Reason: "BYE"})
	case <-c.hangupCh:
		byeCtx, byeCancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := d.Hangup(byeCtx); err != nil {
			c.p.log.Warn("bye failed", "error", err)
		}
		byeCancel()
		c.setEnded(Ending{Reason: "BYE"})
	}
}

func statusText(status int) string {
	switch status {
	case 486:
		return "Busy Here"
	case 480:
		return "Temporarily Unavailable"
	case 603:
		return "Decline"
	case 403:
		return "Forbidden"
	default:
		return "Rejected"
	}
}

// AutoAnswered reports whether the phone answered the call by itself because
// the INVITE asked it to (intercom, paging).
func (c *Call) AutoAnswered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.autoAnswered
}

// autoAnswerRequested reports whether an INVITE carries one of the
// auto-answer headers phones honour.
func autoAnswerRequested(req *sip.Request) bool {
	if req == nil {
		return false
	}
	for _, h := range req.GetHeaders("Call-Info") {
		if strings.Contains(strings.ToLower(h.Value()), "answer-after=0") {
			return true
		}
	}
	for _, h := range req.GetHeaders("Alert-Info") {
		if strings.Contains(strings.ToLower(h.Value()), "autoanswer") {
			return true
		}
	}
	for _, h := range req.GetHeaders("Answer-Mode") {
		if strings.EqualFold(strings.TrimSpace(h.Value()), "auto") {
			return true
		}
	}
	return false
}

// noteIdentity keeps the connected party a provisional or final response to
// the call's INVITE names in P-Asserted-Identity (as Asterisk sends it with
// send_pai): what a phone's display shows for the far end.
func (c *Call) noteIdentity(res *sip.Response) {
	if res.StatusCode < 180 || res.StatusCode >= 300 {
		return
	}
	h := res.GetHeader("p-asserted-identity")
	if h == nil {
		return
	}
	var uri sip.Uri
	name, err := sip.ParseAddressValue(h.Value(), &uri, nil)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.shown = [2]string{name, uri.User}
	c.mu.Unlock()
}

// Connected reports the far party an outgoing call's phone shows: the name
// and number of the last P-Asserted-Identity in a 18x or 2xx response to
// its INVITE (empty before one came).
func (c *Call) Connected() (name, number string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shown[0], c.shown[1]
}
