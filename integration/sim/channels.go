package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/switchboard-pbx/switchboard/ari"
	"sort"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Channel states as ARI names them.
const (
	StateDown    = "Down"
	StateRing    = "Ring"
	StateRinging = "Ringing"
	StateUp      = "Up"
)

type chanKind int

const (
	kindInbound    chanKind = iota // a phone's call that ran Stasis() from the dialplan
	kindCreated                    // POST /channels/create
	kindOriginated                 // POST /channels
	kindSnoop                      // POST /channels/{id}/snoop
	kindLocal                      // a Local/… half
)

// channel is the simulator's state for one Asterisk channel.
type channel struct {
	id, name, protocolID string
	kind                 chanKind
	state                string
	caller, connected    callerIDJSON
	indicated            callerIDJSON // the connected line last sent to the device (Asterisk drops equal updates)
	accountcode          string
	context, exten       string
	priority             int
	appName, appData     string
	created              time.Time
	language             string
	vars                 map[string]string
	reportVars           map[string]bool
	subs                 map[string]int

	inStasis   bool
	stasisApp  string
	originApp  string // app that created/originated it (keeps its subscription)
	everUp     bool
	hungUp     bool
	dialString string // endpoint resource after "PJSIP/"

	ep        *endpoint
	dev       *Device // the device this leg runs to or comes from
	call      *Call   // the device's view of this channel
	bridge    *bridge
	member    memberOpts
	dialed    bool
	dialTimer clock.Timer
	origTimer clock.Timer
	answerHdr bool // carries auto-answer (intercom/paging) headers

	muteIn, muteOut bool
	held            bool // on hold from the phone (re-INVITE sendonly)
	appHold         bool // on hold through POST /channels/{id}/hold
	wasBridged      bool
	moh             string // music class while MOH plays on the channel ("" = none)
	silence         bool
	ringback        bool

	playQueue []*playback
	rec       *liveRecording

	snoopOf        *channel
	spy, whisper   string
	snoops         []*channel
	zombies        []*channel // hung-up snoops still listed
	localPeer      *channel
	dialplanActive bool
	dying          bool        // hang-up requested, teardown pending (Local pairs)
	pendingHangup  *hangupSpec // a DELETE accepted, not yet acted on by the Stasis loop (hangup_pending.go)
	continued      bool        // left Stasis through continue: STASISSTATUS is set when its dialplan ends
	handlers       []func(*DialplanChannel)
}

// memberOpts are the per-membership bridge features of addChannel.
type memberOpts struct {
	absorbDTMF bool
	mute       bool
	role       string
}

func randomProtocolID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newChannelLocked creates a channel in state Down and registers it.
func (s *Server) newChannelLocked(id, name string, kind chanKind) *channel {
	if id == "" {
		id = s.newUniqueIDLocked()
	}
	c := &channel{
		id: id, name: name, kind: kind, state: StateDown, priority: 1,
		created: s.now(), language: "en", exten: "s", context: "default",
		vars: map[string]string{}, reportVars: map[string]bool{}, subs: map[string]int{},
	}
	s.channels[id] = c
	return c
}

// channelCreatedLocked raises ChannelCreated. Only apps subscribed to all
// channels (subscribeAll, eventSource channel:) see it: an app's own
// subscription to a channel it creates starts just after (no ChannelCreated
// in any trace).
func (s *Server) channelCreatedLocked(c *channel) {
	s.emitLocked(ev{typ: "ChannelCreated", ch: c, fields: map[string]any{"channel": c.json()}})
}

// json renders the channel as ARI does.
func (c *channel) json() channelJSON {
	out := channelJSON{
		ID: c.id, Name: c.name, State: c.state, ProtocolID: c.protocolID,
		Caller: c.caller, Connected: c.connected, AccountCode: c.accountcode,
		Dialplan: dialplanJSON{Context: c.context, Exten: c.exten, Priority: int64(c.priority),
			AppName: c.appName, AppData: c.appData},
		CreationTime: ari.NewDateTime(c.created.UTC()), Language: c.language,
	}
	if len(c.reportVars) > 0 {
		out.ChannelVars = map[string]string{}
		for k := range c.reportVars {
			out.ChannelVars[k] = c.vars[k]
		}
	}
	return out
}

func (s *Server) sortedChannelsLocked() []*channel {
	out := make([]*channel, 0, len(s.channels))
	for _, c := range s.channels {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].id < out[j].id
	})
	return out
}

// chanEvent emits an event about c, carrying c under "channel".
func (s *Server) chanEvent(c *channel, typ string, fields map[string]any) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["channel"] = c.json()
	s.emitLocked(ev{typ: typ, fields: fields, ch: c})
}

// indicateConnectedLocked sends c's connected line to its device, as
// Asterisk's indicate_connected_line does: an update equal to the one last
// indicated is dropped, and one sent while the call is up is a re-INVITE or
// UPDATE on a real phone. (ChannelConnectedLine events follow changes of
// the channel's connected line, indicated or not.)
func (s *Server) indicateConnectedLocked(c *channel) {
	if c.indicated == c.connected {
		return
	}
	c.indicated = c.connected
	if c.state == StateUp && c.call != nil {
		c.call.idUpdates++
	}
}

func (s *Server) setVarLocked(c *channel, name, value string) {
	c.vars[name] = value
	s.chanEvent(c, "ChannelVarset", map[string]any{"variable": name, "value": value})
}

func (s *Server) setStateLocked(c *channel, state string) {
	if c.state == state {
		return
	}
	c.state = state
	if state == StateUp {
		c.everUp = true
		if c.call != nil {
			c.call.answeredAs = c.connected
		}
	}
	s.chanEvent(c, "ChannelStateChange", nil)
	s.deviceStateChangedLocked(c.ep)
}

// enterStasisLocked puts c into app with args; replace names the channel c
// takes the place of (transfers).
func (s *Server) enterStasisLocked(c *channel, app string, args []string, replace *channel) {
	c.appName = "Stasis"
	c.appData = strings.Join(append([]string{app}, args...), ",")
	if len(args) == 0 {
		c.appData = app
	}
	c.inStasis = true
	c.stasisApp = app
	c.subscribe(app)
	if c.kind == kindCreated {
		s.chanEvent(c, "ChannelDialplan", map[string]any{"dialplan_app": "Stasis", "dialplan_app_data": c.appData})
	}
	if c.kind != kindSnoop && c.kind != kindInbound && c.subs[app] > 1 {
		// The app was subscribed before (create, originate): it sees the
		// Stasis application reset STASISSTATUS.
		s.setVarLocked(c, "STASISSTATUS", "")
	}
	if args == nil {
		args = []string{}
	}
	fields := map[string]any{"args": args}
	if replace != nil {
		fields["replace_channel"] = replace.json()
	}
	s.chanEvent(c, "StasisStart", fields)
}

// leaveStasisLocked emits StasisEnd and drops the Stasis subscription.
func (s *Server) leaveStasisLocked(c *channel) {
	if !c.inStasis {
		return
	}
	s.chanEvent(c, "StasisEnd", nil)
	c.inStasis = false
	c.unsubscribe(c.stasisApp)
}

// hangupSpec describes how a channel goes away: the ChannelHangupRequest it
// shows, and the final cause on ChannelDestroyed.
type hangupSpec struct {
	byApp      bool // DELETE /channels/{id}
	reqCause   int  // 0 with reqNoCause: no cause member
	reqNoCause bool
	reqSoft    bool
	reqTech    int
	noTail     bool // the app sees nothing after StasisEnd
	noRequest  bool // the ChannelHangupRequest was raised already
	cause      int
	tech       int
}

// hangupLocked ends c the way Asterisk does, event for event (see the traces
// busy, no_answer, call_dtmf_mixing, multi_contact, feature_code_dialled).
func (s *Server) hangupLocked(c *channel, h hangupSpec) {
	if c.hungUp {
		return
	}
	c.hungUp = true
	if c.dialTimer != nil {
		c.dialTimer.Stop()
	}
	if c.origTimer != nil {
		c.origTimer.Stop()
	}
	wasBridged := c.bridge != nil
	stasisApp := c.stasisApp
	wasInStasis := c.inStasis
	if c.everUp && c.kind != kindSnoop && c.kind != kindLocal && c.state == StateUp {
		s.rtpQoSVarsLocked(c)
	}
	req := map[string]any{}
	if !h.reqNoCause {
		req["cause"] = h.reqCause
	}
	if h.reqTech != 0 {
		req["tech_cause"] = h.reqTech
	}
	if h.reqSoft {
		req["soft"] = true
	}
	if !h.noRequest {
		s.chanEvent(c, "ChannelHangupRequest", req)
	}
	s.stopChannelMediaLocked(c)
	if c.bridge != nil {
		s.removeFromBridgeLocked(c, true)
	}
	for _, sn := range append([]*channel(nil), c.snoops...) {
		s.hangupLocked(sn, hangupSpec{reqCause: 16, cause: 16})
	}
	s.leaveStasisLocked(c)
	tail := !h.noTail
	if h.byApp && (c.kind == kindSnoop || (c.kind == kindInbound && c.state == StateUp && !wasBridged)) {
		// Asterisk: after DELETE of an unbridged channel the app may see
		// StasisEnd and nothing more (feature_code_dialled, voicemail_like,
		// media_ops' snoop).
		tail = false
	}
	if c.continued {
		// Stasis() returns only when the channel's dialplan ends (fax trace).
		c.continued = false
		s.setVarLocked(c, "STASISSTATUS", "SUCCESS")
	}
	if len(c.handlers) > 0 && !tail {
		s.runHangupHandlersLocked(c)
	}
	if tail {
		target := stasisApp
		if wasInStasis && c.kind != kindSnoop {
			c.vars["STASISSTATUS"] = "SUCCESS"
			s.emitTailLocked(c, target, "ChannelVarset", map[string]any{"variable": "STASISSTATUS", "value": "SUCCESS"})
		}
		if c.kind == kindInbound && wasInStasis {
			s.emitTailLocked(c, target, "ChannelHangupRequest", map[string]any{"cause": 16, "soft": true})
		}
		if len(c.handlers) > 0 {
			s.runHangupHandlersLocked(c)
		}
		c.appName, c.appData = "", ""
		d := map[string]any{"cause": h.cause, "cause_txt": CauseText(h.cause)}
		if h.tech != 0 {
			d["tech_cause"] = h.tech
		}
		s.emitTailLocked(c, target, "ChannelDestroyed", d)
	}
	if h.byApp && c.kind == kindSnoop && c.snoopOf != nil && !c.snoopOf.hungUp {
		// A snoop channel the app hung up stays listed by GET /channels
		// (media_ops) until the channel it snooped on goes away.
		c.snoopOf.zombies = append(c.snoopOf.zombies, c)
	} else {
		delete(s.channels, c.id)
	}
	for _, z := range c.zombies {
		delete(s.channels, z.id)
	}
	c.zombies = nil
	if c.ep != nil {
		delete(c.ep.chans, c)
	}
	if c.snoopOf != nil {
		c.snoopOf.snoops = removeChan(c.snoopOf.snoops, c)
	}
	if c.dev != nil {
		c.dev.channelGoneLocked(c, h.cause)
	}
	if c.localPeer != nil && !c.localPeer.hungUp {
		s.localPeerGoneLocked(c.localPeer)
	}
	s.deviceStateChangedLocked(c.ep)
	s.mediaChangedLocked()
}

// localPeerGoneLocked starts the teardown of a Local half whose partner hung
// up: Asterisk requests the hangup (cause 16) and takes it out of its bridge
// at once, but the channel lingers a moment, so that a DELETE the app sends
// right after still finds it (refer_blind trace). A half running dialplan
// finishes when its dialplan returns (fax trace: the hangup handler runs).
func (s *Server) localPeerGoneLocked(c *channel) {
	if c.dying {
		return
	}
	s.chanEvent(c, "ChannelHangupRequest", map[string]any{"cause": 16})
	c.dying = true
	if c.bridge != nil {
		s.removeFromBridgeLocked(c, true)
	}
	if c.dialplanActive {
		return
	}
	s.afterFunc(200*time.Millisecond, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.hangupLocked(c, hangupSpec{reqCause: 16, cause: 16, noRequest: true})
	})
}

// emitTailLocked emits an event of the hang-up tail: to every app still
// subscribed, and to the Stasis app the channel has just left.
func (s *Server) emitTailLocked(c *channel, app, typ string, fields map[string]any) {
	fields["channel"] = c.json()
	if app != "" && c.subs[app] == 0 {
		c.subs[app]++
		defer c.unsubscribe(app)
	}
	s.emitLocked(ev{typ: typ, fields: fields, ch: c})
}

// rtpQoSVarsLocked emits the RTCP summary variables chan_pjsip sets on an
// answered channel as it hangs up.
func (s *Server) rtpQoSVarsLocked(c *channel) {
	for _, v := range [][2]string{
		{"RTPAUDIOQOS", "ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000"},
		{"RTPAUDIOQOSJITTER", "minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;"},
		{"RTPAUDIOQOSLOSS", "minrxlost=000.000000;maxrxlost=000.000000;avgrxlost=000.000000;stdevrxlost=000.000000;mintxlost=000.000000;maxtxlost=000.000000;avgtxlost=000.000000;stdevtxlost=000.000000;"},
		{"RTPAUDIOQOSRTT", "minrtt=000.000000;maxrtt=000.000000;avgrtt=000.000000;stdevrtt=000.000000;"},
		{"RTPAUDIOQOSMES", "minrxmes=000.000000;maxrxmes=000.000000;avgrxmes=000.000000;stdevrxmes=000.000000;mintxmes=000.000000;maxtxmes=000.000000;avgtxmes=000.000000;stdevtxmes=000.000000;"},
	} {
		s.setVarLocked(c, v[0], v[1])
	}
}

func removeChan(list []*channel, c *channel) []*channel {
	for i, x := range list {
		if x == c {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// answerLocked answers c (app answer of an inbound call, or the far end
// answering an outbound leg).
func (s *Server) answerLocked(c *channel) {
	if c.state == StateUp {
		return
	}
	c.ringback = false
	s.setStateLocked(c, StateUp)
	if c.call != nil {
		c.call.answeredLocked()
	}
	s.mediaChangedLocked()
}

// getChannelLocked finds a channel or reports ErrNotFound.
func (s *Server) getChannelLocked(id string) (*channel, error) {
	c, ok := s.channels[id]
	if !ok || c.hungUp {
		return nil, fmt.Errorf("channel %q: %w", id, ErrNotFound)
	}
	return c, nil
}
