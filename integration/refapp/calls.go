package refapp

import (
	"context"
	"errors"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// phase is where a call stands.
type phase int

const (
	ringing     phase = iota // legs are being created or ring
	unavailable              // the prompt plays to the caller
	bridged                  // caller and callee talk
	ending                   // the app is tearing it down
)

func (p phase) String() string {
	return [...]string{"ringing", "unavailable", "bridged", "ending"}[p]
}

// call is one call from a phone to an extension.
type call struct {
	id       string
	caller   string // caller channel id
	callerNo string
	target   string
	legs     map[string]*leg // created legs by channel id
	causes   []int           // causes of failed legs
	winner   string
	bridge   string
	playback string
	phase    phase
	timer    clock.Timer
}

// leg is one created outgoing channel.
type leg struct {
	id       string
	endpoint string
	inStasis bool
}

// hangup hangs a channel up, logging failures other than "already gone".
func (a *App) hangup(ctx context.Context, c *call, chanID, reason string) {
	if err := a.c.Channels().Hangup(ctx, chanID, ari.ChannelHangupParams{Reason: reason}); err != nil && !errors.Is(err, ari.ErrNotFound) {
		a.logCall(c)("hangup failed", "channel", chanID, "reason", reason, "error", err)
	}
}

func (a *App) logCall(c *call) func(msg string, args ...any) {
	return func(msg string, args ...any) {
		a.log.Info(msg, append([]any{"call_id", c.id, "phase", c.phase.String()}, args...)...)
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// stasisStart handles a new caller or one of the app's own legs.
func (a *App) stasisStart(ctx context.Context, e *ari.StasisStart) {
	ch := e.Channel
	if len(e.Args) >= 2 && e.Args[0] == "dialed" {
		a.legInStasis(ctx, e.Args[1], ch.ID)
		return
	}
	if len(e.Args) < 2 || e.Args[0] != "phone" || !isDigits(e.Args[1]) {
		a.log.Info("not a call this app handles: hanging up", "channel", ch.ID, "args", e.Args)
		rctx, cancel := rest(ctx)
		defer cancel()
		_ = a.c.Channels().Hangup(rctx, ch.ID, ari.ChannelHangupParams{Reason: "normal"})
		return
	}
	c := &call{id: a.newID(), caller: ch.ID, callerNo: ch.Caller.Number, target: e.Args[1], legs: map[string]*leg{}}
	a.calls[c.id] = c
	a.byChan[ch.ID] = c
	a.setActive()
	log := a.logCall(c)
	log("call starts", "from", c.callerNo, "to", c.target)
	rctx, cancel := rest(ctx)
	defer cancel()
	if err := a.c.Channels().Ring(rctx, c.caller); err != nil {
		log("ring the caller failed", "error", err)
	}
	contacts := []string{"PJSIP/" + c.target}
	v, err := a.c.Channels().GetVariable(rctx, c.caller, ari.ChannelGetVariableParams{Variable: "PJSIP_DIAL_CONTACTS(" + c.target + ")"})
	if err == nil && strings.TrimSpace(v.Value) != "" {
		contacts = strings.Split(v.Value, "&")
	}
	for _, ep := range contacts {
		l := &leg{id: c.id + "-leg" + string(rune('a'+len(c.legs))), endpoint: ep}
		// Register the leg before the POST: its StasisStart may come first.
		c.legs[l.id] = l
		a.byChan[l.id] = c
		_, err := a.c.Channels().Create(rctx, ari.ChannelCreateParams{
			Endpoint: ep, App: a.appName, AppArgs: "dialed," + c.id, ChannelID: l.id, Originator: c.caller,
		})
		if err != nil {
			delete(c.legs, l.id)
			delete(a.byChan, l.id)
			log("create leg failed", "endpoint", ep, "error", err, "unavailable", errors.Is(err, ari.ErrUnavailable))
		}
	}
	if len(c.legs) == 0 {
		a.playUnavailable(ctx, c)
		return
	}
	id := c.id
	c.timer = a.clk.AfterFunc(a.o.RingTimeout, func() {
		select {
		case a.timers <- id:
		case <-ctx.Done():
		}
	})
	log("ringing", "legs", len(c.legs), "timeout", a.o.RingTimeout)
}

// legInStasis dials a created leg once it is in Stasis.
func (a *App) legInStasis(ctx context.Context, callID, chanID string) {
	c := a.calls[callID]
	rctx, cancel := rest(ctx)
	defer cancel()
	if c == nil || c.phase != ringing || c.legs[chanID] == nil {
		_ = a.c.Channels().Hangup(rctx, chanID, ari.ChannelHangupParams{Reason: "normal"})
		return
	}
	c.legs[chanID].inStasis = true
	if err := a.c.Channels().Dial(rctx, chanID, ari.ChannelDialParams{Caller: c.caller}); err != nil {
		a.logCall(c)("dial leg failed", "leg", chanID, "error", err)
		a.legFailed(ctx, c, chanID, 0)
	}
}

// legUp: the first leg to answer wins.
func (a *App) legUp(ctx context.Context, chanID string) {
	c := a.byChan[chanID]
	if c == nil || c.phase != ringing || c.legs[chanID] == nil {
		return
	}
	log := a.logCall(c)
	c.winner = chanID
	c.phase = bridged
	if c.timer != nil {
		c.timer.Stop()
	}
	rctx, cancel := rest(ctx)
	defer cancel()
	for id := range c.legs {
		if id != chanID {
			a.hangup(rctx, c, id, "answered_elsewhere")
		}
	}
	if err := a.c.Channels().Answer(rctx, c.caller); err != nil {
		log("answer the caller failed", "error", err)
	}
	c.bridge = c.id + "-br"
	if _, err := a.c.Bridges().CreateWithID(rctx, c.bridge, ari.BridgeCreateWithIDParams{Type: "mixing,dtmf_events"}); err != nil {
		log("create bridge failed", "error", err)
		a.endCall(ctx, c, "normal")
		return
	}
	if err := a.c.Bridges().AddChannel(rctx, c.bridge, ari.BridgeAddChannelParams{Channel: []string{c.caller, chanID}}); err != nil {
		log("add to bridge failed", "error", err)
		a.endCall(ctx, c, "normal")
		return
	}
	log("bridged", "callee", chanID, "bridge", c.bridge)
}

// channelGone handles the end of any of a call's channels (it may be
// reported up to three times: hangup request, StasisEnd, destroyed).
func (a *App) channelGone(ctx context.Context, chanID string, cause int) {
	c := a.byChan[chanID]
	if c == nil {
		return
	}
	delete(a.byChan, chanID)
	if chanID == c.caller {
		c.caller = ""
		a.logCall(c)("caller gone", "cause", cause)
		a.endCall(ctx, c, "normal")
		return
	}
	if c.phase == ringing {
		a.legFailed(ctx, c, chanID, cause)
		return
	}
	if chanID == c.winner {
		c.winner = ""
		a.logCall(c)("callee gone", "cause", cause)
		a.endCall(ctx, c, "normal")
		return
	}
	delete(c.legs, chanID)
}

// legFailed removes a leg that ended before answer; when none is left the
// caller hears why: busy (17) when a leg was busy or declined, no answer
// otherwise.
func (a *App) legFailed(ctx context.Context, c *call, chanID string, cause int) {
	if c.legs[chanID] == nil {
		return
	}
	delete(c.legs, chanID)
	delete(a.byChan, chanID)
	if cause != 0 {
		c.causes = append(c.causes, cause)
	}
	a.logCall(c)("leg failed", "leg", chanID, "cause", cause, "left", len(c.legs))
	if len(c.legs) > 0 {
		return
	}
	reason := "no_answer"
	for _, k := range c.causes {
		if k == 17 || k == 21 {
			reason = "busy"
		}
	}
	a.endCall(ctx, c, reason)
}

// ringTimeout ends a call nobody answered.
func (a *App) ringTimeout(ctx context.Context, id string) {
	c := a.calls[id]
	if c == nil || c.phase != ringing {
		return
	}
	a.logCall(c)("ring timeout", "after", a.o.RingTimeout)
	a.endCall(ctx, c, "no_answer")
}

// playUnavailable answers the caller and plays the prompt; the caller is
// hung up when it finishes.
func (a *App) playUnavailable(ctx context.Context, c *call) {
	c.phase = unavailable
	log := a.logCall(c)
	rctx, cancel := rest(ctx)
	defer cancel()
	if err := a.c.Channels().Answer(rctx, c.caller); err != nil {
		log("answer failed", "error", err)
	}
	c.playback = c.id + "-pb"
	a.byChan[c.playback] = c
	if _, err := a.c.Channels().PlayWithID(rctx, c.caller, c.playback, ari.ChannelPlayWithIDParams{Media: []string{"sound:" + a.o.UnavailablePrompt}}); err != nil {
		log("prompt failed", "error", err)
		a.endCall(ctx, c, "normal")
		return
	}
	log("unavailable: prompt plays", "prompt", a.o.UnavailablePrompt)
}

func (a *App) playbackFinished(ctx context.Context, id string) {
	c := a.byChan[id]
	if c == nil || c.playback != id {
		return
	}
	delete(a.byChan, id)
	a.endCall(ctx, c, "normal")
}

// endCall hangs up every channel left with reason (the caller's cause:
// busy 17, no_answer 19, normal 16), then destroys the bridge.
func (a *App) endCall(ctx context.Context, c *call, reason string) {
	if c.phase == ending {
		return
	}
	c.phase = ending
	if c.timer != nil {
		c.timer.Stop()
	}
	a.logCall(c)("call ends", "reason", reason)
	rctx, cancel := rest(ctx)
	defer cancel()
	for id := range c.legs {
		if id != c.winner {
			a.hangup(rctx, c, id, "normal")
		}
		delete(a.byChan, id)
	}
	if c.winner != "" {
		a.hangup(rctx, c, c.winner, "normal")
		delete(a.byChan, c.winner)
	}
	if c.caller != "" {
		a.hangup(rctx, c, c.caller, reason)
		delete(a.byChan, c.caller)
	}
	if c.bridge != "" {
		if err := a.c.Bridges().Destroy(rctx, c.bridge); err != nil && !errors.Is(err, ari.ErrNotFound) {
			a.logCall(c)("destroy bridge failed", "error", err)
		}
	}
	delete(a.byChan, c.playback)
	delete(a.calls, c.id)
	a.setActive()
}
