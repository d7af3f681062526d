package sim

import (
	"fmt"
	"github.com/switchboard-pbx/switchboard/ari"
	"sort"
	"strings"
	"time"
)

// bridge is the simulator's state for one ARI bridge. Bridges outlive their
// calls until DELETE /bridges/{id}.
type bridge struct {
	id, name   string
	holding    bool
	nativeOK   bool // plain "mixing": two PJSIP legs are bridged natively
	created    time.Time
	members    []*channel
	subs       map[string]int
	moh        string
	playQueue  []*playback
	rec        *liveRecording
	lastNative bool
}

// parseBridgeType applies the types in order as res_stasis does: "mixing"
// enables native bridging, "dtmf_events"/"proxy_media" clear it again.
func parseBridgeType(t string) (holding, nativeOK bool, err error) {
	if t == "" {
		t = "mixing"
	}
	mixing := false
	for _, part := range strings.Split(t, ",") {
		switch strings.TrimSpace(part) {
		case "mixing":
			mixing, nativeOK = true, true
		case "holding":
			holding = true
		case "dtmf_events", "proxy_media":
			nativeOK = false
		case "video_sfu", "video_single", "sdp_label":
		default:
			return false, false, fmt.Errorf("bridge type %q: %w", part, ErrBadRequest)
		}
	}
	if holding && mixing || !holding && !mixing {
		return false, false, fmt.Errorf("bridge type %q cannot be created: %w", t, ErrBadRequest)
	}
	return holding, nativeOK, nil
}

func (b *bridge) technology() string {
	switch {
	case b.holding:
		return "holding_bridge"
	case len(b.members) > 2:
		return "softmix"
	}
	return "simple_bridge"
}

func (b *bridge) json() bridgeJSON {
	return b.jsonTech(b.technology())
}

func (b *bridge) jsonTech(tech string) bridgeJSON {
	out := bridgeJSON{ID: b.id, Technology: tech, BridgeType: "mixing", BridgeClass: "stasis",
		Creator: "Stasis", Name: b.name, Channels: []string{}, CreationTime: ari.NewDateTime(b.created.UTC()), VideoMode: "talker"}
	if b.holding {
		out.BridgeType = "holding" // video_mode stays "talker" (hold_moh_states)
	}
	for _, c := range b.members {
		out.Channels = append(out.Channels, c.id)
	}
	return out
}

// native reports whether the bridge currently relays RTP natively between
// two PJSIP legs, bypassing mute flags and DTMF events (paging_one_way,
// call_dtmf_mixing traces).
func (b *bridge) native() bool {
	if !b.nativeOK || len(b.members) != 2 || b.moh != "" || b.rec != nil || len(b.playQueue) > 0 {
		return false
	}
	for _, c := range b.members {
		if c.kind == kindSnoop || c.kind == kindLocal || c.muteIn || c.muteOut || len(c.snoops) > 0 || c.state != StateUp {
			return false
		}
	}
	return true
}

func (s *Server) sortedBridgesLocked() []*bridge {
	out := make([]*bridge, 0, len(s.bridges))
	for _, b := range s.bridges {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].created.Equal(out[j].created) {
			return out[i].created.Before(out[j].created)
		}
		return out[i].id < out[j].id
	})
	return out
}

func (s *Server) getBridgeLocked(id string) (*bridge, error) {
	b, ok := s.bridges[id]
	if !ok {
		return nil, fmt.Errorf("bridge %q: %w", id, ErrNotFound)
	}
	return b, nil
}

// createBridgeLocked implements POST /bridges; app is the requesting app (the
// caller of the REST API is subscribed through its channels).
func (s *Server) createBridgeLocked(id, typ, name string) (*bridge, error) {
	if id == "" {
		id = randomProtocolID()
	}
	if _, ok := s.bridges[id]; ok {
		return nil, fmt.Errorf("bridge with id '%s' already exists: %w", id, ErrConflict)
	}
	holding, nativeOK, err := parseBridgeType(typ)
	if err != nil {
		return nil, err
	}
	b := &bridge{id: id, name: name, holding: holding, nativeOK: nativeOK, created: s.now(), subs: map[string]int{}}
	s.bridges[id] = b
	return b, nil
}

// addToBridgeLocked implements addChannel for one channel.
func (s *Server) addToBridgeLocked(b *bridge, c *channel, opts memberOpts, afterEnter ...func()) {
	if c.bridge == b {
		c.member = opts
		return
	}
	if c.bridge != nil {
		s.removeFromBridgeLocked(c, false)
	}
	s.stopChannelMediaForBridgeLocked(c)
	b.members = append(b.members, c)
	c.bridge = b
	c.member = opts
	c.wasBridged = true
	if c.inStasis {
		// A Stasis channel entering subscribes its app to the bridge.
		b.subs[c.stasisApp]++
	}
	s.emitLocked(ev{typ: "ChannelEnteredBridge", ch: c, br: b, fields: map[string]any{
		"bridge": b.json(), "channel": c.json()}})
	for _, f := range afterEnter {
		f()
	}
	if len(b.members) == 2 && !b.holding {
		a, z := b.members[0], b.members[1]
		if a.kind != kindSnoop && z.kind != kindSnoop {
			s.bridgePeerVarsLocked(a, z)
			s.bridgePeerVarsLocked(z, a)
		}
		for _, pair := range [][2]*channel{{z, a}, {a, z}} {
			me, peer := pair[0], pair[1]
			// Asterisk's bridge_reconfigured_connected_line_update: each
			// is told the other's caller id (sent to the phone unless equal
			// to what it was last told: indicateConnectedLocked).
			if opts.inhibitCL() || peer.caller.Number == "" {
				continue
			}
			if me.connected != peer.caller {
				me.connected = peer.caller
				s.chanEvent(me, "ChannelConnectedLine", nil)
			}
			s.indicateConnectedLocked(me)
		}
	}
	b.lastNative = b.native()
	s.mediaChangedLocked()
}

func (o memberOpts) inhibitCL() bool { return o.role == "inhibit-cl" }

func (s *Server) bridgePeerVarsLocked(c, peer *channel) {
	s.setVarLocked(c, "BRIDGEPEER", peer.name)
	s.setVarLocked(c, "BRIDGEPVTCALLID", peer.protocolID)
}

// removeFromBridgeLocked takes c out of its bridge with ChannelLeftBridge.
func (s *Server) removeFromBridgeLocked(c *channel, hangingUp bool) {
	b := c.bridge
	if b == nil {
		return
	}
	tech := b.technology()
	if b.native() {
		tech = "native_rtp"
	}
	if len(b.members) == 2 && !b.holding && c.kind != kindSnoop && hangingUp {
		s.setVarLocked(c, "BRIDGEPEER", "")
		s.setVarLocked(c, "BRIDGEPVTCALLID", "")
	}
	for i, m := range b.members {
		if m == c {
			b.members = append(b.members[:i:i], b.members[i+1:]...)
			break
		}
	}
	c.bridge = nil
	c.member = memberOpts{}
	s.emitLocked(ev{typ: "ChannelLeftBridge", ch: c, br: b, fields: map[string]any{
		"bridge": b.jsonTech(tech), "channel": c.json()}})
	if !hangingUp && c.stasisApp != "" && b.subs[c.stasisApp] > 0 {
		// Asterisk drops the app's bridge subscription when a channel is
		// removed, not when it hangs up in the bridge: so BridgeDestroyed
		// reaches the app for b1 in call_dtmf_mixing but not for park-41 in
		// hold_moh_states.
		b.subs[c.stasisApp]--
	}
	s.mediaChangedLocked()
}

// destroyBridgeLocked implements DELETE /bridges/{id}.
func (s *Server) destroyBridgeLocked(b *bridge) {
	for _, c := range append([]*channel(nil), b.members...) {
		s.removeFromBridgeLocked(c, false)
	}
	for _, p := range append([]*playback(nil), b.playQueue...) {
		s.stopPlaybackLocked(p)
	}
	if b.rec != nil {
		s.finishRecordingLocked(b.rec, "done")
	}
	delete(s.bridges, b.id)
	s.emitLocked(ev{typ: "BridgeDestroyed", br: b, fields: map[string]any{"bridge": b.json()}})
	s.mediaChangedLocked()
}
