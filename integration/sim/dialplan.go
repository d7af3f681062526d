package sim

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DialplanFunc stands in for Asterisk's dialplan wherever a channel runs
// dialplan instead of Stasis: after POST /channels/{id}/continue or
// /redirect, for the second half of an originated Local channel, and for the
// contexts named in Options.DialplanContexts. It runs in its own goroutine;
// when it returns and the channel is neither in Stasis nor hung up, the
// channel hangs up (the dialplan ran out), running its hangup handlers.
type DialplanFunc func(ctx context.Context, ch *DialplanChannel)

// DialplanChannel is the handle a DialplanFunc drives a channel with. Its
// methods emit the events the matching dialplan applications raise.
type DialplanChannel struct {
	s    *Server
	c    *channel
	held bool // the server lock is held by the caller (hangup handlers)
}

// lock takes the server lock unless the caller holds it; the returned func
// releases what lock took.
func (d *DialplanChannel) lock() func() {
	if d.held {
		return func() {}
	}
	d.s.mu.Lock()
	return d.s.mu.Unlock
}

// ID is the channel's id.
func (d *DialplanChannel) ID() string { return d.c.id }

// Name is the channel's name (e.g. "Local/rx@faxtest-0000000c;2").
func (d *DialplanChannel) Name() string { return d.c.name }

// Context, Exten and Priority say where in the dialplan the channel is.
func (d *DialplanChannel) Context() string { return d.c.context }

// Exten is the extension the channel runs.
func (d *DialplanChannel) Exten() string { return d.c.exten }

// Var reads a channel variable.
func (d *DialplanChannel) Var(name string) string {
	defer d.lock()()
	return d.c.vars[name]
}

// Exec records the execution of a dialplan application (ChannelDialplan).
func (d *DialplanChannel) Exec(app, data string) {
	defer d.lock()()
	if d.c.hungUp && !d.held {
		return
	}
	d.c.appName, d.c.appData = app, data
	d.s.chanEvent(d.c, "ChannelDialplan", map[string]any{"dialplan_app": app, "dialplan_app_data": data})
}

// Answer runs Answer(): the channel (and a Local pair's other half) goes Up.
func (d *DialplanChannel) Answer() {
	d.Exec("Answer", "")
	defer d.lock()()
	d.s.answerChannelLocked(d.c)
}

// SetVar runs Set(name=value) (ChannelVarset).
func (d *DialplanChannel) SetVar(name, value string) {
	defer d.lock()()
	if !d.c.hungUp || d.held {
		d.s.setVarLocked(d.c, name, value)
	}
}

// UserEvent runs UserEvent(name,k: v,…) (ChannelUserevent).
func (d *DialplanChannel) UserEvent(name string, fields map[string]string) {
	defer d.lock()()
	ue := map[string]any{}
	for k, v := range fields {
		ue[k] = v
	}
	ue["eventname"] = name
	d.s.chanEvent(d.c, "ChannelUserevent", map[string]any{"eventname": name, "userevent": ue})
}

// PushHangupHandler runs h as a Gosub when the channel hangs up, however
// that happens (CHANNEL(hangup_handler_push)). h runs inside the hang-up: it
// may use Var, Exec, SetVar and UserEvent, but must not wait.
func (d *DialplanChannel) PushHangupHandler(h func(*DialplanChannel)) {
	defer d.lock()()
	d.c.handlers = append(d.c.handlers, h)
}

// Stasis returns the channel to the app with args.
func (d *DialplanChannel) Stasis(args ...string) error {
	defer d.lock()()
	app := d.s.appName()
	if a := d.s.apps[app]; !a.active() {
		return fmt.Errorf("stasis app %q not registered: %w", app, ErrNotFound)
	}
	d.c.dialplanActive = false
	d.s.enterStasisLocked(d.c, app, args, nil)
	return nil
}

// Wait waits dur on the simulator's clock (Wait()). Server.Settle knows
// about it: a hook blocked here counts as idle until the clock wakes it.
func (d *DialplanChannel) Wait(ctx context.Context, dur time.Duration) error {
	s := d.s
	done := make(chan struct{})
	s.mu.Lock()
	s.dpRunning--
	t := s.afterFunc(dur, func() {
		s.mu.Lock()
		s.dpRunning++
		s.mu.Unlock()
		close(done)
	})
	s.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		if t.Stop() {
			s.mu.Lock()
			s.dpRunning++
			s.mu.Unlock()
		} else {
			<-done
		}
		return fmt.Errorf("dialplan wait: %w", ctx.Err())
	}
}

// Signal raises a named flag other dialplan hooks can wait for with
// WaitSignal (two halves of a Local channel coordinating, for instance).
func (d *DialplanChannel) Signal(name string) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.s.dpSignals[name] = true
	d.s.notifyLocked()
}

// WaitSignal waits until Signal(name) has been raised.
func (d *DialplanChannel) WaitSignal(ctx context.Context, name string) error {
	return d.waitUntil(ctx, func() bool { return d.s.dpSignals[name] })
}

// waitUntil blocks the hook until cond (evaluated under the server lock)
// holds; while blocked the hook counts as idle for Settle, which also
// checks the pending conditions.
func (d *DialplanChannel) waitUntil(ctx context.Context, cond func() bool) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if cond() {
		return nil
	}
	s.dpRunning--
	s.dpWaiters[&cond] = cond
	defer func() {
		delete(s.dpWaiters, &cond)
		s.dpRunning++
	}()
	for !cond() {
		ch := s.changedChLocked()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			s.mu.Lock()
			return fmt.Errorf("dialplan wait: %w", ctx.Err())
		}
		s.mu.Lock()
	}
	return nil
}

// Hangup hangs the channel up with cause (Hangup(cause)): the soft hangup
// request, the hangup handlers (each a Gosub), ChannelDestroyed.
func (d *DialplanChannel) Hangup(cause int) {
	d.s.mu.Lock()
	if d.c.hungUp {
		d.s.mu.Unlock()
		return
	}
	if !d.c.dying {
		d.s.chanEvent(d.c, "ChannelHangupRequest", map[string]any{"cause": cause, "soft": true})
		d.c.dying = true
	}
	d.s.mu.Unlock()
	d.finish(cause)
}

// runHangupHandlersLocked runs c's hangup handlers as Gosubs: LOCAL(ARGC),
// the handler's applications, Return, ARGC and GOSUB_RETVAL (fax trace).
func (s *Server) runHangupHandlersLocked(c *channel) {
	hs := c.handlers
	c.handlers = nil
	d := &DialplanChannel{s: s, c: c, held: true}
	for _, h := range hs {
		s.setVarLocked(c, "LOCAL(ARGC)", "0")
		h(d)
		c.appName, c.appData = "Return", ""
		s.chanEvent(c, "ChannelDialplan", map[string]any{"dialplan_app": "Return", "dialplan_app_data": ""})
		s.setVarLocked(c, "ARGC", "")
		s.setVarLocked(c, "GOSUB_RETVAL", "")
	}
}

// finish ends a dialplan channel whose hangup was requested: STASISSTATUS
// of a channel that had left Stasis, hangup handlers, ChannelDestroyed.
func (d *DialplanChannel) finish(cause int) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.s.hangupLocked(d.c, hangupSpec{reqCause: cause, cause: cause, noRequest: true})
}

// Gone reports whether the channel has hung up.
func (d *DialplanChannel) Gone() bool {
	defer d.lock()()
	return d.c.hungUp
}

// runDialplanLocked hands c to the dialplan hook.
func (s *Server) runDialplanLocked(c *channel) {
	c.dialplanActive = true
	hook := s.opts.Dialplan
	d := &DialplanChannel{s: s, c: c}
	s.dpRunning++
	go func() {
		defer func() {
			s.mu.Lock()
			s.dpRunning--
			s.notifyLocked()
			s.mu.Unlock()
		}()
		if hook != nil {
			hook(context.Background(), d)
		}
		s.mu.Lock()
		done, dying := c.hungUp || c.inStasis, c.dying
		s.mu.Unlock()
		switch {
		case done:
		case dying:
			d.finish(16)
		default:
			d.Hangup(16)
		}
	}()
}

// continueLocked implements POST /channels/{id}/continue.
func (s *Server) continueLocked(c *channel, ctxName, exten string, priority int) error {
	if !c.inStasis {
		return fmt.Errorf("channel %q not in Stasis: %w", c.id, ErrConflict)
	}
	if ctxName != "" {
		c.context = ctxName
	}
	if exten != "" {
		c.exten = exten
	}
	if priority > 0 {
		c.priority = priority
	}
	if c.bridge != nil {
		s.removeFromBridgeLocked(c, false)
	}
	s.leaveStasisLocked(c)
	c.continued = true
	s.runDialplanLocked(c)
	return nil
}

// answerChannelLocked answers c; a Local half answers its partner too, and
// an originated Local ;1 then enters its app.
func (s *Server) answerChannelLocked(c *channel) {
	if c.state == StateUp {
		return
	}
	s.answerLocked(c)
	if p := c.localPeer; p != nil && p.state != StateUp {
		s.answerLocked(p)
		if p.dialed {
			s.emitLocked(ev{typ: "Dial", ch: p, fields: map[string]any{
				"dialstatus": "ANSWER", "forward": "", "dialstring": p.dialString, "peer": p.json()}})
		}
		if p.originApp != "" && !p.inStasis && !p.hungUp {
			s.enterStasisLocked(p, p.originApp, p.pendingArgs(), nil)
		}
	}
}

// newLocalPairLocked creates Local/<exten>@<context> ;1 (returned first) and ;2.
func (s *Server) newLocalPairLocked(id, spec, app string) (*channel, *channel, error) {
	dest := strings.TrimPrefix(spec, "Local/")
	dest, _, _ = strings.Cut(dest, "/")
	exten, ctxName, ok := strings.Cut(dest, "@")
	if !ok || exten == "" {
		return nil, nil, fmt.Errorf("local channel %q: %w", spec, ErrBadRequest)
	}
	if id == "" {
		id = s.newUniqueIDLocked()
	}
	base := "Local/" + dest + "-" + s.newNameSuffixLocked()
	l1 := s.newChannelLocked(id, base+";1", kindLocal)
	l2 := s.newChannelLocked(id+";2", base+";2", kindLocal)
	l1.localPeer, l2.localPeer = l2, l1
	l1.context, l1.exten = ctxName, exten
	l2.context, l2.exten = ctxName, exten
	s.channelCreatedLocked(l1)
	s.channelCreatedLocked(l2)
	l1.originApp, l2.originApp = app, ""
	l1.subscribe(app)
	l2.subscribe(app)
	return l1, l2, nil
}

// runLocalLocked starts the ;2 half of a Local pair in the dialplan.
func (s *Server) runLocalLocked(l1 *channel) {
	l2 := l1.localPeer
	l1.dialed = true
	l1.dialString = l1.exten + "@" + l1.context
	s.emitLocked(ev{typ: "Dial", ch: l1, fields: map[string]any{
		"dialstatus": "", "forward": "", "dialstring": l1.dialString, "peer": l1.json()}})
	l2.state = StateRing
	s.runDialplanLocked(l2)
}
